"""The demo's field work, generated on the test boundaries at a small scale: what users rely on
in the lists holds (flagged check-ins, overdue subjects, hazards with re-checks, nothing in the
future, plausible patrol counts) and the rows look as the services write them."""

import datetime as dt
import itertools
from collections import Counter

import pytest
from django.utils import timezone

from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.cases.history import generate_history
from outpost.cases.models import Case, TimelineEntry
from outpost.core.access import verify_chain
from outpost.core.models import AccessLogEntry, ChangeRecord
from outpost.fieldwork import coverage, queries, services
from outpost.fieldwork.demo import generate_fieldwork
from outpost.fieldwork.models import CheckIn, Hazard, Inspection, Patrol, PatrolPlan, Visit
from outpost.geo.locator import locate
from outpost.geo.models import Grid
from outpost.registry.models import AddressLevel, House, HouseUse, Organisation, StandardAddress
from tests.conftest import Persona, _persona
from tests.fieldwork.conftest import Subjects, point_in

NEXT_GRID = "320106001003002"
DAYS = 90


@pytest.fixture
def demo(
    home_grid: Grid, grid_worker: Persona, subjects: Subjects, checklists_loaded: None
) -> dict[str, int]:
    """Two grids with workers and a few subjects each, a little case history, the field work."""
    _persona("gw320106001003002", Role.GRID_WORKER, NEXT_GRID)
    grant_role(grid_worker.user, Role.GRID_WORKER, home_grid.code, actor=None)
    for grid in (home_grid, Grid.objects.get(code=NEXT_GRID)):
        _registry(grid)
    # Only in these two grids: other tests of the session may have loaded the district's doors.
    generate_history(count=60, days=DAYS, seed=7, grids=[home_grid.code, NEXT_GRID])
    return generate_fieldwork(days=DAYS, seed=11)


def _registry(grid: Grid) -> None:
    where = point_in(grid)
    beat = grid.main_beat.code if grid.main_beat else ""
    place = {"grid_code": grid.code, "beat_code": beat, "community_code": grid.community.code}
    for n in range(4):
        door = StandardAddress.objects.create(
            code=f"DM-{grid.code[-6:]}-{n}",
            level=AddressLevel.DOOR,
            road="中山路",
            door_no=f"{n + 1}号",
            full_text=f"中山路{n + 1}号",
            lon=where.x + n * 0.0001,
            lat=where.y,
            **place,
        )
        at = {"grid_code": grid.code, "beat_code": beat}
        House.objects.create(
            house_no=f"DH-{grid.code[-6:]}-{n}", address=door, use=HouseUse.RENTED, **at
        )
        Organisation.objects.create(
            unit_no=f"DU-{grid.code[-6:]}-{n}",
            name=f"演示单位{n}",
            uscc=f"9132010{grid.code[-1]}{n}A1XXXXX0A",
            unit_type=("旅馆业", "危化品经营", "寄递物流", "餐饮")[n],
            address=door,
            legal_rep="钱某",
            is_key_unit=n < 3,
            **at,
        )


def test_it_flags_exactly_the_check_ins_outside_their_grid(demo: dict[str, int]) -> None:
    assert demo["patrols"] > 50 and demo["checkins"] == CheckIn.objects.count()
    points = CheckIn.objects.select_related("patrol__grid")
    for point in points:
        assert point.located_grid == (locate(point.lon, point.lat).grid_code or "")
        assert point.inside == (point.located_grid == point.patrol.grid.code)
    assert points.filter(inside=False).exists()
    assert points.filter(inside=True).count() > 0.9 * points.count()


def test_it_leaves_the_worker_subjects_overdue_and_due(
    demo: dict[str, int], grid_worker: Persona
) -> None:
    due = queries.due_visits(grid_worker.user)
    today = timezone.localdate()
    assert any(d.overdue(today) for d in due)
    assert any(d.last is not None and not d.overdue(today) for d in due)
    assert {d.kind for d in due} == {"care", "rental", "key_unit"}
    care = Visit.objects.filter(kind="care")
    assert care.exists()
    logged = AccessLogEntry.objects.filter(action="view_person", purpose="走访（关怀对象）")
    assert logged.count() == care.count()
    assert verify_chain().ok


def test_it_opens_a_hazard_case_for_every_failed_item_closed_only_after_a_passed_recheck(
    demo: dict[str, int],
) -> None:
    failed = sum(1 for i in Inspection.objects.all() for passed in i.results.values() if not passed)
    assert failed == demo["hazards"] == Hazard.objects.count() > 0
    today = timezone.localdate()
    for hazard in Hazard.objects.select_related("case__subtype", "inspection__checklist"):
        assert hazard.case.subtype.code == hazard.inspection.checklist.subtype
        assert hazard.case.reporter_id == hazard.inspection.inspector_id
        if hazard.rectify_by < today - dt.timedelta(days=1):
            assert hazard.rechecked_at is not None
        if hazard.case.state == "closed":
            assert hazard.recheck_passed is True
            assert hazard.case.closed_at > hazard.rechecked_at
    numbers = Case.objects.values_list("number", flat=True)
    assert len(set(numbers)) == len(numbers)


def test_it_writes_nothing_in_the_future(demo: dict[str, int]) -> None:
    now = timezone.now()
    assert not Patrol.objects.filter(started_at__gt=now).exists()
    assert not Patrol.objects.filter(ended_at__gt=now).exists()
    assert not Patrol.objects.filter(ended_at__isnull=True).exists()
    assert not CheckIn.objects.filter(at__gt=now).exists()
    assert not Visit.objects.filter(visited_at__gt=now).exists()
    assert not Inspection.objects.filter(completed_at__gt=now).exists()
    assert not Hazard.objects.filter(rechecked_at__gt=now).exists()
    assert not TimelineEntry.objects.filter(at__gt=now).exists()
    assert not ChangeRecord.objects.filter(at__gt=now).exists()


def test_it_walks_each_plan_about_as_often_as_it_asks(demo: dict[str, int]) -> None:
    for plan in PatrolPlan.objects.prefetch_related("workers"):
        asked = coverage.planned(plan.per_week, DAYS)  # the grid's, shared by its workers
        walked = Patrol.objects.filter(grid=plan.grid).count()
        assert 0.4 * asked <= walked <= 1.4 * asked + 10, (plan.per_week, walked)
    for worker in Patrol.objects.values_list("worker", flat=True).distinct():
        walks = list(Patrol.objects.filter(worker=worker).order_by("started_at"))
        for before, after in itertools.pairwise(walks):
            assert before.ended_at <= after.started_at  # one patrol at a time


def test_it_records_patrols_as_the_services_do(demo: dict[str, int]) -> None:
    actions = Counter(
        ChangeRecord.objects.filter(object_type="patrol").values_list("action", flat=True)
    )
    assert actions["start_patrol"] == actions["end_patrol"] == Patrol.objects.count()
    assert actions["patrol_check_in"] == CheckIn.objects.count()
    found = Patrol.cases.through.objects.count()
    assert actions["patrol_found_case"] == found > 0
    for patrol in Patrol.objects.filter(cases__isnull=False).prefetch_related("cases", "checkins"):
        for case in patrol.cases.all():
            assert patrol.started_at <= case.reported_at <= patrol.ended_at
            assert any(p.lon == case.lon and p.lat == case.lat for p in patrol.checkins.all())


def test_it_makes_nothing_twice_and_leaves_the_services_working(
    demo: dict[str, int], home_grid: Grid, grid_worker: Persona, subjects: Subjects
) -> None:
    patrols = Patrol.objects.count()
    assert generate_fieldwork(days=DAYS, seed=11) == {}
    assert Patrol.objects.count() == patrols
    # Rows written with their own ids: the next ones the services write must not clash.
    walk = services.start_patrol(home_grid, actor=grid_worker.user)
    services.check_in(walk, subjects.address.lon, subjects.address.lat, actor=grid_worker.user)
    visit = services.record_visit(subjects.elder, services.NewVisit("本人"), actor=grid_worker.user)
    assert walk.pk > patrols and visit.pk == Visit.objects.order_by("-pk").first().pk
