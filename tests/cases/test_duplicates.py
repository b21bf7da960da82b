"""On report, open cases of the same sub-type within 100 m and 7 days are offered."""

import datetime as dt

import pytest
from shapely.geometry import Point

from outpost.accounts.models import User
from outpost.cases.duplicates import distance_m
from outpost.cases.models import Case
from outpost.cases.services import act
from outpost.geo.coords import from_wgs84
from outpost.geo.models import Grid
from tests.cases.conftest import file_case, point_in
from tests.conftest import Persona

pytestmark = pytest.mark.django_db
URL = "/api/v1/cases/duplicates"


def _offered(persona: Persona, subtype: str, where: Point, crs: str = "wgs84") -> list[str]:
    lon, lat = from_wgs84(where.x, where.y, crs) if crs != "wgs84" else (where.x, where.y)
    answer = persona.client.get(URL, {"subtype": subtype, "lon": lon, "lat": lat, "crs": crs})
    assert answer.status_code == 200, answer.content
    return [d["number"] for d in answer.json()]


def test_it_offers_an_open_case_of_the_same_kind_nearby(
    home_grid: Grid, grid_worker: Persona
) -> None:
    first = file_case(home_grid, grid_worker.user, "0603")
    where = point_in(home_grid)
    assert _offered(grid_worker, "0603", where) == [first.number]
    assert _offered(grid_worker, "0603", where, crs="gcj02") == [first.number]
    assert _offered(grid_worker, "0101", where) == []  # another kind of matter


def test_it_leaves_out_cases_too_far_too_old_or_finished(
    home_grid: Grid, grid_worker: Persona, chief: User
) -> None:
    case = file_case(home_grid, grid_worker.user, "0603")
    where = point_in(home_grid)
    far = Point(where.x + 0.0015, where.y)  # ~140 m east at this latitude
    assert distance_m(where.x, where.y, far.x, far.y) > 100
    assert _offered(grid_worker, "0603", far) == []
    Case.objects.filter(pk=case.pk).update(reported_at=case.reported_at - dt.timedelta(days=8))
    assert _offered(grid_worker, "0603", where) == []
    Case.objects.filter(pk=case.pk).update(reported_at=case.reported_at)
    act(case, "reject", actor=chief, comment="无需处理")
    assert _offered(grid_worker, "0603", where) == []


def test_an_outsider_is_not_shown_cases_outside_their_area(
    home_grid: Grid, grid_worker: Persona, outsider: Persona
) -> None:
    file_case(home_grid, grid_worker.user, "0603")
    assert _offered(outsider, "0603", point_in(home_grid)) == []


def test_distance_is_measured_on_the_sphere() -> None:
    # One minute of latitude is about 1,852 m.
    assert distance_m(118.77, 32.10, 118.77, 32.10 + 1 / 60) == pytest.approx(1852, rel=0.002)
