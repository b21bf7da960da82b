"""Point → grid and beat, answered from an in-process spatial index.

Each process keeps one index and compares its token with `BoundaryState` before answering, so
an import in another process is picked up on the next lookup without a restart.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from outpost.geo.coords import to_wgs84, to_wgs84_array
from outpost.geo.geometry import from_geojson_text
from outpost.geo.models import BoundaryState, Grid, PoliceBeat
from outpost.geo.spatial import PolygonIndex


@dataclass(frozen=True)
class Location:
    lon: float  # WGS-84, after conversion
    lat: float
    grid_code: str | None = None
    grid_name: str | None = None
    community_code: str | None = None
    street_code: str | None = None
    beat_code: str | None = None
    beat_name: str | None = None
    station_code: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def without_grid(self) -> "Location":
        return replace(self, grid_code=None, grid_name=None, community_code=None, street_code=None)

    def without_beat(self) -> "Location":
        return replace(self, beat_code=None, beat_name=None, station_code=None)


@dataclass(frozen=True)
class _Snapshot:
    token: str
    grids: PolygonIndex
    beats: PolygonIndex


_lock = threading.Lock()
_snapshot: _Snapshot | None = None


def _current_token() -> str:
    return BoundaryState.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def _index(model: type[Grid] | type[PoliceBeat]) -> PolygonIndex:
    rows = list(model.objects.values_list("code", "geometry"))
    return PolygonIndex([c for c, _ in rows], [from_geojson_text(g) for _, g in rows])


def snapshot() -> _Snapshot:
    """The index for the boundaries now in the database, rebuilt when they have changed."""
    global _snapshot
    token = _current_token()
    if _snapshot is None or _snapshot.token != token:
        with _lock:
            if _snapshot is None or _snapshot.token != token:
                _snapshot = _Snapshot(token, _index(Grid), _index(PoliceBeat))
    return _snapshot


@dataclass
class _Batch:
    snapshot: _Snapshot | None = None
    grids: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → name, community
    beats: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → name, station


_batch: ContextVar[_Batch | None] = ContextVar("locator_batch", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Many points located one after the other in one request (a phone's queue): the
    boundaries' token is read once, and each grid's and beat's name once, not per point."""
    token = _batch.set(_Batch())
    try:
        yield
    finally:
        _batch.reset(token)


def locate(lon: float, lat: float, crs: str = "wgs84") -> Location:
    wlon, wlat = to_wgs84(lon, lat, crs)
    held = _batch.get()
    if held is None:
        snap = snapshot()
    else:
        snap = held.snapshot = held.snapshot or snapshot()
    grid, beat = snap.grids.locate(wlon, wlat), snap.beats.locate(wlon, wlat)
    # Names are read now, not cached with the shapes, so a rename shows at once (in a batch:
    # at its next request).
    fields: dict[str, Any] = {}
    if grid is not None:
        name, community = _names(held.grids if held else None, grid, _grid_names)
        fields |= {
            "grid_code": grid,
            "grid_name": name,
            "community_code": community,
            "street_code": community[:9] + "000",
        }
    if beat is not None:
        name, station = _names(held.beats if held else None, beat, _beat_names)
        fields |= {"beat_code": beat, "beat_name": name, "station_code": station}
    return Location(lon=round(wlon, 7), lat=round(wlat, 7), **fields)


def _names(
    known: dict[str, tuple[str, str]] | None, code: str, read: Callable[[str], tuple[str, str]]
) -> tuple[str, str]:
    if known is None:
        return read(code)
    if code not in known:
        known[code] = read(code)
    return known[code]


def _grid_names(code: str) -> tuple[str, str]:
    return Grid.objects.values_list("name", "community__code").get(code=code)


def _beat_names(code: str) -> tuple[str, str]:
    return PoliceBeat.objects.values_list("name", "station__code").get(code=code)


def locate_many(
    lons: np.ndarray, lats: np.ndarray, crs: str = "wgs84"
) -> tuple[list[str | None], list[str | None]]:
    """Grid and beat codes for many points (None where a point lies outside every shape)."""
    wlons, wlats = to_wgs84_array(np.asarray(lons, float), np.asarray(lats, float), crs)
    snap = snapshot()
    return _codes(snap.grids, wlons, wlats), _codes(snap.beats, wlons, wlats)


def _codes(index: PolygonIndex, lons: np.ndarray, lats: np.ndarray) -> list[str | None]:
    found = index.locate_many(lons, lats)
    codes = np.asarray([*list(index.codes), None], dtype=object)
    return codes[found].tolist()  # -1 picks the trailing None
