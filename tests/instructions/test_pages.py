"""Every instruction screen as its owner, a read-only user (the district administrator: sees,
may not act: 403) and an outsider (404 for what is not theirs): the inbox with its forms, sending,
the instruction page, groups, notices and key work items with their progress bars."""

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from outpost.geo.models import CommandRoom, Grid
from outpost.instructions import groups, work
from outpost.instructions.models import Instruction, Milestone, VirtualGroup, WorkItem
from tests.conftest import HOME_GRID, Persona
from tests.instructions.conftest import row, send

pytestmark = pytest.mark.django_db
STREET = HOME_GRID[:9] + "000"


def status(client: Client, url: str, data: dict[str, Any] | None = None) -> int:
    answer = client.post(url, data or {}) if data is not None else client.get(url)
    return answer.status_code


def page(client: Client, url: str) -> str:
    answer = client.get(url)
    assert answer.status_code == 200, answer.content[:300]
    return answer.content.decode()


def test_it_shows_the_header_link_only_to_those_who_use_instructions(
    grid_worker: Persona, commander: Persona, admin: Persona, nobody: Persona
) -> None:
    link = 'href="/instructions/"'
    assert link in page(grid_worker.client, "/")
    assert link in page(commander.client, "/")
    # The district's administrator follows the rooms of the district (their sent lists).
    assert link in page(admin.client, "/")
    assert admin.client.get("/instructions/").status_code == 200
    assert link not in page(nobody.client, "/")
    assert nobody.client.get("/instructions/").status_code == 403


def test_it_gives_the_grid_worker_an_inbox_with_sign_on_and_report_forms(
    room: CommandRoom,
    home_grid: Grid,
    commander: Persona,
    grid_worker: Persona,
    outsider: Persona,
) -> None:
    instruction = send(room, commander.user, [("grid", home_grid.code)])
    rid = row(instruction, f"grid:{home_grid.code}").pk
    inbox = page(grid_worker.client, "/instructions/")
    assert f'data-instruction="{instruction.pk}"' in inbox
    assert f'id="sign-on-{rid}"' in inbox and 'name="next" value="/instructions/"' in inbox
    answer = grid_worker.client.post(
        f"/instructions/{instruction.pk}/recipients/{rid}/sign-on/", {"next": "/instructions/"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/instructions/"
    inbox = page(grid_worker.client, "/instructions/")
    assert f'id="feedback-{rid}"' in inbox and f'id="feedback-{rid}-text"' in inbox
    elsewhere = grid_worker.client.post(
        f"/instructions/{instruction.pk}/recipients/{rid}/feedback/",
        {"text": "已处理", "next": "https://example.com/"},
    )
    assert elsewhere["Location"] == f"/instructions/{instruction.pk}/"  # never off-site
    assert f'data-instruction="{instruction.pk}"' not in page(outsider.client, "/instructions/")


def test_it_lists_the_rooms_instructions_for_the_room(
    room: CommandRoom, home_grid: Grid, commander: Persona, admin: Persona, grid_worker: Persona
) -> None:
    instruction = send(room, commander.user, [("grid", home_grid.code)])
    for who in (commander, admin):
        sent = page(who.client, "/instructions/?tab=rooms")
        assert f'<tr data-instruction="{instruction.pk}">' in sent and "0/1" in sent
    assert f'<tr data-instruction="{instruction.pk}">' not in page(
        grid_worker.client, "/instructions/?tab=rooms"
    )


def test_it_sends_from_the_form_only_for_those_who_may(
    room: CommandRoom, home_grid: Grid, commander: Persona, admin: Persona, grid_worker: Persona
) -> None:
    form = page(commander.client, "/instructions/new/")
    assert f'value="{home_grid.code}"' in form and 'value="320106013001001"' not in form
    deadline = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    fields = {
        "room": room.pk,
        "title": "核查重点场所",
        "deadline": deadline,
        "priority": "normal",
        "grids": [home_grid.code],
    }
    answer = commander.client.post("/instructions/new/", fields)
    assert answer.status_code == 302
    instruction = Instruction.objects.get(title="核查重点场所")
    assert answer["Location"] == f"/instructions/{instruction.pk}/"
    nobody_chosen = commander.client.post("/instructions/new/", {**fields, "grids": []})
    assert nobody_chosen.status_code == 200 and "errorlist" in nobody_chosen.content.decode()
    for who in (admin, grid_worker):
        assert status(who.client, "/instructions/new/") == 403
        assert status(who.client, "/instructions/new/", fields) == 403


def test_it_shows_the_instruction_to_whom_it_concerns(
    room: CommandRoom,
    home_grid: Grid,
    commander: Persona,
    admin: Persona,
    grid_worker: Persona,
    officer: Persona,
    outsider: Persona,
    nobody: Persona,
) -> None:
    instruction = send(room, commander.user, [("grid", home_grid.code)])
    url = f"/instructions/{instruction.pk}/"
    for who in (commander, admin, grid_worker):
        assert status(who.client, url) == 200
    for who in (officer, outsider, nobody):
        assert status(who.client, url) == 404
    assert 'id="my-part"' in page(grid_worker.client, url)
    assert 'id="my-part"' not in page(commander.client, url)
    assert status(commander.client, "/instructions/999999/") == 404


@pytest.fixture
def group(organisations: Any, commander: Persona) -> VirtualGroup:
    return groups.create_group(
        actor=commander.user, unit_types=["旅馆业", "寄递物流"], area_code=STREET
    )


def test_it_manages_groups_in_scope(
    group: VirtualGroup, commander: Persona, admin: Persona, outsider: Persona
) -> None:
    listing = page(commander.client, "/instructions/groups/")
    assert f'data-group="{group.pk}"' in listing and 'id="create-group"' in listing
    assert 'id="create-group"' not in page(admin.client, "/instructions/groups/")
    assert f'data-group="{group.pk}"' in page(admin.client, "/instructions/groups/")
    assert f'data-group="{group.pk}"' not in page(outsider.client, "/instructions/groups/")
    fields = {"unit_types": ["旅馆业"], "area_code": STREET, "name": ""}
    assert status(admin.client, "/instructions/groups/", fields) == 403
    assert status(outsider.client, "/instructions/groups/", fields) == 403
    created = commander.client.post("/instructions/groups/", fields)
    assert created.status_code == 302
    url = f"/instructions/groups/{group.pk}/"
    detail = page(commander.client, url)
    members = set(re.findall(r'data-organisation="(\d+)"', detail))
    assert members == {str(m) for m in group.members.values_list("organisation_id", flat=True)}
    assert 'id="rebuild-group"' in detail and 'id="notice-submit"' in detail
    assert 'id="rebuild-group"' not in page(admin.client, url)
    assert status(outsider.client, url) == 404
    for action, data in (("rebuild/", {}), ("notify/", {"title": "通知", "body": ""})):
        assert status(outsider.client, url + action, data) == 404
        assert status(admin.client, url + action, data) == 403
        assert status(commander.client, url + action, data) == 302


def test_it_shows_notices_and_their_receipts(
    group: VirtualGroup, commander: Persona, admin: Persona, outsider: Persona
) -> None:
    notice = groups.send_notice(group, actor=commander.user, title="旅馆业专项检查通知")
    url = f"/instructions/notices/{notice.pk}/"
    for who in (commander, admin):
        assert f'data-notice="{notice.pk}"' in page(who.client, "/instructions/notices/")
        shown = page(who.client, url)
        assert 'id="receipts"' in shown and 'id="confirm-notice"' not in shown
    assert f'data-notice="{notice.pk}"' not in page(outsider.client, "/instructions/notices/")
    assert status(outsider.client, url) == 404
    assert status(outsider.client, url + "confirm/", {}) == 404
    assert status(admin.client, url + "confirm/", {}) == 403


@pytest.fixture
def item(room: CommandRoom, commander: Persona) -> WorkItem:
    today = timezone.localdate()
    return work.create_work_item(
        room,
        actor=commander.user,
        title="平安前哨规范化建设",
        milestones=[("选址挂牌", today), ("人员进驻", today), ("验收", today)],
    )


def test_it_measures_key_work_by_its_milestones(
    item: WorkItem, commander: Persona, admin: Persona, outsider: Persona, grid_worker: Persona
) -> None:
    listing = page(commander.client, "/instructions/work/")
    assert f'data-item="{item.pk}" data-percent="0"' in listing
    first = item.milestones.order_by("id").first()
    assert first is not None
    url = f"/instructions/work/{item.pk}/"
    done = f"{url}milestones/{first.pk}/done/"
    assert status(outsider.client, done, {}) == 404
    assert status(admin.client, done, {}) == 403
    assert status(commander.client, done, {}) == 302
    assert status(commander.client, done, {}) == 302  # a second click finds it done
    assert Milestone.objects.get(pk=first.pk).done_by == commander.user
    assert f'data-item="{item.pk}" data-percent="33"' in page(admin.client, "/instructions/work/")
    assert 'data-percent="33"' in page(commander.client, url)
    for who in (outsider, grid_worker):
        assert status(who.client, url) == 404
        assert f'data-item="{item.pk}"' not in page(who.client, "/instructions/work/")
    added = {"title": "总结", "due_date": timezone.localdate().isoformat()}
    assert status(admin.client, f"{url}milestones/", added) == 403
    assert status(outsider.client, f"{url}milestones/", added) == 404
    assert status(commander.client, f"{url}milestones/", added) == 302
    assert 'data-percent="25"' in page(commander.client, url)


def test_it_adds_key_work_from_the_form(
    room: CommandRoom, commander: Persona, admin: Persona
) -> None:
    fields = {
        "room": room.pk,
        "title": "矛盾纠纷大排查",
        "milestones": "2026-12-01 完成排查\n2026-12-20 化解销号",
        "lead_unit": "综治中心",
    }
    assert status(admin.client, "/instructions/work/", fields) == 403
    created = commander.client.post("/instructions/work/", fields)
    assert created.status_code == 302
    item = WorkItem.objects.get(title="矛盾纠纷大排查")
    assert [m.title for m in item.milestones.all()] == ["完成排查", "化解销号"]
    wrong = commander.client.post("/instructions/work/", {**fields, "milestones": "明天 开会"})
    assert wrong.status_code == 200 and "errorlist" in wrong.content.decode()
