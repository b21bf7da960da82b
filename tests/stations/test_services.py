"""The station's writes: staff from roles and by hand, opening hours, the rota, the window log."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from outpost.cases.models import Case, SubType
from outpost.core.models import ChangeRecord
from outpost.geo.models import OutpostStation
from outpost.registry.models import StandardAddress
from outpost.stations import queries, services
from outpost.stations.models import DutyShift, Post, StationStaff, WindowEntry
from tests.conftest import Persona

pytestmark = pytest.mark.django_db
T = dt.time


def _entry(**changes: object) -> services.NewWindowEntry:
    new = services.NewWindowEntry(
        visitor_name="张大爷",
        kind="consultation",
        matter="咨询居住证办理",
        handling="answered",
        visitor_phone="13912345678",
    )
    for name, value in changes.items():
        setattr(new, name, value)
    return new


def test_it_fills_the_staff_from_the_roles_held_in_the_community(
    station: OutpostStation, grid_worker: Persona, officer: Persona, outsider: Persona
) -> None:
    assert services.fill_staff_from_roles(station, actor=None) == 2
    posts = {s.user.username: s.post for s in queries.staff_of(station)}
    assert posts == {"worker_p": Post.GRID_WORKER, "officer_p": Post.COMMUNITY_OFFICER}
    assert services.fill_staff_from_roles(station, actor=None) == 0  # nobody twice


def test_it_lets_the_manager_assign_only_people_of_the_community(
    station: OutpostStation, commander: Persona, grid_worker: Persona, outsider: Persona
) -> None:
    services.assign_staff(station, grid_worker.user, Post.GRID_LEADER, actor=commander.user)
    assert StationStaff.objects.get(station=station).post == Post.GRID_LEADER
    with pytest.raises(ValidationError) as refused:
        services.assign_staff(station, outsider.user, Post.GRID_WORKER, actor=commander.user)
    assert "不在本社区工作" in str(refused.value.messages)
    assert ChangeRecord.objects.filter(action="add_station_staff").count() == 1


def test_it_refuses_staff_changes_by_someone_who_does_not_manage_the_station(
    staffed: OutpostStation, grid_worker: Persona, officer: Persona
) -> None:
    with pytest.raises(PermissionDenied):
        services.assign_staff(staffed, officer.user, Post.OTHER, actor=grid_worker.user)
    with pytest.raises(PermissionDenied):
        services.set_opening_hours(staffed, [], actor=officer.user)


def test_it_checks_opening_hours_end_after_start_and_no_overlap(
    station: OutpostStation, commander: Persona
) -> None:
    with pytest.raises(ValidationError) as backwards:
        services.set_opening_hours(
            station, [services.Span(0, T(12), T(8, 30))], actor=commander.user
        )
    assert "结束时间须晚于开始时间" in str(backwards.value.messages)
    overlapping = [services.Span(0, T(8, 30), T(12)), services.Span(0, T(11), T(14))]
    with pytest.raises(ValidationError) as overlap:
        services.set_opening_hours(station, overlapping, actor=commander.user)
    assert "重叠" in str(overlap.value.messages)
    good = [services.Span(0, T(8, 30), T(12)), services.Span(0, T(14), T(17, 30))]
    assert len(services.set_opening_hours(station, good, actor=commander.user)) == 2


def test_it_says_whether_the_station_is_open_now(station: OutpostStation) -> None:
    services.set_opening_hours(
        station,
        [services.Span(0, T(8, 30), T(12)), services.Span(0, T(14), T(17, 30))],
        actor=None,
    )
    spans = queries.spans_of(station)
    monday = timezone.make_aware(dt.datetime(2026, 12, 7, 9, 0))
    assert queries.open_state(spans, monday).open
    noon = queries.open_state(spans, monday.replace(hour=12, minute=30))
    assert not noon.open and noon.next_opens == monday.replace(hour=14)
    sunday = queries.open_state(spans, monday - dt.timedelta(days=1))
    assert not sunday.open and sunday.next_opens == monday.replace(hour=8, minute=30)


def test_it_books_only_the_stations_staff_and_once_per_shift(
    staffed: OutpostStation, commander: Persona, grid_worker: Persona
) -> None:
    worker = StationStaff.objects.get(station=staffed, user=grid_worker.user)
    day = timezone.localdate()
    services.book_duty(staffed, worker, day, "morning", actor=commander.user)
    with pytest.raises(ValidationError) as twice:
        services.book_duty(staffed, worker, day, "morning", actor=commander.user)
    assert "已在该班次值班" in str(twice.value.messages)
    services.book_duty(staffed, worker, day, "afternoon", actor=commander.user)
    other = OutpostStation.objects.exclude(pk=staffed.pk).first()
    assert other is not None
    with pytest.raises((ValidationError, PermissionDenied)):
        services.book_duty(other, worker, day, "night", actor=None)
    assert DutyShift.objects.filter(station=staffed).count() == 2


def test_it_takes_someone_off_the_staff_with_their_future_duties(
    staffed: OutpostStation, commander: Persona, grid_worker: Persona
) -> None:
    worker = StationStaff.objects.get(station=staffed, user=grid_worker.user)
    today = timezone.localdate()
    services.book_duty(staffed, worker, today - dt.timedelta(days=3), "morning", actor=None)
    services.book_duty(staffed, worker, today + dt.timedelta(days=3), "morning", actor=None)
    services.remove_staff(worker, actor=commander.user)
    assert queries.staff_member(grid_worker.user, staffed) is None
    assert [d.day for d in DutyShift.objects.filter(staff=worker)] == [today - dt.timedelta(days=3)]


def test_it_logs_a_window_visit_by_the_staff_with_the_phone_masked(
    staffed: OutpostStation, grid_worker: Persona
) -> None:
    entry = services.record_window_visit(staffed, _entry(), actor=grid_worker.user)
    assert entry.visitor_phone_masked == "139****5678"
    assert entry.visitor_phone.reveal() == "13912345678"
    assert entry.handled_by == grid_worker.user
    change = ChangeRecord.objects.get(action="record_window_visit")
    assert change.after is not None and "13912345678" not in str(change.after)


def test_it_refuses_window_entries_from_outside_the_staff(
    staffed: OutpostStation, commander: Persona, grid_worker: Persona
) -> None:
    with pytest.raises(PermissionDenied):
        services.record_window_visit(staffed, _entry(), actor=commander.user)
    with pytest.raises(ValidationError) as not_staff:
        services.record_window_visit(
            staffed, _entry(handled_by=commander.user), actor=grid_worker.user
        )
    assert "不是本前哨的工作人员" in str(not_staff.value.messages)
    with pytest.raises(ValidationError):
        services.record_window_visit(staffed, _entry(visitor_phone="12"), actor=grid_worker.user)
    assert not WindowEntry.objects.exists()


def test_it_opens_a_case_through_the_cases_service(
    staffed: OutpostStation, grid_worker: Persona, address: StandardAddress
) -> None:
    dispute = _entry(
        kind="dispute",
        matter="楼上漏水邻里纠纷",
        handling="case",
        case_subtype=SubType.objects.get(code="0101"),
        case_address=address.code,
    )
    entry = services.record_window_visit(staffed, dispute, actor=grid_worker.user)
    assert entry.case is not None
    case = Case.objects.get(pk=entry.case.pk)
    assert (case.source, case.reporter_name, case.grid_code) == (
        "resident",
        "张大爷",
        address.grid_code,
    )


def test_it_writes_nothing_when_the_case_cannot_be_opened(
    staffed: OutpostStation, grid_worker: Persona
) -> None:
    no_type = _entry(handling="case", case_address="ST-ADDR-1")
    with pytest.raises(ValidationError) as refused:
        services.record_window_visit(staffed, no_type, actor=grid_worker.user)
    assert "请选择" in str(refused.value.messages)
    assert not WindowEntry.objects.exists() and not Case.objects.filter(source="resident").exists()


def test_it_names_who_manages_the_station(
    station: OutpostStation,
    admin: Persona,
    commander: Persona,
    duty_officer: Persona,
    officer: Persona,
    grid_worker: Persona,
    outsider: Persona,
) -> None:
    from outpost.accounts.roles import Role
    from outpost.accounts.services import grant_role
    from tests.conftest import _persona

    leader = _persona("leader_p", None, None)
    grant_role(leader.user, Role.GRID_LEADER, station.community.code, actor=None)
    managers = [admin, commander, duty_officer, leader]
    assert all(queries.manages(p.user, station) for p in managers)
    assert not any(queries.manages(p.user, station) for p in (officer, grid_worker, outsider))
