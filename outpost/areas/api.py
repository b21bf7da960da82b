"""Area API: locate a point, boundaries as GeoJSON, grid and beat details with the overlay."""

import math
from typing import Any, Literal

from django.http import Http404
from ninja import Field, Query, Router, Schema

from outpost.accounts.scope import get_for_user
from outpost.accounts.signed_in import SignedInRequest
from outpost.areas import queries
from outpost.geo.locator import Location, locate
from outpost.geo.models import Grid, PoliceBeat
from outpost.geo.services import update_grid

router = Router(tags=["geo"])


class LocationOut(Schema):
    lon: float
    lat: float
    grid_code: str | None
    grid_name: str | None
    community_code: str | None
    street_code: str | None
    beat_code: str | None
    beat_name: str | None
    station_code: str | None


class OverlapOut(Schema):
    code: str
    name: str
    share: float = Field(description="Share of the grid's area in the beat (0–1)")


class GridOut(Schema):
    code: str
    name: str
    grid_type: str
    community_code: str
    community_name: str
    area_m2: float
    main_beat_code: str | None
    beats: list[OverlapOut]
    grid_workers: list[str]
    officers: list[str]


class BeatOut(Schema):
    code: str
    name: str
    station_code: str
    station_name: str
    area_m2: float
    grids: list[OverlapOut]
    officers: list[str]


class GridPatch(Schema):
    name: str = Field(min_length=1, max_length=64)
    grid_type: str | None = Field(None, max_length=32, description="Unchanged when omitted")


@router.get("/locate", response=LocationOut, summary="Point → grid and police beat")
def locate_point(
    request: SignedInRequest,
    lon: float = Query(..., ge=-180, le=180),
    lat: float = Query(..., ge=-90, le=90),
    crs: Literal["wgs84", "gcj02", "bd09"] = "wgs84",
) -> Location:
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise Http404
    found = _visible_part(request, locate(lon, lat, crs))
    if found.grid_code is None and found.beat_code is None:
        raise Http404
    return found


def _visible_part(request: SignedInRequest, found: Location) -> Location:
    """Keep only the grid and beat the caller may open, so locate cannot probe outside scope."""
    grids = queries.grids_for(request.user).filter(code=found.grid_code)
    beats = queries.beats_for(request.user).filter(code=found.beat_code)
    if found.grid_code and not grids.exists():
        found = found.without_grid()
    if found.beat_code and not beats.exists():
        found = found.without_beat()
    return found


@router.get("/grids", summary="Grids in your area as GeoJSON")
def grid_collection(request: SignedInRequest) -> dict[str, Any]:
    return queries.grid_features(request.user)


@router.get("/beats", summary="Police beats in your area as GeoJSON")
def beat_collection(request: SignedInRequest) -> dict[str, Any]:
    return queries.beat_features(request.user)


@router.get("/labels", summary="Names of your streets, communities and grids for the map")
def area_labels(request: SignedInRequest) -> dict[str, Any]:
    """Each name at a point inside its area, with the zoom from which the map shows it."""
    return {"labels": queries.area_labels(request.user)}


@router.get("/grids/{code}", response=GridOut, summary="A grid with the beats over it")
def grid_detail(request: SignedInRequest, code: str) -> dict[str, Any]:
    grid = get_for_user(queries.grids_for(request.user), request.user, code=code)
    return _grid_out(request, grid)


@router.patch("/grids/{code}", response=GridOut, summary="Rename a grid or change its type")
def grid_update(request: SignedInRequest, code: str, payload: GridPatch) -> dict[str, Any]:
    grid = get_for_user(queries.grids_for(request.user), request.user, "change", code=code)
    grid_type = grid.grid_type if payload.grid_type is None else payload.grid_type
    grid = update_grid(grid, actor=request.user, name=payload.name, grid_type=grid_type)
    return _grid_out(request, grid)


@router.get("/beats/{code}", response=BeatOut, summary="A police beat with the grids it covers")
def beat_detail(request: SignedInRequest, code: str) -> dict[str, Any]:
    beat = get_for_user(queries.beats_for(request.user), request.user, code=code)
    grids = [
        {"code": o.grid.code, "name": o.grid.name, "share": o.grid_share}
        for o in queries.beat_overlaps(request.user, beat).order_by("grid__code")
    ]
    return {
        "code": beat.code,
        "name": beat.name,
        "station_code": beat.station.code,
        "station_name": beat.station.name,
        "area_m2": beat.area_m2,
        "grids": grids,
        "officers": queries.beat_staff(beat),
    }


def _grid_out(request: SignedInRequest, grid: Grid) -> dict[str, Any]:
    beats = [
        {"code": o.beat.code, "name": o.beat.name, "share": o.grid_share}
        for o in queries.grid_overlaps(request.user, grid)
    ]
    main: PoliceBeat | None = queries.visible_main_beat(request.user, grid)
    return {
        "code": grid.code,
        "name": grid.name,
        "grid_type": grid.grid_type,
        "community_code": grid.community.code,
        "community_name": grid.community.name,
        "area_m2": grid.area_m2,
        "main_beat_code": main.code if main else None,
        "beats": beats,
        **queries.grid_staff(grid),
    }
