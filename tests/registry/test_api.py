"""The registry API: address matching and people search answer inside the caller's area only,
and not at all to roles without the registry."""

from typing import Any

import pytest

from outpost.registry.models import StandardAddress
from tests.conftest import HOME_GRID, OTHER_GRID, Persona
from tests.registry.data import RegistryData
from tests.registry.helpers import CJK, loaded_in_grid, unique_name_in

pytestmark = pytest.mark.django_db

MATCH = "/api/v1/addresses/match"
PEOPLE = "/api/v1/registry/people"
REGION = "江苏省南京市鼓楼区"


def _room_in(grid: str) -> StandardAddress:
    room = StandardAddress.objects.filter(grid_code=grid, level="room").order_by("code").first()
    assert room is not None
    return room


def _typed(room: StandardAddress) -> str:
    """The address as people type it: no province, city or district."""
    return room.full_text.removeprefix(REGION)


def test_it_matches_an_address_in_the_callers_area(grid_worker: Persona) -> None:
    room = _room_in(HOME_GRID)

    found = grid_worker.client.get(MATCH, {"q": _typed(room)}).json()

    assert found["q"] == _typed(room)
    assert found["addr_id"] == room.code
    assert 0 < found["score"] <= 1


def test_it_names_no_address_outside_the_callers_area(outsider: Persona) -> None:
    room = _room_in(HOME_GRID)

    found = outsider.client.get(MATCH, {"q": _typed(room)}).json()

    assert found["addr_id"] is None and found["score"] == 0
    visible = set(
        StandardAddress.objects.filter(grid_code__startswith=OTHER_GRID).values_list(
            "code", flat=True
        )
    )
    assert {c["addr_id"] for c in found["candidates"]} <= visible


@pytest.mark.parametrize("who", ["reporter", "nobody"])
def test_it_refuses_address_matching_to_roles_without_the_registry(
    request: pytest.FixtureRequest, who: str
) -> None:
    persona: Persona = request.getfixturevalue(who)
    response = persona.client.get(MATCH, {"q": _typed(_room_in(HOME_GRID))})
    assert response.status_code == 403
    assert CJK.search(response.json()["detail"])


def test_it_refuses_the_api_to_anonymous_callers(anonymous: Any) -> None:
    assert anonymous.get(MATCH, {"q": "中山北路"}).status_code == 401
    assert anonymous.get(PEOPLE).status_code == 401


def test_it_searches_people_in_the_callers_area_only(
    registry_data: RegistryData, grid_worker: Persona, outsider: Persona, reporter: Persona
) -> None:
    home = loaded_in_grid(registry_data, HOME_GRID)
    name = unique_name_in(home, loaded_in_grid(registry_data, OTHER_GRID))

    found = grid_worker.client.get(PEOPLE, {"q": name}).json()

    assert [p["person_no"] for p in found] == [no for no, r in home.items() if r["name"] == name]
    assert found[0]["grid_code"] == HOME_GRID
    assert outsider.client.get(PEOPLE, {"q": name}).json() == []
    everyone = outsider.client.get(PEOPLE, {"limit": 200}).json()
    assert {p["grid_code"] for p in everyone} == {OTHER_GRID}
    assert len(everyone) == min(200, len(loaded_in_grid(registry_data, OTHER_GRID)))
    assert reporter.client.get(PEOPLE, {"q": name}).status_code == 403
