"""The address matcher against variants generated from the district's own standard addresses.

Every variant is written from a record's components the way people write addresses (no province,
no district, full-width digits, Chinese numerals, dash notation, 号楼/幢/座, spaces and
punctuation, a typo in the road, 附近, community first, compound only …) for a few hundred records
drawn with a fixed seed, and must resolve to that record's id. Addresses that do not exist and
text that fits more than one address must give no id.
"""

from __future__ import annotations

import csv
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein

from outpost.registry.matching import (
    MATCH_THRESHOLD,
    AddressMatcher,
    AddressRecord,
    MatchResult,
    load_division_names,
    load_records,
)

GULOU = Path(__file__).resolve().parents[2] / "data" / "gulou"
SEED = 20240611
SAMPLE_SIZE = 300
REGION = ("江苏省", "南京市", "鼓楼区")
# Characters used for typos: in no road name of the district.
TYPO_CHARS = "璐瑶琪珊瑚琳钰蕾莹"


@dataclass(frozen=True)
class District:
    matcher: AddressMatcher
    records: list[AddressRecord]
    by_id: dict[str, AddressRecord]
    roads: frozenset[str]
    streets: tuple[str, ...]
    compound_doors: dict[str, list[AddressRecord]]


@pytest.fixture(scope="module")
def district() -> District:
    records = load_records(GULOU / "addresses.csv.xz")
    names = load_division_names(GULOU / "divisions.csv")
    streets = tuple(n for c, n in names.items() if c.endswith("000") and not c.endswith("000000"))
    compound_doors: dict[str, list[AddressRecord]] = defaultdict(list)
    for r in records:
        if r.level == "门牌" and r.compound:
            compound_doors[r.compound].append(r)
    return District(
        matcher=AddressMatcher(records, names),
        records=records,
        by_id={r.addr_id: r for r in records},
        roads=frozenset(r.road for r in records),
        streets=streets,
        compound_doors=dict(compound_doors),
    )


def sample(d: District, level: str, n: int = SAMPLE_SIZE, salt: int = 0) -> list[AddressRecord]:
    pool = [r for r in d.records if r.level == level]
    return random.Random(SEED + salt).sample(pool, n)


# -- writing an address the ways people do --------------------------------------------------------

CN_DIGITS = "零一二三四五六七八九"


def to_cn(n: int) -> str:
    """107 → 一百零七, 15 → 十五, 110 → 一百一十 (as written, not as parsed by the matcher)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    out = ""
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += ("零" if zero and out else "") + CN_DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


def fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in s)


def num(field: str) -> str:
    return re.sub(r"\D", "", field)


def parts(d: District, r: AddressRecord) -> dict[str, str]:
    """A record's pieces of text: street and community (as full_text writes them), road, door
    (2号), compound, and the tail below the door (1栋1单元101室)."""
    rest = r.full_text
    for region in REGION:
        rest = rest.removeprefix(region)
    street = next(s for s in d.streets if rest.startswith(s))
    rest = rest.removeprefix(street)
    community = rest[: rest.index(r.road + r.door_no)]
    return {
        "street": street,
        "community": community,
        "road": r.road,
        "door": r.door_no,
        "compound": r.compound,
        "tail": r.building + r.unit + r.room,
    }


def below_door(r: AddressRecord, building: str = "栋", unit: str = "单元", room: str = "室") -> str:
    out = ""
    if r.building:
        out += num(r.building) + building
    if r.unit:
        out += num(r.unit) + unit
    if r.room:
        out += num(r.room) + room
    return out


Variant = Callable[[District, AddressRecord, random.Random], str | None]


def v_drop_province(d: District, r: AddressRecord, rng: random.Random) -> str:
    return r.full_text.removeprefix("江苏省")


def v_drop_city_and_district(d: District, r: AddressRecord, rng: random.Random) -> str:
    return r.full_text.replace("南京市", "").replace("鼓楼区", "")


def v_road_only(d: District, r: AddressRecord, rng: random.Random) -> str:
    """No province, city, district, street or community; no compound."""
    return r.road + r.door_no + below_door(r)


def v_district_only(d: District, r: AddressRecord, rng: random.Random) -> str:
    p = parts(d, r)
    return "南京市鼓楼区" + p["road"] + p["door"] + p["compound"] + p["tail"]


def v_fullwidth(d: District, r: AddressRecord, rng: random.Random) -> str:
    return fullwidth(r.full_text.removeprefix("江苏省南京市"))


def v_cn_numerals(d: District, r: AddressRecord, rng: random.Random) -> str:
    out = r.road + to_cn(int(num(r.door_no))) + "号"
    if r.building:
        out += to_cn(int(num(r.building))) + "栋"
    if r.unit:
        out += to_cn(int(num(r.unit))) + "单元"
    if r.room:  # rooms read digit by digit (四零一) or as a number (四百零一)
        room = int(num(r.room))
        out += to_cn(room) if rng.random() < 0.5 else "".join(CN_DIGITS[int(c)] for c in str(room))
        out += "室"
    return out


def v_dash(d: District, r: AddressRecord, rng: random.Random) -> str:
    return r.road + r.door_no + r.compound + "-".join(num(x) for x in (r.building, r.unit, r.room))


def v_building_words(d: District, r: AddressRecord, rng: random.Random) -> str:
    word = rng.choice(["号楼", "幢", "座"])
    return "鼓楼区" + r.road + r.door_no + below_door(r, building=word)


def v_spaces(d: District, r: AddressRecord, rng: random.Random) -> str:
    pieces = ["南京市", "鼓楼区", r.road, num(r.door_no), "号"]
    for field, word in ((r.building, "栋"), (r.unit, "单元"), (r.room, "室")):
        if field:
            pieces += [num(field), word]
    sep = rng.choice([" ", "  ", "，", "、", " , ", "\u3000"])
    return sep.join(pieces) + rng.choice(["", "。", "！", " "])


def typo_road(d: District, road: str, rng: random.Random) -> str | None:
    """The road with one character replaced, or None if the result is within one edit of two
    roads (then no road may be chosen)."""
    positions = list(range(len(road)))
    rng.shuffle(positions)
    for i in positions:
        typo = road[:i] + rng.choice(TYPO_CHARS) + road[i + 1 :]
        if sum(Levenshtein.distance(typo, other) <= 1 for other in d.roads) == 1:
            return typo
    return None


def v_typo(d: District, r: AddressRecord, rng: random.Random) -> str | None:
    typo = typo_road(d, r.road, rng)
    return None if typo is None else "南京" + typo + r.door_no + below_door(r)


def v_nearby(d: District, r: AddressRecord, rng: random.Random) -> str:
    p = parts(d, r)
    noise = rng.choice(["附近", "旁边", "对面", "门口", "斜对面"])
    return "江苏南京鼓楼" + p["street"] + p["road"] + p["door"] + p["tail"] + noise


def v_community_first(d: District, r: AddressRecord, rng: random.Random) -> str:
    p = parts(d, r)
    return f"{p['community']}{p['compound']}{p['tail']} ({p['road']}{p['door']})"


def v_compound_only(d: District, r: AddressRecord, rng: random.Random) -> str | None:
    if not r.compound or len(d.compound_doors[r.compound]) != 1:
        return None
    return r.compound + below_door(r)


def v_compound_with_road(d: District, r: AddressRecord, rng: random.Random) -> str | None:
    if not r.compound:
        return None
    on_road = [x for x in d.compound_doors[r.compound] if x.road == r.road]
    if len(on_road) != 1:
        return None
    return "鼓楼区" + r.road + r.compound + below_door(r)


def v_words_missing(d: District, r: AddressRecord, rng: random.Random) -> str:
    """室, 号 or 单元 left out: the numbers stay, separated by a space where they would run on."""
    missing = rng.choice(["室", "号", "单元"])
    door = num(r.door_no) + ("号" if missing != "号" else " ")
    unit = "单元" if missing != "单元" else " "
    room = "室" if missing != "室" else ""
    return r.road + door + below_door(r, unit=unit, room=room).strip()


VARIANTS: dict[str, Variant] = {
    "drop_province": v_drop_province,
    "drop_city_and_district": v_drop_city_and_district,
    "road_only": v_road_only,
    "district_only": v_district_only,
    "fullwidth": v_fullwidth,
    "cn_numerals": v_cn_numerals,
    "dash": v_dash,
    "building_words": v_building_words,
    "spaces": v_spaces,
    "typo": v_typo,
    "nearby": v_nearby,
    "community_first": v_community_first,
    "compound_only": v_compound_only,
    "compound_with_road": v_compound_with_road,
    "words_missing": v_words_missing,
}


def variants(d: District, name: str) -> Iterator[tuple[str, AddressRecord]]:
    rng = random.Random(f"{SEED}-{name}")
    for r in sample(d, "户室"):
        text = VARIANTS[name](d, r, rng)
        if text is not None:
            yield text, r


# -- variants resolve to the right id --------------------------------------------------------------


@pytest.mark.parametrize("name", list(VARIANTS))
def test_it_resolves_each_variant_to_the_right_room(district: District, name: str) -> None:
    cases = list(variants(district, name))
    assert len(cases) >= 50, f"too few {name} variants to mean anything"
    wrong = []
    for text, r in cases:
        result = district.matcher.match(text)
        if result.addr_id != r.addr_id:
            wrong.append((text, r.addr_id, result))
        else:
            assert result.score >= MATCH_THRESHOLD
            assert result.candidates[0].addr_id == r.addr_id
    assert not wrong, f"{len(wrong)}/{len(cases)} wrong, first: {wrong[:3]}"


def test_it_resolves_the_full_text_of_every_level(district: District) -> None:
    for level in ("门牌", "楼栋", "户室"):
        for r in sample(district, level, 200, salt=1):
            assert district.matcher.match(r.full_text).addr_id == r.addr_id, r.full_text


def test_it_resolves_door_plates_and_buildings_written_loosely(district: District) -> None:
    rng = random.Random(SEED)
    for r in sample(district, "楼栋", 200, salt=2):
        word = rng.choice(["栋", "幢", "号楼", "座"])
        text = "南京 " + r.road + " " + num(r.door_no) + "号 " + to_cn(int(num(r.building))) + word
        assert district.matcher.match(text).addr_id == r.addr_id, text
    for r in sample(district, "门牌", 200, salt=3):
        text = r.road + fullwidth(num(r.door_no)) + rng.choice(["号", "号附近", " 号旁边", ""])
        assert district.matcher.match(text).addr_id == r.addr_id, text


def test_it_reads_chinese_numerals_for_the_door_number(district: District) -> None:
    r = next(x for x in district.records if x.level == "户室" and int(num(x.door_no)) >= 101)
    text = r.road + to_cn(int(num(r.door_no))) + "号" + below_door(r)
    assert "百" in text
    assert district.matcher.match(text).addr_id == r.addr_id


def test_it_matches_many_like_one_at_a_time(district: District) -> None:
    texts = [r.full_text for r in sample(district, "户室", 50, salt=4)] + ["", "不存在的地址"]
    assert district.matcher.match_many(texts) == [district.matcher.match(t) for t in texts]


# -- it never guesses -----------------------------------------------------------------------------


def assert_no_match(result: MatchResult) -> None:
    assert result.addr_id is None
    assert result.score < MATCH_THRESHOLD
    assert len(result.candidates) <= 3
    assert all(c.score < MATCH_THRESHOLD for c in result.candidates)


def test_it_offers_the_building_for_a_room_that_does_not_exist(district: District) -> None:
    for r in sample(district, "户室", 100, salt=5):
        for room in ("9901室", "2501室", "109室"):
            rooms = {x.room for x in district.records if x.parent_id == r.parent_id}
            if room in rooms:
                continue
            text = r.road + r.door_no + r.building + r.unit + room
            result = district.matcher.match(text)
            assert_no_match(result)
            assert result.candidates[0].addr_id == r.parent_id, text


def test_it_offers_the_door_plate_for_a_building_that_does_not_exist(district: District) -> None:
    for r in sample(district, "户室", 100, salt=6):
        building = district.by_id[r.parent_id]
        text = r.road + r.door_no + "9栋" + r.unit + r.room
        result = district.matcher.match(text)
        assert_no_match(result)
        assert result.candidates[0].addr_id == building.parent_id, text


def test_it_gives_none_for_a_door_number_that_does_not_exist(district: District) -> None:
    doors = {(x.road, x.door_no) for x in district.records}
    for r in sample(district, "户室", 100, salt=7):
        for door in ("9999号", f"{int(num(r.door_no)) + 400}号"):
            if (r.road, door) in doors:
                continue
            text = "南京市鼓楼区" + r.road + door + r.building + r.unit + r.room
            result = district.matcher.match(text)
            assert_no_match(result)
            # What is offered: door plates of the same road, nearest in number.
            assert result.candidates, text
            for c in result.candidates:
                offered = district.by_id[c.addr_id]
                assert (offered.level, offered.road) == ("门牌", r.road)


def test_it_gives_none_for_a_compound_on_several_roads(district: District) -> None:
    shared = [c for c, doors in district.compound_doors.items() if len({d.road for d in doors}) > 1]
    assert shared, "the district has compounds on more than one road"
    for compound in shared[:50]:
        result = district.matcher.match(compound + "1栋1单元101室")
        assert_no_match(result)
        assert len(result.candidates) != 1
        result = district.matcher.match("南京市鼓楼区" + compound)
        assert_no_match(result)


def test_it_gives_none_for_a_road_alone_or_a_community_alone(district: District) -> None:
    for road in sorted(district.roads)[:30]:
        assert_no_match(district.matcher.match("南京市鼓楼区" + road))
        assert_no_match(district.matcher.match(road + "1栋1单元101室"))
    assert_no_match(district.matcher.match("虎踞关社区2栋2单元201室"))


def test_it_gives_none_when_the_parts_disagree(district: District) -> None:
    r = sample(district, "户室", 1, salt=8)[0]
    p = parts(district, r)
    other_street = next(s for s in district.streets if s != p["street"])
    other_compound = next(c for c in district.compound_doors if c != r.compound)
    for text in (
        other_street + p["road"] + p["door"] + p["tail"],
        p["road"] + p["door"] + other_compound + p["tail"],
        p["road"] + p["door"] + "1栋2栋" + r.room,
        "南京市鼓楼区" + p["road"] + p["door"] + r.building + r.unit + "9楼" + r.room,
    ):
        result = district.matcher.match(text)
        assert_no_match(result)


def test_it_gives_none_for_a_road_that_is_not_in_the_district(district: District) -> None:
    texts = ("南京市鼓楼区人民路100号1栋1单元101室", "长江路9号2栋", "某某小区3栋", "珠江路1号")
    # One edit from a road of the district, but another road: a direction or road word differs.
    texts += ("中山路1号", "中山南路1号", "热河街1号", "马路1号")
    for text in texts:
        assert_no_match(district.matcher.match(text))


def test_it_gives_none_for_a_typo_close_to_two_roads(district: District) -> None:
    pairs = [
        (a, b)
        for a in district.roads
        for b in district.roads
        if a < b and len(a) == len(b) and Levenshtein.distance(a, b) == 1
    ]
    assert pairs, "the district has roads one edit apart (黄家圩/姜家圩)"
    doors = Counter((x.road, x.door_no) for x in district.records if x.level == "门牌")
    for a, b in pairs:
        i = next(k for k in range(len(a)) if a[k] != b[k])
        typo = a[:i] + "璐" + a[i + 1 :]
        door = next(dn for (road, dn) in doors if road == a)
        assert_no_match(district.matcher.match(typo + door))


def test_it_gives_none_for_empty_or_meaningless_text(district: District) -> None:
    for text in ("", "   ", "附近", "123", "1-2-301", "江苏省南京市鼓楼区"):
        assert district.matcher.match(text) == MatchResult(None, 0.0, ())


# -- a small hand-made district: buildings without units, rooms right under a door ---------------


def rec(addr_id: str, level: str, parent: str = "", **fields: str) -> AddressRecord:
    base = dict.fromkeys(
        ("community_code", "road", "door_no", "compound", "building", "unit", "floor", "room"), ""
    )
    base.update(community_code="320106001003", road="测试路", door_no="8号")
    base.update(fields)
    text = "测试路8号" + base["building"] + base["unit"] + base["room"]
    return AddressRecord(addr_id, level, parent, full_text=text, **base)


@pytest.fixture(scope="module")
def tiny() -> AddressMatcher:
    records = [
        rec("D1", "门牌"),
        rec("B1", "楼栋", "D1", building="3栋"),
        rec("R1", "户室", "B1", building="3栋", floor="4", room="401室"),
        rec("R2", "户室", "B1", building="3栋", floor="4", room="402室"),
        rec("B2", "楼栋", "D1", building="5栋"),
        rec("R3", "户室", "B2", building="5栋", unit="1单元", floor="4", room="401室"),
        rec("R4", "户室", "B2", building="5栋", unit="2单元", floor="4", room="401室"),
        rec("D2", "门牌", door_no="9号"),
        rec("R5", "户室", "D2", door_no="9号", floor="1", room="101室"),
        rec("D3", "门牌", door_no="10号"),  # a data error: two plates with one number
        rec("D4", "门牌", door_no="10号"),
    ]
    names = {"320106000000": "鼓楼区", "320102000000": "玄武区", "320106001003": "仙霞路社区居委会"}
    return AddressMatcher(records, names)


def test_it_gives_the_building_for_a_unit_or_floor_that_exists(tiny: AddressMatcher) -> None:
    assert tiny.match("测试路8号5栋2单元").addr_id == "B2"
    assert tiny.match("测试路8号5-1").addr_id == "B2"
    assert tiny.match("测试路8号3栋4楼").addr_id == "B1"
    for text in ("测试路8号5栋3单元", "测试路8号3栋9楼", "测试路8号5栋2单元9楼"):
        result = tiny.match(text)
        assert result.addr_id is None
        assert result.candidates[0].addr_id in ("B1", "B2")


def test_it_reads_building_dash_room_when_the_building_has_no_units(tiny: AddressMatcher) -> None:
    assert tiny.match("测试路8号3-401").addr_id == "R1"
    assert tiny.match("测试路8号3栋402室").addr_id == "R2"
    assert tiny.match("测试路8号3栋4楼402").addr_id == "R2"
    assert tiny.match("测试路8号3栋5楼402").addr_id is None


def test_it_needs_the_unit_when_a_room_number_is_in_two_units(tiny: AddressMatcher) -> None:
    result = tiny.match("测试路8号5-401")
    assert result.addr_id is None
    assert result.candidates[0].addr_id == "B2"
    assert tiny.match("测试路8号5-2-401").addr_id == "R4"


def test_it_finds_rooms_right_under_a_door_plate(tiny: AddressMatcher) -> None:
    assert tiny.match("仙霞路社区测试路九号101室").addr_id == "R5"
    assert tiny.match("测试路9号").addr_id == "D2"
    result = tiny.match("测试路9号102室")
    assert result.addr_id is None
    assert result.candidates[0].addr_id == "D2"


def test_it_gives_none_for_a_door_number_held_by_two_plates(tiny: AddressMatcher) -> None:
    result = tiny.match("测试路10号")
    assert result.addr_id is None
    assert {c.addr_id for c in result.candidates} == {"D3", "D4"}


def test_it_gives_none_for_a_division_the_address_is_not_in(tiny: AddressMatcher) -> None:
    assert tiny.match("鼓楼区测试路9号").addr_id == "D2"
    result = tiny.match("玄武区测试路9号")
    assert result.addr_id is None
    assert result.candidates[0].addr_id == "D2"


# -- spoken forms: how callers and call-takers say an address --------------------------------------


def kids_of(d: District, parent_id: str) -> list[AddressRecord]:
    return [x for x in d.records if x.parent_id == parent_id]


def rooms_with_compound(d: District, n: int = 40, salt: int = 10) -> list[AddressRecord]:
    return [r for r in sample(d, "户室", 400, salt=salt) if r.compound][:n]


def test_it_places_the_compound_before_between_or_after(district: District) -> None:
    for r in rooms_with_compound(district):
        tail = below_door(r)
        for text in (
            f"{r.compound}{r.road}{r.door_no}{tail}",
            f"我住{r.road}那个{r.compound}{r.door_no}，{tail}",
            f"{r.road}{r.door_no}的{r.compound}里面{tail}",
        ):
            assert district.matcher.match(text).addr_id == r.addr_id, text


def test_it_reads_the_number_after_road_and_compound_as_the_building_when_no_door_fits(
    district: District,
) -> None:
    doors = {(x.road, x.door_no) for x in district.records if x.level == "门牌"}
    for b in sample(district, "楼栋", 300, salt=11):
        on_road = [x for x in district.compound_doors.get(b.compound, []) if x.road == b.road]
        if len(on_road) != 1 or (b.road, b.building.replace("栋", "号")) in doors:
            continue
        text = f"{b.road}{b.compound}{num(b.building)}号"
        assert district.matcher.match(text).addr_id == b.addr_id, text


def test_it_finds_the_one_door_of_a_compound_with_the_building_named(district: District) -> None:
    checked = 0
    for compound, doors in district.compound_doors.items():
        holders: dict[str, list[AddressRecord]] = defaultdict(list)
        for door in doors:
            for b in kids_of(district, door.addr_id):
                holders[b.building].append(b)
        for building, held in holders.items():
            result = district.matcher.match(f"{compound}{num(building)}栋楼下")
            if len(held) == 1:
                assert result.addr_id == held[0].addr_id, compound + building
            else:
                assert_no_match(result)
            checked += 1
        if checked > 60:
            break


def test_it_places_a_door_plate_or_building_said_with_downstairs_or_around(
    district: District,
) -> None:
    rng = random.Random(SEED)
    for door in sample(district, "门牌", 60, salt=12):
        word = rng.choice(["楼下", "门口", "附近", "对面", "旁边", "里面", "楼下这块"])
        text = rng.choice(["在", "我在", ""]) + door.road + door.door_no + word
        assert district.matcher.match(text).addr_id == door.addr_id, text
    for b in sample(district, "楼栋", 60, salt=13):
        text = f"{b.road}{b.door_no}{num(b.building)}{rng.choice(['栋', '号楼', '幢'])}楼下"
        assert district.matcher.match(text).addr_id == b.addr_id, text


def test_it_reads_dash_forms_after_a_building_with_a_room_word_or_said_as_gang(
    district: District,
) -> None:
    for r in sample(district, "户室", 60, salt=14):
        b, u, room = num(r.building), num(r.unit), num(r.room)
        for tail in (
            f"{b}栋{u}-{room}",
            f"{b}-{u}-{room}室",
            f"{b}杠{u}杠{room}",
            f"{b}幢{u}杠{room}室",
        ):
            text = r.road + r.door_no + tail
            assert district.matcher.match(text).addr_id == r.addr_id, text


def test_it_reads_traditional_characters(district: District) -> None:
    table = str.maketrans(
        "区楼号栋单门园华侨东宁苏龙凤汉场广热盐仓桥关马",
        "區樓號棟單門園華僑東寧蘇龍鳳漢場廣熱鹽倉橋關馬",
    )
    for r in sample(district, "户室", 60, salt=15):
        text = ("鼓楼区" + r.road + r.door_no + r.compound + below_door(r)).translate(table)
        assert district.matcher.match(text).addr_id == r.addr_id, text


def test_it_corrects_one_homophone_in_a_compound_or_road(district: District) -> None:
    compounds = list(district.compound_doors)
    checked = 0
    for r in sample(district, "户室", 300, salt=19):
        if not r.compound or len(district.compound_doors[r.compound]) != 1:
            continue
        typo = TYPO_CHARS[checked % len(TYPO_CHARS)] + r.compound[1:]
        if sum(Levenshtein.distance(typo, c) <= 1 for c in compounds) != 1:
            continue
        text = "我在" + typo + below_door(r)
        assert district.matcher.match(text).addr_id == r.addr_id, text
        checked += 1
    assert checked >= 20
    r = next(x for x in district.records if x.level == "户室" and x.road == "大桥南路")
    # 乔南路 is one edit from 湖南路 too: the road fitting more of the text wins.
    assert district.matcher.match("大乔南路" + r.door_no + below_door(r)).addr_id == r.addr_id
    # A compound word is not a typo: 宁海花苑 is not 宁海花园.
    assert_no_match(district.matcher.match("宁海花苑1栋1单元101室"))


def test_it_leaves_out_filler_words_and_landmarks(district: District) -> None:
    others = sorted(district.roads)
    for r in sample(district, "户室", 40, salt=16):
        other = next(x for x in others if x != r.road)
        compound = next(c for c in district.compound_doors if c != r.compound)
        for text in (
            f"我家在{r.road}{r.door_no}，就是那个{below_door(r)}",
            f"{r.road}{r.door_no}{below_door(r)}，靠近{other}",
            f"挨着{compound}的{r.road}{r.door_no}{below_door(r)}",
            f"离{other}5号不远，{r.road}{r.door_no}{below_door(r)}",
        ):
            assert district.matcher.match(text).addr_id == r.addr_id, text


def test_it_infers_the_unit_only_when_the_room_number_is_in_one_unit(district: District) -> None:
    for r in sample(district, "户室", 80, salt=17):
        same = [x for x in kids_of(district, r.parent_id) if x.room == r.room]
        result = district.matcher.match(f"{r.road}{r.door_no}{num(r.building)}栋{r.room}")
        if len(same) == 1:
            assert result.addr_id == r.addr_id
        else:
            assert_no_match(result)


def test_it_answers_no_match_to_ambiguous_spoken_queries(district: District) -> None:
    r = sample(district, "户室", 1, salt=18)[0]
    p = parts(district, r)
    other_street = next(s for s in district.streets if s != p["street"])
    texts = [
        f"{r.road}那边{num(r.building)}栋{num(r.room)}室",  # a road and a building, no door
        f"{p['community']}{num(r.building)}栋",  # a community and a building
        f"我在{other_street}{r.road}{r.door_no}{below_door(r)}",  # the wrong street
        "宁璐花园1栋1单元101室",  # one edit from 宁夏花园 and 宁海花园, sounding like neither
        "鼓楼区那个小区门口",
    ]
    shared = [c for c, doors in district.compound_doors.items() if len(doors) > 1]
    texts += [f"就在{c}门口" for c in shared[:20]]  # a compound with several doors
    for text in texts:
        assert_no_match(district.matcher.match(text))


def test_it_answers_the_spoken_development_set(district: District) -> None:
    with open(GULOU / "address_queries_spoken.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 400
    results = district.matcher.match_many([row["text"] for row in rows])
    wrong = [
        (row["text"], row["expected_addr_id"], res.addr_id)
        for row, res in zip(rows, results, strict=True)
        if res.addr_id not in (row["expected_addr_id"] or None, None)
    ]
    right = sum(
        res.addr_id == (row["expected_addr_id"] or None)
        for row, res in zip(rows, results, strict=True)
    )
    assert not wrong, wrong[:5]
    assert right / len(rows) >= 0.98


def test_it_ignores_numbers_that_count_something_else(district: District) -> None:
    for r in sample(district, "户室", 40, salt=20):
        place = r.road + r.door_no + below_door(r)
        for text in (
            f"{place}，电话13912345678",
            f"{place}，有3个人在吵架",
            f"往前走50米，{place}",
            f"晚上8点，{place}",
        ):
            assert district.matcher.match(text).addr_id == r.addr_id, text


def test_it_places_a_landmark_when_it_is_all_the_text_says(district: District) -> None:
    for door in sample(district, "门牌", 20, salt=21):
        text = f"我在靠近{door.road}{door.door_no}的地方"
        assert district.matcher.match(text).addr_id == door.addr_id, text


def test_it_reads_a_homophone_typo_as_the_road_it_sounds_like(district: District) -> None:
    """宁厦路 is one edit from 宁夏路 and from 宁海路; it sounds like the first (voice input,
    callers' typos), so it is that road. A character that sounds like neither: no match."""
    assert {"宁夏路", "宁海路"} <= district.roads
    right = district.matcher.match("宁夏路39号2号楼1单元102").addr_id
    assert right is not None
    assert district.matcher.match("宁厦路39号2号楼1单元102").addr_id == right
    assert_no_match(district.matcher.match("宁璐路39号2号楼1单元102"))
    # The same for compounds: 宁下花园 sounds like 宁夏花园, not 宁海花园.
    assert district.matcher.match("宁下花园1栋1单元101室").addr_id == (
        district.matcher.match("宁夏花园1栋1单元101室").addr_id
    )
    # Nanjing speech folds l into n and -ng into -n: 凝海路 (ning) is 宁海路, said as 宁 (ning).
    assert district.matcher.match("凝海路62号4栋1单元102").addr_id == (
        district.matcher.match("宁海路62号4栋1单元102").addr_id
    )


def test_it_reads_spoken_particles_a_road_said_with_and_a_floor_after_the_room(
    district: District,
) -> None:
    plain = district.matcher.match("丁家桥32号3栋1单元602室").addr_id
    assert plain is not None
    assert district.matcher.match("就是丁家桥32号啊，3栋1单元602，六楼").addr_id == plain
    door = district.matcher.match("清江路93号").addr_id
    assert door is not None and district.matcher.match("清江路上，93号门口").addr_id == door
    assert district.matcher.match("就在清江路那个93号门口").addr_id == door
    # 上 is spoken noise only before a number: a typo of a road starting with 上 is still read.
    assert district.matcher.match("尚海路39号3栋2单元202").addr_id == (
        district.matcher.match("上海路39号3栋2单元202").addr_id
    )
