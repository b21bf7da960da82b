"""Field work files cases: the taxonomy is loaded once per session on top of the boundaries."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from shapely.geometry import Point

from outpost.accounts.models import Department
from outpost.accounts.roles import Role
from outpost.cases.taxonomy import load_taxonomy
from outpost.fieldwork import checklists, services
from outpost.fieldwork.models import Checklist, Patrol, PatrolPlan
from outpost.geo.geometry import from_geojson_text
from outpost.geo.models import Grid
from outpost.registry.models import (
    AddressLevel,
    House,
    HouseUse,
    Organisation,
    Person,
    StandardAddress,
)
from tests.conftest import OTHER_GRID, Persona, _persona


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_taxonomy()


def point_in(grid: Grid) -> Point:
    return from_geojson_text(grid.geometry).representative_point()


def point_outside() -> Point:
    return point_in(Grid.objects.get(code=OTHER_GRID))


@pytest.fixture
def plan(home_grid: Grid, commander: Persona, grid_worker: Persona) -> PatrolPlan:
    new = services.NewPlan(home_grid, "日常巡查", 3, [grid_worker.user])
    return services.create_plan(new, actor=commander.user)


@pytest.fixture
def patrol(home_grid: Grid, grid_worker: Persona, plan: PatrolPlan) -> Patrol:
    return services.start_patrol(home_grid, actor=grid_worker.user, plan=plan)


WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str) -> str:
    """A valid 18-digit resident ID number (GB 11643 check digit)."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def care_subject(grid: Grid, key: str, name: str, born: dt.date, id17: str) -> Person:
    """独居老人 aged 70+ at a room of `grid` (standard address `key`-ADDR): due for a visit."""
    where = point_in(grid)
    place = {"grid_code": grid.code, "beat_code": grid.main_beat.code if grid.main_beat else ""}
    address = StandardAddress.objects.create(
        code=f"{key}-ADDR",
        level=AddressLevel.ROOM,
        community_code=grid.community.code,
        road="中山路",
        door_no="81号",
        room="101",
        full_text="中山路81号101室",
        lon=where.x,
        lat=where.y,
        **place,
    )
    return Person.objects.create(
        person_no=f"{key}-P",
        name=name,
        gender="女",
        birth_date=born,
        pop_type="户籍人口",
        care_tags="独居老人",
        address=address,
        id_number=id_number(id17),
        **place,
    )


@dataclass(frozen=True)
class Subjects:
    address: StandardAddress
    elder: Person  # 独居老人 aged 70+: every 14 days
    plain: Person  # no care tag: never on the list
    house: House  # rented: quarterly
    unit: Organisation  # key unit: monthly


@pytest.fixture
def subjects(home_grid: Grid) -> Subjects:
    where = point_in(home_grid)
    beat = home_grid.main_beat.code if home_grid.main_beat else ""
    place = {"grid_code": home_grid.code, "beat_code": beat}
    address = StandardAddress.objects.create(
        code="FW-ADDR-1",
        level=AddressLevel.ROOM,
        community_code=home_grid.community.code,
        road="中山路",
        door_no="81号",
        room="101",
        full_text="中山路81号101室",
        lon=where.x,
        lat=where.y,
        **place,
    )
    elder = Person.objects.create(
        person_no="FW-P-1",
        name="王奶奶",
        gender="女",
        birth_date=dt.date(1940, 3, 1),
        pop_type="户籍人口",
        care_tags="独居老人",
        address=address,
        id_number=id_number("32010619400301002"),
        **place,
    )
    plain = Person.objects.create(
        person_no="FW-P-2",
        name="李明",
        gender="男",
        birth_date=dt.date(1985, 5, 5),
        pop_type="户籍人口",
        address=address,
        id_number=id_number("32010619850505003"),
        **place,
    )
    house = House.objects.create(house_no="FW-H-1", address=address, use=HouseUse.RENTED, **place)
    unit = Organisation.objects.create(
        unit_no="FW-U-1",
        name="金陵旅馆",
        uscc="91320106MA1XXXXX0A",
        unit_type="旅馆业",
        address=address,
        legal_rep="赵某",
        is_key_unit=True,
        **place,
    )
    return Subjects(address, elder, plain, house, unit)


@pytest.fixture
def checklists_loaded(db: None) -> None:
    """The shipped checklists (a live-server test may have flushed what the migration loaded)."""
    checklists.load(Checklist, Department)


def newest(code: str) -> Checklist:
    found = Checklist.objects.filter(code=code).order_by("-version").first()
    assert found is not None
    return found


@pytest.fixture
def market_handler(checklists_loaded: None) -> Persona:
    """A handler of the market regulator (市场监管), a party to joint inspections."""
    return _persona("market_p", Role.DEPARTMENT_HANDLER, "SJ")
