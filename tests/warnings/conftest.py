"""Small hand-built records for the warning rules: rows written directly so they can sit on
chosen days (the services stamp the clock)."""

import datetime as dt
import itertools
from typing import Any

import pytest
from django.utils import timezone

from outpost.cases.models import Card, Case, SubType
from outpost.cases.taxonomy import load_taxonomy
from outpost.geo.models import Grid
from outpost.registry.models import AddressLevel, House, Person, StandardAddress
from tests.fieldwork.conftest import id_number

COUNTER = itertools.count(1)
NOW = timezone.make_aware(dt.datetime(2026, 11, 30, 12))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_taxonomy()


@pytest.fixture(autouse=True)
def only_this_tests_records(db: None) -> None:
    """Other suites load a real registry into the session's database (tests/registry: people
    with care tags, houses the back-end checks flag as group rentals). The rules would rightly
    warn of those too; each test here counts the warnings its own records raise, so inside its
    transaction (rolled back after) those marks are taken off the session's rows."""
    House.objects.exclude(flags=[]).update(flags=[])
    Person.objects.exclude(care_tags="").update(care_tags="")


def days_ago(n: float) -> dt.datetime:
    return NOW - dt.timedelta(days=n)


def place(grid: Grid) -> dict[str, str]:
    return {"grid_code": grid.code, "beat_code": grid.main_beat.code if grid.main_beat else ""}


def make_address(grid: Grid, key: str) -> StandardAddress:
    return StandardAddress.objects.create(
        code=f"WA-{key}", level=AddressLevel.ROOM, community_code=grid.code[:12], road="中山路",
        door_no="1号", room=key, full_text=f"中山路1号{key}室", lon=118.77, lat=32.06,
        **place(grid),
    )  # fmt: skip


def make_case(
    grid: Grid,
    reported: dt.datetime,
    *,
    subtype: str = "0101",
    state: str = "handling",
    address: StandardAddress | None = None,
    **fields: Any,
) -> Case:
    n = next(COUNTER)
    return Case.objects.create(
        number=f"W{n:08d}", tracking_code=f"WR{n:08d}", source="grid_patrol",
        subtype=SubType.objects.get(code=subtype), title=fields.pop("title", f"纠纷{n}"),
        state=state, reported_at=reported, address=address, **place(grid), **fields,
    )  # fmt: skip


def make_person(grid: Grid, key: str, **fields: Any) -> Person:
    n = next(COUNTER)
    return Person.objects.create(
        person_no=f"WA-P-{key}", name=fields.pop("name", "某人"), gender="男",
        birth_date=fields.pop("birth_date", dt.date(1990, 1, 1)),
        id_number=id_number(f"32010619900101{n % 1000:03d}"), pop_type="户籍人口",
        **place(grid), **fields,
    )  # fmt: skip


def make_house(grid: Grid, key: str, **fields: Any) -> House:
    return House.objects.create(
        house_no=f"WA-H-{key}", address=make_address(grid, key), use="出租", **place(grid),
        **fields,
    )  # fmt: skip


def red_card(case: Case, issued: dt.datetime) -> Card:
    return Card.objects.create(
        case=case, color="red", clock="handle", deadline=issued, issued_at=issued
    )
