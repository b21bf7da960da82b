"""Generate 1/10 江苏: a province-shaped data set of the same shape as the 鼓楼区 reference files.

    python bench/jiangsu/generate.py OUT [--scale 1.0] [--fraction 0.01] [--seed 2026]

At --scale 1 (and --fraction 1) it writes 10,000 grids, 1,300 police beats, ~3.5M standard
addresses and ~8.5M people spread over the real GB/T 2260 districts of Jiangsu's 13 cities, and
~4M access-log rows; the load step (`load.py`) makes the 2M cases of a year through the
product's own case-history generator. --fraction scales every count down (0.01 for a quick run);
fewer districts are used then, each about as big as at full scale. Deterministic by seed.

Files, in the formats the product's importers read:

    OUT/boundaries/   divisions.csv, police_units.csv, grids.geojson, police_beats.geojson
                      (`outpost geo import OUT/boundaries`)
    OUT/addresses/    one CSV per district (`outpost registry import addresses FILE`)
    OUT/persons/      one CSV per district (`outpost registry import persons FILE`)
    OUT/access_log.csv   rows for the hash-chained access log (`load.py` chains and writes them)
    OUT/manifest.json    the counts written, the seed, scale and fraction

Streaming: one district is in memory at a time. Shapes are Voronoi cells of random seeds in each
district's box (schematic, like the demo's); every ID number is made up with a valid GB 11643
check digit and a real area code, and every ID number is unique (see `IdMaker`).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import json
import math
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a plain script

from bench.jiangsu.places import (
    COMPOUND_WORDS,
    ELSEWHERE,
    GIVEN,
    PROVINCE,
    ROAD_WORDS,
    SURNAMES,
    districts,
)
from bench.jiangsu.world import (
    District,
    FeatureWriter,
    Grid,
    IdMaker,
    Names,
    build_district,
    district_box,
    feature,
)

# 1/10 江苏 at --scale 1.
TARGET = {
    "grids": 10_000,
    "beats": 1_300,
    "addresses": 3_500_000,
    "persons": 8_500_000,
    "cases": 2_000_000,
    "access_log": 4_000_000,
}
GRIDS_PER_DISTRICT = 105  # 10,000 grids over Jiangsu's 95 districts
ADDRESS_COLUMNS = [
    "addr_id",
    "level",
    "parent_id",
    "community_code",
    "road",
    "door_no",
    "compound",
    "building",
    "unit",
    "floor",
    "room",
    "full_text",
    "lon",
    "lat",
]
PERSON_COLUMNS = [
    "person_id",
    "name",
    "id_number",
    "gender",
    "birth_date",
    "phone",
    "pop_type",
    "hukou_region",
    "addr_id",
    "care_tags",
]
ACCESS_COLUMNS = "at,actor_name,action,object_type,object_key,purpose,civil_code,police_code"
ACCESS_ACTIONS = (("view_person", 70), ("unmask", 10), ("list_people", 15), ("export", 5))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1/10 江苏")
    parser.add_argument("--fraction", type=float, default=1.0, help="of the scale, for quick runs")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args(argv)


@dataclass
class Plan:
    """How many of each thing, and over which districts."""

    counts: dict[str, int]
    districts: list[tuple[str, str, str, str]]
    places: list[int]  # each district's place in the province's layout (its box)

    @classmethod
    def of(cls, scale: float, fraction: float) -> Plan:
        counts = {k: max(1, round(v * scale * fraction)) for k, v in TARGET.items()}
        every = districts()
        wanted = max(1, min(len(every), round(counts["grids"] / GRIDS_PER_DISTRICT)))
        step = len(every) / wanted  # spread over the cities, not the first few
        chosen = [int(i * step) for i in range(wanted)]
        return cls(counts, [every[i] for i in chosen], chosen)

    def share(self, what: str, i: int) -> int:
        """District i's share of a count (the remainder goes to the first districts)."""
        whole, extra = divmod(self.counts[what], len(self.districts))
        return whole + (i < extra)


# --- writers --------------------------------------------------------------------------------


class Output:
    """Every file the generator writes, opened once."""

    def __init__(self, out: Path) -> None:
        for folder in ("boundaries", "addresses", "persons"):
            (out / folder).mkdir(parents=True, exist_ok=True)
        self.out = out
        divisions = (out / "boundaries" / "divisions.csv").open("w", newline="", encoding="utf-8")
        self.divisions = csv.writer(divisions)
        self.divisions.writerow(["level", "code", "name", "parent_code"])
        units = (out / "boundaries" / "police_units.csv").open("w", newline="", encoding="utf-8")
        self.units = csv.writer(units)
        self.units.writerow(["level", "code", "name", "parent_code", "street_code"])
        self.grids = FeatureWriter(out / "boundaries" / "grids.geojson", "grids")
        self.beats = FeatureWriter(out / "boundaries" / "police_beats.geojson", "police_beats")
        self.access = (out / "access_log.csv").open("w", newline="", encoding="utf-8")
        self.access_csv = csv.writer(self.access)
        self.access_csv.writerow(ACCESS_COLUMNS.split(","))
        self._files: list[IO[str]] = [divisions, units, self.access]

    def close(self) -> None:
        self.grids.close()
        self.beats.close()
        for handle in self._files:
            handle.close()


def write_boundaries(o: Output, d: District, cities_done: set[str]) -> None:
    if d.city not in cities_done:
        cities_done.add(d.city)
        o.divisions.writerow(["city", d.city + "000000", d.city_name, PROVINCE[0] + "000000"])
        bureau = d.city[:4] + "00500000"
        o.units.writerow(["bureau", bureau, f"{d.city_name}公安局", "", ""])
    o.divisions.writerow(["district", d.code + "000000", d.name, d.city + "000000"])
    for code, name in d.streets:
        o.divisions.writerow(["street", code, name, d.code + "000000"])
    for code, name, street in d.communities:
        o.divisions.writerow(["community", code, name, street])
    sub_bureau = d.code + "500000"
    bureau = d.city[:4] + "00500000"
    o.units.writerow(["sub_bureau", sub_bureau, f"{d.city_name}公安局{d.name}分局", bureau, ""])
    for code, name, street in d.stations:
        o.units.writerow(["station", code, name, sub_bureau, street])
    community_names = {c: n for c, n, _ in d.communities}
    for g in d.grids:
        props = {
            "code": g.code,
            "name": f"{community_names[g.community].removesuffix('社区')}第{int(g.code[-3:])}网格",
            "community_code": g.community,
            "grid_type": "综合网格",
        }
        o.grids.write(feature(props, g.cell))
    station_names = {c: n for c, n, _ in d.stations}
    for code, station, cell in d.beats:
        name = f"{station_names[station]}第{int(code[-3:])}警务区"
        o.beats.write(feature({"code": code, "name": name, "station_code": station}, cell))


@dataclass
class Counters:
    addresses: int = 0
    persons: int = 0
    rooms: int = 0
    access: int = 0


def door_points(d: District, rng: np.random.Generator) -> Iterator[tuple[Grid, float, float]]:
    """Door points without end, each inside a grid (round the grids; near the grid's seed)."""
    west, south, east, north = d.box
    spread = 0.35 * math.sqrt((east - west) * (north - south) / len(d.grids))
    for i in itertools.count():
        g = d.grids[i % len(d.grids)]
        lon, lat = g.seed
        for _ in range(4):
            x, y = lon + rng.uniform(-spread, spread), lat + rng.uniform(-spread, spread)
            if shapely.contains_xy(g.cell, x, y):
                lon, lat = x, y
                break
        yield g, lon, lat


@dataclass
class PersonMaker:
    ids: IdMaker
    rng: random.Random
    per_room: float

    def household(self, k0: int, room: str, district: str, w: Any) -> int:
        """Write the people of one room; returns how many."""
        n = round(self.rng.uniform(0, 2 * self.per_room))
        for j in range(n):
            k = k0 + j
            male = self.rng.random() < 0.5
            number, born = self.ids.make(k, male)
            local = number[:4] == district[:4]
            tags = ""
            if self.rng.random() < 0.02:
                tags = self.rng.choice(("残疾人", "低保户", "残疾人;低保户"))
            name = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2)))
            )
            phone = f"1{self.rng.choice('3456789')}{self.rng.randrange(10**9):09d}"
            w.writerow(
                [
                    f"P{k + 1:08d}",
                    name,
                    number,
                    "男" if male else "女",
                    born.isoformat(),
                    phone,
                    "户籍人口" if local else "流动人口",
                    number[:6],
                    room,
                    tags,
                ]
            )
        return n


def write_addresses(
    o: Output,
    d: District,
    n_addresses: int,
    people: PersonMaker,
    rng: np.random.Generator,
    c: Counters,
    names: Names,
) -> None:
    """Door plates, buildings and rooms (about 25 addresses a door), and the people in rooms."""
    with (
        (o.out / "addresses" / f"{d.code}.csv").open("w", newline="", encoding="utf-8") as af,
        (o.out / "persons" / f"{d.code}.csv").open("w", newline="", encoding="utf-8") as pf,
    ):
        aw, pw = csv.writer(af), csv.writer(pf)
        aw.writerow(ADDRESS_COLUMNS)
        pw.writerow(PERSON_COLUMNS)
        roads = [names.fresh(people.rng.choice(ROAD_WORDS)) for _ in range(max(3, len(d.grids)))]
        next_door: dict[str, int] = {}
        region = f"{PROVINCE[1]}{d.city_name}{d.name}"
        places = {code: name for code, name in d.streets}
        places |= {code: name for code, name, _ in d.communities}
        written = 0
        for g, lon, lat in door_points(d, rng):
            if written >= n_addresses:
                break
            road = roads[(d.grids.index(g) + people.rng.randrange(2)) % len(roads)]
            next_door[road] = next_door.get(road, 0) + people.rng.randrange(1, 4)
            door_no = f"{next_door[road]}号"
            compound = (
                names.fresh(people.rng.choice(COMPOUND_WORDS)) if people.rng.random() < 0.7 else ""
            )
            head = region + places[g.community[:9] + "000"] + places[g.community]
            written += write_door(
                aw, pw, d, g, (lon, lat), road, door_no, compound, head, people, c
            )


def write_door(
    aw: Any,
    pw: Any,
    d: District,
    g: Grid,
    point: tuple[float, float],
    road: str,
    door_no: str,
    compound: str,
    head: str,
    people: PersonMaker,
    c: Counters,
) -> int:
    """One door plate with its buildings and rooms; returns the addresses written."""
    rng = people.rng
    start = c.addresses

    def row(
        level: str, parent: str, building: str = "", unit: str = "", floor: str = "", room: str = ""
    ) -> str:
        c.addresses += 1
        code = f"J{c.addresses:09d}"
        text = head + road + door_no + compound + building + unit + room
        lon = point[0] + (rng.uniform(-2e-5, 2e-5) if level != "门牌" else 0)
        lat = point[1] + (rng.uniform(-2e-5, 2e-5) if level != "门牌" else 0)
        aw.writerow(
            [
                code,
                level,
                parent,
                g.community,
                road,
                door_no,
                compound,
                building,
                unit,
                floor,
                room,
                text,
                f"{lon:.6f}",
                f"{lat:.6f}",
            ]
        )
        return code

    door = row("门牌", "")
    for b in range(1, rng.randint(1, 4) + 1):
        building = row("楼栋", door, f"{b}栋")
        for u in range(1, rng.randint(1, 2) + 1):
            for f in range(1, rng.randint(2, 4) + 1):
                for r in (1, 2):
                    room_no = f"{f}{r:02d}室"
                    room = row("户室", building, f"{b}栋", f"{u}单元", f"{f}层", room_no)
                    c.rooms += 1
                    c.persons += people.household(c.persons, room, d.code, pw)
    return c.addresses - start


def write_access_log(o: Output, d: District, n: int, rng: random.Random, c: Counters) -> None:
    """Reads of people in this district over the last year, by its grid workers."""
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    actions = [a for a, _ in ACCESS_ACTIONS]
    weights = [w for _, w in ACCESS_ACTIONS]
    rows = []
    for _ in range(n):
        g = rng.choice(d.grids)
        beat = rng.choice(d.beats)[0]
        at = now - dt.timedelta(seconds=rng.randrange(365 * 86400))
        action = rng.choices(actions, weights)[0]
        key = f"P{rng.randrange(max(c.persons, 1)) + 1:08d}"
        purpose = "rows=20" if action == "list_people" else ""
        rows.append((at, f"gw{g.code}", action, "person", key, purpose, g.code, beat))
    rows.sort()
    for at, *rest in rows:
        o.access_csv.writerow([at.isoformat(), *rest])
    c.access += n


def generate(
    out: Path,
    scale: float,
    fraction: float,
    seed: int,
    boundaries_only: bool = False,
    people: bool = True,
) -> dict[str, Any]:
    """Write the data set into `out`; `boundaries_only` writes the shapes and no addresses,
    people or access-log rows (for the point benchmark), `people=False` no people."""
    plan = Plan.of(scale, fraction)
    o = Output(out)
    o.divisions.writerow(["province", PROVINCE[0] + "000000", PROVINCE[1], ""])
    areas = [d[0] for d in districts()] + list(ELSEWHERE)
    per_room = plan.counts["persons"] / (plan.counts["addresses"] * 0.84) if people else 0.0
    people = PersonMaker(
        IdMaker(areas, plan.counts["persons"], seed), random.Random(seed), per_room
    )
    c, cities = Counters(), set[str]()
    for i, entry in enumerate(plan.districts):
        rng = np.random.default_rng([seed, i])
        names = Names(random.Random(f"{seed}-{entry[0]}"))
        d = build_district(
            entry,
            district_box(plan.places[i], len(districts())),
            plan.share("grids", i),
            max(1, plan.share("beats", i)),
            rng,
            names,
        )
        write_boundaries(o, d, cities)
        if boundaries_only:
            continue
        write_addresses(o, d, plan.share("addresses", i), people, rng, c, names)
        write_access_log(o, d, plan.share("access_log", i), random.Random(f"{seed}-log-{i}"), c)
    o.close()
    manifest = {
        "seed": seed,
        "scale": scale,
        "fraction": fraction,
        "districts": [d[0] for d in plan.districts],
        "grids": plan.counts["grids"],
        "beats": plan.counts["beats"],
        "addresses": c.addresses,
        "rooms": c.rooms,
        "persons": c.persons,
        "cases": plan.counts["cases"],
        "access_log": c.access,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    manifest = generate(args.out, args.scale, args.fraction, args.seed)
    took = time.monotonic() - started
    shown = {k: v for k, v in manifest.items() if k != "districts"}
    print(f"generated in {took:.1f} s into {args.out}: {json.dumps(shown, ensure_ascii=False)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
