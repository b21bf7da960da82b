"""The map's place names (GET /api/v1/geo/labels): streets, communities and grids of the
caller's area, each at a point inside it and with the zoom band it is shown in."""

import pytest
from shapely.geometry import Point

from outpost.geo.geometry import from_geojson_text
from outpost.geo.models import Division, Grid
from tests.conftest import HOME_GRID, OTHER_GRID, Persona

pytestmark = pytest.mark.django_db


def labels(persona: Persona) -> dict[tuple[str, str], dict[str, object]]:
    answer = persona.client.get("/api/v1/geo/labels")
    assert answer.status_code == 200, answer.content
    return {(label["kind"], label["code"]): label for label in answer.json()["labels"]}


def test_it_names_the_owners_grid_community_and_street_at_their_zooms(
    grid_worker: Persona, home_grid: Grid
) -> None:
    found = labels(grid_worker)
    street = Division.objects.get(code=home_grid.community.code[:9] + "000")
    assert set(found) == {
        ("grid", HOME_GRID),
        ("community", home_grid.community.code),
        ("street", street.code),
    }
    grid = found[("grid", HOME_GRID)]
    assert grid["name"] == home_grid.name
    assert from_geojson_text(home_grid.geometry).contains(Point(grid["lon"], grid["lat"]))
    assert found[("street", street.code)]["name"] == street.name
    zooms = {kind: (label["zoom"], label["until"]) for (kind, _), label in found.items()}
    assert zooms["street"][1] <= zooms["community"][0] < zooms["community"][1] <= zooms["grid"][0]


def test_it_gives_an_outsider_none_of_the_home_names(outsider: Persona, home_grid: Grid) -> None:
    found = labels(outsider)
    assert ("grid", OTHER_GRID) in found
    assert ("grid", HOME_GRID) not in found
    assert ("community", home_grid.community.code) not in found


def test_it_names_nothing_for_who_holds_no_area(nobody: Persona) -> None:
    assert labels(nobody) == {}


def test_it_names_every_grid_of_the_commanders_street(commander: Persona, home_grid: Grid) -> None:
    street = home_grid.community.code[:9]
    grids = set(Grid.objects.filter(code__startswith=street).values_list("code", flat=True))
    found = labels(commander)
    assert {code for kind, code in found if kind == "grid"} == grids
