"""Every address in its grid by its point, and everything on it in the same grid; a boundary
re-import that reshapes a grid moves the addresses and people it no longer covers (through the
geo app's boundaries_changed signal), and the grid worker's list follows."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import shapely
from django.urls import reverse
from shapely import affinity
from shapely.geometry import Point, mapping, shape

from outpost.geo.boundaries import import_boundaries
from outpost.registry.models import House, Organisation, Person, StandardAddress
from tests.conftest import GULOU, HOME_GRID, Persona
from tests.registry.data import COMMUNITIES, RegistryData

pytestmark = pytest.mark.django_db


def _grid_features() -> list[dict[str, Any]]:
    return json.loads((GULOU / "grids.geojson").read_text("utf-8"))["features"]


def _grid_shapes() -> tuple[list[str], shapely.STRtree]:
    features = _grid_features()
    codes = [f["properties"]["code"] for f in features]
    return codes, shapely.STRtree([shape(f["geometry"]) for f in features])


def _covering(codes: list[str], tree: shapely.STRtree, point: Point) -> list[str]:
    return [codes[i] for i in tree.query(point, predicate="covered_by")]


def test_it_places_each_address_in_the_one_grid_whose_shape_covers_its_point(
    registry_data: RegistryData,
) -> None:
    codes, tree = _grid_shapes()
    local = {
        code: a for code, a in registry_data.addresses.items() if a["community_code"] in COMMUNITIES
    }
    placed = dict(StandardAddress.objects.filter(code__in=local).values_list("code", "grid_code"))
    checked = 0
    for code, a in local.items():
        grids = _covering(codes, tree, Point(float(a["lon"]), float(a["lat"])))
        if len(grids) == 1:  # a point on a sliver between two grids may go to either
            assert placed[code] == grids[0], code
            checked += 1
        else:
            assert placed[code] in grids, code
    assert checked > 0.95 * len(local)


def test_it_puts_people_houses_and_organisations_in_the_grid_and_beat_of_their_address(
    registry_data: RegistryData,
) -> None:
    for model in (Person, House, Organisation):
        for grid, beat, a_grid, a_beat in model.objects.values_list(
            "grid_code", "beat_code", "address__grid_code", "address__beat_code"
        ):
            assert (grid, beat) == (a_grid, a_beat)
    assert Person.objects.filter(grid_code=HOME_GRID).exists()


def _shrunk_home(tmp_path: Path, factor: float) -> tuple[Path, Any]:
    feature = next(f for f in _grid_features() if f["properties"]["code"] == HOME_GRID)
    smaller = affinity.scale(shape(feature["geometry"]), factor, factor, origin="centroid")
    feature["geometry"] = mapping(smaller)
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), "utf-8")
    return path, smaller


def test_it_moves_the_addresses_and_people_a_reshaped_grid_no_longer_covers(
    registry_data: RegistryData, tmp_path: Path, grid_worker: Persona
) -> None:
    path, smaller = _shrunk_home(tmp_path, 0.7)
    before = list(StandardAddress.objects.filter(grid_code=HOME_GRID))
    stays = {a.code for a in before if smaller.covers(Point(a.lon, a.lat))}
    leaves = {a.code for a in before} - stays
    assert stays and leaves
    people_leaving = set(
        Person.objects.filter(address__code__in=leaves).values_list("person_no", flat=True)
    )
    assert people_leaving

    report = import_boundaries(path, today=dt.date(2026, 12, 1))

    assert report.counts["grid_updated"] == 1
    now = dict(
        StandardAddress.objects.filter(code__in=stays | leaves).values_list("code", "grid_code")
    )
    assert {c for c, g in now.items() if g == HOME_GRID} == stays
    codes, tree = _grid_shapes()
    for code in leaves:
        address = StandardAddress.objects.get(code=code)
        others = [
            g for g in _covering(codes, tree, Point(address.lon, address.lat)) if g != HOME_GRID
        ]
        assert address.grid_code in ([*others] if others else [""])
    for person in Person.objects.filter(person_no__in=people_leaving).select_related("address"):
        assert person.grid_code == person.address.grid_code != HOME_GRID
    houses = House.objects.filter(address__code__in=leaves)
    assert not houses.filter(grid_code=HOME_GRID).exists()
    # The grid worker now sees the people of the smaller grid only.
    response = grid_worker.client.get(reverse("registry:people"))
    assert response.status_code == 200
    staying = sum(len(registry_data.people_at(code)) for code in stays)
    assert response.context["page"].paginator.count == staying
    number = sorted(people_leaving)[0]
    assert grid_worker.client.get(reverse("registry:person", args=[number])).status_code == 404
