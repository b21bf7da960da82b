"""The case screens: the report form, the work queue per persona, the case page with one form per
allowed action, and the public status page by tracking code (no personal data, rating, 429)."""

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from outpost.accounts.roles import Role
from outpost.cases import services
from outpost.cases.labels import ACTION_LABELS, STATE_LABELS
from outpost.cases.models import Case
from outpost.cases.workflow import ACTIONS, State
from outpost.geo.models import Grid
from outpost.registry.models import StandardAddress
from tests.cases.conftest import file_case, point_in
from tests.cases.photos import phone_photo
from tests.conftest import OTHER_GRID, Persona, _persona

pytestmark = pytest.mark.django_db
CONFLICT = "案件已被他人处理，请刷新后重试"
RECHECK = {"files": [("复查.jpg", phone_photo(rotated=False))]}


@pytest.fixture
def department(db: None) -> Persona:
    """A handler of 鼓楼区城市管理局 (the route of 占道经营 and the other 06 sub-types)."""
    return _persona("dept_p", Role.DEPARTMENT_HANDLER, "320106CG")


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def numbers(html: str) -> set[str]:
    return set(re.findall(r'data-number="([^"]+)"', html))


def forms_on(html: str) -> list[str]:
    return re.findall(r'<form method="post" action="[^"]+/act/[^"]+/" data-action="(\w+)"', html)


def act(persona: Persona, case: Case, action: str, follow: bool = False, **fields: Any) -> Any:
    """Post an action's form as the page would: prefixed fields and the case's current version."""
    case.refresh_from_db()
    data: dict[str, Any] = {f"{action}-version": case.version}
    data |= {f"{action}-{name}": value for name, value in fields.items()}
    return persona.client.post(f"/cases/{case.number}/act/{action}/", data, follow=follow)


def moved(persona: Persona, case: Case, action: str, to: State, **fields: Any) -> None:
    answer = act(persona, case, action, **fields)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    case.refresh_from_db()
    assert case.state == to, (action, case.state)


def test_it_labels_every_state_and_action_in_chinese() -> None:
    assert set(STATE_LABELS) == set(State)
    assert set(ACTION_LABELS) >= ACTIONS | {"report"}
    with translation.override("zh-hans"):
        for label in (*STATE_LABELS.values(), *ACTION_LABELS.values()):
            assert re.search(r"[\u4e00-\u9fff]", str(label)), f"untranslated: {label}"


def test_it_shows_each_persona_the_cases_of_its_queue_tabs(
    home_grid: Grid,
    grid_worker: Persona,
    commander: Persona,
    officer: Persona,
    outsider: Persona,
    department: Persona,
) -> None:
    reported = file_case(home_grid, grid_worker.user, title="刚上报的纠纷")
    to_grid = file_case(home_grid, grid_worker.user, "0603", title="楼道口垃圾")
    for step in ("accept", "dispatch"):
        services.act(to_grid, step, actor=commander.user)
    clue = file_case(home_grid, grid_worker.user, "0301", title="可疑人员出入")
    services.act(clue, "request_verification", actor=commander.user)
    stalls = file_case(home_grid, grid_worker.user, "0601", title="占道卖菜")
    for step in ("accept", "dispatch"):
        services.act(stalls, step, actor=commander.user)
    elsewhere = file_case(Grid.objects.get(code=OTHER_GRID), outsider.user, title="外街道的事")

    assert numbers(page(commander.client, "/cases/?tab=dispatch")) == {
        reported.number,
        clue.number,
    }
    assert numbers(page(officer.client, "/cases/?tab=verify")) == {clue.number}
    assert numbers(page(grid_worker.client, "/cases/?tab=units")) == {to_grid.number}
    assert numbers(page(department.client, "/cases/?tab=units")) == {stalls.number}
    mine = {reported.number, to_grid.number, clue.number, stalls.number}
    assert numbers(page(grid_worker.client, "/cases/?tab=mine")) == mine
    assert numbers(page(commander.client, "/cases/?tab=all")) == mine
    assert numbers(page(outsider.client, "/cases/?tab=all")) == {elsewhere.number}
    assert numbers(page(outsider.client, "/cases/?tab=mine")) == {elsewhere.number}

    # Tabs follow the roles: a grid worker dispatches nothing, a department reports nothing.
    worker_tabs = re.findall(r'data-tab="(\w+)"', page(grid_worker.client, "/cases/"))
    assert worker_tabs[:3] == ["units", "mine", "all"]
    assert "dispatch" not in worker_tabs and "verify" not in worker_tabs
    assert re.findall(r'data-tab="(\w+)"', page(department.client, "/cases/"))[:2] == [
        "units",
        "all",
    ]
    # States are shown in Chinese; the police-only rule hides titles from civil roles.
    html = page(commander.client, "/cases/?tab=dispatch")
    assert str(STATE_LABELS[State.AWAITING_VERIFICATION]) in html or "待民警核实" in html


def test_it_marks_overdue_and_near_deadlines_in_the_queue(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    late = file_case(home_grid, grid_worker.user, "0603", title="超时未签收")
    soon = file_case(home_grid, grid_worker.user, "0603", title="快到期")
    calm = file_case(home_grid, grid_worker.user, "0603", title="刚派遣")
    for case in (late, soon, calm):
        for step in ("accept", "dispatch"):
            services.act(case, step, actor=commander.user)
    now = timezone.now()
    hour = timezone.timedelta(hours=1)
    Case.objects.filter(pk=late.pk).update(sign_on_started=now - 5 * hour, sign_on_due=now - hour)
    Case.objects.filter(pk=soon.pk).update(sign_on_started=now - 9 * hour, sign_on_due=now + hour)

    html = page(grid_worker.client, "/cases/?tab=units")
    markers = dict(re.findall(r'data-number="([^"]+)".*?class="due ?(\w*)"', html, flags=re.DOTALL))
    assert markers == {late.number: "overdue", soon.number: "near", calm.number: ""}
    assert "已超时" in html and "即将到期" in html


def test_it_offers_only_the_forms_of_the_allowed_actions(
    home_grid: Grid, grid_worker: Persona, commander: Persona, officer: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user)
    url = f"/cases/{case.number}/"
    assert forms_on(page(commander.client, url)) == ["accept", "request_verification", "reject"]
    assert forms_on(page(grid_worker.client, url)) == []
    assert forms_on(page(officer.client, url)) == []
    for step in ("accept", "dispatch"):
        services.act(case, step, actor=commander.user)
    assert forms_on(page(grid_worker.client, url)) == ["sign_on", "return"]
    assert forms_on(page(commander.client, url)) == ["return", "dispatch", "urge"]


def test_it_walks_a_dispute_through_every_handling_action_on_the_page(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user, title="邻里噪音争吵")
    moved(commander, case, "accept", State.ACCEPTED)
    html = page(commander.client, f"/cases/{case.number}/")
    assert f'value="grid:{home_grid.code}"' in html and "checked" in html  # the suggested route
    moved(commander, case, "dispatch", State.DISPATCHED, units=f"grid:{home_grid.code}", lead="")
    assert [a.unit_code for a in case.assignments.filter(active=True)] == [home_grid.code]
    moved(grid_worker, case, "sign_on", State.HANDLING)
    moved(grid_worker, case, "note", State.HANDLING, comment="已上门了解情况")
    moved(grid_worker, case, "request_extension", State.HANDLING, comment="双方需要时间协商")
    moved(commander, case, "approve_extension", State.HANDLING)
    moved(grid_worker, case, "suspend", State.SUSPENDED, comment="当事人外出")
    moved(grid_worker, case, "resume", State.HANDLING)

    missing = act(grid_worker, case, "complete", comment="已调解")
    assert missing.status_code == 200
    assert "这个字段是必填项" in missing.content.decode()  # the mediation outcome, in Chinese
    moved(
        grid_worker,
        case,
        "complete",
        State.COMPLETED,
        comment="双方握手言和",
        mediation_outcome="调解成功",
    )
    assert "调解成功" in case.result
    moved(commander, case, "rate", State.HANDLING, rating="unsatisfied", comment="居民仍有意见")
    assert case.rework_count == 1
    moved(
        grid_worker,
        case,
        "complete",
        State.COMPLETED,
        comment="再次调解",
        mediation_outcome="调解成功",
    )
    moved(commander, case, "rate", State.RATED, rating="satisfied")
    moved(commander, case, "close", State.CLOSED)
    html = page(commander.client, f"/cases/{case.number}/")
    assert "已结案" in html and forms_on(html) == []
    steps = list(case.timeline.values_list("action", flat=True))
    assert steps[:3] == ["report", "accept", "dispatch"] and steps[-2:] == ["rate", "close"]


def test_it_verifies_dispatches_jointly_returns_escalates_and_rejects(
    home_grid: Grid, grid_worker: Persona, commander: Persona, officer: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user, "0301", title="可疑人员")
    moved(commander, case, "request_verification", State.AWAITING_VERIFICATION)
    moved(officer, case, "verify", State.ACCEPTED, comment="属实")
    assert home_grid.main_beat is not None
    beat, grid = f"beat:{home_grid.main_beat.code}", f"grid:{home_grid.code}"
    no_lead = act(commander, case, "dispatch", units=[beat, grid])
    assert no_lead.status_code == 200 and "牵头" in no_lead.content.decode()
    moved(commander, case, "dispatch", State.DISPATCHED, units=[beat, grid], lead=beat)
    leads = dict(case.assignments.filter(active=True).values_list("unit_code", "lead"))
    assert leads == {home_grid.main_beat.code: True, home_grid.code: False}
    moved(officer, case, "return", State.ACCEPTED, comment="不属于本警务区")
    moved(commander, case, "dispatch", State.DISPATCHED, escalate="on")
    assert case.assignments.get(active=True).unit_kind == "room"
    moved(commander, case, "return", State.ACCEPTED, comment="指挥室退回")
    no_reason = act(commander, case, "reject")
    assert no_reason.status_code == 200 and "这个字段是必填项" in no_reason.content.decode()
    moved(commander, case, "reject", State.REJECTED, comment="已另案处理")


def test_it_rejects_a_duplicate_and_lets_the_reporter_reopen(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    first = file_case(home_grid, grid_worker.user, "0603")
    again = file_case(home_grid, grid_worker.user, "0603")
    moved(commander, again, "reject", State.REJECTED, comment="重复", duplicate_of=first.number)
    assert again.duplicate_of == first
    for step in ("accept", "dispatch"):
        services.act(first, step, actor=commander.user)
    services.act(first, "sign_on", actor=grid_worker.user)
    services.act(
        first,
        "complete",
        actor=grid_worker.user,
        comment="已清理",
        payload=RECHECK | {"recheck": "干净"},
    )
    moved(grid_worker, first, "reopen", State.HANDLING, comment="又堆上了")


def test_it_shows_the_conflict_message_when_someone_acted_first(
    home_grid: Grid, grid_worker: Persona, commander: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = file_case(home_grid, grid_worker.user)
    stale_version = case.version
    services.act(case, "accept", actor=commander.user)  # another dispatcher, a moment earlier
    answer = commander.client.post(
        f"/cases/{case.number}/act/accept/", {"accept-version": stale_version}, follow=True
    )
    assert CONFLICT in answer.content.decode()
    assert list(case.timeline.values_list("action", flat=True)) == ["report", "accept"]

    def lost_the_race(*args: Any, **kwargs: Any) -> None:
        raise services.CaseConflict

    monkeypatch.setattr(services, "act", lost_the_race)
    raced = act(commander, case, "dispatch", follow=True, units=f"grid:{home_grid.code}")
    assert CONFLICT in raced.content.decode()
    case.refresh_from_db()
    assert case.state == State.ACCEPTED


def test_it_answers_404_to_outsiders_and_403_to_a_read_only_persona(
    home_grid: Grid, grid_worker: Persona, commander: Persona, officer: Persona, outsider: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user)
    page(outsider.client, f"/cases/{case.number}/", 404)
    assert act(outsider, case, "accept").status_code == 404
    page(outsider.client, "/cases/320106-20000101-0001/", 404)
    services.act(case, "accept", actor=commander.user)
    page(officer.client, f"/cases/{case.number}/")  # the beat's officer sees it…
    denied = act(officer, case, "dispatch", units=f"grid:{home_grid.code}")
    assert denied.status_code == 403  # …but may not dispatch it
    assert act(grid_worker, case, "accept").status_code == 403
    assert act(commander, case, "no_such_action").status_code == 404
    case.refresh_from_db()
    assert case.state == State.ACCEPTED


def test_it_hides_police_only_details_from_civil_roles(
    home_grid: Grid, grid_worker: Persona, commander: Persona, officer: Persona
) -> None:
    case = file_case(home_grid, officer.user, "0302", title="某棋牌室涉赌", sensitivity="police")
    civil = page(commander.client, f"/cases/{case.number}/")
    assert "某棋牌室涉赌" not in civil and "涉警内容" in civil and 'id="case-map"' not in civil
    assert "某棋牌室涉赌" in page(officer.client, f"/cases/{case.number}/")
    assert "某棋牌室涉赌" not in page(commander.client, "/cases/?tab=all")


def test_it_reports_through_the_form_into_the_right_grid(
    home_grid: Grid, grid_worker: Persona
) -> None:
    html = page(grid_worker.client, "/cases/report/")
    assert 'id="pick-map"' in html and "/api/v1/geo/grids" in html
    where = point_in(home_grid)
    answer = grid_worker.client.post(
        "/cases/report/",
        {
            "subtype": "0603",
            "title": "楼道口垃圾堆放",
            "description": "三单元门口",
            "urgency": "urgent",
            "lon": where.x,
            "lat": where.y,
        },
    )
    case = Case.objects.get(title="楼道口垃圾堆放")
    assert answer.status_code == 302 and answer["Location"] == f"/cases/{case.number}/"
    assert case.grid_code == home_grid.code and case.reporter == grid_worker.user
    assert (case.urgency, case.source, case.state) == ("urgent", "grid_patrol", "reported")
    assert case.tracking_code in page(grid_worker.client, answer["Location"])


def test_it_rejects_a_point_outside_every_grid_in_chinese(grid_worker: Persona) -> None:
    form = {"subtype": "0603", "title": "海上漂浮物", "urgency": "normal"}
    outside = grid_worker.client.post("/cases/report/", {**form, "lon": 0.5, "lat": 0.5})
    html = outside.content.decode()
    assert outside.status_code == 200 and "该位置不在您的辖区内" in html
    location = html[html.index('id="field-location"') :]
    assert location.index("该位置不在您的辖区内") < location.index("</fieldset>")  # by the map
    unpinned = grid_worker.client.post("/cases/report/", form).content.decode()
    assert "请在地图上标出位置，或按地址查找" in unpinned
    short = grid_worker.client.post("/cases/report/", {**form, "title": "x"}).content.decode()
    assert "至少包含 2 字符" in short
    assert not Case.objects.exists()


def test_it_offers_care_cases_only_to_those_who_may_file_them(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    assert 'value="0501"' not in page(grid_worker.client, "/cases/report/")
    assert 'value="0501"' in page(commander.client, "/cases/report/")
    assert "<optgroup" in page(commander.client, "/cases/report/")
    where = point_in(home_grid)
    forged = {"subtype": "0501", "title": "困难户", "urgency": "normal"}
    answer = grid_worker.client.post("/cases/report/", {**forged, "lon": where.x, "lat": where.y})
    assert answer.status_code == 200 and not Case.objects.exists()


def test_it_gives_the_point_of_a_standard_address_only_in_scope(
    home_grid: Grid, grid_worker: Persona, outsider: Persona
) -> None:
    where = point_in(home_grid)
    StandardAddress.objects.create(
        code="3201060010030001",
        level="door",
        community_code=home_grid.community.code,
        road="中山路",
        door_no="81号",
        full_text="鼓楼区中山路81号",
        lon=where.x,
        lat=where.y,
        grid_code=home_grid.code,
        beat_code=home_grid.main_beat.code if home_grid.main_beat else "",
    )
    url = "/cases/address-point/?code=3201060010030001"
    point = grid_worker.client.get(url).json()
    assert (point["lon"], point["lat"], point["full_text"]) == (
        where.x,
        where.y,
        "鼓楼区中山路81号",
    )
    assert outsider.client.get(url).status_code == 404


def completed_case(home_grid: Grid, worker: Persona, commander: Persona) -> Case:
    case = file_case(
        home_grid,
        worker.user,
        "0603",
        title="王小明家门口垃圾",
        description="住户王小明反映",
        reporter_name="王小明",
        reporter_phone="13912345678",
    )
    services.act(case, "accept", actor=commander.user, comment="内部备注：先核实")
    services.act(case, "dispatch", actor=commander.user)
    services.act(case, "sign_on", actor=worker.user)
    services.act(case, "note", actor=worker.user, comment="联系了王小明 13912345678")
    services.act(
        case,
        "complete",
        actor=worker.user,
        comment="垃圾已清运",
        payload=RECHECK | {"recheck": "复查已清洁"},
    )
    return case


def test_it_shows_the_public_status_without_personal_data(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    case = completed_case(home_grid, grid_worker, commander)
    html = page(Client(), f"/status/{case.tracking_code}/")
    assert "已办结" in html and "垃圾堆放" in html and home_grid.name in html
    assert "垃圾已清运" in html  # the result, once completed
    for secret in (
        "王小明",
        "1391",
        "5678",
        "139****5678",
        "内部备注",
        "联系了",
        grid_worker.user.username,
        commander.user.username,
        str(grid_worker.user),
    ):
        assert secret not in html, secret
    assert 'action="/status/' in html and 'name="rating"' in html
    # The lookup form leads to the same page; codes are not case-sensitive.
    lookup = Client().get("/status/", {"code": case.tracking_code.lower()})
    assert lookup.status_code == 302 and lookup["Location"] == f"/status/{case.tracking_code}/"


def test_it_lets_a_resident_rate_and_reopen_by_the_tracking_code(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    case = completed_case(home_grid, grid_worker, commander)
    resident = Client()
    url = f"/status/{case.tracking_code}/rate/"
    answer = resident.post(url, {"version": case.version, "rating": "satisfied"}, follow=True)
    case.refresh_from_db()
    assert (case.state, case.rating) == (State.RATED, "satisfied")
    assert "感谢" in answer.content.decode() and 'name="rating"' not in answer.content.decode()
    last = case.timeline.last()
    assert last is not None and (last.actor_id, last.actor_name) == (None, "resident")

    unhappy = completed_case(home_grid, grid_worker, commander)
    resident.post(
        f"/status/{unhappy.tracking_code}/rate/",
        {"version": unhappy.version, "rating": "unsatisfied", "comment": "垃圾又来了"},
    )
    unhappy.refresh_from_db()
    assert (unhappy.state, unhappy.rework_count) == (State.HANDLING, 1)
    # The rating keeps what the resident said; the reopening is the system's own step.
    rate, reopen = unhappy.timeline.order_by("-id")[:2][::-1]
    assert (rate.action, rate.actor_name, rate.comment) == ("rate", "resident", "垃圾又来了")
    assert (reopen.action, reopen.actor_name) == ("reopen", "system:unsatisfied_rating")
    page = commander.client.get(f"/cases/{unhappy.number}/").content.decode()
    assert "系统：回访不满意，重新办理" in page and "群众" in page
    stale = resident.post(
        f"/status/{case.tracking_code}/rate/", {"version": 0, "rating": "unsatisfied"}, follow=True
    )
    assert "已有变化" in stale.content.decode()
    case.refresh_from_db()
    assert case.state == State.RATED


def test_it_answers_an_unknown_tracking_code_with_the_plain_404(anonymous: Client) -> None:
    unknown = anonymous.get("/status/NOSUCHCODE/")
    assert unknown.status_code == 404 and "未找到" in unknown.content.decode()
    assert anonymous.post("/status/NOSUCHCODE/rate/", {"rating": "satisfied"}).status_code == 404
    bad = anonymous.get("/status/", {"code": "no!"})
    assert bad.status_code == 200 and "查询码由 6 到 12 位字母和数字组成" in bad.content.decode()


def test_it_limits_status_lookups_per_address(anonymous: Client, settings: Any) -> None:
    settings.OUTPOST_STATUS_LOOKUPS_PER_MINUTE = 30
    settings.OUTPOST_STATUS_LOOKUP_WINDOW = 3600  # one window for the whole test
    for _ in range(30):
        assert anonymous.get("/status/NOSUCHCODE/").status_code == 404
    limited = anonymous.get("/status/NOSUCHCODE/")
    assert limited.status_code == 429 and 0 < int(limited["Retry-After"]) <= 3600
    assert "查询过于频繁" in limited.content.decode()
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get("/status/NOSUCHCODE/").status_code == 404  # another address is not held up
