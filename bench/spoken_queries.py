"""Write data/gulou/address_queries_spoken.csv: addresses as callers and call-takers say them.

    python bench/spoken_queries.py [--data data/gulou] [--seed 20261206]

Addresses are drawn at random (fixed seed) across the whole district; each query says one of them
in a spoken form (`kind`): the compound anywhere, 楼下/门口/对面 around a door plate, building
words, dash forms, Chinese numerals, full-width digits, street and community names (also the
wrong street), one-character homophone typos, a unit left out, filler words, punctuation.
The expected id is worked out from the records, never from the matcher: the door or building
when the text says no more, empty when the text fits several addresses or contradicts itself.
A development set: the matcher is tuned on it, so it says nothing about unseen wording.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from outpost.registry.matching import (  # noqa: E402
    AddressRecord,
    load_division_names,
    load_records,
)

PER_KIND = 22
CN = "零一二三四五六七八九"
# One-character homophones (same or near pinyin, as a phone or an input method gets them wrong).
HOMOPHONES = dict(
    zip(
        "珞珈琅琊宁海虎踞模范凤凰汉草场清凉福湖颐察萨燕热盐仓童挹随牯岭龙蟠台石佛寺幕府惠民兴康云傅厚岗"
        "圩丁定淮商埠金川陵郑和平宝塔华侨广州夏竺方巷桥井祖师庵童汉口苏江京",
        "洛家郎牙凝还乎据摸饭奉黄汗曹厂青良富胡宜查撒艳惹严苍同易隋古领隆盘抬时福四暮付慧名星慷芸付后港"
        "于叮订怀伤部今穿灵正合苹保踏化桥光洲下竹芳项乔景组施安同汗扣书姜经",
        strict=True,
    )
)
SIGNIFICANT = frozenset("东南西北中上下内外前后新老大小路街巷道弄花园家苑小区公寓村院")

OPENERS = [
    "",
    "",
    "我家在",
    "地址是",
    "我在",
    "喂，我在",
    "你好，这里是",
    "我住",
    "就在",
    "麻烦来一下，",
]
CLOSERS = ["", "", "", "。", "，快点来", "这里", "这边", "，谢谢"]
AROUND_DOOR = ["楼下", "门口", "附近", "对面", "旁边", "里面", "大门口", "边上"]


@dataclass
class District:
    by_id: dict[str, AddressRecord]
    kids: dict[str, list[AddressRecord]]
    compound_doors: dict[str, list[AddressRecord]]
    street_of: dict[str, str]  # community code → street name
    community_of: dict[str, str]  # community code → community name
    streets: list[str]
    roads: list[str]
    compounds: list[str]
    rooms: list[AddressRecord]
    buildings: list[AddressRecord]
    doors: list[AddressRecord]


def load(data: Path) -> District:
    records = load_records(data / "addresses.csv.xz")
    names = load_division_names(data / "divisions.csv")
    kids: dict[str, list[AddressRecord]] = defaultdict(list)
    compound_doors: dict[str, list[AddressRecord]] = defaultdict(list)
    for r in records:
        if r.parent_id:
            kids[r.parent_id].append(r)
        if r.level == "门牌" and r.compound:
            compound_doors[r.compound].append(r)
    streets = {c: n for c, n in names.items() if c.endswith("000") and not c.endswith("000000")}
    return District(
        by_id={r.addr_id: r for r in records},
        kids=dict(kids),
        compound_doors=dict(compound_doors),
        street_of={c: streets.get(c[:9] + "000", "") for c in names},
        community_of=names,
        streets=sorted(streets.values()),
        roads=sorted({r.road for r in records}),
        compounds=sorted(compound_doors),
        rooms=[r for r in records if r.level == "户室"],
        buildings=[r for r in records if r.level == "楼栋"],
        doors=[r for r in records if r.level == "门牌"],
    )


def n(field: str) -> int:
    return int(re.sub(r"\D", "", field))


def cn(k: int) -> str:
    if k < 10:
        return CN[k]
    if k < 20:
        return "十" + (CN[k % 10] if k % 10 else "")
    if k < 100:
        return CN[k // 10] + "十" + (CN[k % 10] if k % 10 else "")
    rest = k % 100
    tail = (
        ""
        if not rest
        else ("零" + CN[rest] if rest < 10 else cn(rest) if rest >= 20 else "一" + cn(rest))
    )
    return CN[k // 100] + "百" + tail


def cn_digits(k: int) -> str:
    return "".join(CN[int(c)] for c in str(k))


def fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in s)


def say(rng: random.Random, core: str) -> str:
    opener = rng.choice(OPENERS)
    if opener.endswith("在") and core.startswith("在"):
        opener = opener[:-1]
    return opener + core + rng.choice(CLOSERS)


def tail(r: AddressRecord, bword: str = "栋", uword: str = "单元", rword: str = "室") -> str:
    out = f"{n(r.building)}{bword}" if r.building else ""
    out += f"{n(r.unit)}{uword}" if r.unit else ""
    return out + (f"{n(r.room)}{rword}" if r.room else "")


# -- what the records say is unique ----------------------------------------------------------


def building_of(d: District, r: AddressRecord) -> AddressRecord:
    return d.by_id[r.parent_id] if r.level == "户室" else r


def door_of(d: District, r: AddressRecord) -> AddressRecord:
    return r if r.level == "门牌" else door_of(d, d.by_id[r.parent_id])


def compound_fits(d: District, compound: str, r: AddressRecord, same_road: bool = False) -> int:
    """How many records of `compound` (its doors, on r's road if same_road) have r's building,
    unit and room."""
    count = 0
    for door in d.compound_doors[compound]:
        if same_road and door.road != r.road:
            continue
        for b in d.kids.get(door.addr_id, []):
            if b.building != r.building:
                continue
            if r.level == "楼栋":
                count += 1
            else:
                count += sum(1 for x in d.kids[b.addr_id] if (x.unit, x.room) == (r.unit, r.room))
    return count


def room_no_unique(d: District, r: AddressRecord) -> bool:
    """The room number is in one unit of its building only (the unit need not be said)."""
    return sum(1 for x in d.kids[r.parent_id] if x.room == r.room) == 1


def typo(names: list[str], name: str, rng: random.Random, fixed: int = 0) -> str | None:
    """`name` with one character replaced by a homophone, when no other name is that close and
    the character is no road/compound word; the last `fixed` characters are kept."""
    spots = [i for i, ch in enumerate(name[: len(name) - fixed]) if ch in HOMOPHONES]
    rng.shuffle(spots)
    for i in spots:
        if name[i] in SIGNIFICANT:
            continue
        t = name[:i] + HOMOPHONES[name[i]] + name[i + 1 :]
        close = [x for x in names if _within_one(t, x)]
        if close == [name]:
            return t
    return None


def _within_one(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


# -- the forms -------------------------------------------------------------------------------

Query = tuple[str, str | None]  # text, expected id (None: no match is right)
Form = Callable[[District, random.Random], Query | None]


def with_compound(d: District, rng: random.Random) -> AddressRecord:
    while True:
        r = rng.choice(d.rooms)
        if r.compound:
            return r


def f_compound_before_road(d: District, rng: random.Random) -> Query:
    r = with_compound(d, rng)
    core = rng.choice(["{c}{road}{door}{t}", "{c}，{road}{door}，{t}", "{c}那边{road}{door}{t}"])
    return say(rng, core.format(c=r.compound, road=r.road, door=r.door_no, t=tail(r))), r.addr_id


def f_compound_between(d: District, rng: random.Random) -> Query:
    r = with_compound(d, rng)
    core = rng.choice(["{road}{c}{door}{t}", "{road}{c}{door}，{t}", "{road}那个{c}{door}{t}"])
    return say(rng, core.format(c=r.compound, road=r.road, door=r.door_no, t=tail(r))), r.addr_id


def f_compound_after_door(d: District, rng: random.Random) -> Query:
    r = with_compound(d, rng)
    core = rng.choice(["{road}{door}{c}{t}", "{road}{door}，{c}里面{t}", "{road}{door}的{c}，{t}"])
    return say(rng, core.format(c=r.compound, road=r.road, door=r.door_no, t=tail(r))), r.addr_id


def f_compound_room(d: District, rng: random.Random) -> Query:
    r = with_compound(d, rng)
    fits = compound_fits(d, r.compound, r)
    core = rng.choice(["{c}{t}", "{c}小区里{t}", "就是{c}那个{t}", "{c} {t}"])
    return say(rng, core.format(c=r.compound, t=tail(r))), r.addr_id if fits == 1 else None


def f_compound_building(d: District, rng: random.Random) -> Query:
    r = building_of(d, with_compound(d, rng))
    fits = compound_fits(d, r.compound, r)
    word = rng.choice(["栋", "幢", "号楼", "栋楼下", "号楼门口", "栋那里"])
    core = rng.choice(["{c}{b}{w}", "在{c}{b}{w}", "{c}的{b}{w}"])
    text = say(rng, core.format(c=r.compound, b=n(r.building), w=word))
    return text, r.addr_id if fits == 1 else None


def f_road_compound_building(d: District, rng: random.Random) -> Query:
    r = building_of(d, with_compound(d, rng))
    fits = compound_fits(d, r.compound, r, same_road=True)
    core = rng.choice(["{road}{c}{b}栋", "{road}上的{c}{b}幢", "{c}（{road}）{b}号楼"])
    text = say(rng, core.format(road=r.road, c=r.compound, b=n(r.building)))
    return text, r.addr_id if fits == 1 else None


def f_door_around(d: District, rng: random.Random) -> Query:
    r = rng.choice(d.doors)
    word = rng.choice(AROUND_DOOR)
    core = rng.choice(
        ["{road}{door}{w}", "在{road}{door}{w}", "{road}{door}那个{w}", "{road}{door}{w}这块"]
    )
    return say(rng, core.format(road=r.road, door=r.door_no, w=word)), r.addr_id


def f_door_compound_around(d: District, rng: random.Random) -> Query:
    r = door_of(d, with_compound(d, rng))
    word = rng.choice(AROUND_DOOR)
    core = rng.choice(["{road}{door}{c}{w}", "{c}{w}，{road}{door}", "在{road}{door}{c}小区{w}"])
    return say(rng, core.format(road=r.road, door=r.door_no, c=r.compound, w=word)), r.addr_id


def f_building_around(d: District, rng: random.Random) -> Query:
    r = rng.choice(d.buildings)
    word = rng.choice(["楼下", "门口", "楼道里", "旁边", "下面"])
    bw = rng.choice(["栋", "号楼", "幢"])
    core = rng.choice(
        ["{road}{door}{b}{bw}{w}", "在{road}{door}{b}{bw}{w}", "{road}{door}，{b}{bw}{w}"]
    )
    text = core.format(road=r.road, door=r.door_no, b=n(r.building), bw=bw, w=word)
    return say(rng, text), r.addr_id


def f_building_words(d: District, rng: random.Random) -> Query:
    r = rng.choice(d.rooms)
    bw, uw, rw = rng.choice(
        [
            ("幢", "单元", "室"),
            ("号楼", "单元", "室"),
            ("座", "单元", ""),
            ("栋", "单元楼", ""),
            ("号楼", "单元", "房间"),
            ("幢", "单元", "号"),
        ]
    )
    return say(rng, r.road + r.door_no + tail(r, bw, uw, rw)), r.addr_id


def f_dash(d: District, rng: random.Random) -> Query:
    r = rng.choice(d.rooms)
    b, u, room = n(r.building), n(r.unit), n(r.room)
    core = rng.choice(
        [
            f"{b}-{u}-{room}",
            f"{b}栋{u}-{room}",
            f"{b}-{u}-{room}室",
            f"{b}栋{u}单元-{room}",
            f"{b} - {u} - {room}",
            f"{b}幢{u}-{room}室",
        ]
    )
    places = [r.road + r.door_no, r.road + r.door_no + r.compound]
    place = rng.choice([*places, r.compound + " "] if r.compound else places)
    if place == r.compound + " ":
        return say(rng, place + core), r.addr_id if compound_fits(d, r.compound, r) == 1 else None
    return say(rng, place + core), r.addr_id


def f_cn_numerals(d: District, rng: random.Random) -> Query:
    r = rng.choice(d.rooms)
    room = rng.choice([cn_digits, cn])(n(r.room))
    bw = rng.choice(["栋", "幢", "号楼"])
    text = f"{r.road}{cn(n(r.door_no))}号{cn(n(r.building))}{bw}{cn(n(r.unit))}单元{room}室"
    return say(rng, text), r.addr_id


def f_fullwidth(d: District, rng: random.Random) -> Query:
    r = rng.choice(d.rooms)
    t = rng.choice([tail(r), f"{n(r.building)}-{n(r.unit)}-{n(r.room)}"])
    return say(rng, fullwidth(r.road + r.door_no + r.compound + t)), r.addr_id


def f_street_community(d: District, rng: random.Random) -> Query:
    r = rng.choice(d.rooms)
    st, cm = d.street_of[r.community_code], d.community_of[r.community_code]
    region = rng.choice(["", "鼓楼区", "南京鼓楼", "南京市鼓楼区"])
    core = rng.choice(
        [
            f"{region}{st}{cm}{r.road}{r.door_no}{tail(r)}",
            f"{region}{st}{r.road}{r.door_no}{tail(r)}",
            f"{region}{cm}{r.road}{r.door_no}{r.compound}{tail(r)}",
            f"{st}，{r.road}{r.door_no}，{tail(r)}",
        ]
    )
    return say(rng, core), r.addr_id


def f_wrong_street(d: District, rng: random.Random) -> Query:
    r = rng.choice(d.rooms)
    st = rng.choice([s for s in d.streets if s != d.street_of[r.community_code]])
    core = rng.choice(
        [f"{st}{r.road}{r.door_no}{tail(r)}", f"鼓楼区{st}{r.road}{r.door_no}{tail(r)}"]
    )
    return say(rng, core), None


def f_typo_road(d: District, rng: random.Random) -> Query | None:
    r = rng.choice(d.rooms + d.doors)
    t = typo(d.roads, r.road, rng, fixed=1)
    if t is None:
        return None
    return say(rng, t + r.door_no + r.compound + tail(r)), r.addr_id


def f_typo_compound(d: District, rng: random.Random) -> Query | None:
    r = with_compound(d, rng)
    t = typo(d.compounds, r.compound, rng, fixed=2)
    if t is None:
        return None
    if rng.random() < 0.5:
        return say(rng, t + tail(r)), r.addr_id if compound_fits(d, r.compound, r) == 1 else None
    text = r.road + t + tail(r)
    return say(rng, text), r.addr_id if compound_fits(
        d, r.compound, r, same_road=True
    ) == 1 else None


def f_missing_unit(d: District, rng: random.Random) -> Query:
    r = rng.choice(d.rooms)
    fits = room_no_unique(d, r)
    core = rng.choice(
        ["{road}{door}{b}栋{room}室", "{road}{door}{c}{b}幢{room}", "{road}{door}{b}-{room}"]
    )
    text = core.format(road=r.road, door=r.door_no, c=r.compound, b=n(r.building), room=n(r.room))
    return say(rng, text), r.addr_id if fits else None


def f_filler(d: District, rng: random.Random) -> Query:
    r = rng.choice(d.rooms)
    other = rng.choice([x for x in d.roads if x != r.road])
    core = rng.choice(
        [
            f"我家在{r.road}{r.door_no}，就是那个{r.compound or '小区'}，{tail(r)}",
            f"就是那个{r.road}{r.door_no}啊，{tail(r)}",
            f"{r.road}{r.door_no}，靠近{other}，{tail(r)}",
            f"嗯…{r.road}，{r.door_no}，那个{tail(r)}",
            f"我是{r.road}{r.door_no}{tail(r)}的住户",
        ]
    )
    return core, r.addr_id


def f_punct_spaces(d: District, rng: random.Random) -> Query:
    r = rng.choice(d.rooms)
    sep = rng.choice([" ", "，", "、", "  ", ", ", "。", "\u3000", "--"])
    pieces = [
        r.road,
        r.door_no,
        r.compound,
        f"{n(r.building)}栋",
        f"{n(r.unit)}单元",
        f"{n(r.room)}室",
    ]
    return sep.join(p for p in pieces if p), r.addr_id


def f_ambiguous(d: District, rng: random.Random) -> Query:
    r = rng.choice(d.rooms)
    return rng.choice(
        [
            f"{r.road}{tail(r)}",
            f"{r.road}那边{n(r.building)}栋",
            f"鼓楼区{r.road}附近",
            f"{d.community_of[r.community_code]}{n(r.building)}栋{n(r.room)}室",
            f"{r.road}的小区{n(r.room)}室",
        ]
    ), None


SIMPLE_TO_TRADITIONAL = dict(
    zip(
        "区楼号栋单门园华侨东宁苏龙凤汉场广热盐仓桥关马阳湾宝兴庄头岭台郑云钟军岛师范黄随颐层户边对这个",
        "區樓號棟單門園華僑東寧蘇龍鳳漢場廣熱鹽倉橋關馬陽灣寶興莊頭嶺臺鄭雲鐘軍島師範黃隨頤層戶邊對這個",
        strict=True,
    )
)


def f_traditional(d: District, rng: random.Random) -> Query:
    r = rng.choice(d.rooms + d.buildings)
    text = rng.choice(["鼓楼区", "南京市", ""]) + r.road + r.door_no + r.compound + tail(r)
    text = say(rng, text + rng.choice(["", "这里", "对面"]))
    return "".join(SIMPLE_TO_TRADITIONAL.get(ch, ch) for ch in text), r.addr_id


def f_spoken_dash(d: District, rng: random.Random) -> Query:
    r = rng.choice(d.rooms)
    b, u, room = n(r.building), n(r.unit), n(r.room)
    core = rng.choice(
        [
            f"{b}杠{u}杠{room}",
            f"{cn(b)}杠{cn(u)}杠{cn_digits(room)}",
            f"{b}栋{u}杠{room}",
            f"{cn(b)}幢{cn(u)}杠{cn_digits(room)}室",
        ]
    )
    return say(rng, r.road + r.door_no + r.compound + core), r.addr_id


def f_landmark(d: District, rng: random.Random) -> Query:
    r = rng.choice(d.rooms + d.doors)
    other = rng.choice([x for x in d.roads if x != r.road] + d.compounds)
    word = rng.choice(["靠近", "挨着", "离", "临近"])
    after = "不远" if word == "离" else ""
    near = f"{word}{other}{after}"
    core = rng.choice(
        [
            f"{r.road}{r.door_no}{r.compound}{tail(r)}，{near}",
            f"{near}的{r.road}{r.door_no}{tail(r)}",
        ]
    )
    return say(rng, core), r.addr_id


def f_other_numbers(d: District, rng: random.Random) -> Query:
    r = rng.choice(d.rooms + d.doors)
    phone = "1" + "".join(rng.choice("3456789") for _ in range(10))
    extra = rng.choice(
        [f"，电话{phone}", "，有3个人在吵架", "，往前走50米", "，晚上8点左右", f"，我手机{phone}"]
    )
    place = r.road + r.door_no + r.compound + tail(r)
    if rng.random() < 0.5:
        return say(rng, place + extra), r.addr_id
    return extra.lstrip("，") + "，地址" + rng.choice(["", "是", "在"]) + place, r.addr_id


FORMS: dict[str, Form] = {
    "compound_before_road": f_compound_before_road,
    "compound_between": f_compound_between,
    "compound_after_door": f_compound_after_door,
    "compound_room": f_compound_room,
    "compound_building": f_compound_building,
    "road_compound_building": f_road_compound_building,
    "door_around": f_door_around,
    "door_compound_around": f_door_compound_around,
    "building_around": f_building_around,
    "building_words": f_building_words,
    "dash": f_dash,
    "cn_numerals": f_cn_numerals,
    "fullwidth": f_fullwidth,
    "street_community": f_street_community,
    "wrong_street": f_wrong_street,
    "typo_road": f_typo_road,
    "typo_compound": f_typo_compound,
    "missing_unit": f_missing_unit,
    "filler": f_filler,
    "punct_spaces": f_punct_spaces,
    "ambiguous": f_ambiguous,
    "traditional": f_traditional,
    "spoken_dash": f_spoken_dash,
    "landmark": f_landmark,
    "other_numbers": f_other_numbers,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "gulou")
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args(argv)
    d = load(args.data)
    rows: list[tuple[str, str, str]] = []
    for kind, form in FORMS.items():
        rng = random.Random(f"{args.seed}-{kind}")
        seen: set[str] = set()
        while len(seen) < PER_KIND:
            q = form(d, rng)
            if q is not None and q[0] not in seen:
                seen.add(q[0])
                rows.append((q[0], kind, q[1] or ""))
    with open(args.data / "address_queries_spoken.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(("text", "kind", "expected_addr_id"))
        w.writerows(rows)
    print(f"{len(rows)} queries written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
