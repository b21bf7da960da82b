"""The map's own base, drawn from the district's data when no tile server is configured: each
road as a line through the door plates (门牌) of its standard addresses, and organisations as
points.

A road's line is the same for everyone, so it is computed once per district and kept in the
cache until that district's addresses change; each request then keeps only the points the user's
scope contains (`Scope.contains`, the twin of the registry's row filter) and joins those.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.db.models.functions import Substr
from django.http import Http404
from ninja import Router

from outpost.accounts.models import User
from outpost.accounts.scope import restrict, scope_for
from outpost.accounts.signed_in import SignedInRequest
from outpost.core import versioned
from outpost.core.scoping import Scope
from outpost.registry.models import AddressLevel, Organisation, StandardAddress

router = Router(tags=["registry"])

DISTRICT_DIGITS = 6  # a community code's first six digits name its district (GB/T 2260)
SMOOTHING = 5  # a vertex averages the plates within a fifth of the road's plates either side
MAX_VERTICES = 24

# (lon, lat, grid_code, beat_code): one door plate on a road, in the road's order.
Stop = tuple[float, float, str, str]


@dataclass(frozen=True)
class Road:
    name: str
    stops: list[Stop]


def door_plates() -> Any:
    return StandardAddress.objects.filter(level=AddressLevel.DOOR)


def district_versions() -> dict[str, str]:
    """Each district with a stamp that changes whenever one of its door plates does."""
    rows = (
        door_plates()
        .annotate(district=Substr("community_code", 1, DISTRICT_DIGITS))
        .values("district")
        .annotate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    )
    return {r["district"]: f"{r['n']}-{r['top']}-{r['last'].timestamp()}" for r in rows}


def district_roads(district: str, version: str) -> list[Road]:
    return versioned.kept(f"outpost:roads:{district}", version, lambda: build_roads(district))


def build_roads(district: str) -> list[Road]:
    """Every road of the district as its door plates ordered along the road's main axis."""
    by_road: dict[str, list[Stop]] = {}
    rows = door_plates().filter(community_code__startswith=district)
    for name, lon, lat, grid, beat in rows.values_list(
        "road", "lon", "lat", "grid_code", "beat_code"
    ):
        by_road.setdefault(name, []).append((lon, lat, grid, beat))
    return [Road(name, along_axis(stops)) for name, stops in sorted(by_road.items())]


def along_axis(stops: list[Stop]) -> list[Stop]:
    """The points sorted by their position along the direction they spread most (the principal
    axis of their covariance), so a straight or gently curved road is drawn end to end."""
    n = len(stops)
    if n < 3:
        return stops
    mx = sum(s[0] for s in stops) / n
    my = sum(s[1] for s in stops) / n
    sxx = sum((s[0] - mx) ** 2 for s in stops)
    syy = sum((s[1] - my) ** 2 for s in stops)
    sxy = sum((s[0] - mx) * (s[1] - my) for s in stops)
    # The eigenvector of the largest eigenvalue of [[sxx, sxy], [sxy, syy]].
    trace_half = (sxx + syy) / 2
    largest = trace_half + ((sxx - syy) ** 2 / 4 + sxy**2) ** 0.5
    dx, dy = (
        (sxy, largest - sxx) if abs(sxy) > 1e-18 else ((1.0, 0.0) if sxx >= syy else (0.0, 1.0))
    )
    return sorted(stops, key=lambda s: (s[0] - mx) * dx + (s[1] - my) * dy)


def visible_roads(user: User) -> list[dict[str, Any]]:
    """The roads the user's area holds, each as the line through its visible door plates."""
    scope = scope_for(user, "view")
    if scope.empty:
        return []
    roads = []
    for district, version in sorted(district_versions().items()):
        for road in district_roads(district, version):
            line = _line_in(scope, road)
            if line:
                roads.append({"name": road.name, "line": line})
    return roads


def _line_in(scope: Scope, road: Road) -> list[list[float]]:
    """The road's visible door plates in order, smoothed: each vertex the mean of its
    neighbours along the road, so plates on both sides (or a little off it) give one line."""
    points = [(s[0], s[1]) for s in road.stops if scope.contains(s[2], s[3])]
    if len(points) < 3:
        return [[round(lat, 6), round(lon, 6)] for lon, lat in points]
    reach = max(1, len(points) // SMOOTHING)
    step = max(1, len(points) // MAX_VERTICES)
    line = []
    for i in [*range(0, len(points), step), len(points) - 1]:
        near = points[max(0, i - reach) : i + reach + 1]
        lon = sum(p[0] for p in near) / len(near)
        lat = sum(p[1] for p in near) / len(near)
        line.append([round(lat, 6), round(lon, 6)])
    return line


def organisation_points(user: User) -> list[dict[str, Any]]:
    rows = restrict(Organisation.objects.all(), user, "view_registry").values_list(
        "unit_no", "name", "unit_type", "is_key_unit", "address__lon", "address__lat"
    )
    return [
        {"unit_no": no, "name": name, "type": kind, "key": key, "lat": lat, "lon": lon}
        for no, name, kind, key, lon, lat in rows.order_by("unit_no")
    ]


@router.get("/map/roads", summary="Roads in your area, drawn through their door plates")
def road_lines(request: SignedInRequest) -> dict[str, Any]:
    """[lat, lon] pairs, for Leaflet. Anyone who sees an area sees its roads."""
    if scope_for(request.user, "view").empty:
        raise Http404
    return {"roads": visible_roads(request.user)}


@router.get("/map/organisations", summary="Organisations in your area as points")
def organisation_layer(request: SignedInRequest) -> dict[str, Any]:
    if scope_for(request.user, "view_registry").empty:
        if scope_for(request.user, "view").empty:
            raise Http404
        raise PermissionDenied
    return {"organisations": organisation_points(request.user)}
