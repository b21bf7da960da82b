"""The start page (今日待办): each role lands on its own work, each count links to its list
already filtered, and the count and the list agree."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from outpost.accounts.models import BreakGlassGrant, LoginThrottle
from outpost.accounts.roles import Role
from outpost.cases import services
from outpost.cases.models import Case
from outpost.geo.models import CommandRoom, Grid
from outpost.workbench.queries import Tile
from tests.cases.conftest import file_case
from tests.conftest import Persona, _persona
from tests.instructions.conftest import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(db: None) -> Persona:
    return _persona("auditor_p", Role.AUDITOR, "320106000000")


def _dispatched(grid: Grid, by: Persona, commander: Persona, subtype: str = "0101") -> Case:
    case = file_case(grid, by.user, subtype)
    services.act(case, "accept", actor=commander.user)
    targets = [{"kind": "grid", "code": grid.code, "lead": True}]
    return services.act(case, "dispatch", actor=commander.user, payload={"targets": targets})


@pytest.fixture
def busy(home_grid: Grid, grid_worker: Persona, commander: Persona, officer: Persona) -> dict:
    """Cases of every kind the start pages count: to sign on, overdue, handled and due today,
    one awaiting the officer's verification, and an emergency opening."""
    now = timezone.now()
    to_sign = _dispatched(home_grid, grid_worker, commander)
    Case.objects.filter(pk=to_sign.pk).update(sign_on_due=now + dt.timedelta(days=2))
    late = _dispatched(home_grid, grid_worker, commander)
    Case.objects.filter(pk=late.pk).update(sign_on_due=now - dt.timedelta(hours=2))
    today = _dispatched(home_grid, grid_worker, commander)
    services.act(today, "sign_on", actor=grid_worker.user)
    end = timezone.localtime(now).replace(hour=23, minute=59)
    Case.objects.filter(pk=today.pk).update(handle_due=max(end, now + dt.timedelta(minutes=1)))
    checked = file_case(home_grid, grid_worker.user, "0205")
    services.act(checked, "request_verification", actor=commander.user)
    BreakGlassGrant.objects.create(
        user=officer.user,
        object_type="registry.person",
        object_id=1,
        object_key="P1",
        reason="走失老人身份核查，家属报警求助",
        civil_code=home_grid.code,
        police_code=home_grid.main_beat.code if home_grid.main_beat else "",
        granted_at=now,
        expires_at=now + dt.timedelta(hours=4),
    )
    room = CommandRoom.objects.get(station=home_grid.main_beat.station)  # type: ignore[union-attr]
    send(room, None, [("grid", home_grid.code)])
    return {"to_sign": to_sign, "late": late, "today": today, "checked": checked}


def _sections(client: Client) -> dict[str, Any]:
    page = client.get("/")
    assert page.status_code == 200
    return {s["key"]: s for s in page.context["sections"]}


def _listed(client: Client, url: str) -> int:
    page = client.get(url)
    assert page.status_code == 200, url
    return int(page.context["page"].paginator.count)


def _agree(client: Client, tiles: list[Tile]) -> dict[str, int]:
    """Each tile that links to a list: the list shows as many rows as the tile says."""
    for tile in tiles:
        if tile.url.startswith(("/cases/", "/audit/", "/instructions/")):
            assert _listed(client, tile.url) == tile.count, tile.key
    return {t.key: t.count for t in tiles}


def test_it_shows_a_grid_worker_the_cases_to_sign_on_due_and_overdue(
    busy: dict, grid_worker: Persona
) -> None:
    handler = _sections(grid_worker.client)["handler"]
    counts = _agree(grid_worker.client, handler["tiles"])
    assert counts["sign_on"] == 2  # two dispatched, one of them already overdue
    assert counts["overdue"] == 1 and counts["due_today"] == 1
    assert counts["returned"] == 0  # the hook until registry field work lands
    assert counts["instructions"] == 1


def test_it_shows_an_officer_the_verifications_waiting(busy: dict, officer: Persona) -> None:
    section = _sections(officer.client)["officer"]
    counts = _agree(officer.client, section["tiles"])
    assert counts["verify"] == 1
    assert counts["openings"] == 1  # their own emergency opening, not yet reviewed


def test_it_shows_an_auditor_the_openings_to_review(busy: dict, auditor: Persona) -> None:
    section = _sections(auditor.client)["auditor"]
    assert _agree(auditor.client, section["tiles"]) == {"openings": 1}


def test_it_shows_a_commander_the_day_in_numbers(busy: dict, commander: Persona) -> None:
    overview = _sections(commander.client)["area"]["overview"]
    numbers = {n.key: n for n in overview.numbers}
    assert numbers["new"].today == 4 and numbers["new"].change == 4
    assert numbers["overdue"].today == 1
    for key in ("new", "open", "overdue"):
        assert _listed(commander.client, numbers[key].url) == numbers[key].today, key
    [(_code, _name, count, url)] = overview.worst
    assert count == 1 and _listed(commander.client, url) == 1


def test_it_shows_an_administrator_locked_accounts_and_missing_second_factors(
    admin: Persona, grid_worker: Persona
) -> None:
    LoginThrottle.objects.create(
        key="account:worker_p", locked_until=timezone.now() + dt.timedelta(minutes=10)
    )
    section = _sections(admin.client)["admin"]
    counts = {t.key: t.count for t in section["tiles"]}
    assert counts["locked"] == 1
    assert [u.username for u in section["people"]["locked"]] == ["worker_p"]
    assert counts["no_2fa"] >= 1


def test_it_shows_the_duty_officer_the_board_and_duty(busy: dict, duty_officer: Persona) -> None:
    section = _sections(duty_officer.client)["duty"]
    [room] = section["rooms"]
    assert room["on_duty"] is False
    assert _agree(duty_officer.client, section["tiles"]) == {"unsigned": 1}
    board = duty_officer.client.get(f"/command/{room['room'].station.code}/board/")
    assert len(board.context["rows"]) == room["pending"]


def test_it_gives_a_section_per_role_and_says_what_to_do_when_idle(
    home_grid: Grid, commander: Persona
) -> None:
    from outpost.accounts.services import grant_role

    grant_role(commander.user, Role.GRID_WORKER, home_grid.code, actor=None)
    sections = _sections(commander.client)
    assert {"handler", "area"} <= set(sections)
    assert sections["handler"]["empty"]  # nothing waiting: it says what to do next


def test_it_shows_the_second_factor_notice_only_where_it_applies(
    grid_worker: Persona, officer: Persona
) -> None:
    assert b'id="second-factor"' not in grid_worker.client.get("/").content
    assert b'id="second-factor"' in officer.client.get("/").content


def test_it_is_for_signed_in_users_only(anonymous: Client) -> None:
    assert anonymous.get("/").status_code == 302


def test_it_shows_a_reporter_their_open_reports(home_grid: Grid) -> None:
    reporter = _persona("reporter_p", Role.REPORTER, home_grid.code)
    section = _sections(reporter.client)["reporter"]
    assert section["empty"]  # nothing reported yet: it says to report
    file_case(home_grid, reporter.user, "0603")
    section = _sections(reporter.client)["reporter"]
    assert _agree(reporter.client, section["tiles"]) == {"mine": 1}
