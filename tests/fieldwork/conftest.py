"""Field work files cases: the taxonomy is loaded once per session on top of the boundaries."""

from typing import Any

import pytest
from shapely.geometry import Point

from outpost.cases.taxonomy import load_taxonomy
from outpost.fieldwork import services
from outpost.fieldwork.models import Patrol, PatrolPlan
from outpost.geo.geometry import from_geojson_text
from outpost.geo.models import Grid
from tests.conftest import OTHER_GRID, Persona


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_taxonomy()


def point_in(grid: Grid) -> Point:
    return from_geojson_text(grid.geometry).representative_point()


def point_outside() -> Point:
    return point_in(Grid.objects.get(code=OTHER_GRID))


@pytest.fixture
def plan(home_grid: Grid, commander: Persona, grid_worker: Persona) -> PatrolPlan:
    new = services.NewPlan(home_grid, "日常巡查", 3, [grid_worker.user])
    return services.create_plan(new, actor=commander.user)


@pytest.fixture
def patrol(home_grid: Grid, grid_worker: Persona, plan: PatrolPlan) -> Patrol:
    return services.start_patrol(home_grid, actor=grid_worker.user, plan=plan)
