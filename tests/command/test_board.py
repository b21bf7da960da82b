"""The dispatch board: the room's pending cases, most pressing first, dispatched in one click
or in a batch, refreshed from a feed; scoped to those who run the room."""

import datetime as dt
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outpost.cases import services
from outpost.cases.models import Case
from outpost.cases.workflow import State
from outpost.command import board, duty
from outpost.geo.models import CommandRoom, Grid
from outpost.notifications.models import Notification
from tests.cases.conftest import file_case
from tests.conftest import OTHER_GRID, Persona

pytestmark = pytest.mark.django_db


def feed(persona: Persona, room: CommandRoom, **query: str) -> dict[str, Any]:
    answer = persona.client.get(f"/command/{room.station.code}/board.json", query)
    assert answer.status_code == 200, answer.status_code
    return answer.json()


def numbers(board: dict[str, Any]) -> list[str]:
    return [row["number"] for row in board["rows"]]


def test_it_puts_the_most_urgent_first_and_only_the_rooms_own_cases(
    home_grid: Grid, grid_worker: Persona, outsider: Persona, duty_officer: Persona, room: Any
) -> None:
    calm = file_case(home_grid, grid_worker.user, "0603", title="垃圾")
    fire = file_case(home_grid, grid_worker.user, "0201", title="楼道堆放杂物", urgency="critical")
    soon = file_case(home_grid, grid_worker.user, "0101", title="争吵", urgency="urgent")
    far = file_case(Grid.objects.get(code=OTHER_GRID), outsider.user, "0603")
    board = feed(duty_officer, room)
    assert numbers(board) == [fire.number, soon.number, calm.number]
    assert far.number not in numbers(board) and board["total"] == 3
    first = board["rows"][0]
    assert first["urgency_label"] == "特急" and first["state_label"] == "已上报"
    assert first["route"] and first["route"][0]["code"] == home_grid.code  # 0201 goes to the grid


def test_it_filters_by_category_source_and_grid(
    home_grid: Grid, grid_worker: Persona, commander: Persona, room: Any
) -> None:
    dispute = file_case(home_grid, grid_worker.user, "0101")
    rubbish = file_case(home_grid, grid_worker.user, "0603")
    assert numbers(feed(commander, room, category="01")) == [dispute.number]
    assert numbers(feed(commander, room, source="110")) == []
    assert set(numbers(feed(commander, room, grid=home_grid.code))) == {
        dispute.number,
        rubbish.number,
    }
    assert numbers(feed(commander, room, grid=OTHER_GRID)) == []
    html = commander.client.get(f"/command/{room.station.code}/board/?category=06").content
    assert rubbish.number.encode() in html and dispute.number.encode() not in html
    # The grid is chosen by its name among the room's own, never typed as a code.
    page = commander.client.get(f"/command/{room.station.code}/board/").content.decode()
    assert f'<option value="{home_grid.code}">{home_grid.name}</option>' in page
    assert OTHER_GRID not in page and 'name="grid" value=' not in page


def test_it_dispatches_one_case_on_its_suggested_route(
    home_grid: Grid, grid_worker: Persona, duty_officer: Persona, room: Any
) -> None:
    case = file_case(home_grid, grid_worker.user, "0603")
    other = file_case(home_grid, grid_worker.user, "0603")
    url = f"/command/{room.station.code}/dispatch/"
    answer = duty_officer.client.post(
        url, {"only": case.number, "number": [other.number], "next": "https://evil.example/"}
    )
    assert answer.status_code == 302
    assert answer["Location"] == f"/command/{room.station.code}/board/"  # never off-site
    case.refresh_from_db()
    assert case.state == State.DISPATCHED
    assert [a.unit_code for a in case.assignments.filter(active=True)] == [home_grid.code]
    assert list(case.timeline.values_list("action", flat=True)) == ["report", "accept", "dispatch"]
    assert Case.objects.get(pk=other.pk).state == State.REPORTED  # only the row's own case
    assert numbers(feed(duty_officer, room)) == [other.number]


def test_it_dispatches_a_batch_and_says_what_happened_to_each(
    home_grid: Grid, grid_worker: Persona, commander: Persona, room: Any
) -> None:
    first = file_case(home_grid, grid_worker.user, "0603")
    second = file_case(home_grid, grid_worker.user, "0101")
    doubtful = file_case(home_grid, grid_worker.user, "0301", title="可疑人员")
    services.act(doubtful, "request_verification", actor=commander.user)
    answer = commander.client.post(
        f"/command/{room.station.code}/dispatch/",
        {"number": [first.number, second.number, doubtful.number, "320106-20000101-9999"]},
        HTTP_ACCEPT="application/json",
    )
    outcomes = {o["number"]: o for o in answer.json()["outcomes"]}
    assert outcomes[first.number]["ok"] and outcomes[second.number]["ok"]
    assert "网格" in outcomes[first.number]["message"]
    assert not outcomes[doubtful.number]["ok"] and "核查" in outcomes[doubtful.number]["message"]
    assert not outcomes["320106-20000101-9999"]["ok"]
    assert numbers(feed(commander, room)) == [doubtful.number]


def test_it_sends_cases_escalated_to_the_room_to_the_person_on_duty(
    home_grid: Grid,
    grid_worker: Persona,
    commander: Persona,
    duty_officer: Persona,
    room: Any,
) -> None:

    second = duty.add_member(room, commander.user.username, "street_staff", actor=commander.user)
    on_duty = duty.add_member(room, duty_officer.user.username, "police_duty", actor=commander.user)
    now = timezone.now()
    duty.add_shift(on_duty, now - dt.timedelta(hours=1), now + dt.timedelta(hours=7), actor=None)
    duty.add_shift(second, now + dt.timedelta(hours=7), now + dt.timedelta(hours=15), actor=None)
    case = file_case(home_grid, grid_worker.user, "0603")
    services.act(case, "accept", actor=commander.user)
    services.act(case, "dispatch", actor=commander.user, payload={"escalate": True})
    sent = Notification.objects.filter(
        subject_kind="case", subject_id=case.pk, event="dispatched"
    )  # the reporter hears too
    told = set(sent.values_list("user__username", flat=True))
    assert told == {duty_officer.user.username}
    board = feed(duty_officer, room)
    assert board["on_duty"] == [duty_officer.user.display_name]
    [row] = board["rows"]
    assert row["number"] == case.number and row["escalated"]
    answer = duty_officer.client.post(
        f"/command/{room.station.code}/dispatch/", {"only": case.number}, follow=True
    )
    assert "已派遣至" in answer.content.decode()
    assert [a.unit_code for a in case.assignments.filter(active=True)] == [home_grid.code]


def test_it_shows_the_same_queue_when_the_backlog_is_too_long_to_list_its_ids(
    home_grid: Grid,
    grid_worker: Persona,
    outsider: Persona,
    commander: Persona,
    duty_officer: Persona,
    room: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A room with tens of thousands waiting keeps its ids in SQL (SQLite takes ~32,000
    parameters): the same cases, in the same order, sent-up ones included, others' left out."""
    waiting = [file_case(home_grid, grid_worker.user, code) for code in ("0603", "0101", "0201")]
    up = file_case(home_grid, grid_worker.user, "0603")
    services.act(up, "accept", actor=commander.user)
    services.act(up, "dispatch", actor=commander.user, payload={"escalate": True})
    far = file_case(Grid.objects.get(code=OTHER_GRID), outsider.user, "0603")
    listed = feed(duty_officer, room)
    monkeypatch.setattr(board, "LITERAL_IDS", 1)
    kept_in_sql = feed(duty_officer, room)
    assert numbers(kept_in_sql) == numbers(listed) and kept_in_sql["total"] == 4
    assert set(numbers(listed)) == {c.number for c in [*waiting, up]}
    assert far.number not in numbers(kept_in_sql)
    assert set(numbers(feed(duty_officer, room, category="06"))) == {waiting[0].number, up.number}


def test_it_shows_the_board_only_to_those_who_run_the_room(
    home_grid: Grid,
    grid_worker: Persona,
    outsider: Persona,
    officer: Persona,
    commander: Persona,
    room: Any,
) -> None:
    case = file_case(home_grid, grid_worker.user, "0603")
    base = f"/command/{room.station.code}"
    for path in ("/board/", "/board.json", "/duty/", "/reporters/"):
        assert outsider.client.get(base + path).status_code == 404, path
        assert officer.client.get(base + path).status_code == 403, path  # sees the station
        assert commander.client.get(base + path).status_code == 200, path
        assert Client().get(base + path).status_code == 302, path  # to the login page
    for persona, status in ((outsider, 404), (officer, 403), (grid_worker, 403)):
        answer = persona.client.post(f"{base}/dispatch/", {"only": case.number})
        assert answer.status_code == status
    assert Case.objects.get(pk=case.pk).state == State.REPORTED
    assert commander.client.get("/command/").status_code == 302  # straight to the one room
    assert b"/command/" not in grid_worker.client.get("/cases/").content  # no header link
    assert b'href="/command/"' in commander.client.get("/cases/").content


def test_it_offers_a_wall_screen(
    home_grid: Grid, grid_worker: Persona, commander: Persona, room: Any
) -> None:
    case = file_case(home_grid, grid_worker.user, "0603")
    html = commander.client.get(f"/command/{room.station.code}/board/?wall=1").content.decode()
    assert 'class="board wall"' in html and case.number in html
    assert 'name="only"' not in html  # a screen to watch, not to click
    rows = json.loads(html.split('id="board-rows" type="application/json">')[1].split("<")[0])
    assert [r["number"] for r in rows] == [case.number]


def test_it_reads_the_board_in_the_same_few_queries_however_long_the_queue(
    home_grid: Grid, grid_worker: Persona, duty_officer: Persona, room: Any
) -> None:
    def queries_for_feed(kept: bool = False) -> int:
        if not kept:
            cache.clear()  # the units' names and people read afresh, as on a board's first ask
        with CaptureQueriesContext(connection) as seen:
            feed(duty_officer, room)
        return len(seen.captured_queries)

    for _ in range(2):
        file_case(home_grid, grid_worker.user, "0603")
    few = queries_for_feed()
    for _ in range(10):
        file_case(home_grid, grid_worker.user, "0603")
    assert feed(duty_officer, room)["total"] == 12
    assert queries_for_feed() == few  # no query per row: routes and people are read once
    assert queries_for_feed(kept=True) < few  # and not again while they are kept
