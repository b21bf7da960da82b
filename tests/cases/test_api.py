"""The cases API: tokens, reporting, scoped keyset lists, allowed actions, 404/403/409."""

import datetime as dt
import json
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from outpost.accounts.models import ApiToken, User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.cases import services
from outpost.cases.models import Case
from outpost.geo.models import Grid
from tests.cases.conftest import file_case, point_in
from tests.conftest import Persona

pytestmark = pytest.mark.django_db
API = "/api/v1"


def post(client: Client, url: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def token_for(username: str, password: str = "x") -> str:
    answer = post(Client(), f"{API}/auth/token", {"username": username, "password": password})
    assert answer.status_code == 200, answer.content
    return answer.json()["token"]


def test_it_issues_a_bearer_token_that_acts_as_its_user(
    grid_worker: Persona, home_grid: Grid
) -> None:
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token_for(grid_worker.user.username)}"}
    where = point_in(home_grid)
    created = post(
        Client(),
        f"{API}/cases",
        {"subtype": "0603", "title": "垃圾堆放在楼道口", "lon": where.x, "lat": where.y},
        **bearer,
    )
    assert created.status_code == 201, created.content
    case = Case.objects.get(number=created.json()["number"])
    assert case.reporter == grid_worker.user and case.grid_code == home_grid.code
    assert created.json()["allowed_actions"] == []  # a reporter waits for the dispatcher


def test_it_keeps_a_tokens_last_use_to_the_minute(grid_worker: Persona) -> None:
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token_for(grid_worker.user.username)}"}
    assert Client().get(f"{API}/cases", **bearer).status_code == 200
    row = ApiToken.objects.get(user=grid_worker.user)
    first = row.last_used_at
    assert first is not None
    Client().get(f"{API}/cases", **bearer)  # within the minute: no write
    assert ApiToken.objects.get(pk=row.pk).last_used_at == first
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    Client().get(f"{API}/cases", **bearer)
    assert ApiToken.objects.get(pk=row.pk).last_used_at > first


def test_it_refuses_a_wrong_password_and_a_bad_token(grid_worker: Persona) -> None:
    wrong = post(
        Client(), f"{API}/auth/token", {"username": grid_worker.user.username, "password": "nope"}
    )
    assert wrong.status_code == 401 and wrong.json()["detail"] == "用户名或密码错误"
    bad = Client().get(f"{API}/cases", HTTP_AUTHORIZATION="Bearer forged")
    assert bad.status_code == 401 and bad.json()["detail_en"] == "Authentication required"


def test_it_reports_at_a_gcj02_point_into_the_right_grid(
    grid_worker: Persona, home_grid: Grid
) -> None:
    from outpost.geo.coords import from_wgs84

    where = point_in(home_grid)
    lon, lat = from_wgs84(where.x, where.y, "gcj02")
    created = post(
        grid_worker.client,
        f"{API}/cases",
        {"subtype": "0101", "title": "邻居装修噪音", "lon": lon, "lat": lat, "crs": "gcj02"},
    )
    assert created.status_code == 201 and created.json()["grid_code"] == home_grid.code


def test_it_names_a_bad_field_in_both_languages(grid_worker: Persona) -> None:
    answer = post(
        grid_worker.client, f"{API}/cases", {"subtype": "01", "title": "x", "lon": 500, "lat": 32}
    )
    assert answer.status_code == 422
    fields = {e["field"] for e in answer.json()["errors"]}
    assert {"subtype", "title", "lon"} <= fields and "请求参数有误" in answer.json()["detail"]


def test_the_dispatcher_sees_the_buttons_and_walks_the_case(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user)
    url = f"{API}/cases/{case.number}"
    assert commander.client.get(url).json()["allowed_actions"] == [
        "accept",
        "request_verification",
        "reject",
    ]
    accepted = post(commander.client, f"{url}/actions/accept", {})
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    dispatched = post(commander.client, f"{url}/actions/dispatch", {})
    assert dispatched.json()["units"] == [home_grid.name]
    worker_view = grid_worker.client.get(url).json()
    assert worker_view["allowed_actions"] == ["sign_on", "return"]
    assert [t["action"] for t in worker_view["timeline"]] == ["report", "accept", "dispatch"]


def test_closing_a_dispute_needs_a_mediation_outcome(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user)
    url = f"{API}/cases/{case.number}/actions"
    for step in ("accept", "dispatch"):
        post(commander.client, f"{url}/{step}", {})
    post(grid_worker.client, f"{url}/sign_on", {})
    missing = post(grid_worker.client, f"{url}/complete", {"comment": "已处理"})
    assert missing.status_code == 422 and "调解结果" in missing.json()["detail"]
    done = post(
        grid_worker.client,
        f"{url}/complete",
        {"comment": "双方达成一致", "mediation_outcome": "调解成功"},
    )
    assert done.json()["state"] == "completed" and "调解成功" in done.json()["result"]
    unhappy = post(grid_worker.client, f"{url}/rate", {"rating": "unsatisfied"})
    assert unhappy.json()["state"] == "handling" and unhappy.json()["rework_count"] == 1


def test_an_outsider_gets_404_and_a_bystander_403(
    home_grid: Grid, grid_worker: Persona, outsider: Persona, officer: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user)
    url = f"{API}/cases/{case.number}"
    hidden = outsider.client.get(url)
    assert hidden.status_code == 404
    assert hidden.content == outsider.client.get(f"{API}/cases/320106-20000101-9999").content
    assert post(outsider.client, f"{url}/actions/accept", {}).status_code == 404
    refused = post(officer.client, f"{url}/actions/accept", {})  # sees it, may not accept
    assert refused.status_code == 403 and refused.json()["detail_en"] == "You may not do this"
    assert Case.objects.get(pk=case.pk).state == "reported"


def test_the_list_is_scoped_and_pages_by_keyset(
    home_grid: Grid, grid_worker: Persona, outsider: Persona
) -> None:
    numbers = {file_case(home_grid, grid_worker.user, title=f"第{i}件").number for i in range(5)}
    first = grid_worker.client.get(f"{API}/cases?limit=2").json()
    second = grid_worker.client.get(f"{API}/cases?limit=2&after={first['next']}").json()
    third = grid_worker.client.get(f"{API}/cases?limit=2&after={second['next']}").json()
    seen = [c["number"] for page in (first, second, third) for c in page["items"]]
    assert set(seen) == numbers and len(seen) == 5 and third["next"] is None
    assert outsider.client.get(f"{API}/cases").json()["items"] == []


def test_police_only_details_stay_with_the_police(
    home_grid: Grid, grid_worker: Persona, officer: Persona
) -> None:
    leader = User.objects.create_user("leader_p", password="x")
    grant_role(leader, Role.GRID_LEADER, home_grid.community.code, actor=None)
    case = file_case(
        home_grid,
        officer.user,
        "0303",
        title="可疑转账线索",
        description="某人多次收取他人银行卡",
        sensitivity="police",
    )
    client = Client()
    client.force_login(leader)
    civil = client.get(f"{API}/cases/{case.number}").json()
    assert civil["state"] == "reported" and civil["description"] is None
    assert "银行卡" not in json.dumps(civil, ensure_ascii=False)
    police = officer.client.get(f"{API}/cases/{case.number}").json()
    assert police["description"] == "某人多次收取他人银行卡"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("district_reloaded")
def test_two_dispatchers_at_once_exactly_one_wins(
    home_grid: Grid, grid_worker: Persona, commander: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real threads, real connections: both requests have read the case before either writes
    (a barrier holds each just before its transaction), so the conditional update decides and
    the loser is told 409, on PostgreSQL and on SQLite alike."""
    case = file_case(home_grid, grid_worker.user)
    second = User.objects.create_user("commander_2", password="x")
    grant_role(second, Role.STREET_COMMANDER, home_grid.community.code[:9] + "000", actor=None)
    clients = [commander.client, Client()]
    clients[1].force_login(second)
    both_read = threading.Barrier(2, timeout=10)
    checked = services._check

    def check_then_wait(*args: Any) -> Any:
        step = checked(*args)
        both_read.wait()
        return step

    monkeypatch.setattr(services, "_check", check_then_wait)
    answers = _race(case.number, clients, ("accept", "reject"))
    assert sorted(a.status_code for a in answers) == [200, 409], [a.content for a in answers]
    loser = next(a for a in answers if a.status_code == 409).json()
    assert loser["detail"] == "案件已被他人处理，请刷新后重试"
    stored = Case.objects.get(pk=case.pk)
    assert stored.version == 1 and stored.state in ("accepted", "rejected")
    assert [t.action for t in stored.timeline.all()] == ["report", stored.timeline.last().action]
    assert stored.timeline.count() == 2


def _race(number: str, clients: list[Client], actions: tuple[str, str]) -> list[Any]:
    answers: list[Any] = []

    def run(client: Client, action: str) -> None:
        answers.append(
            post(client, f"{API}/cases/{number}/actions/{action}", {"comment": "同时处理"})
        )
        connection.close()

    threads = [
        threading.Thread(target=run, args=pair) for pair in zip(clients, actions, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def test_a_unit_sent_a_case_across_a_boundary_can_open_and_work_it(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    # A district department, outside the grid's area, among the units the dispatch form offers.
    handler = User.objects.create_user(username="dept_api_p", password="x")
    grant_role(handler, Role.DEPARTMENT_HANDLER, "320106CG", actor=None)
    department = Client()
    department.force_login(handler)
    case = file_case(home_grid, grid_worker.user)
    url = f"{API}/cases/{case.number}"
    post(commander.client, f"{url}/actions/accept", {})
    assert department.get(url).status_code == 404  # not theirs yet
    target = {"kind": "department", "code": "320106CG", "lead": True}
    post(commander.client, f"{url}/actions/dispatch", {"targets": [target]})
    seen = department.get(url)
    assert seen.status_code == 200 and seen.json()["allowed_actions"] == ["sign_on", "return"]
    assert post(department, f"{url}/actions/sign_on", {}).json()["state"] == "handling"
