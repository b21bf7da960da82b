"""Cases need the taxonomy; it is loaded once per session on top of the boundaries."""

from typing import Any

import pytest
from shapely.geometry import Point

from outpost.accounts.models import User
from outpost.cases.models import Case, SubType
from outpost.cases.services import NewCase, report_case
from outpost.cases.taxonomy import load_taxonomy
from outpost.geo.boundaries import import_boundaries
from outpost.geo.geometry import from_geojson_text
from outpost.geo.models import Grid
from tests.conftest import GULOU


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_taxonomy()


@pytest.fixture
def district_reloaded(transactional_db: None) -> None:
    """Transactional tests run after others that flush the database (live-server tests):
    put back what the session loaded before them."""
    if not Grid.objects.exists():
        import_boundaries(GULOU)
    load_taxonomy()


def point_in(grid: Grid) -> Point:
    return from_geojson_text(grid.geometry).representative_point()


def file_case(grid: Grid, actor: Any, subtype: str = "0101", **extra: Any) -> Case:
    where = point_in(grid)
    new = NewCase(
        subtype=SubType.objects.select_related("category").get(code=subtype),
        title=extra.pop("title", "楼道堆物引发争吵"),
        source="grid_patrol",
        lon=where.x,
        lat=where.y,
        **extra,
    )
    return report_case(new, actor=actor)


@pytest.fixture
def chief(db: None) -> User:
    """A superuser: the dispatcher, the verifier and a handler of every case (not its reporter,
    not a resident and not the system), for tests that drive a case through the whole table."""
    return User.objects.create_superuser("chief_p", password="x", display_name="chief")
