"""The world the generator writes: unique GB 11643 ID numbers, district boxes tiled with Voronoi
grids and beats, and one district's streets, communities, grids, stations and beats."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from bench.jiangsu.places import SYLLABLES
from outpost.registry.validators import id_check_digit

GRIDS_PER_COMMUNITY = 6  # as in 鼓楼区 (734 grids, 123 communities)
COMMUNITIES_PER_STREET = 9
JIANGSU_BOX = (116.4, 31.0, 121.9, 35.0)  # lon/lat
BOX_COLUMNS = 10


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
