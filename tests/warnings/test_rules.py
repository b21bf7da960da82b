"""Each rule fires on a small hand-built fixture, and not just below its threshold; the scan
raises nothing twice."""

import datetime as dt

import pytest

from outpost.cases.models import Card
from outpost.fieldwork.models import Checklist, Hazard, Inspection
from outpost.geo.models import Grid
from outpost.registry.checks import refresh_house_flags
from outpost.registry.models import Person
from outpost.warnings.models import EarlyWarning
from outpost.warnings.scan import scan
from tests.conftest import Persona
from tests.warnings.conftest import (
    NOW,
    days_ago,
    make_address,
    make_case,
    make_house,
    make_person,
    red_card,
)

pytestmark = pytest.mark.django_db


def raised(rule: str) -> list[EarlyWarning]:
    return list(EarlyWarning.objects.filter(rule=rule))


def test_it_warns_of_three_disputes_at_one_address_within_30_days(home_grid: Grid) -> None:
    here, there = make_address(home_grid, "a1"), make_address(home_grid, "a2")
    cases = [make_case(home_grid, days_ago(d), address=here) for d in (1, 10, 29)]
    make_case(home_grid, days_ago(2), address=there)
    make_case(home_grid, days_ago(3), address=there)
    make_case(home_grid, days_ago(31), address=there)  # outside the window: two within it
    scan(NOW)
    (warning,) = raised("recurring_dispute")
    assert (warning.subject_kind, warning.subject_id) == ("address", here.pk)
    assert {e["id"] for e in warning.evidence} == {c.pk for c in cases}
    assert (warning.unit_kind, warning.unit_code) == ("grid", home_grid.code)
    assert warning.params["n"] == 3


def test_it_does_not_count_other_categories_as_disputes(home_grid: Grid) -> None:
    here = make_address(home_grid, "a3")
    for d in (1, 2, 3):
        make_case(home_grid, days_ago(d), address=here, subtype="0301")
    scan(NOW)
    assert raised("recurring_dispute") == []


def test_it_warns_of_one_party_in_three_disputes(home_grid: Grid) -> None:
    party, other = make_person(home_grid, "p1"), make_person(home_grid, "p2")
    for d in (1, 5, 20):
        make_case(home_grid, days_ago(d)).parties.add(party)
    for d in (1, 5):
        make_case(home_grid, days_ago(d)).parties.add(other)
    scan(NOW)
    (warning,) = raised("recurring_dispute")
    assert (warning.subject_kind, warning.subject_id) == ("person", party.pk)


def test_it_warns_of_a_case_reworked_twice_while_open(home_grid: Grid) -> None:
    twice = make_case(home_grid, days_ago(5), rework_count=2)
    make_case(home_grid, days_ago(5), rework_count=1)
    make_case(home_grid, days_ago(5), rework_count=3, state="closed")
    scan(NOW)
    (warning,) = raised("reworked_case")
    assert warning.subject_id == twice.pk and warning.params["reworks"] == 2


def test_it_warns_of_a_red_card_to_the_street(home_grid: Grid) -> None:
    late = make_case(home_grid, days_ago(10))
    red_card(late, days_ago(1))
    yellow = make_case(home_grid, days_ago(10))
    Card.objects.create(
        case=yellow, color="yellow", clock="handle", deadline=NOW, issued_at=days_ago(1)
    )
    old = make_case(home_grid, days_ago(30))
    red_card(old, days_ago(8))  # before the rule's week
    scan(NOW)
    (warning,) = raised("red_card")
    assert warning.subject_id == late.pk
    assert (warning.unit_kind, warning.unit_code) == ("street", home_grid.code[:9] + "000")
    assert warning.level == "red"


def _care_subject(grid: Grid, key: str, registered_days_ago: int) -> Person:
    person = make_person(grid, key, care_tags="残疾人")  # visited every 30 days
    Person.objects.filter(pk=person.pk).update(created_at=days_ago(registered_days_ago))
    return person


def test_it_warns_of_a_care_subject_not_visited_a_week_past_due(home_grid: Grid) -> None:
    late = _care_subject(home_grid, "c1", 40)  # due 10 days ago
    _care_subject(home_grid, "c2", 36)  # due 6 days ago: within the week's grace
    scan(NOW)
    (warning,) = raised("unvisited_care")
    assert warning.subject_id == late.pk and warning.params["late_days"] == 10


def _hazard(grid: Grid, officer: Persona, rectify_by: dt.date, passed: bool | None) -> Hazard:
    checklist = Checklist.objects.create(
        code=f"t{rectify_by:%m%d}{passed}", version=1, name="消防检查", subject="organisation",
        subtype="0301", items=[{"code": "F1", "text": "灭火器"}],
    )  # fmt: skip
    inspection = Inspection.objects.create(
        checklist=checklist, grid_code=grid.code, beat_code=grid.main_beat.code,  # type: ignore[union-attr]
        inspector=officer.user, started_at=days_ago(20), completed_at=days_ago(20),
    )  # fmt: skip
    case = make_case(grid, days_ago(20), subtype="0301")
    return Hazard.objects.create(
        inspection=inspection, item_code="F1", case=case, rectify_by=rectify_by,
        recheck_passed=passed,
    )  # fmt: skip


def test_it_warns_of_a_rectification_past_its_deadline(home_grid: Grid, officer: Persona) -> None:
    today = NOW.date()
    late = _hazard(home_grid, officer, today - dt.timedelta(days=3), None)
    _hazard(home_grid, officer, today + dt.timedelta(days=1), None)
    _hazard(home_grid, officer, today - dt.timedelta(days=3), True)  # re-check passed
    scan(NOW)
    (warning,) = raised("overdue_rectification")
    assert warning.subject_id == late.pk
    assert (warning.unit_kind, warning.unit_code) == ("beat", home_grid.main_beat.code)  # type: ignore[union-attr]
    assert [e["kind"] for e in warning.evidence] == ["inspection", "case"]


@pytest.mark.parametrize(("this_week", "fires"), [(5, True), (4, False)])
def test_it_warns_of_a_grid_rising_above_its_baseline(
    home_grid: Grid, this_week: int, fires: bool
) -> None:
    for week in range(1, 9):  # one case a week for eight weeks: mean 1, sd 0
        make_case(home_grid, days_ago(7 * week + 1), subtype="0301")
    for n in range(this_week):
        make_case(home_grid, days_ago(1 + n / 10), subtype="0301")
    scan(NOW)
    found = raised("rising_trend")
    assert bool(found) is fires
    if fires:
        assert found[0].params == {"n": 5, "baseline": 1.0}
        assert found[0].subject_kind == "grid"


def test_it_does_not_warn_of_a_grid_that_is_always_busy(home_grid: Grid) -> None:
    for week in range(0, 9):
        for n in range(4 + week % 3 * 2):  # 4, 6, 8 a week, this week 4
            make_case(home_grid, days_ago(7 * week + 1 + n / 10), subtype="0301")
    scan(NOW)
    assert raised("rising_trend") == []


@pytest.mark.parametrize(("occupants", "fires"), [(5, True), (4, False)])
def test_it_warns_of_a_house_the_registry_flags_as_a_group_rental(
    home_grid: Grid, occupants: int, fires: bool
) -> None:
    house = make_house(home_grid, f"h{occupants}", area_m2=20.0, occupants=occupants)
    refresh_house_flags(house.address_id)  # the registry's own rule: under 5 m² each
    scan(NOW)
    found = raised("group_rental")
    assert bool(found) is fires
    if fires:
        assert found[0].subject_id == house.pk and found[0].unit_kind == "beat"


def test_it_raises_nothing_twice(home_grid: Grid) -> None:
    here = make_address(home_grid, "i1")
    for d in (1, 2, 3):
        make_case(home_grid, days_ago(d), address=here)
    red_card(make_case(home_grid, days_ago(9), rework_count=2), days_ago(1))
    first = scan(NOW)
    assert first["recurring_dispute"] == 1 and first["red_card"] == 1
    again = scan(NOW + dt.timedelta(hours=1))
    assert sum(again.values()) == 0
    make_case(home_grid, days_ago(0.5), address=here)  # a fourth: still the same open warning
    assert scan(NOW + dt.timedelta(hours=2))["recurring_dispute"] == 0
    assert EarlyWarning.objects.filter(rule="recurring_dispute").count() == 1
