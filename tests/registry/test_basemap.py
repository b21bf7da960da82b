"""The map's base from the registry: roads drawn through their door plates (GET
/api/v1/map/roads) and organisations as points (GET /api/v1/map/organisations), each narrowed
to the caller's area; the roads computed once per district and kept until its addresses change."""

import random
import time

import pytest
from django.core.cache import cache

from outpost.areas.queries import grid_label_points
from outpost.core import versioned
from outpost.geo.models import Grid
from outpost.registry import basemap
from outpost.registry.models import AddressLevel, Organisation, StandardAddress
from tests.conftest import HOME_GRID, OTHER_GRID, Persona

pytestmark = pytest.mark.django_db


def roads_in(grid_code: str) -> set[str]:
    doors = StandardAddress.objects.filter(level=AddressLevel.DOOR, grid_code=grid_code)
    return set(doors.values_list("road", flat=True))


def road_names(persona: Persona) -> set[str]:
    answer = persona.client.get("/api/v1/map/roads")
    assert answer.status_code == 200, answer.content
    return {road["name"] for road in answer.json()["roads"]}


def test_it_draws_the_owner_the_roads_of_their_grid_and_the_outsider_theirs(
    grid_worker: Persona, outsider: Persona
) -> None:
    assert roads_in(HOME_GRID), "the home grid has door plates"
    assert road_names(grid_worker) == roads_in(HOME_GRID)
    assert road_names(outsider) == roads_in(OTHER_GRID)
    assert road_names(outsider).isdisjoint(roads_in(HOME_GRID) - roads_in(OTHER_GRID))


def test_it_draws_a_road_inside_the_area_it_is_cut_to(grid_worker: Persona) -> None:
    doors = StandardAddress.objects.filter(level=AddressLevel.DOOR, grid_code=HOME_GRID)
    lons = [d.lon for d in doors]
    lats = [d.lat for d in doors]
    for road in grid_worker.client.get("/api/v1/map/roads").json()["roads"]:
        for lat, lon in road["line"]:
            assert min(lons) <= lon <= max(lons) and min(lats) <= lat <= max(lats)


def test_it_hides_roads_and_organisations_from_who_sees_no_area(nobody: Persona) -> None:
    assert nobody.client.get("/api/v1/map/roads").status_code == 404
    assert nobody.client.get("/api/v1/map/organisations").status_code == 404


def test_it_refuses_organisations_to_a_reporter_who_may_not_read_the_registry(
    reporter: Persona,
) -> None:
    assert reporter.client.get("/api/v1/map/organisations").status_code == 403
    assert reporter.client.get("/api/v1/map/roads").status_code == 200


def test_it_places_the_owners_organisations_and_none_of_the_outsiders(
    grid_worker: Persona, outsider: Persona
) -> None:
    home = Organisation.objects.filter(grid_code=HOME_GRID).select_related("address")
    assert home.exists()
    points = grid_worker.client.get("/api/v1/map/organisations").json()["organisations"]
    assert {p["unit_no"] for p in points} == {o.unit_no for o in home}
    first = home.first()
    assert first is not None
    [point] = [p for p in points if p["unit_no"] == first.unit_no]
    assert (point["name"], point["lon"], point["lat"]) == (
        first.name,
        first.address.lon,
        first.address.lat,
    )
    theirs = outsider.client.get("/api/v1/map/organisations").json()["organisations"]
    assert {p["unit_no"] for p in theirs}.isdisjoint({o.unit_no for o in home})


def test_it_orders_a_roads_plates_end_to_end() -> None:
    along = [(118.70 + i * 0.001, 32.00 + i * 0.0005, "g", "b") for i in range(20)]
    shuffled = random.Random(7).sample(along, len(along))
    ordered = basemap.along_axis(shuffled)
    assert ordered in (along, along[::-1])


def test_it_builds_a_districts_roads_once_until_an_address_changes(
    grid_worker: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.clear()
    built: list[str] = []
    real = basemap.build_roads
    monkeypatch.setattr(basemap, "build_roads", lambda d: built.append(d) or real(d))
    first = grid_worker.client.get("/api/v1/map/roads").json()
    assert grid_worker.client.get("/api/v1/map/roads").json() == first
    assert built == ["320106"]

    door = StandardAddress.objects.filter(level=AddressLevel.DOOR, grid_code=HOME_GRID).first()
    assert door is not None
    door.road = "新造路"
    door.save()
    assert "新造路" in road_names(grid_worker)
    assert built == ["320106", "320106"]


def _expires_in(key: str) -> float | None:
    """Seconds until the local-memory cache forgets `key` (None when it is not kept)."""
    made = cache.make_and_validate_key(key)
    expiry = cache._expire_info.get(made)  # type: ignore[attr-defined]
    return None if expiry is None or cache.get(key) is None else expiry - time.time()


def test_it_forgets_a_districts_old_roads_when_an_address_changes(grid_worker: Persona) -> None:
    # A shared cache (Redis) would otherwise keep every version of every district's roads.
    cache.clear()
    grid_worker.client.get("/api/v1/map/roads")
    old = f"outpost:roads:320106:{basemap.district_versions()['320106']}"
    assert 0 < (_expires_in(old) or 0) <= versioned.SECONDS

    door = StandardAddress.objects.filter(level=AddressLevel.DOOR, grid_code=HOME_GRID).first()
    assert door is not None
    door.road = "新造路"
    door.save()
    assert "新造路" in road_names(grid_worker)

    new = f"outpost:roads:320106:{basemap.district_versions()['320106']}"
    assert new != old and _expires_in(old) is None
    assert 0 < (_expires_in(new) or 0) <= versioned.SECONDS


def test_it_forgets_the_old_grid_label_points_when_a_grid_changes(grid_worker: Persona) -> None:
    cache.clear()
    grid_label_points()
    kept = [k for k in _keys() if "grid-labels" in k and not k.endswith(":latest")]
    assert len(kept) == 1 and 0 < (_expires_in(kept[0]) or 0) <= versioned.SECONDS

    Grid.objects.get(code=HOME_GRID).save()  # a new stamp
    grid_label_points()

    now = [k for k in _keys() if "grid-labels" in k and not k.endswith(":latest")]
    assert len(now) == 1 and now != kept


def _keys() -> list[str]:
    """The keys the local-memory cache holds, as they were set."""
    return [k.split(":", 2)[2] for k in cache._cache]  # type: ignore[attr-defined]
