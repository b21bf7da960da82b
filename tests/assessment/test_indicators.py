"""Every shipped indicator computed on the small world of conftest.py, by hand: November 2026,
the home grid (and its beat and station for 110 calls), as the whole installation sees it."""

from fractions import Fraction

import pytest

from outpost.assessment import periods, queries
from outpost.assessment.catalogue import INDICATORS
from tests.assessment.conftest import PERIOD, World

pytestmark = pytest.mark.django_db

NOVEMBER = periods.parse(PERIOD)


def figure(code: str, kind: str, unit: str) -> queries.Figure:
    found = queries.compute(INDICATORS[code], kind, NOVEMBER, queries.everything)
    return next(f for f in found if f.code == unit)


# (indicator, numerator, denominator): see conftest.py for the rows.
RATES = [
    ("case_closure", 3, 4),  # c1 c2 c7 done of c1 c2 c3 c7 (c4 rejected, c5 October)
    ("case_on_time", 2, 3),  # c1 c7 completed by their deadline, c2 after it
    ("satisfaction", 1, 2),  # c1 satisfied, c2 not; the others unrated
    ("dispute_resolution", 1, 2),  # disputes done: c1 mediated, c2 not
    ("rework", 1, 3),  # c2 reopened, of the done c1 c2 c7
    ("collection_accuracy", 2, 3),  # e1 e2 verified, e3 returned (e4 pending, e5 October)
    ("floating_registration", 1, 3),  # f1 registered; f2 never, f3 in December; f4 left
    ("rental_filing", 1, 2),  # h1 filed, h2 not (h3 vacant)
    ("care_visit_coverage", 1, 2),  # k1 visited in November, k2 in December
    ("rental_visit_coverage", 1, 2),  # h2 visited, h1 not
    ("inspection_pass", 1, 2),  # i1 clean, i2 found a hazard (i3 open)
    ("instruction_on_time", 1, 3),  # n1 on time; n2 never, n3 late (n4 due in December)
]


@pytest.mark.parametrize(("code", "num", "den"), RATES)
def test_it_computes_each_rate_by_hand(world: World, code: str, num: int, den: int) -> None:
    found = figure(code, "grid", world.home.code)
    assert (found.numerator, found.denominator) == (num, den)
    assert found.value == pytest.approx(float(Fraction(num, den)))


def test_it_computes_the_110_diversion_rate_per_beat_and_station(world: World) -> None:
    beat = world.home.main_beat
    assert beat is not None
    for kind, code in (("beat", beat.code), ("station", beat.code[:9] + "000")):
        found = figure("diversion_110", kind, code)
        assert (found.numerator, found.denominator) == (2, 3)  # a1 a2 diverted, a3 kept


# Durations in hours (c1, c2, c3, c7): sign-on 2, 6, 1, 10; handling 72, 120, —, 24.
STATISTICS = [
    ("sign_on_median", 4, 4.0),  # (2 + 6) / 2
    ("sign_on_p90", 4, 8.8),  # rank 2.7 of 1 2 6 10: 6 + 0.7 × 4
    ("handling_median", 3, 72.0),
    ("handling_p90", 3, 110.4),  # rank 1.8 of 24 72 120: 72 + 0.8 × 48
]


@pytest.mark.parametrize(("code", "n", "hours"), STATISTICS)
def test_it_computes_each_duration_by_hand(world: World, code: str, n: int, hours: float) -> None:
    found = figure(code, "grid", world.home.code)
    assert (found.numerator, found.denominator) == (n, n)
    assert found.value == pytest.approx(hours)


def test_it_sums_a_community_and_a_street_from_their_grids(world: World) -> None:
    community = figure("case_closure", "community", world.home.code[:12])
    street = figure("case_closure", "street", world.home.code[:9] + "000")
    assert (community.numerator, community.denominator) == (3, 4)
    assert (street.numerator, street.denominator) == (3, 4)


def test_it_assesses_a_worker_on_what_they_collected(world: World, grid_worker) -> None:
    found = figure("collection_accuracy", "worker", str(grid_worker.user.pk))
    assert (found.numerator, found.denominator) == (1, 2)  # e1 verified, e3 returned
    assert found.name == grid_worker.user.display_name


def test_it_ranks_the_worst_unit_first(world: World) -> None:
    found = queries.compute(INDICATORS["case_closure"], "grid", NOVEMBER, queries.everything)
    assert [f.code for f in found] == [world.home.code, world.other.code]  # 75% before 100%
    assert [f.shown for f in found] == ["75.0%", "100.0%"]


def test_it_counts_nothing_outside_the_period(world: World) -> None:
    october = periods.parse("2026-10")
    found = queries.compute(INDICATORS["diversion_110"], "beat", october, queries.everything)
    assert [(f.numerator, f.denominator) for f in found] == [(0, 1)]  # a4 only


@pytest.mark.parametrize("code", sorted(c for c, i in INDICATORS.items() if i.is_rate))
def test_it_splits_the_denominator_into_counted_and_not(world: World, code: str) -> None:
    indicator = INDICATORS[code]
    kind = "beat" if code == "diversion_110" else "grid"
    unit = world.home.main_beat.code if kind == "beat" else world.home.code  # type: ignore[union-attr]
    parts = {}
    for part in queries.PARTS:
        rows = queries.drill(indicator, kind, unit, NOVEMBER, queries.everything, part)
        parts[part] = set(rows.values_list("pk", flat=True))
    found = figure(code, kind, unit)
    assert len(parts["den"]) == found.denominator
    assert len(parts["num"]) == found.numerator
    assert parts["missing"] == parts["den"] - parts["num"]
    assert parts["num"] <= parts["den"]


def test_it_names_the_rows_not_counted(world: World) -> None:
    missing = queries.drill(
        INDICATORS["case_on_time"], "grid", world.home.code, NOVEMBER, queries.everything, "missing"
    )
    assert [row.case for row in missing] == [world.cases["c2"]]
