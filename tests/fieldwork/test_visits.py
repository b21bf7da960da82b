"""Visits (走访): the due/overdue list from the registry, a visit's record, a case from it.
Other suites may have imported the registry: these look at their own subjects (FW-…) only."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from outpost.cases.models import SubType
from outpost.core.models import AccessLogEntry, ChangeRecord
from outpost.fieldwork import queries, schedule, services
from outpost.fieldwork.models import Visit
from tests.conftest import Persona
from tests.fieldwork.conftest import Subjects

pytestmark = pytest.mark.django_db


def test_it_lists_every_subject_due_with_its_interval(
    subjects: Subjects, grid_worker: Persona
) -> None:
    due = [d for d in queries.due_visits(grid_worker.user) if d.key.startswith("FW-")]
    assert {(d.kind, d.key, d.every) for d in due} == {
        ("care", "FW-P-1", 14),
        ("rental", "FW-H-1", 91),
        ("key_unit", "FW-U-1", 30),
    }
    assert all(d.due == timezone.localdate() and d.last is None for d in due)


def test_it_logs_reading_care_subjects(subjects: Subjects, grid_worker: Persona) -> None:
    queries.due_visits(grid_worker.user)
    logged = AccessLogEntry.objects.get(action="list_people", object_type="care_visits")
    assert logged.actor == grid_worker.user and logged.purpose.startswith("走访到期清单 rows=")


def test_it_moves_the_due_date_by_the_interval_after_a_visit(
    subjects: Subjects, grid_worker: Persona
) -> None:
    services.record_visit(subjects.elder, services.NewVisit("王奶奶本人"), actor=grid_worker.user)
    elder = next(d for d in queries.due_visits(grid_worker.user) if d.key == "FW-P-1")
    assert elder.due == timezone.localdate() + dt.timedelta(days=14)
    assert not elder.overdue(timezone.localdate())
    assert elder.overdue(timezone.localdate() + dt.timedelta(days=15))


def test_it_takes_an_overdue_subject_off_the_overdue_list_at_once(
    subjects: Subjects, grid_worker: Persona
) -> None:
    today = timezone.localdate()
    visit = services.record_visit(subjects.house, services.NewVisit("租客"), actor=grid_worker.user)
    Visit.objects.filter(pk=visit.pk).update(visited_at=timezone.now() - dt.timedelta(days=100))
    overdue = {d.key for d in queries.due_visits(grid_worker.user) if d.overdue(today)}
    assert "FW-H-1" in overdue
    services.record_visit(subjects.house, services.NewVisit("房东"), actor=grid_worker.user)
    house = next(d for d in queries.due_visits(grid_worker.user) if d.key == "FW-H-1")
    assert not house.overdue(today) and house.due == today + dt.timedelta(days=91)


def test_it_shows_the_last_visit_and_counts_it_on_its_local_day(
    subjects: Subjects, grid_worker: Persona
) -> None:
    """A visit early in the morning (local time; the day before in UTC) counts on its day."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    morning = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(7, 0)))
    assert morning.astimezone(dt.UTC).date() < yesterday  # the case this is about
    new = services.NewVisit("本人")
    visit = services.record_visit(subjects.unit, new, actor=grid_worker.user, at=morning)
    unit = next(d for d in queries.due_visits(grid_worker.user) if d.key == "FW-U-1")
    assert unit.last is not None and abs(unit.last - visit.visited_at) < dt.timedelta(seconds=1)
    assert unit.due == yesterday + dt.timedelta(days=30)


def test_it_puts_the_overdue_first(subjects: Subjects, grid_worker: Persona) -> None:
    visit = services.record_visit(subjects.house, services.NewVisit("租客"), actor=grid_worker.user)
    Visit.objects.filter(pk=visit.pk).update(visited_at=timezone.now() - dt.timedelta(days=100))
    first = next(d for d in queries.due_visits(grid_worker.user) if d.key.startswith("FW-"))
    assert first.key == "FW-H-1" and first.overdue(timezone.localdate())


def test_it_hides_the_subjects_of_another_area(subjects: Subjects, outsider: Persona) -> None:
    assert not [d for d in queries.due_visits(outsider.user) if d.key.startswith("FW-")]
    with pytest.raises(PermissionDenied):
        services.record_visit(subjects.elder, services.NewVisit("x"), actor=outsider.user)


def test_it_audits_a_visit_and_opens_a_case_from_it(
    subjects: Subjects, grid_worker: Persona
) -> None:
    new = services.NewVisit(
        "房东", "楼道堆放杂物", SubType.objects.get(code="0101"), "出租屋楼道堆物"
    )
    visit = services.record_visit(subjects.house, new, actor=grid_worker.user)
    assert visit.case is not None and visit.case.address == subjects.address
    assert ChangeRecord.objects.filter(action="record_visit", object_key=str(visit.pk))


def test_it_logs_a_care_visit_with_its_purpose(subjects: Subjects, grid_worker: Persona) -> None:
    services.record_visit(subjects.elder, services.NewVisit("本人"), actor=grid_worker.user)
    logged = AccessLogEntry.objects.get(action="view_person", object_key="FW-P-1")
    assert logged.purpose == "走访（关怀对象）"


def test_it_refuses_a_visit_to_who_needs_none(subjects: Subjects, grid_worker: Persona) -> None:
    with pytest.raises(ValidationError):
        services.record_visit(subjects.plain, services.NewVisit("本人"), actor=grid_worker.user)


def test_it_lets_only_collectors_visit(subjects: Subjects, commander: Persona) -> None:
    with pytest.raises(PermissionDenied):
        services.record_visit(subjects.elder, services.NewVisit("本人"), actor=commander.user)


def test_it_visits_the_old_living_alone_more_often() -> None:
    today = dt.date(2026, 12, 5)
    assert schedule.care_interval("独居老人", dt.date(1950, 1, 1), today) == 14
    assert schedule.care_interval("独居老人", dt.date(1960, 1, 1), today) == 30
    assert schedule.care_interval("优抚对象;低保户", dt.date(1960, 1, 1), today) == 30
    assert schedule.care_interval("", dt.date(1960, 1, 1), today) is None


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Berlin", "America/St_Johns"])
def test_it_dates_a_long_list_as_one_subject_at_a_time(zone: str) -> None:
    """The list's shortcut (the zone's offset once per day) gives the due date `due_on` gives,
    around midnight and on the days the clocks change too."""
    tz, today = zoneinfo.ZoneInfo(zone), dt.date(2026, 12, 5)
    dates = schedule.DueDates(today, tz)
    start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC).timestamp()
    for seconds in range(int(start), int(start) + 300 * 86400, 1733):  # every ~29 minutes
        for every in (14, 91):
            assert dates(seconds + 0.5, every) == schedule.due_on(seconds + 0.5, every, today, tz)
    assert dates(None, 30) == today
