"""The duty roster (轮岗值班) kept on a page, and the eight reporters (8大员) and their tally."""

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from outpost.accounts.roles import Role
from outpost.cases import services
from outpost.cases.models import Case
from outpost.command.models import DutyShift, ReporterProfile, RoomMember
from outpost.core.models import ChangeRecord
from outpost.geo.models import Grid
from tests.cases.conftest import file_case, point_in
from tests.conftest import Persona, _persona

pytestmark = pytest.mark.django_db


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def post(persona: Persona, room: Any, **data: Any) -> Any:
    return persona.client.post(f"/command/{room.station.code}/duty/", data, follow=True)


def test_it_keeps_the_roster_on_a_page(
    commander: Persona, duty_officer: Persona, room: Any
) -> None:
    added = post(
        commander, room, form="member", username=duty_officer.user.username, kind="police_duty"
    )
    assert "已保存" in added.content.decode()
    member = RoomMember.objects.get(room=room, user=duty_officer.user)
    now = timezone.now().replace(second=0, microsecond=0)
    start, end = now - dt.timedelta(hours=1), now + dt.timedelta(hours=7)
    post(
        commander, room, form="shift", member=member.pk, starts_at=local(start), ends_at=local(end)
    )
    shift = DutyShift.objects.get(member=member)
    assert (shift.starts_at, shift.ends_at) == (start, end)
    html = post(
        commander,
        room,
        form="shift",
        member=member.pk,
        starts_at=local(start + dt.timedelta(hours=2)),
        ends_at=local(end + dt.timedelta(hours=2)),
    ).content.decode()
    assert "在该时段已有班次" in html  # one person, one place at a time
    long = post(
        commander,
        room,
        form="shift",
        member=member.pk,
        starts_at=local(end),
        ends_at=local(end + dt.timedelta(hours=30)),
    )
    assert "不能超过 24 小时" in long.content.decode()
    backwards = post(
        commander, room, form="shift", member=member.pk, starts_at=local(end), ends_at=local(start)
    )
    assert "须晚于上班时间" in backwards.content.decode()
    assert DutyShift.objects.count() == 1
    page = commander.client.get(f"/command/{room.station.code}/duty/").content.decode()
    assert 'id="now-on-duty"' in page and duty_officer.user.display_name in page
    assert ChangeRecord.objects.filter(object_type="command_room", action="add_shift").count() == 1
    unknown = post(commander, room, form="member", username="nobody_here", kind="street_staff")
    assert "本辖区没有这个用户：nobody_here" in unknown.content.decode()


def test_it_takes_the_handover_note_from_the_person_on_duty_only(
    commander: Persona, duty_officer: Persona, room: Any
) -> None:
    from outpost.command import duty

    member = duty.add_member(room, duty_officer.user.username, "police_duty", actor=None)
    now = timezone.now()
    duty.add_shift(member, now - dt.timedelta(hours=2), now + dt.timedelta(hours=6), actor=None)
    note = "110 转来的噪音投诉已派网格，明早回访"
    refused = post(commander, room, form="handover", note=note)
    assert "您当前不在班" in refused.content.decode()
    done = post(duty_officer, room, form="handover", note=note).content.decode()
    assert note in done  # shown as the last handover
    assert DutyShift.objects.get().handover_note == note
    duty_page = duty_officer.client.get(f"/command/{room.station.code}/duty/").content
    assert b'id="handover-form"' in duty_page  # offered to the one on duty
    assert (
        b'id="handover-form"'
        not in commander.client.get(f"/command/{room.station.code}/duty/").content
    )


def test_it_removes_a_member_and_their_future_shifts_but_keeps_the_past(
    commander: Persona, duty_officer: Persona, room: Any
) -> None:
    from outpost.command import duty

    member = duty.add_member(room, duty_officer.user.username, "police_duty", actor=None)
    now = timezone.now()
    duty.add_shift(member, now - dt.timedelta(days=1), now - dt.timedelta(hours=16), actor=None)
    duty.add_shift(
        member, now + dt.timedelta(days=1), now + dt.timedelta(days=1, hours=8), actor=None
    )
    post(commander, room, form="remove", member=member.pk)
    member.refresh_from_db()
    assert not member.active
    assert list(DutyShift.objects.values_list("ends_at", flat=True)) == [
        now - dt.timedelta(hours=16)
    ]


def test_it_counts_what_became_of_each_reporters_reports(
    home_grid: Grid, commander: Persona, room: Any
) -> None:
    guard = _persona("guard_p", Role.REPORTER, home_grid.code)
    ReporterProfile.objects.create(user=guard.user, kind="security_guard", employer="某物业公司")
    courier = _persona("courier_p", Role.REPORTER, home_grid.code)
    taken = file_case(home_grid, guard.user, "0603")
    refused = file_case(home_grid, guard.user, "0603")
    file_case(home_grid, guard.user, "0101")
    services.act(taken, "accept", actor=commander.user)
    services.act(refused, "reject", actor=commander.user, comment="重复上报")
    html = commander.client.get(f"/command/{room.station.code}/reporters/").content.decode()
    row = html.split('data-user="guard_p"')[1].split("</tr>")[0]
    cells = [c.split("<")[0] for c in row.split("<td")[1:]]
    assert "保安员" in row and "某物业公司" in row
    assert cells[2:] == [">3", ' class="accepted">1', ">1", ">1"]
    assert 'data-user="courier_p"' in html  # no reports yet, still on the list
    assert courier.user.username in html


def test_it_shows_a_reporter_only_their_own_reports(home_grid: Grid, grid_worker: Persona) -> None:
    guard = _persona("guard_p", Role.REPORTER, home_grid.code)
    where = point_in(home_grid)
    answer = guard.client.post(
        "/api/v1/cases",
        json.dumps({"subtype": "0603", "title": "单元门口垃圾", "lon": where.x, "lat": where.y}),
        content_type="application/json",
    )
    assert answer.status_code == 201
    mine = Case.objects.get(title="单元门口垃圾")
    assert mine.source == "reporter"
    theirs = file_case(home_grid, grid_worker.user, "0603", title="别人的案件")
    listed = [c["number"] for c in guard.client.get("/api/v1/cases").json()["items"]]
    assert listed == [mine.number]
    assert guard.client.get(f"/cases/{theirs.number}/").status_code == 404
    assert guard.client.get(f"/cases/{mine.number}/").status_code == 200


def test_it_takes_room_members_only_from_the_rooms_area(
    commander: Persona, outsider: Persona, grid_worker: Persona, room: Any
) -> None:
    refused = post(
        commander, room, form="member", username=outsider.user.username, kind="street_staff"
    )
    assert f"本辖区没有这个用户：{outsider.user.username}" in refused.content.decode()
    post(commander, room, form="member", username=grid_worker.user.username, kind="street_staff")
    assert list(RoomMember.objects.values_list("user__username", flat=True)) == [
        grid_worker.user.username
    ]
    bad = commander.client.post(
        f"/command/{room.station.code}/duty/", {"form": "remove", "member": "abc"}
    )
    assert bad.status_code == 404
