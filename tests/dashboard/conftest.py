"""A small world of cases around today, in the home grid and one grid of another street, whose
figures are worked out by hand in test_figures.py. Rows are written directly (not through the
services) so they can be placed on chosen days with chosen states."""

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from outpost.accounts.roles import Role
from outpost.cases.models import Card, Case, CaseAssignment, Sensitivity, SubType
from outpost.cases.taxonomy import load_taxonomy
from outpost.geo.models import Grid
from tests.conftest import OTHER_GRID, Persona, _persona

COUNTER = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_taxonomy()


def days_ago(n: int, hour: int = 9) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=n)
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return min(at, timezone.now() - dt.timedelta(minutes=1))


def make_case(
    grid: Grid,
    reported: dt.datetime,
    state: str,
    *,
    source: str = "grid_patrol",
    subtype: str = "0101",
    rating: str = "",
    overdue: bool = False,
    unit: bool = False,
    red: bool = False,
    police_only: bool = False,
) -> Case:
    n = next(COUNTER)
    past = timezone.now() - dt.timedelta(hours=1)
    due = past if overdue else timezone.now() + dt.timedelta(days=3)
    case = Case.objects.create(
        number=f"D{n:08d}",
        tracking_code=f"DT{n:08d}",
        source=source,
        subtype=SubType.objects.get(code=subtype),
        title=f"看板事件{n}",
        state=state,
        reported_at=reported,
        sign_on_due=due if state == "dispatched" else None,
        handle_due=due if state == "handling" else None,
        rating=rating,
        sensitivity=Sensitivity.POLICE_ONLY if police_only else Sensitivity.INTERNAL,
        grid_code=grid.code,
        beat_code=grid.main_beat.code if grid.main_beat else "",
    )
    if unit:
        CaseAssignment.objects.create(
            case=case,
            unit_kind="grid",
            unit_code=grid.code,
            unit_name=grid.name,
            assigned_at=reported,
        )
    if red:
        Card.objects.create(case=case, color="red", clock="sign_on", deadline=past, issued_at=past)
    return case


@dataclass
class World:
    home: Grid
    other: Grid
    cases: dict[str, Case]


@pytest.fixture
def world(home_grid: Grid) -> World:
    """In the home grid (the commander's street):
    a  today        grid patrol  0101  reported
    b  today        110          0102  handling, overdue, with the grid
    c  3 days ago   resident     0201  closed, satisfied
    d  10 days ago  12345        0101  closed, unsatisfied
    e  3 days ago   reporter     0201  dispatched, overdue, red card, with the grid
    f  today        110          0101  reported, police-only
    g  40 days ago  grid patrol  0101  closed
    In another street: h  today  grid patrol  0101  reported."""
    other = Grid.objects.select_related("main_beat").get(code=OTHER_GRID)
    h = home_grid
    cases = {
        "a": make_case(h, days_ago(0), "reported"),
        "b": make_case(
            h, days_ago(0), "handling", source="110", subtype="0102", overdue=True, unit=True
        ),
        "c": make_case(
            h, days_ago(3), "closed", source="resident", subtype="0201", rating="satisfied"
        ),
        "d": make_case(h, days_ago(10), "closed", source="12345", rating="unsatisfied"),
        "e": make_case(
            h,
            days_ago(3),
            "dispatched",
            source="reporter",
            subtype="0201",
            overdue=True,
            unit=True,
            red=True,
        ),
        "f": make_case(h, days_ago(0), "reported", source="110", police_only=True),
        "g": make_case(h, days_ago(40), "closed"),
        "h": make_case(other, days_ago(0), "reported"),
    }
    return World(h, other, cases)


@pytest.fixture
def far_commander(db: None) -> Persona:
    """The street commander of the other grid's street."""
    return _persona("far_commander_p", Role.STREET_COMMANDER, OTHER_GRID[:9] + "000")
