"""Outpost stations: the home grid's community station, its staff filled from the personas'
roles, and a standard address in the home grid for cases opened at the window."""

from typing import Any

import pytest
from shapely.geometry import Point

from outpost.cases.taxonomy import load_taxonomy
from outpost.geo.geometry import from_geojson_text
from outpost.geo.models import Grid, OutpostStation
from outpost.registry.models import AddressLevel, StandardAddress
from outpost.stations import services
from tests.conftest import Persona


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_taxonomy()


@pytest.fixture
def station(home_grid: Grid) -> OutpostStation:
    return OutpostStation.objects.select_related("community").get(community=home_grid.community)


@pytest.fixture
def staffed(station: OutpostStation, grid_worker: Persona, officer: Persona) -> OutpostStation:
    """The station with its staff from the roles: the grid worker and the beat's officer."""
    services.fill_staff_from_roles(station, actor=None)
    return station


@pytest.fixture
def address(home_grid: Grid) -> StandardAddress:
    where: Point = from_geojson_text(home_grid.geometry).representative_point()
    beat = home_grid.main_beat.code if home_grid.main_beat else ""
    return StandardAddress.objects.create(
        code="ST-ADDR-1",
        level=AddressLevel.ROOM,
        community_code=home_grid.community.code,
        road="中山路",
        door_no="83号",
        room="102",
        full_text="中山路83号102室",
        lon=where.x,
        lat=where.y,
        grid_code=home_grid.code,
        beat_code=beat,
    )
