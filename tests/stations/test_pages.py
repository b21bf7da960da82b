"""The station pages: the list, today's page, the window log, and the manager's pages. Outsiders
get 404, readers who may not write 403."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from outpost.geo.models import CommandRoom, OutpostStation
from outpost.instructions import services as instructions
from outpost.stations import queries, services
from outpost.stations.models import DutyShift, OpeningSpan, StationStaff, WindowEntry
from tests.conftest import Persona

pytestmark = pytest.mark.django_db


def _url(name: str, station: OutpostStation) -> str:
    return reverse(f"stations:{name}", args=[station.pk])


def test_it_lists_the_stations_the_user_sees(
    staffed: OutpostStation, grid_worker: Persona, outsider: Persona
) -> None:
    mine = grid_worker.client.get(reverse("stations:list")).content.decode()
    assert staffed.name in mine and "工作人员 2 人" in mine
    theirs = outsider.client.get(reverse("stations:list")).content.decode()
    assert staffed.name not in theirs


def test_it_shows_todays_work_on_the_station_page(
    staffed: OutpostStation, grid_worker: Persona, commander: Persona
) -> None:
    worker = StationStaff.objects.get(station=staffed, user=grid_worker.user)
    services.book_duty(staffed, worker, timezone.localdate(), "morning", actor=None)
    new = services.NewWindowEntry("张大爷", "request", "代办老年卡", "referred", "13912345678")
    services.record_window_visit(staffed, new, actor=grid_worker.user)
    page = grid_worker.client.get(_url("today", staffed)).content.decode()
    assert "今日值班" in page and "上午 · worker_p" in page
    assert "张大爷" in page and "139****5678" in page and "13912345678" not in page
    assert "代办老年卡" in page and 'id="window-form"' in page
    # The commander reads the page but does not staff the window: no form.
    assert 'id="window-form"' not in commander.client.get(_url("today", staffed)).content.decode()


def test_it_lists_the_instructions_not_yet_reported_back(
    staffed: OutpostStation, officer: Persona, grid_worker: Persona, duty_officer: Persona
) -> None:
    """To those who see them: the officer acts for the station (its 警务室); a grid worker acts
    for their grid only, so the instructions' own rule hides the station's from them."""
    room = duty_officer.user.assignments.get().scope_code
    deadline = timezone.now() + dt.timedelta(days=1)
    target = [("outpost", staffed.community.code)]
    sent = instructions.send_instruction(
        CommandRoom.objects.get(station__code=room),
        instructions.NewInstruction("排查出租屋消防隐患", deadline, targets=target),
        actor=None,
    )
    page = officer.client.get(_url("today", staffed)).content.decode()
    assert "排查出租屋消防隐患" in page
    assert reverse("instructions:detail", args=[sent.pk]) in page
    assert officer.client.get(reverse("instructions:detail", args=[sent.pk])).status_code == 200
    assert (
        "排查出租屋消防隐患" not in grid_worker.client.get(_url("today", staffed)).content.decode()
    )


def test_it_takes_an_instruction_off_the_waiting_list_once_reported_back(
    staffed: OutpostStation, officer: Persona, duty_officer: Persona
) -> None:
    """Signed on, it still waits; once the station reports back it is no longer waiting, on the
    station's page nor in `waiting_instructions`."""
    room = duty_officer.user.assignments.get().scope_code
    deadline = timezone.now() + dt.timedelta(days=1)
    target = [("outpost", staffed.community.code)]
    sent = instructions.send_instruction(
        CommandRoom.objects.get(station__code=room),
        instructions.NewInstruction("清查辖区群租房", deadline, targets=target),
        actor=None,
    )
    [row] = queries.waiting_instructions(officer.user, staffed)
    assert row.instruction == sent
    row = instructions.sign_on(row, actor=officer.user)
    assert queries.waiting_instructions(officer.user, staffed) == [row]
    assert "清查辖区群租房" in officer.client.get(_url("today", staffed)).content.decode()
    instructions.report_back(row, actor=officer.user, text="已清查12户，无群租", done=True)
    assert queries.waiting_instructions(officer.user, staffed) == []
    assert "清查辖区群租房" not in officer.client.get(_url("today", staffed)).content.decode()


def test_it_answers_404_outside_and_403_to_readers_who_may_not_write(
    staffed: OutpostStation, outsider: Persona, grid_worker: Persona, commander: Persona
) -> None:
    for name in ("today", "window", "staff", "hours", "rota"):
        assert outsider.client.get(_url(name, staffed)).status_code == 404
    hours = {"day0": "8:30-12:00"}
    assert grid_worker.client.post(_url("hours", staffed), hours).status_code == 403
    assert commander.client.post(_url("hours", staffed), hours).status_code == 302
    entry = {"visitor_name": "李", "kind": "consultation", "matter": "咨询", "handling": "answered"}
    assert commander.client.post(_url("window", staffed), entry).status_code == 403
    assert not WindowEntry.objects.exists()


def test_it_logs_a_window_visit_from_the_page(
    staffed: OutpostStation, grid_worker: Persona
) -> None:
    worker = StationStaff.objects.get(station=staffed, user=grid_worker.user)
    entry = {
        "visitor_name": "王阿姨",
        "visitor_phone": "025-83456789",
        "kind": "dispute",
        "matter": "邻里噪音纠纷",
        "handling": "referred",
        "handled_by": str(worker.pk),
    }
    answer = grid_worker.client.post(_url("window", staffed), entry)
    assert answer.status_code == 302
    logged = WindowEntry.objects.get()
    assert (logged.visitor_phone_masked, logged.handled_by) == ("025-****6789", grid_worker.user)


def test_it_shows_a_clear_error_for_bad_opening_hours(
    staffed: OutpostStation, commander: Persona
) -> None:
    answer = commander.client.post(_url("hours", staffed), {"day0": "8:30-12:00, 11:00-14:00"})
    assert answer.status_code == 200 and "时间重叠" in answer.content.decode()
    answer = commander.client.post(_url("hours", staffed), {"day1": "17:00-9:00"})
    assert "结束时间须晚于开始时间" in answer.content.decode()
    assert not OpeningSpan.objects.filter(station=staffed).exists()
    commander.client.post(_url("hours", staffed), {"day0": "8:30-12:00, 14:00-17:30"})
    assert OpeningSpan.objects.filter(station=staffed, weekday=0).count() == 2


def test_it_lets_the_manager_edit_staff_and_rota(
    station: OutpostStation, commander: Persona, grid_worker: Persona, outsider: Persona
) -> None:
    commander.client.post(_url("staff", station), {"action": "fill"})
    assert StationStaff.objects.filter(station=station, user=grid_worker.user).exists()
    refused = commander.client.post(
        _url("staff", station),
        {"action": "assign", "username": outsider.user.username, "post": "grid_worker"},
    )
    assert "不在本社区工作" in refused.content.decode()
    worker = StationStaff.objects.get(station=station, user=grid_worker.user)
    day = timezone.localdate().isoformat()
    booking = {"action": "book", "day": day, "shift": "night", "staff": str(worker.pk)}
    assert commander.client.post(_url("rota", station), booking).status_code == 302
    twice = commander.client.post(_url("rota", station), booking)
    assert "已在该班次值班" in twice.content.decode()
    assert DutyShift.objects.filter(station=station).count() == 1
