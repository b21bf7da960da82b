"""The stored addresses' matchers, one per district: a text goes to the district it names, a
change in one district rebuilds that district's matcher only, a process keeps at most
OUTPOST_MATCHER_DISTRICTS of them, and a caller is answered from their own districts only.

The session holds 鼓楼区 (320106); each test adds 玄武区 (320102) with one door plate: the same road
and number as a door plate of the home grid."""

from __future__ import annotations

from typing import Any

import pytest

from outpost.accounts.roles import Role
from outpost.geo.models import Division
from outpost.registry import addressing
from outpost.registry.addressing import address_matcher, shards
from outpost.registry.models import StandardAddress
from tests.conftest import HOME_GRID, Persona, _persona

pytestmark = pytest.mark.django_db

MATCH = "/api/v1/addresses/match"
GULOU, XUANWU = "320106", "320102"
XUANWU_GRID = "320102001001001"


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a new process: no matcher built yet."""
    monkeypatch.setattr(addressing, "_shards", None)


@pytest.fixture
def door() -> StandardAddress:
    """A door plate of the home grid with no compound."""
    found = (
        StandardAddress.objects.filter(grid_code=HOME_GRID, level="door", compound="")
        .order_by("code")
        .first()
    )
    assert found is not None
    return found


@pytest.fixture
def twin(door: StandardAddress) -> StandardAddress:
    """玄武区's door plate with the same road and number."""
    nanjing = Division.objects.get(code="320100000000")
    district = Division.objects.create(
        code="320102000000", name="玄武区", level="district", parent=nanjing
    )
    street = Division.objects.create(
        code="320102001000", name="玄武门街道", level="street", parent=district
    )
    Division.objects.create(
        code="320102001001", name="玄武门社区", level="community", parent=street
    )
    return StandardAddress.objects.create(
        code="X0000001",
        level="door",
        community_code="320102001001",
        grid_code=XUANWU_GRID,
        road=door.road,
        door_no=door.door_no,
        full_text=f"江苏省南京市玄武区{door.road}{door.door_no}",
        lon=118.8,
        lat=32.05,
    )


def _plain(door: StandardAddress) -> str:
    return f"{door.road}{door.door_no}"


def _api(persona: Persona, q: str) -> dict[str, Any]:
    return persona.client.get(MATCH, {"q": q}).json()


def test_it_takes_the_door_of_the_district_the_text_names(
    door: StandardAddress, twin: StandardAddress
) -> None:
    matcher = address_matcher()

    assert matcher.match(f"南京市玄武区{_plain(door)}").addr_id == twin.code
    assert matcher.match(f"玄武门社区{_plain(door)}").addr_id == twin.code
    assert matcher.match(f"鼓楼区{_plain(door)}").addr_id == door.code


def test_it_offers_both_doors_when_the_text_names_no_district(
    door: StandardAddress, twin: StandardAddress
) -> None:
    found = address_matcher().match(_plain(door))

    assert found.addr_id is None
    assert {c.addr_id for c in found.candidates} == {door.code, twin.code}


def test_it_rebuilds_only_the_district_whose_addresses_changed(
    door: StandardAddress, twin: StandardAddress
) -> None:
    address_matcher().match_many([f"鼓楼区{_plain(door)}", f"玄武区{_plain(door)}"])
    assert sorted(shards().builds) == [XUANWU, GULOU]

    twin.door_no = "9999号"
    twin.save()
    matcher = address_matcher()

    assert matcher.match(f"玄武区{door.road}9999号").addr_id == twin.code
    assert matcher.match(f"鼓楼区{_plain(door)}").addr_id == door.code
    assert sorted(shards().builds) == [XUANWU, XUANWU, GULOU]


def test_it_builds_a_district_only_when_a_text_goes_there(
    door: StandardAddress, twin: StandardAddress
) -> None:
    address_matcher().match(f"玄武区{_plain(door)}")

    assert shards().builds == [XUANWU]


def test_it_keeps_at_most_the_districts_it_is_set_to(
    settings: Any, door: StandardAddress, twin: StandardAddress
) -> None:
    settings.OUTPOST_MATCHER_DISTRICTS = 1
    matcher = address_matcher()

    assert matcher.match(f"鼓楼区{_plain(door)}").addr_id == door.code
    assert matcher.match(f"玄武区{_plain(door)}").addr_id == twin.code
    assert shards().held() == [XUANWU]
    assert matcher.match(f"鼓楼区{_plain(door)}").addr_id == door.code
    assert shards().builds == [GULOU, XUANWU, GULOU]
    # A text that could be in both districts is not answered by building both in turn.
    assert matcher.match(_plain(door)).candidates == ()


def test_it_answers_a_caller_from_their_own_districts_only(
    grid_worker: Persona, door: StandardAddress, twin: StandardAddress
) -> None:
    xuanwu = _persona("xuanwu_p", Role.GRID_LEADER, "320102000000")

    assert _api(grid_worker, _plain(door))["addr_id"] == door.code
    assert _api(xuanwu, _plain(door))["addr_id"] == twin.code
    # The other district, even named, answers as an address that does not exist.
    nowhere = _api(grid_worker, f"玄武区{door.road}99999号")
    for persona, q in ((grid_worker, f"玄武区{_plain(door)}"), (xuanwu, f"鼓楼区{_plain(door)}")):
        found = _api(persona, q)
        assert found["addr_id"] is None and found["candidates"] == []
        assert {k: v for k, v in found.items() if k != "q"} == {
            k: v for k, v in nowhere.items() if k != "q"
        }
    assert shards().builds.count(XUANWU) == 1
