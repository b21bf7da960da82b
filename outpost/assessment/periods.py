"""Assessment periods: a month (2026-11), a quarter (2026-Q4), a year (2026) or an explicit range
of days (2026-10-08_2026-11-07, both ends included). A period is the half-open span of local
days [start, end): figures count what happened from the start of `start` to the start of `end`
in the server's time zone (Asia/Shanghai)."""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext

MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.ASCII)
YEAR = re.compile(r"^(\d{4})$", re.ASCII)
RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})$", re.ASCII)
MAX_DAYS = 3 * 366  # longer spans are refused: no assessment spans more than three years


class BadPeriod(ValueError):
    """The text names no period."""


@dataclass(frozen=True)
class Period:
    key: str  # as written in URLs and the API
    start: dt.date  # first day
    end: dt.date  # the day after the last

    @property
    def starts_at(self) -> dt.datetime:
        return _midnight(self.start)

    @property
    def ends_at(self) -> dt.datetime:
        return _midnight(self.end)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def parse(text: str) -> Period:
    """The period `text` names (BadPeriod when it names none)."""
    text = text.strip()
    try:
        return _parse(text)
    except (ValueError, OverflowError) as error:
        raise BadPeriod(text) from error


def _parse(text: str) -> Period:
    if m := MONTH.match(text):
        start = dt.date(int(m[1]), int(m[2]), 1)
        return Period(text, start, _add_months(start, 1))
    if m := QUARTER.match(text):
        start = dt.date(int(m[1]), 3 * int(m[2]) - 2, 1)
        return Period(text, start, _add_months(start, 3))
    if m := YEAR.match(text):
        start = dt.date(int(m[1]), 1, 1)
        return Period(text, start, dt.date(start.year + 1, 1, 1))
    if m := RANGE.match(text):
        first, last = dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])
        end = last + dt.timedelta(days=1)
        if not first < end or (end - first).days > MAX_DAYS:
            raise ValueError(text)
        return Period(text, first, end)
    raise ValueError(text)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


def this_month(today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    return parse(f"{today:%Y-%m}")


def choices(today: dt.date | None = None) -> list[str]:
    """The periods the picker offers: the last twelve months, the last four quarters and the
    last two years, newest first."""
    today = today or timezone.localdate()
    month = dt.date(today.year, today.month, 1)
    months = [f"{_add_months(month, -n):%Y-%m}" for n in range(12)]
    quarter = (today.month - 1) // 3
    quarters = []
    for n in range(4):
        index = today.year * 4 + quarter - n
        quarters.append(f"{index // 4}-Q{index % 4 + 1}")
    return months + quarters + [str(today.year), str(today.year - 1)]


ASSESSED = (MONTH, QUARTER, YEAR)  # the periods a scheme is assessed over (not day ranges)


def assessed(text: str) -> Period:
    """A month, quarter or year (BadPeriod for a range of days or no period at all)."""
    text = text.strip()
    if not any(p.match(text) for p in ASSESSED):
        raise BadPeriod(text)
    return parse(text)


def previous(key: str) -> str:
    """The period before a month, quarter or year of the same length: 2026-01 → 2025-12,
    2026-Q1 → 2025-Q4, 2026 → 2025."""
    if m := MONTH.match(key):
        return f"{_add_months(dt.date(int(m[1]), int(m[2]), 1), -1):%Y-%m}"
    if m := QUARTER.match(key):
        index = int(m[1]) * 4 + int(m[2]) - 2
        return f"{index // 4}-Q{index % 4 + 1}"
    if m := YEAR.match(key):
        return str(int(m[1]) - 1)
    raise BadPeriod(key)


def worded(key: str) -> str:
    """2026-11 → 2026年11月, 2026-Q4 → 2026年第4季度, 2026 → 2026年 (titles of exports)."""
    if m := MONTH.match(key):
        return gettext("%(year)s, month %(month)s") % {"year": m[1], "month": int(m[2])}
    if m := QUARTER.match(key):
        return gettext("%(year)s, quarter %(quarter)s") % {"year": m[1], "quarter": m[2]}
    return gettext("year %(year)s") % {"year": key}
