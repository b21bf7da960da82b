"""Routing a text to the district matchers it is about (pure Python, no database).

One district (鼓楼区) must answer exactly as the single matcher did; two districts with the same
road and door number must be told apart by the district the text names."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest

from outpost.registry.matching import (
    AddressMatcher,
    AddressRecord,
    load_division_names,
    load_records,
)
from outpost.registry.matching.districts import (
    DistrictRouter,
    RoutedMatcher,
    district_names,
    split_by_district,
)

GULOU = Path(__file__).resolve().parents[2] / "data" / "gulou"
TWIN = "320102"  # 玄武区: a made-up copy of some of 鼓楼区's doors lives there
NAMES = {
    "320000000000": "江苏省",
    "320100000000": "南京市",
    "320106000000": "鼓楼区",
    "320102000000": "玄武区",
    "320102001000": "玄武门街道",
    "320102001001": "玄武门社区",
    "320300000000": "徐州市",
    "320302000000": "鼓楼区",
}


def _routed(
    records: list[AddressRecord],
    names: dict[str, str],
    within: frozenset[str] | None = None,
    max_districts: int | None = None,
) -> RoutedMatcher:
    matchers = {
        d: AddressMatcher(recs, district_names(names, d))
        for d, recs in split_by_district(records).items()
    }
    router = DistrictRouter.from_records(records, names)
    return RoutedMatcher(router, matchers.__getitem__, within, max_districts)


@pytest.fixture(scope="module")
def gulou() -> tuple[list[AddressRecord], dict[str, str]]:
    return load_records(GULOU / "addresses.csv.xz"), load_division_names(GULOU / "divisions.csv")


@pytest.fixture(scope="module")
def door(gulou: tuple[list[AddressRecord], dict[str, str]]) -> AddressRecord:
    """A 鼓楼区 door plate without a compound."""
    return next(r for r in gulou[0] if r.level == "门牌" and not r.compound and r.door_no)


@pytest.fixture(scope="module")
def two(gulou: tuple[list[AddressRecord], dict[str, str]], door: AddressRecord) -> RoutedMatcher:
    """鼓楼区, and 玄武区 with one door plate: the same road and number as `door`."""
    twin = replace(door, addr_id="X0000001", community_code=TWIN + "001001", full_text="twin")
    return _routed([*gulou[0], twin], {**gulou[1], **NAMES})


def test_it_answers_one_district_exactly_as_the_single_matcher(
    gulou: tuple[list[AddressRecord], dict[str, str]],
) -> None:
    records, names = gulou
    single = AddressMatcher(records, names)
    routed = _routed(records, names)
    for name in ("address_queries_sample.csv", "address_queries_spoken.csv"):
        with (GULOU / name).open(encoding="utf-8", newline="") as f:
            texts = [row["text"] for row in csv.DictReader(f)]
        assert routed.match_many(texts) == single.match_many(texts), name


def test_it_takes_the_door_of_the_district_the_text_names(
    two: RoutedMatcher, door: AddressRecord
) -> None:
    plain = f"{door.road}{door.door_no}"

    assert two.match(f"南京市玄武区{plain}").addr_id == "X0000001"
    assert two.match(f"玄武{plain}").addr_id == "X0000001"
    assert two.match(f"玄武门社区{plain}").addr_id == "X0000001"
    assert two.match(f"南京鼓楼区{plain}").addr_id == door.addr_id


def test_it_offers_both_doors_when_the_text_names_no_district(
    two: RoutedMatcher, door: AddressRecord
) -> None:
    found = two.match(f"{door.road}{door.door_no}")

    assert found.addr_id is None
    assert {c.addr_id for c in found.candidates} == {door.addr_id, "X0000001"}


def test_it_matches_no_room_when_its_door_is_in_two_districts_and_none_is_named(
    gulou: tuple[list[AddressRecord], dict[str, str]],
) -> None:
    """The door plate of 玄武区 has no rooms; the room asked for is still not taken as 鼓楼区's:
    the text may be about 玄武区's door (with a room not on record)."""
    records, names = gulou
    by_id = {r.addr_id: r for r in records}
    room = next(
        r
        for r in records
        if r.level == "户室"
        and by_id[r.parent_id].level == "楼栋"
        and not by_id[by_id[r.parent_id].parent_id].compound
    )
    door = by_id[by_id[room.parent_id].parent_id]
    twin = replace(door, addr_id="X0000001", community_code=TWIN + "001001", full_text="twin")
    two = _routed([*records, twin], {**names, **NAMES})
    text = f"{door.road}{door.door_no}{room.building}{room.unit}{room.room}"

    assert two.match(f"鼓楼区{text}").addr_id == room.addr_id
    found = two.match(text)
    assert found.addr_id is None
    assert {c.addr_id for c in found.candidates} == {room.addr_id, "X0000001"}


def test_it_matches_nothing_when_the_named_divisions_disagree(
    two: RoutedMatcher, door: AddressRecord
) -> None:
    """玄武区 is not in 徐州市; 徐州's 鼓楼区 has no addresses here."""
    assert two.districts_for(f"徐州市玄武区{door.road}{door.door_no}") == frozenset()
    assert two.match(f"徐州市鼓楼区{door.road}{door.door_no}").addr_id is None


def test_it_answers_only_from_the_districts_it_may_go_to(
    gulou: tuple[list[AddressRecord], dict[str, str]], door: AddressRecord
) -> None:
    twin = replace(door, addr_id="X0000001", community_code=TWIN + "001001", full_text="twin")
    records, names = [*gulou[0], twin], {**gulou[1], **NAMES}
    xuanwu = _routed(records, names, within=frozenset({TWIN}))
    plain = f"{door.road}{door.door_no}"

    assert xuanwu.match(plain).addr_id == "X0000001"  # no longer ambiguous: 鼓楼 is not asked
    assert xuanwu.match(f"鼓楼区{plain}") == xuanwu.match("鼓楼区不存在路9999号")
    assert xuanwu.match(f"鼓楼区{plain}").candidates == ()


def test_it_answers_no_match_when_more_districts_would_be_asked_than_a_process_holds(
    gulou: tuple[list[AddressRecord], dict[str, str]], door: AddressRecord
) -> None:
    twin = replace(door, addr_id="X0000001", community_code=TWIN + "001001", full_text="twin")
    one = _routed([*gulou[0], twin], {**gulou[1], **NAMES}, max_districts=1)
    plain = f"{door.road}{door.door_no}"

    assert one.match(plain).candidates == ()
    assert one.match(f"玄武区{plain}").addr_id == "X0000001"
