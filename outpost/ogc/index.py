"""Area outlines held in process: which areas meet a bounding box, and the outlines of streets
and communities that have none stored (the union of their grids).

Each process keeps, per collection, an STRtree over the outlines (parsed once, not per request)
and rebuilds it when the boundaries change: the key is the import token (`BoundaryState`) with the
row count and the latest `updated_at`, one small aggregate query per request. A request with a
`bbox` then asks the database only for the page of rows whose codes the tree returned."""

import json
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.db.models import Count, Max, QuerySet
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from outpost.geo.geometry import from_geojson_text, to_geojson_text
from outpost.geo.models import DIVISION_PREFIX_LENGTH, BoundaryState
from outpost.ogc.params import Box


@dataclass(frozen=True)
class Outlines:
    key: tuple[object, ...]
    codes: tuple[str, ...]
    shapes: np.ndarray
    tree: shapely.STRtree = field(init=False)
    bounds: list[float] | None = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tree", shapely.STRtree(self.shapes))
        total = shapely.total_bounds(self.shapes).tolist() if len(self.codes) else None
        object.__setattr__(self, "bounds", total)

    def meeting(self, box: Box) -> list[str]:
        """The codes whose outline intersects the box (touching edges count), sorted."""
        hits: set[int] = set()
        for part in box.parts():
            hits.update(self.tree.query(shapely.box(*part), predicate="intersects").tolist())
        return sorted(self.codes[i] for i in hits)

    def geojson(self, code: str) -> dict[str, Any] | None:
        try:
            shape = self.shapes[self.codes.index(code)]
        except ValueError:
            return None
        return json.loads(to_geojson_text(shape))


_lock = threading.Lock()
_cache: dict[str, Outlines] = {}


def _cached(name: str, key: tuple[object, ...], build: Callable[[], Outlines]) -> Outlines:
    found = _cache.get(name)
    if found is None or found.key != key:
        with _lock:
            found = _cache.get(name)
            if found is None or found.key != key:
                found = _cache[name] = build()
    return found


def _key(rows: QuerySet[Any]) -> tuple[object, ...]:
    token = BoundaryState.objects.filter(pk=1).values_list("token", flat=True).first() or ""
    shape = rows.aggregate(n=Count("pk"), at=Max("updated_at"))
    return (token, shape["n"], shape["at"])


def _array(shapes: Sequence[BaseGeometry]) -> np.ndarray:
    array = np.empty(len(shapes), dtype=object)
    array[:] = list(shapes)
    return array


def outlines(name: str, rows: QuerySet[Any]) -> Outlines:
    """The stored outlines of `rows` (one area model with `code` and `geometry`)."""
    key = _key(rows)

    def build() -> Outlines:
        pairs = list(rows.exclude(geometry="").values_list("code", "geometry"))
        shapes = [from_geojson_text(text) for _code, text in pairs]
        return Outlines(key, tuple(code for code, _text in pairs), _array(shapes))

    return _cached(name, key, build)


def division_outlines(rows: QuerySet[Any], grids: QuerySet[Any]) -> Outlines:
    """Streets' and communities' outlines: the stored one, else the union of their grids."""
    by_grid = outlines("grids", grids)
    key = (*_key(rows), by_grid.key)

    def build() -> Outlines:
        under: dict[str, list[BaseGeometry]] = defaultdict(list)
        for code, shape in zip(by_grid.codes, by_grid.shapes, strict=True):
            for length in (9, 12):  # the street's and the community's prefix
                under[code[:length]].append(shape)
        codes, shapes = [], []
        for code, level, text in rows.values_list("code", "level", "geometry"):
            members = under.get(code[: DIVISION_PREFIX_LENGTH.get(level, 12)], [])
            shape = from_geojson_text(text) if text else _union(members)
            if shape is not None:
                codes.append(code)
                shapes.append(shape)
        return Outlines(key, tuple(codes), _array(shapes))

    return _cached("divisions", key, build)


def _union(members: list[BaseGeometry]) -> BaseGeometry | None:
    """The grids' union, always a MultiPolygon (clients read one geometry type per layer)."""
    if not members:
        return None
    union = shapely.union_all(_array(members))
    parts = [g for g in shapely.get_parts(union) if isinstance(g, Polygon)]
    return MultiPolygon(parts) if parts else None
