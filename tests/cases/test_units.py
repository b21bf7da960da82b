"""承办单位: who acts for a unit is one rule. For every persona and unit, `acts_for`, the `acting_q`
filter and `members` agree; and the people of a unit get both a case dispatched to it and an
instruction sent to it (nobody gets one without the other)."""

import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache.backends import locmem

from outpost.accounts.models import Department
from outpost.accounts.roles import Role
from outpost.accounts.units import Unit, acting_q, acts_for, members, name_of, names_of, resolve
from outpost.cases import services
from outpost.cases.models import Case, CaseAssignment
from outpost.cases.queries import handled_by
from outpost.command import board
from outpost.geo.models import CommandRoom, Grid, OutpostStation
from outpost.instructions.queries import received
from outpost.notifications.models import Notification
from tests.cases.conftest import file_case
from tests.conftest import OTHER_GRID, Persona, _persona
from tests.instructions.conftest import department, handler, leader, room, send

pytestmark = pytest.mark.django_db
__all__ = ["department", "handler", "leader", "room"]  # fixtures used here


@pytest.fixture
def personas(
    admin: Persona,
    commander: Persona,
    grid_worker: Persona,
    outsider: Persona,
    officer: Persona,
    duty_officer: Persona,
    nobody: Persona,
    leader: Persona,
    handler: Persona,
) -> dict[str, Persona]:
    return {p.user.username: p for p in locals().values()}


def _units(home_grid: Grid, department: Department, room: CommandRoom) -> list[Unit]:
    assert home_grid.main_beat is not None
    other = Grid.objects.get(code=OTHER_GRID)
    wanted = [
        ("grid", home_grid.code),
        ("community", home_grid.community.code),
        ("outpost", home_grid.community.code),
        ("beat", home_grid.main_beat.code),
        ("department", department.code),
        ("room", room.station.code),
        ("grid", other.code),
        ("community", other.code[:12]),
    ]
    return [resolve(kind, code) for kind, code in wanted]


def _dispatched(home_grid: Grid, commander: Persona, units: list[Unit]) -> Case:
    case = file_case(home_grid, commander.user, "0101")
    case = services.act(case, "accept", actor=commander.user)
    targets = [{"kind": u.kind, "code": u.code, "lead": i == 0} for i, u in enumerate(units)]
    return services.act(case, "dispatch", actor=commander.user, payload={"targets": targets})


def test_it_agrees_on_who_acts_for_every_unit_in_all_three_forms(
    personas: dict[str, Persona], home_grid: Grid, department: Any, room: CommandRoom
) -> None:
    units = _units(home_grid, department, room)
    case = _dispatched(home_grid, personas["commander_p"], units[:2])
    for unit in units:  # one row per unit and spelling, whatever the dispatch form offers
        CaseAssignment.objects.get_or_create(
            case=case,
            unit_kind=unit.kind,
            unit_code=unit.code,
            defaults={"unit_name": unit.name, "assigned_at": case.reported_at},
        )
    disagreements = []
    for name, persona in personas.items():
        for unit in units:
            rows = CaseAssignment.objects.filter(case=case, unit_kind=unit.kind)
            by_q = rows.filter(acting_q(persona.user), unit_code=unit.code).exists()
            by_members = members(unit).filter(pk=persona.user.pk).exists()
            if not acts_for(persona.user, unit) == by_q == by_members:
                disagreements.append((name, unit.kind, acts_for(persona.user, unit), by_q))
    assert disagreements == []
    grid_unit, department_unit = units[0], units[4]
    assert set(members(grid_unit).values_list("username", flat=True)) == {"worker_p", "leader_p"}
    assert set(members(department_unit).values_list("username", flat=True)) == {"handler_p"}


def test_it_gives_a_units_people_both_its_cases_and_its_instructions(
    personas: dict[str, Persona], home_grid: Grid, department: Any, room: CommandRoom
) -> None:
    assert home_grid.main_beat is not None
    commander = personas["commander_p"]
    same_unit = [
        (("grid", home_grid.code), ("grid", home_grid.code)),
        (("community", home_grid.community.code), ("outpost", home_grid.community.code)),
        (("beat", home_grid.main_beat.code), ("beat", home_grid.main_beat.code)),
        (("department", department.code), ("department", department.code)),
    ]
    disagreements = []
    for case_unit, instruction_unit in same_unit:
        case = _dispatched(home_grid, commander, [resolve(*case_unit)])
        instruction = send(room, commander.user, [instruction_unit])
        for name, persona in personas.items():
            gets_case = handled_by(persona.user).filter(pk=case.pk).exists()
            gets_instruction = received(persona.user).filter(pk=instruction.pk).exists()
            if gets_case != gets_instruction:
                disagreements.append((name, case_unit[0], gets_case, gets_instruction))
    assert disagreements == []


def test_it_tells_everyone_who_acts_for_a_unit_of_a_case_dispatched_there(
    personas: dict[str, Persona], home_grid: Grid
) -> None:
    grid = resolve("grid", home_grid.code)
    case = _dispatched(home_grid, personas["commander_p"], [grid])
    told = set(
        Notification.objects.filter(subject_kind="case", subject_id=case.pk).values_list(
            "user__username", flat=True
        )
    )
    assert set(members(grid).values_list("username", flat=True)) <= told
    assert told == {"worker_p", "leader_p"}


def test_it_shows_on_the_board_the_people_a_suggested_route_reaches(
    personas: dict[str, Persona], home_grid: Grid
) -> None:
    case = file_case(home_grid, personas["commander_p"].user, "0101")
    stops = next(iter(board.routes([case]).values()))
    assert stops and stops[0].kind == "grid"
    reached = members(resolve(stops[0].kind, stops[0].code)).filter(is_superuser=False)
    leader = personas["leader_p"].user
    assert (leader.display_name or leader.username) in stops[0].people
    assert set(stops[0].people) == {u.display_name or u.username for u in reached}


def test_it_names_who_a_route_reaches_at_most_a_minute_behind_a_role_change(
    personas: dict[str, Persona], home_grid: Grid, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every open board asks every few seconds: the people beside a route are kept for
    `STOP_SECONDS` in the process, so a role granted shows within that minute, not at once;
    dispatching reads the roles afresh."""
    case = file_case(home_grid, personas["commander_p"].user, "0101")
    before = next(iter(board.routes([case]).values()))[0].people
    newcomer = _persona("newcomer_p", Role.GRID_WORKER, home_grid.code).user
    newcomer.display_name = "新来的网格员"
    newcomer.save()
    assert next(iter(board.routes([case]).values()))[0].people == before  # still kept
    assert newcomer in members(Unit("grid", home_grid.code, home_grid.name))
    later = time.time() + board.STOP_SECONDS + 1
    monkeypatch.setattr(locmem, "time", SimpleNamespace(time=lambda: later))
    assert "新来的网格员" in next(iter(board.routes([case]).values()))[0].people


def test_it_names_many_units_at_once_as_each_is_named(
    home_grid: Grid, department: Any, room: CommandRoom
) -> None:
    """The board names every unit of its routes in one query a kind (`names_of`): each unit by
    its own record's name (a community spelt `outpost` by its station's), and no name for a
    unit that does not exist."""
    community, beat = home_grid.community, home_grid.main_beat
    assert beat is not None
    station = OutpostStation.objects.filter(community=community).order_by("pk").first()
    expected = {
        ("grid", home_grid.code): home_grid.name,
        ("community", community.code): community.name,
        ("beat", beat.code): beat.name,
        ("department", department.code): department.name,
        ("room", room.station.code): room.name,
    }
    if station is not None:
        expected[("outpost", community.code)] = station.name
    missing = [("grid", "320106999999999"), ("department", "320106NOPE"), ("sect", "x")]
    assert names_of([*expected, *missing]) == expected
    assert [name_of(kind, code) for kind, code in missing] == [None, None, None]
    assert name_of("grid", home_grid.code) == home_grid.name
