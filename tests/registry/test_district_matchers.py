"""The stored addresses' matchers, one per district: a text goes to the district it names, a
change in one district rebuilds that district's matcher only, a process keeps at most
OUTPOST_MATCHER_DISTRICTS of them, and a caller is answered from their own districts only.

The session holds 鼓楼区 (320106); each test adds 玄武区 (320102) with one door plate: the same road
and number as a door plate of the home grid, and some add 秦淮区 (320104) with one door plate. The
tests that count builds start as a new process and ask only the small districts (鼓楼区's matcher,
built once, serves the others: its addresses do not change)."""

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
GULOU, XUANWU, QINHUAI = "320106", "320102", "320104"
XUANWU_GRID = "320102001001001"


@pytest.fixture
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


@pytest.fixture
def other(twin: StandardAddress) -> StandardAddress:
    """秦淮区's one door plate, on the same road too."""
    nanjing = Division.objects.get(code="320100000000")
    Division.objects.create(code="320104000000", name="秦淮区", level="district", parent=nanjing)
    return StandardAddress.objects.create(
        code="Q0000001",
        level="door",
        community_code="320104001001",
        grid_code="320104001001001",
        road=twin.road,
        door_no="8888号",
        full_text=f"江苏省南京市秦淮区{twin.road}8888号",
        lon=118.8,
        lat=32.02,
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


@pytest.mark.usefixtures("fresh_process")
def test_it_rebuilds_only_the_district_whose_addresses_changed(
    twin: StandardAddress, other: StandardAddress
) -> None:
    texts = [f"玄武区{_plain(twin)}", f"秦淮区{_plain(other)}"]
    assert [m.addr_id for m in address_matcher().match_many(texts)] == [twin.code, other.code]
    assert sorted(shards().builds) == [XUANWU, QINHUAI]

    twin.door_no = "9999号"
    twin.save()
    matcher = address_matcher()

    assert matcher.match(f"玄武区{twin.road}9999号").addr_id == twin.code
    assert matcher.match(f"秦淮区{_plain(other)}").addr_id == other.code
    assert sorted(shards().builds) == [XUANWU, XUANWU, QINHUAI]


@pytest.mark.usefixtures("fresh_process")
def test_it_builds_a_district_only_when_a_text_goes_there(twin: StandardAddress) -> None:
    address_matcher().match(f"玄武区{_plain(twin)}")

    assert shards().builds == [XUANWU]


@pytest.mark.usefixtures("fresh_process")
def test_it_keeps_at_most_the_districts_it_is_set_to(
    settings: Any, twin: StandardAddress, other: StandardAddress
) -> None:
    settings.OUTPOST_MATCHER_DISTRICTS = 1
    matcher = address_matcher()

    assert matcher.match(f"玄武区{_plain(twin)}").addr_id == twin.code
    assert matcher.match(f"秦淮区{_plain(other)}").addr_id == other.code
    assert shards().held() == [QINHUAI]
    assert matcher.match(f"玄武区{_plain(twin)}").addr_id == twin.code
    assert shards().builds == [XUANWU, QINHUAI, XUANWU]
    # A text that could be in either district is not answered by building both in turn.
    assert matcher.match(f"南京市{twin.road}").candidates == ()
    assert shards().builds == [XUANWU, QINHUAI, XUANWU]


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
