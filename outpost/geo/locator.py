"""Point → grid and beat, answered from an in-process spatial index.

Each process keeps one index and compares its version with `BoundaryState` before answering, so
an import in another process is picked up on the next lookup without a restart.
"""

import threading
from dataclasses import asdict, dataclass
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


@dataclass(frozen=True)
class _Snapshot:
    version: int
    grids: PolygonIndex
    beats: PolygonIndex
    grid_info: dict[str, tuple[str, str]]  # code → (name, community code)
    beat_info: dict[str, tuple[str, str]]  # code → (name, station code)


_lock = threading.Lock()
_snapshot: _Snapshot | None = None


def _current_version() -> int:
    return BoundaryState.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def _build(version: int) -> _Snapshot:
    grids = list(Grid.objects.values_list("code", "geometry", "name", "community__code"))
    beats = list(PoliceBeat.objects.values_list("code", "geometry", "name", "station__code"))
    return _Snapshot(
        version=version,
        grids=PolygonIndex([g[0] for g in grids], [from_geojson_text(g[1]) for g in grids]),
        beats=PolygonIndex([b[0] for b in beats], [from_geojson_text(b[1]) for b in beats]),
        grid_info={g[0]: (g[2], g[3]) for g in grids},
        beat_info={b[0]: (b[2], b[3]) for b in beats},
    )


def snapshot() -> _Snapshot:
    """The index for the boundaries now in the database, rebuilt when they have changed."""
    global _snapshot
    version = _current_version()
    if _snapshot is None or _snapshot.version != version:
        with _lock:
            if _snapshot is None or _snapshot.version != version:
                _snapshot = _build(version)
    return _snapshot


def locate(lon: float, lat: float, crs: str = "wgs84") -> Location:
    wlon, wlat = to_wgs84(lon, lat, crs)
    snap = snapshot()
    grid, beat = snap.grids.locate(wlon, wlat), snap.beats.locate(wlon, wlat)
    fields: dict[str, Any] = {}
    if grid is not None:
        name, community = snap.grid_info[grid]
        fields |= {
            "grid_code": grid,
            "grid_name": name,
            "community_code": community,
            "street_code": community[:9] + "000",
        }
    if beat is not None:
        name, station = snap.beat_info[beat]
        fields |= {"beat_code": beat, "beat_name": name, "station_code": station}
    return Location(lon=round(wlon, 7), lat=round(wlat, 7), **fields)


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
