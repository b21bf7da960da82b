"""Instructions need a command room (the home grid's station's), a department, the home
community's grid leader and, for virtual groups, the organisations of two communities, imported
through the real registry importer inside the test (so nothing outlives it)."""

import datetime as dt
import functools
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from outpost.accounts.models import Department
from outpost.accounts.roles import Role
from outpost.geo.models import CommandRoom, Grid
from outpost.instructions import services
from outpost.instructions.models import Instruction, InstructionRecipient
from outpost.registry.imports import run_import
from tests.conftest import HOME_GRID, OTHER_GRID, Persona, _persona
from tests.registry.data import as_csv, read_xz, rows_of

COMMUNITIES = (HOME_GRID[:12], OTHER_GRID[:12])
API = "/api/v1/instructions"


@pytest.fixture
def room(home_grid: Grid) -> CommandRoom:
    assert home_grid.main_beat is not None
    return CommandRoom.objects.select_related("station").get(station=home_grid.main_beat.station)


@pytest.fixture
def other_room(db: None) -> CommandRoom:
    grid = Grid.objects.select_related("main_beat__station").get(code=OTHER_GRID)
    assert grid.main_beat is not None
    return CommandRoom.objects.select_related("station").get(station=grid.main_beat.station)


@pytest.fixture
def department(db: None) -> Department:
    found, _ = Department.objects.get_or_create(
        code="320106CG", defaults={"name": "鼓楼区城市管理局", "district_code": "320106000000"}
    )
    return found


@pytest.fixture
def handler(department: Department) -> Persona:
    """A handler of the district's city management department."""
    return _persona("handler_p", Role.DEPARTMENT_HANDLER, department.code)


@pytest.fixture
def leader(home_grid: Grid) -> Persona:
    """The grid leader of the home grid's community: acts for its grids and outpost station."""
    return _persona("leader_p", Role.GRID_LEADER, home_grid.community.code)


def send(
    room: CommandRoom,
    actor: Any,
    targets: list[tuple[str, str]],
    title: str = "排查辖区出租屋消防隐患",
    hours: int = 48,
) -> Instruction:
    new = services.NewInstruction(
        title=title,
        body="请于期限内完成排查并反馈。",
        deadline=timezone.now() + dt.timedelta(hours=hours),
        targets=targets,
    )
    return services.send_instruction(room, new, actor=actor)


def row(instruction: Instruction, key: str) -> InstructionRecipient:
    return next(r for r in instruction.recipients.select_related("user") if r.key == key)


def make_overdue(instruction: Instruction) -> None:
    """Move the deadline into the past, as if the instruction had been sent days ago."""
    Instruction.objects.filter(pk=instruction.pk).update(
        deadline=timezone.now() - dt.timedelta(hours=1)
    )
    instruction.refresh_from_db()


def post_json(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


@functools.cache
def registry_files() -> tuple[bytes, bytes, tuple[dict[str, str], ...]]:
    """The addresses and organisations of the two communities, as CSV, and the unit rows with
    their community added (read once per session)."""
    addresses = [
        r for r in rows_of(read_xz("addresses.csv.xz")) if r["community_code"] in COMMUNITIES
    ]
    community = {r["addr_id"]: r["community_code"] for r in addresses}
    units = [r for r in rows_of(read_xz("units.csv.xz")) if r["addr_id"] in community]
    expected = tuple({**u, "community_code": community[u["addr_id"]]} for u in units)
    return as_csv(addresses), as_csv(units), expected


@pytest.fixture
def organisations(db: None) -> tuple[dict[str, str], ...]:
    """The organisation registry of the two communities (already there when the registry
    tests loaded it earlier in the session: the import then changes nothing)."""
    addresses, units, expected = registry_files()
    for kind, data in (("addresses", addresses), ("units", units)):
        result = run_import(kind, data, f"{kind}.csv")
        assert result.counts["rejected"] == 0, result.counts
    return expected
