import datetime as dt

import pytest

from outpost.assessment import periods
from outpost.assessment.stats import percentile


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-11", dt.date(2026, 11, 1), dt.date(2026, 12, 1)),
        ("2026-12", dt.date(2026, 12, 1), dt.date(2027, 1, 1)),
        ("2026-Q4", dt.date(2026, 10, 1), dt.date(2027, 1, 1)),
        ("2026", dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
        ("2026-10-08_2026-11-07", dt.date(2026, 10, 8), dt.date(2026, 11, 8)),
    ],
)
def test_it_reads_months_quarters_years_and_ranges(text: str, start: dt.date, end: dt.date) -> None:
    period = periods.parse(text)
    assert (period.start, period.end, period.key) == (start, end, text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026-13",
        "2026-Q5",
        "26",
        "2026-11-08_2026-11-01",
        "2020-01-01_2026-01-01",
        "x",
        "２０２６",
    ],
)
def test_it_refuses_what_names_no_period(text: str) -> None:
    with pytest.raises(periods.BadPeriod):
        periods.parse(text)


def test_it_offers_recent_periods_newest_first() -> None:
    offered = periods.choices(dt.date(2026, 2, 15))
    assert offered[:3] == ["2026-02", "2026-01", "2025-12"]
    assert offered[12:16] == ["2026-Q1", "2025-Q4", "2025-Q3", "2025-Q2"]
    assert offered[-2:] == ["2026", "2025"]


def test_it_interpolates_percentiles_like_postgresql() -> None:
    assert percentile([], 0.5) is None
    assert percentile([3.0], 0.9) == 3.0
    assert percentile([10, 1, 6, 2], 0.5) == 4.0
    assert percentile([10, 1, 6, 2], 0.9) == pytest.approx(8.8)
