"""Patrols: plans, a walk with check-ins inside and outside the grid, photos, a case found."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from outpost.cases.models import Case, SubType
from outpost.core.models import ChangeRecord
from outpost.fieldwork import coverage, queries, services
from outpost.fieldwork.models import Patrol, PatrolPlan
from outpost.geo.models import Grid
from outpost.registry.models import AddressLevel, StandardAddress
from tests.cases.photos import has_gps, phone_photo
from tests.conftest import Persona
from tests.fieldwork.conftest import point_in, point_outside

pytestmark = pytest.mark.django_db


def test_it_plans_patrols_for_workers_of_the_grid(plan: PatrolPlan, grid_worker: Persona) -> None:
    assert list(plan.workers.all()) == [grid_worker.user]
    assert ChangeRecord.objects.filter(action="create_patrol_plan", object_key=str(plan.pk))


def test_it_refuses_a_plan_for_a_worker_of_another_grid(
    home_grid: Grid, commander: Persona, outsider: Persona
) -> None:
    new = services.NewPlan(home_grid, "巡查", 2, [outsider.user])
    with pytest.raises(ValidationError) as refused:
        services.create_plan(new, actor=commander.user)
    assert "workers" in refused.value.message_dict


def test_it_lets_only_dispatchers_plan(home_grid: Grid, grid_worker: Persona) -> None:
    with pytest.raises(PermissionDenied):
        services.create_plan(
            services.NewPlan(home_grid, "巡查", 2, [grid_worker.user]), actor=grid_worker.user
        )


def test_it_keeps_a_point_outside_the_grid_and_flags_it(
    patrol: Patrol, home_grid: Grid, grid_worker: Persona
) -> None:
    inside, outside = point_in(home_grid), point_outside()
    first = services.check_in(patrol, inside.x, inside.y, actor=grid_worker.user)
    second = services.check_in(patrol, outside.x, outside.y, actor=grid_worker.user)
    assert first.inside and first.located_grid == home_grid.code
    assert not second.inside and second.located_grid != home_grid.code
    assert patrol.checkins.count() == 2


def test_it_strips_the_photos_location(
    patrol: Patrol, home_grid: Grid, grid_worker: Persona
) -> None:
    where = point_in(home_grid)
    point = services.check_in(
        patrol, where.x, where.y, actor=grid_worker.user, files=[("p.jpg", phone_photo())]
    )
    kept = point.photos.get()
    with kept.file.open("rb") as handle:
        assert not has_gps(handle.read())


def test_it_refuses_a_check_in_by_someone_else(patrol: Patrol, officer: Persona) -> None:
    with pytest.raises(PermissionDenied):
        services.check_in(patrol, 118.77, 32.06, actor=officer.user)


def test_it_refuses_a_check_in_after_the_end(
    patrol: Patrol, home_grid: Grid, grid_worker: Persona
) -> None:
    services.end_patrol(patrol, actor=grid_worker.user)
    where = point_in(home_grid)
    with pytest.raises(ValidationError):
        services.check_in(patrol, where.x, where.y, actor=grid_worker.user)


def test_it_allows_one_patrol_under_way_per_worker(
    patrol: Patrol, home_grid: Grid, grid_worker: Persona
) -> None:
    with pytest.raises(ValidationError):
        services.start_patrol(home_grid, actor=grid_worker.user)


def test_it_refuses_a_patrol_outside_the_workers_area(outsider: Persona, home_grid: Grid) -> None:
    with pytest.raises(PermissionDenied):
        services.start_patrol(home_grid, actor=outsider.user)


def test_it_turns_a_finding_into_a_case_with_the_place_and_photos(
    patrol: Patrol, home_grid: Grid, grid_worker: Persona
) -> None:
    where = point_in(home_grid)
    services.check_in(
        patrol, where.x, where.y, actor=grid_worker.user, files=[("p.jpg", phone_photo())]
    )
    finding = services.Finding(SubType.objects.get(code="0101"), "楼道堆物", "三楼楼道")
    case = services.report_found(patrol, finding, actor=grid_worker.user)
    assert case.grid_code == home_grid.code and case.source == "grid_patrol"
    assert case.attachments.count() == 1
    assert list(patrol.cases.all()) == [case]


def test_it_needs_a_check_in_before_a_case(patrol: Patrol, grid_worker: Persona) -> None:
    finding = services.Finding(SubType.objects.get(code="0101"), "楼道堆物")
    with pytest.raises(ValidationError):
        services.report_found(patrol, finding, actor=grid_worker.user)
    assert not Case.objects.exists()


def _address(grid: Grid, code: str, lon: float, lat: float) -> StandardAddress:
    return StandardAddress.objects.create(
        code=code,
        level=AddressLevel.DOOR,
        community_code=grid.community.code,
        road="中山路",
        door_no=code[-2:],
        full_text=f"中山路{code}",
        lon=lon,
        lat=lat,
        grid_code=grid.code,
    )


def test_it_measures_coverage_of_patrols_and_addresses(
    patrol: Patrol, home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    where = point_in(home_grid)
    # Other suites may have imported the registry: its addresses in the grid count as well.
    there = StandardAddress.objects.filter(grid_code=home_grid.code).exclude(level="room")
    before = list(there.values_list("lon", "lat"))
    near = coverage.passed(before, [(where.x, where.y)], 50)
    _address(home_grid, "A01", where.x, where.y)
    _address(home_grid, "A02", where.x + 0.0003, where.y)  # ~28 m east
    _address(home_grid, "A03", where.x + 0.003, where.y)  # ~280 m east
    services.check_in(patrol, where.x, where.y, actor=grid_worker.user)
    services.end_patrol(patrol, actor=grid_worker.user)
    rows = queries.coverage_rows(commander.user, 7)
    grid_row, worker_row = rows
    assert (grid_row.worker, worker_row.worker) == ("", str(grid_worker.user))
    assert (worker_row.planned, worker_row.done) == (3, 1)
    assert (worker_row.addresses, worker_row.passed) == (len(before) + 3, near + 2)
    assert worker_row.done_share == pytest.approx(1 / 3)


def test_it_counts_addresses_within_the_distance_only() -> None:
    addresses = [(118.78, 32.05), (118.7805, 32.05), (118.79, 32.05)]
    assert coverage.passed(addresses, [(118.78, 32.05)], 50) == 2  # 0 m and ~47 m
    assert coverage.passed(addresses, [(118.78, 32.05)], 40) == 1
    assert coverage.passed(addresses, [], 50) == 0


def test_it_plans_a_share_of_the_weekly_rate() -> None:
    assert coverage.planned(3, 7) == 3 and coverage.planned(3, 30) == 13
    assert coverage.share(5, 3) == 1.0 and coverage.share(1, 0) is None


def test_it_hides_another_areas_coverage(patrol: Patrol, outsider: Persona) -> None:
    patrol.ended_at = timezone.now() - dt.timedelta(minutes=1)
    patrol.save()
    assert queries.coverage_rows(outsider.user, 7) == []
