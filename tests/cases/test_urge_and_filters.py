"""The work queue as a list that can be worked: filters, search, the deadline order, and 催办
(urge) from a row."""

import datetime as dt

import pytest
from django.utils import timezone

from outpost.cases import services
from outpost.cases.models import Case
from outpost.geo.models import Grid
from outpost.notifications.models import Notification
from tests.cases.conftest import file_case
from tests.conftest import Persona

pytestmark = pytest.mark.django_db


def _to_grid(case: Case, commander: Persona, grid: Grid) -> Case:
    services.act(case, "accept", actor=commander.user)
    targets = [{"kind": "grid", "code": grid.code, "lead": True}]
    return services.act(case, "dispatch", actor=commander.user, payload={"targets": targets})


def _numbers(persona: Persona, query: str) -> list[str]:
    page = persona.client.get(f"/cases/?{query}")
    assert page.status_code == 200
    return [row["case"].number for row in page.context["rows"]]


def test_it_urges_a_case_from_the_list(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    case = _to_grid(file_case(home_grid, grid_worker.user), commander, home_grid)
    listed = commander.client.get("/cases/?tab=all&state=dispatched")
    assert f'data-urge="{case.number}"'.encode() in listed.content
    answer = commander.client.post(
        f"/cases/{case.number}/act/urge/",
        {"urge-version": case.version, "next": "/cases/?tab=all&state=dispatched"},
        follow=True,
    )
    assert answer.redirect_chain[-1][0] == "/cases/?tab=all&state=dispatched"
    assert "已催办" in answer.content.decode()
    assert case.timeline.filter(action="urge", actor=commander.user).exists()
    told = Notification.objects.filter(
        user=grid_worker.user, subject_kind="case", subject_id=case.pk, event="urged"
    )
    assert told.count() == 1
    inbox = grid_worker.client.get("/inbox/").content.decode()
    assert f"催办：{case.number}" in inbox or "Urged" in inbox


def test_it_lets_only_a_dispatcher_urge(
    home_grid: Grid, grid_worker: Persona, commander: Persona, outsider: Persona
) -> None:
    case = _to_grid(file_case(home_grid, grid_worker.user), commander, home_grid)
    body = {"urge-version": case.version}
    assert grid_worker.client.post(f"/cases/{case.number}/act/urge/", body).status_code == 403
    assert outsider.client.post(f"/cases/{case.number}/act/urge/", body).status_code == 404
    listed = grid_worker.client.get("/cases/?tab=all").content
    assert b"data-urge=" not in listed  # no button for whoever may not
    api = commander.client.post(f"/api/v1/cases/{case.number}/actions/urge", {}, "application/json")
    assert api.status_code == 200  # the API offers it as it offers every action of the table
    assert case.timeline.filter(action="urge").count() == 1


def test_it_filters_by_state_type_grid_source_period_and_overdue(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    dispute = file_case(home_grid, grid_worker.user, "0101", title="邻里噪音")
    other = file_case(home_grid, grid_worker.user, "0201", title="井盖缺失")
    _to_grid(other, commander, home_grid)
    assert _numbers(commander, "tab=all&state=reported") == [dispute.number]
    assert _numbers(commander, "tab=all&type=02") == [other.number]
    assert _numbers(commander, "tab=all&type=0101") == [dispute.number]
    assert set(_numbers(commander, f"tab=all&grid={home_grid.name}")) == {
        dispute.number,
        other.number,
    }
    assert _numbers(commander, "tab=all&source=110") == []
    assert len(_numbers(commander, "tab=all&period=today")) == 2
    Case.objects.filter(pk=other.pk).update(sign_on_due=timezone.now() - dt.timedelta(hours=1))
    assert _numbers(commander, "tab=all&overdue=on") == [other.number]


def test_it_searches_by_number_title_and_address(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user, title="楼道堆物引发争吵")
    file_case(home_grid, grid_worker.user, title="路灯不亮")
    assert _numbers(commander, "tab=all&q=堆物") == [case.number]
    assert _numbers(commander, f"tab=all&q={case.number[-4:]}") == [case.number]


def test_it_sorts_by_deadline(home_grid: Grid, grid_worker: Persona, commander: Persona) -> None:
    late = _to_grid(file_case(home_grid, grid_worker.user), commander, home_grid)
    soon = _to_grid(file_case(home_grid, grid_worker.user), commander, home_grid)
    now = timezone.now()
    Case.objects.filter(pk=late.pk).update(sign_on_due=now + dt.timedelta(hours=5))
    Case.objects.filter(pk=soon.pk).update(sign_on_due=now + dt.timedelta(hours=1))
    never = file_case(home_grid, grid_worker.user)
    assert _numbers(commander, "tab=all&sort=deadline") == [soon.number, late.number, never.number]


@pytest.mark.parametrize(
    "query, words",
    [
        ("state=nonsense", "状态"),
        ("grid=没有这个网格", "没有这个网格"),
        ("since=2026-13-40", "起"),
        ("since=2026-05-02&until=2026-05-01", "结束日期"),
        ("period=forever", "时间段"),
    ],
)
def test_it_says_what_is_wrong_with_a_filter(commander: Persona, query: str, words: str) -> None:
    page = commander.client.get(f"/cases/?tab=all&{query}")
    assert page.status_code == 200
    assert page.context["rows"] == []
    assert words in page.content.decode()


def test_it_finds_no_grid_outside_the_area(
    home_grid: Grid, grid_worker: Persona, outsider: Persona
) -> None:
    file_case(home_grid, grid_worker.user)
    page = outsider.client.get(f"/cases/?tab=all&grid={home_grid.code}").content.decode()
    assert "没有" in page  # the same words as for a grid that does not exist


def test_it_searches_a_police_only_title_only_for_those_who_see_it(
    home_grid: Grid, grid_worker: Persona, officer: Persona, commander: Persona
) -> None:
    clue = file_case(home_grid, officer.user, "0301", title="可疑人员夜间徘徊")
    assert clue.sensitivity == "police"
    assert _numbers(officer, "tab=all&q=徘徊") == [clue.number]
    assert _numbers(commander, "tab=all&q=徘徊") == []  # a civil role: the title is no key
    assert _numbers(commander, f"tab=all&q={clue.number}") == [clue.number]  # the number is
