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
from dataclasses import dataclass, field
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
    SYLLABLES,
    districts,
)
from outpost.registry.validators import id_check_digit

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
GRIDS_PER_COMMUNITY = 6  # as in 鼓楼区 (734 grids, 123 communities)
COMMUNITIES_PER_STREET = 9
JIANGSU_BOX = (116.4, 31.0, 121.9, 35.0)  # lon/lat
BOX_COLUMNS = 10
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


# --- GB 11643 ID numbers --------------------------------------------------------------------

DAYS = 29_200  # birth dates 1940-01-01 .. 2019-12-12
FIRST_BIRTH = dt.date(1940, 1, 1)
DATE_STRIDE = 7_919  # prime, coprime with DAYS: a permutation of the days


class IdMaker:
    """Unique ID numbers without remembering the ones made: person k (0, 1, 2 …) is spread by an
    odd multiplier modulo a power of two (a bijection), and the result split into a sequence
    number (the 3 digits before the check digit, their parity the gender), an area code and a
    birth date; distinct k give distinct (area, date, sequence) up to 85M people."""

    def __init__(self, areas: Sequence[str], total: int, seed: int) -> None:
        self.areas = list(areas)
        self.bits = max(16, math.ceil(math.log2(max(total, 2))) + 1)
        self.mult = (seed * 2_654_435_761) % (1 << self.bits) | 1
        self.shift = seed % (1 << self.bits)

    def make(self, k: int, male: bool) -> tuple[str, dt.date]:
        spread = (k * self.mult + self.shift) % (1 << self.bits)
        rest, seq = divmod(spread, 500)  # the sequence: 000..998 (female) or 001..999 (male)
        turn, area = divmod(rest, len(self.areas))
        # For one area, turn → day is one-to-one (turn < DAYS); the offset spreads the areas.
        day = (turn * DATE_STRIDE + area * 1_237) % DAYS
        born = FIRST_BIRTH + dt.timedelta(days=day)
        first17 = f"{self.areas[area]}{born:%Y%m%d}{seq * 2 + male:03d}"
        return first17 + id_check_digit(first17), born


# --- shapes ---------------------------------------------------------------------------------


def district_box(i: int, n: int) -> tuple[float, float, float, float]:
    """The i-th of n boxes tiling Jiangsu's box, with a margin between them."""
    west, south, east, north = JIANGSU_BOX
    columns = min(BOX_COLUMNS, n)
    rows = math.ceil(n / columns)
    width, height = (east - west) / columns, (north - south) / rows
    x0, y0 = west + (i % columns) * width, south + (i // columns) * height
    return (x0 + width * 0.05, y0 + height * 0.05, x0 + width * 0.95, y0 + height * 0.95)


def voronoi(
    box: tuple[float, float, float, float], n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """n cells tiling the box and their seeds, ordered in strips (neighbours stay together)."""
    west, south, east, north = box
    seeds = np.column_stack([rng.uniform(west, east, n), rng.uniform(south, north, n)])
    strips = max(1, round(math.sqrt(n / GRIDS_PER_COMMUNITY)))
    strip = np.minimum(((seeds[:, 0] - west) / (east - west) * strips).astype(int), strips - 1)
    order = np.lexsort((seeds[:, 1] * np.where(strip % 2, -1, 1), strip))
    seeds = seeds[order]
    frame = shapely.box(*box)
    if n == 1:
        return np.array([frame]), seeds
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame))
    cells = shapely.intersection(cells, frame)
    # voronoi_polygons does not keep the seeds' order: put each cell back with its seed.
    tree = shapely.STRtree(cells)
    owner = tree.query(shapely.points(seeds), predicate="intersects")
    by_seed = np.empty(n, dtype=object)
    by_seed[owner[0]] = cells[owner[1]]
    return by_seed, seeds


def rounded_coordinates(geom: Any) -> list[list[list[float]]]:
    ring = shapely.get_coordinates(shapely.get_exterior_ring(geom))
    return [[[round(float(x), 6), round(float(y), 6)] for x, y in ring]]


def feature(props: dict[str, str], geom: Any) -> str:
    shape = {"type": "Polygon", "coordinates": rounded_coordinates(geom)}
    body = {"type": "Feature", "properties": props, "geometry": shape}
    return json.dumps(body, ensure_ascii=False)


class FeatureWriter:
    """A GeoJSON FeatureCollection written one feature at a time."""

    def __init__(self, path: Path, name: str) -> None:
        self.handle = path.open("w", encoding="utf-8")
        crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
        head = json.dumps({"type": "FeatureCollection", "name": name, "crs": crs})
        self.handle.write(head[:-1] + ', "features": [\n')
        self.first = True

    def write(self, text: str) -> None:
        self.handle.write(("" if self.first else ",\n") + text)
        self.first = False

    def close(self) -> None:
        self.handle.write("\n]}\n")
        self.handle.close()


# --- one district ---------------------------------------------------------------------------


@dataclass
class Names:
    """Made-up names, unique within a district."""

    rng: random.Random
    taken: set[str] = field(default_factory=set)

    def fresh(self, suffix: str, syllables: int = 2) -> str:
        for _ in range(1000):
            name = "".join(self.rng.choice(SYLLABLES) for _ in range(syllables)) + suffix
            if name not in self.taken:
                self.taken.add(name)
                return name
        return self.fresh(suffix, syllables + 1)


@dataclass
class Grid:
    code: str
    community: str
    seed: tuple[float, float]
    cell: Any


@dataclass
class District:
    code: str
    name: str
    city: str
    city_name: str
    box: tuple[float, float, float, float]
    streets: list[tuple[str, str]]  # (12-digit code, name)
    communities: list[tuple[str, str, str]]  # (code, name, street code)
    grids: list[Grid]
    stations: list[tuple[str, str, str]]  # (code, name, street code)
    beats: list[tuple[str, str, Any]]  # (code, station code, cell)


def build_district(
    entry: tuple[str, str, str, str],
    box: tuple[float, float, float, float],
    n_grids: int,
    n_beats: int,
    rng: np.random.Generator,
    names: Names,
) -> District:
    code, name, city, city_name = entry
    cells, seeds = voronoi(box, n_grids, rng)
    n_comm = max(1, round(n_grids / GRIDS_PER_COMMUNITY))
    n_streets = max(1, round(n_comm / COMMUNITIES_PER_STREET))
    streets = [(f"{code}{s + 1:03d}000", names.fresh("街道")) for s in range(n_streets)]
    communities, grids = [], []
    for c in range(n_comm):
        street = streets[c * n_streets // n_comm][0]
        community = f"{street[:9]}{c + 1:03d}"
        communities.append((community, names.fresh("社区"), street))
    for g in range(n_grids):
        community = communities[g * n_comm // n_grids][0]
        seq = sum(1 for x in grids if x.community == community) + 1
        seed = (float(seeds[g, 0]), float(seeds[g, 1]))
        grids.append(Grid(f"{community}{seq:03d}", community, seed, cells[g]))
    stations = [
        (f"{code}5{s + 1:02d}000", f"{street_name}派出所", street)
        for s, (street, street_name) in enumerate(streets)
    ]
    beat_cells, _ = voronoi(box, n_beats, rng)
    beats = [
        (
            f"{stations[b * len(stations) // n_beats][0][:9]}{b + 1:03d}",
            stations[b * len(stations) // n_beats][0],
            beat_cells[b],
        )
        for b in range(n_beats)
    ]
    return District(code, name, city, city_name, box, streets, communities, grids, stations, beats)


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
