"""Reporters hear back (上报人回告): whoever reported a case is told in their inbox when it is
accepted, not accepted (with the reason), completed and closed."""

import pytest

from outpost.accounts.roles import Role
from outpost.cases import services
from outpost.cases.models import SubType
from outpost.geo.models import Grid
from outpost.notifications.models import Notification
from tests.cases.conftest import file_case, point_in
from tests.conftest import Persona, _persona

pytestmark = pytest.mark.django_db
TITLE = "楼上漏水引发邻里争执"


def texts(persona: Persona) -> list[str]:
    answer = persona.client.get("/api/v1/notifications")
    assert answer.status_code == 200
    return [m["text"] for m in reversed(answer.json())]  # oldest first


def test_it_tells_the_reporter_when_the_case_is_accepted_completed_and_closed(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    guard = _persona("guard_p", Role.REPORTER, home_grid.code)
    case = file_case(home_grid, guard.user, "0101", title=TITLE)
    case = services.act(case, "accept", actor=commander.user)
    assert texts(guard) == [f"您上报的事件已受理：{case.number} {TITLE}"]
    case = services.act(case, "dispatch", actor=commander.user)  # to the home grid
    case = services.act(case, "sign_on", actor=grid_worker.user)
    outcome = {"mediation_outcome": "调解成功"}
    case = services.act(case, "complete", actor=grid_worker.user, comment="已修复", payload=outcome)
    case = services.act(case, "rate", actor=commander.user, payload={"rating": "satisfied"})
    services.act(case, "close", actor=commander.user)
    assert texts(guard) == [
        f"您上报的事件已受理：{case.number} {TITLE}",
        f"您上报的事件已办结：{case.number} {TITLE}",
        f"您上报的事件已结案：{case.number} {TITLE}",
    ]
    inbox = guard.client.get("/inbox/").content.decode()
    assert f"已结案：{case.number}" in inbox and "unread-count" in inbox
    assert not Notification.objects.filter(
        subject_kind="case", subject_id=case.pk, user=commander.user
    ).exists()


def test_it_tells_the_reporter_why_the_case_was_not_accepted(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user, "0101", title=TITLE)
    services.act(case, "reject", actor=commander.user, comment="属物业服务范围，请联系物业")
    [told] = texts(grid_worker)
    assert told.startswith(f"您上报的事件不予受理：{case.number} {TITLE}")
    assert "属物业服务范围，请联系物业" in told
    english = grid_worker.client.get("/api/v1/notifications", HTTP_ACCEPT_LANGUAGE="en")
    assert "not accepted" in english.json()[0]["text"]


def test_it_tells_no_one_twice_when_the_reporter_acts_on_their_own_case(
    home_grid: Grid, commander: Persona
) -> None:
    case = file_case(home_grid, commander.user, "0101", title=TITLE)
    services.act(case, "accept", actor=commander.user)
    assert texts(commander) == []


def test_it_leaves_the_110_desk_out_of_what_becomes_of_diverted_calls(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    where = point_in(home_grid)
    subtype = SubType.objects.select_related("category").get(code="0101")
    call = services.NewCase(subtype, TITLE, source="110", lon=where.x, lat=where.y)
    case = services.report_case(call, actor=commander.user)  # as the 110 desk files it
    case = services.act(case, "accept", actor=commander.user)
    case = services.act(case, "dispatch", actor=commander.user)
    case = services.act(case, "sign_on", actor=grid_worker.user)
    outcome = {"mediation_outcome": "调解成功"}
    services.act(case, "complete", actor=grid_worker.user, comment="已调解", payload=outcome)
    assert texts(commander) == []
