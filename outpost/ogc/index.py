"""Which area outlines meet a bounding box, answered in process.

Each process keeps, per kind of area, an STRtree over the outlines (parsed once, not per request)
and rebuilds it when the boundaries change: the key is the import token (`BoundaryState`) with the
row count and the latest `updated_at`, one small aggregate query per request. A request with a
`bbox` then asks the database only for the page of rows whose codes the tree returned."""

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.db.models import Count, Max, QuerySet

from outpost.geo.geometry import from_geojson_text
from outpost.geo.models import BoundaryState
from outpost.ogc.params import Box


@dataclass(frozen=True)
class Outlines:
    key: tuple[object, ...]
    codes: tuple[str, ...]
    tree: shapely.STRtree
    bounds: tuple[float, float, float, float] | None

    def meeting(self, box: Box) -> list[str]:
        """The codes whose outline intersects the box (edges touching count), sorted."""
        hits: set[int] = set()
        for part in box.parts():
            hits.update(self.tree.query(shapely.box(*part), predicate="intersects").tolist())
        return sorted(self.codes[i] for i in hits)


_lock = threading.Lock()
_cache: dict[str, Outlines] = {}


def outlines(name: str, rows: QuerySet[Any]) -> Outlines:
    """The outlines of `rows` (a queryset of one area model with `code` and `geometry`)."""
    key = _key(rows)
    found = _cache.get(name)
    if found is None or found.key != key:
        with _lock:
            found = _cache.get(name)
            if found is None or found.key != key:
                found = _cache[name] = _build(key, rows)
    return found


def _key(rows: QuerySet[Any]) -> tuple[object, ...]:
    token = BoundaryState.objects.filter(pk=1).values_list("token", flat=True).first() or ""
    shape = rows.aggregate(n=Count("pk"), at=Max("updated_at"))
    return (token, shape["n"], shape["at"])


def _build(key: tuple[object, ...], rows: QuerySet[Any]) -> Outlines:
    pairs = list(rows.exclude(geometry="").values_list("code", "geometry"))
    codes: Sequence[str] = [code for code, _text in pairs]
    shapes = np.empty(len(pairs), dtype=object)
    shapes[:] = [from_geojson_text(text) for _code, text in pairs]
    bounds = tuple(shapely.total_bounds(shapes).tolist()) if len(pairs) else None
    return Outlines(key, tuple(codes), shapely.STRtree(shapes), bounds)
