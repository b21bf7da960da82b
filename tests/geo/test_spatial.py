"""Tests for outpost.geo.spatial.PolygonIndex."""

from __future__ import annotations

import csv
import itertools
import json
import lzma
import os
from pathlib import Path
from typing import TextIO

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box, shape

from outpost.geo.spatial import PolygonIndex

GULOU = Path(os.environ.get("OUTPOST_GULOU_DIR", Path(__file__).parents[2] / "data" / "gulou"))

# Four unit squares meeting at (1, 1):  c | d   (top row)
#                                       a | b   (bottom row)
SQUARES = {
    "a": box(0, 0, 1, 1),
    "b": box(1, 0, 2, 1),
    "c": box(0, 1, 1, 2),
    "d": box(1, 1, 2, 2),
}


def build(polygons: dict[str, Polygon | MultiPolygon], order: list[str]) -> PolygonIndex:
    return PolygonIndex(order, [polygons[code] for code in order])


def all_orders(codes: list[str]) -> list[list[str]]:
    return [list(p) for p in itertools.permutations(codes)]


def test_it_finds_the_polygon_containing_a_point() -> None:
    index = build(SQUARES, ["a", "b", "c", "d"])
    assert index.locate(0.5, 0.5) == "a"
    assert index.locate(1.5, 0.5) == "b"
    assert index.locate(0.5, 1.5) == "c"
    assert index.locate(1.9, 1.9) == "d"


def test_it_returns_none_outside_every_polygon() -> None:
    index = build(SQUARES, ["a", "b", "c", "d"])
    assert index.locate(2.5, 0.5) is None
    assert index.locate(-0.001, 1.0) is None
    assert index.locate(float("nan"), 0.5) is None


@pytest.mark.parametrize("order", all_orders(["a", "b"]))
def test_it_gives_a_shared_edge_to_the_smaller_code(order: list[str]) -> None:
    index = build(SQUARES, order)
    assert index.locate(1.0, 0.5) == "a"
    assert index.locate(1.0, 0.0) == "a"


@pytest.mark.parametrize("order", all_orders(["320106001003002", "320106001003001"]))
def test_it_compares_real_looking_codes_as_strings(order: list[str]) -> None:
    # The larger code gets the left square, so "smallest code" and "first square" disagree.
    polygons = {"320106001003002": SQUARES["a"], "320106001003001": SQUARES["b"]}
    assert build(polygons, order).locate(1.0, 0.5) == "320106001003001"


@pytest.mark.parametrize("order", all_orders(["a", "b", "c", "d"]))
def test_it_gives_a_vertex_shared_by_four_squares_to_the_smallest_code(order: list[str]) -> None:
    index = build(SQUARES, order)
    assert index.locate(1.0, 1.0) == "a"
    assert index.locate(1.5, 1.0) == "b"  # the b|d edge
    assert index.locate(1.0, 1.5) == "c"  # the c|d edge


@pytest.mark.parametrize("order", all_orders(["x", "y"]))
def test_it_resolves_an_overlap_sliver_to_one_polygon(order: list[str]) -> None:
    # y reaches 1e-6 into x, as rounded boundary coordinates do.
    polygons = {"x": box(0, 0, 1, 1), "y": box(1 - 1e-6, 0, 2, 1)}
    index = build(polygons, order)
    assert index.locate(1 - 5e-7, 0.5) == "x"
    assert index.locate(1 + 5e-7, 0.5) == "y"
    assert index.locate(1 - 2e-6, 0.5) == "x"


def test_it_supports_multipolygons() -> None:
    island = MultiPolygon([box(0, 0, 1, 1), box(5, 5, 6, 6)])
    index = PolygonIndex(["island", "other"], [island, box(2, 2, 3, 3)])
    assert index.locate(5.5, 5.5) == "island"
    assert index.locate(0.5, 0.5) == "island"
    assert index.locate(3.5, 3.5) is None


def test_it_supports_polygons_with_holes() -> None:
    ring = Polygon(box(0, 0, 4, 4).exterior.coords, [box(1, 1, 3, 3).exterior.coords])
    index = PolygonIndex(["ring", "core"], [ring, box(1, 1, 3, 3)])
    assert index.locate(2, 2) == "core"
    assert index.locate(0.5, 0.5) == "ring"


def test_it_works_when_empty() -> None:
    index = PolygonIndex([], [])
    assert len(index) == 0
    assert index.codes == ()
    assert index.locate(118.75, 32.08) is None
    assert index.locate_many(np.array([1.0, 2.0]), np.array([3.0, 4.0])).tolist() == [-1, -1]


def test_it_exposes_codes_and_translates_positions() -> None:
    index = build(SQUARES, ["d", "b", "a", "c"])
    assert index.codes == ("a", "b", "c", "d")
    positions = index.locate_many(np.array([1.5, 9.0]), np.array([1.5, 9.0]))
    assert index.code_of(positions) == ["d", None]


def test_it_matches_locate_for_random_points() -> None:
    seeds = shapely.points(np.random.default_rng(3).uniform(0, 10, (200, 2)))
    cells = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=box(0, 0, 10, 10))
    cells = shapely.intersection(shapely.get_parts(cells), box(0, 0, 10, 10))
    codes = [f"G{i:04d}" for i in range(len(cells))]
    index = PolygonIndex(codes, list(cells))
    rng = np.random.default_rng(4)
    # Enough points that locate_many sorts them spatially (locate never does).
    lons, lats = rng.uniform(-1, 11, 6000), rng.uniform(-1, 11, 6000)
    lons[:3], lats[:3] = np.nan, [np.nan, 5.0, np.inf]
    positions = index.locate_many(lons, lats)
    assert positions.dtype == np.int64
    assert index.code_of(positions) == [index.locate(x, y) for x, y in zip(lons, lats, strict=True)]
    assert (positions[:3] == -1).all()
    assert (positions[3:] == -1).sum() > 0  # the margin outside the box really was tested


def test_it_keeps_the_input_shape() -> None:
    index = build(SQUARES, ["a", "b", "c", "d"])
    positions = index.locate_many(np.array([[0.5, 1.5], [5.0, 1.5]]), np.full((2, 2), 0.5))
    assert positions.tolist() == [[0, 1], [-1, 1]]


@pytest.mark.parametrize(
    ("codes", "geometries", "message"),
    [
        (["a"], [], "1 codes but 0 geometries"),
        (["a", "a"], [box(0, 0, 1, 1), box(1, 0, 2, 1)], "unique"),
        (["a"], [shapely.Point(0, 0)], "Polygon or MultiPolygon"),
        (["a"], [Polygon()], "Polygon or MultiPolygon"),
        (["a"], [None], "Polygon or MultiPolygon"),
        (["a"], ["POLYGON ((0 0, 1 0, 1 1, 0 0))"], "Polygon or MultiPolygon"),
    ],
)
def test_it_rejects_bad_input(codes: list[str], geometries: list[object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PolygonIndex(codes, geometries)  # type: ignore[arg-type]


# --- the real 鼓楼区 grids ---------------------------------------------------------------------


def load_grids() -> tuple[list[str], list[Polygon | MultiPolygon]]:
    with (GULOU / "grids.geojson").open(encoding="utf-8") as f:
        features = json.load(f)["features"]
    return [f["properties"]["code"] for f in features], [shape(f["geometry"]) for f in features]


def open_text(path: Path) -> TextIO:
    # The data may be vendored xz-compressed; read whichever form exists.
    if path.exists():
        return path.open(encoding="utf-8", newline="")
    return lzma.open(path.with_name(path.name + ".xz"), "rt", encoding="utf-8", newline="")


def load_address_points() -> tuple[np.ndarray, np.ndarray]:
    with open_text(GULOU / "addresses.csv") as f:
        rows = [(float(r["lon"]), float(r["lat"])) for r in csv.DictReader(f)]
    points = np.array(rows)
    return points[:, 0], points[:, 1]


@pytest.fixture(scope="module")
def gulou() -> tuple[list[str], list[Polygon | MultiPolygon], np.ndarray, np.ndarray]:
    return (*load_grids(), *load_address_points())


def test_it_puts_every_gulou_address_in_a_grid_that_covers_it(gulou: tuple) -> None:
    codes, grids, lons, lats = gulou
    index = PolygonIndex(codes, grids)
    positions = index.locate_many(lons, lats)
    assert len(lons) > 40_000
    assert (positions >= 0).all(), f"{(positions < 0).sum()} addresses outside every grid"
    # Checked with shapely itself, not the index: the chosen grid, grown by ~1 cm to absorb
    # floating-point doubt on edges, covers the point.
    chosen = shapely.buffer(index.geometries[positions], 1e-7)
    assert shapely.covers(chosen, shapely.points(lons, lats)).all()


def test_it_gives_every_gulou_address_exactly_one_grid_whatever_the_order(gulou: tuple) -> None:
    codes, grids, lons, lats = gulou
    first = PolygonIndex(codes, grids)
    expected = first.code_of(first.locate_many(lons, lats))
    shuffled = np.random.default_rng(5).permutation(len(codes))
    index = PolygonIndex([codes[i] for i in shuffled], [grids[i] for i in shuffled])
    assert index.code_of(index.locate_many(lons, lats)) == expected
    # Where a point touches several grids (edges, slivers), the smallest code won.
    points = shapely.points(lons, lats)
    point_idx, grid_idx = shapely.STRtree(grids).query(points, predicate="intersects")
    for p, g in zip(point_idx, grid_idx, strict=True):
        assert expected[p] is not None and expected[p] <= codes[g]


def test_it_resolves_the_real_gulou_overlap_slivers_to_the_smaller_code(gulou: tuple) -> None:
    codes, grids, _, _ = gulou
    left, right = shapely.STRtree(grids).query(grids, predicate="overlaps")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    slivers = shapely.intersection(np.array(grids)[left], np.array(grids)[right])
    inside = shapely.point_on_surface(slivers)
    assert len(left) > 100  # the README counts 486 touching pairs with a sliver of overlap
    for order in (list(range(len(codes))), list(reversed(range(len(codes))))):
        index = PolygonIndex([codes[i] for i in order], [grids[i] for i in order])
        found = index.code_of(index.locate_many(shapely.get_x(inside), shapely.get_y(inside)))
        for f, a, b in zip(found, left, right, strict=True):
            assert f is not None and f <= min(codes[a], codes[b])
