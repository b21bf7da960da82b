"""Police-only (涉警) cases: the sub-type sets the least sensitivity (a reporter may raise it, never
lower it), and one presenter decides what each viewer sees of a case on every surface: the case
page, the queue, the API, the command room's board feed, the inbox and the notifications API."""

import json
from typing import Any

import pytest

from outpost.accounts.roles import Role
from outpost.cases import services
from outpost.cases.models import Case
from outpost.geo.models import CommandRoom, Grid
from outpost.notifications.models import Notification
from tests.cases.conftest import file_case, point_in
from tests.conftest import Persona, _persona

pytestmark = pytest.mark.django_db
CLUE = "三号楼有人深夜反复踩点"
HIDDEN = "（涉警内容）"


@pytest.fixture
def room(home_grid: Grid) -> CommandRoom:
    """The command room of the station whose beat holds the home grid."""
    assert home_grid.main_beat is not None
    return CommandRoom.objects.select_related("station__street").get(
        station=home_grid.main_beat.station
    )


def text_of(persona: Persona, url: str) -> str:
    answer = persona.client.get(url)
    assert answer.status_code == 200, answer.status_code
    return answer.content.decode()


def clue_on_the_web_form(grid_worker: Persona, home_grid: Grid) -> Case:
    """A 0301 可疑人员 clue filed on the report page, which offers no sensitivity at all."""
    where = point_in(home_grid)
    form = {"subtype": "0301", "title": CLUE, "description": "穿黑色外套，戴口罩"}
    answer = grid_worker.client.post(
        "/cases/report/", {**form, "urgency": "normal", "lon": where.x, "lat": where.y}
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    return Case.objects.get(title=CLUE)


def test_it_shows_a_street_commander_only_the_status_of_a_clue_filed_on_the_web_form(
    home_grid: Grid, grid_worker: Persona, commander: Persona, officer: Persona, room: Any
) -> None:
    case = clue_on_the_web_form(grid_worker, home_grid)
    assert case.sensitivity == "police"
    page = text_of(commander, f"/cases/{case.number}/")
    assert CLUE not in page and "穿黑色外套" not in page and "涉警内容" in page
    assert case.number in page and 'id="case-state"' in page  # the status is still there
    detail = commander.client.get(f"/api/v1/cases/{case.number}").json()
    assert (detail["title"], detail["description"], detail["state"]) == (HIDDEN, None, "reported")
    listed = commander.client.get("/api/v1/cases").json()["items"]
    assert case.number in json.dumps(listed) and CLUE not in json.dumps(listed, ensure_ascii=False)
    assert CLUE not in text_of(commander, "/cases/?tab=all")
    board = commander.client.get(f"/command/{room.station.code}/board.json").json()
    [row] = [r for r in board["rows"] if r["number"] == case.number]
    assert row["title"] == HIDDEN and row["lon"] is None and row["lat"] is None
    # The police see all of it, and so does the one who reported it.
    assert CLUE in text_of(officer, f"/cases/{case.number}/")
    assert officer.client.get(f"/api/v1/cases/{case.number}").json()["title"] == CLUE
    assert CLUE in text_of(grid_worker, f"/cases/{case.number}/")


def test_it_never_lets_a_reporter_lower_the_sensitivity_of_a_clue(
    home_grid: Grid, grid_worker: Persona
) -> None:
    where = point_in(home_grid)
    body = {"lon": where.x, "lat": where.y, "description": "二楼棋牌室"}
    lowered = grid_worker.client.post(
        "/api/v1/cases",
        {**body, "subtype": "0302", "title": "棋牌室疑似聚赌", "sensitivity": "public"},
        content_type="application/json",
    )
    assert lowered.status_code == 201 and lowered.json()["sensitivity"] == "police"
    raised = grid_worker.client.post(
        "/api/v1/cases",
        {**body, "subtype": "0101", "title": "邻里争吵涉及隐私", "sensitivity": "police"},
        content_type="application/json",
    )
    assert raised.status_code == 201 and raised.json()["sensitivity"] == "police"
    plain = grid_worker.client.post(
        "/api/v1/cases",
        {**body, "subtype": "0101", "title": "邻里争吵", "sensitivity": "public"},
        content_type="application/json",
    )
    assert plain.status_code == 201 and plain.json()["sensitivity"] == "public"


def test_it_lets_the_reporter_raise_a_case_to_police_only_on_the_web_form(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    where = point_in(home_grid)
    form = {"subtype": "0101", "urgency": "normal", "lon": where.x, "lat": where.y}
    assert 'name="police_only"' in text_of(grid_worker, "/cases/report/")
    grid_worker.client.post("/cases/report/", {**form, "title": "家暴线索", "police_only": "on"})
    grid_worker.client.post("/cases/report/", {**form, "title": "楼道争吵"})
    raised, plain = Case.objects.get(title="家暴线索"), Case.objects.get(title="楼道争吵")
    assert (raised.sensitivity, plain.sensitivity) == ("police", "internal")
    assert "家暴线索" not in text_of(commander, f"/cases/{raised.number}/")
    assert "楼道争吵" in text_of(commander, f"/cases/{plain.number}/")


def test_it_keeps_the_title_of_a_police_only_case_out_of_a_grid_workers_inbox(
    home_grid: Grid, grid_worker: Persona, commander: Persona, officer: Persona
) -> None:
    case = file_case(home_grid, officer.user, "0301", title=CLUE, sensitivity="police")
    case = services.act(case, "request_verification", actor=commander.user)
    case = services.act(case, "verify", actor=officer.user)
    to_grid = {"targets": [{"kind": "grid", "code": home_grid.code, "lead": True}]}
    services.act(case, "dispatch", actor=commander.user, payload=to_grid)
    assert Notification.objects.filter(
        user=grid_worker.user, subject_kind="case", subject_id=case.pk
    ).exists()
    inbox = text_of(grid_worker, "/inbox/")
    assert f"新派遣：{case.number}" in inbox and CLUE not in inbox
    [message] = grid_worker.client.get("/api/v1/notifications").json()
    assert message["case"] == case.number and case.number in message["text"]
    assert CLUE not in message["text"]
    assert grid_worker.client.get(f"/api/v1/cases/{case.number}").json()["title"] == HIDDEN


def test_it_tells_an_8大员_reporter_nothing_of_other_peoples_cases_in_its_grid(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    guard = _persona("guard_p", Role.REPORTER, home_grid.code)
    case = file_case(home_grid, grid_worker.user, "0603", title="五号楼下建筑垃圾")
    services.act(case, "accept", actor=commander.user)
    services.act(case, "dispatch", actor=commander.user)  # its route is the home grid
    assert Notification.objects.filter(
        user=grid_worker.user, subject_kind="case", subject_id=case.pk
    ).exists()
    assert not Notification.objects.filter(user=guard.user).exists()
    assert guard.client.get("/api/v1/notifications").json() == []
    assert "五号楼下建筑垃圾" not in text_of(guard, "/inbox/")
