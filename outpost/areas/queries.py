"""Scoped reads of areas: every function takes the user and goes through `restrict`."""

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, QuerySet
from shapely.geometry import shape

from outpost.accounts.models import User
from outpost.accounts.queries import holders, staff_names
from outpost.accounts.roles import Role
from outpost.accounts.scope import restrict
from outpost.core import versioned
from outpost.geo.models import (
    Division,
    Grid,
    GridBeatOverlap,
    OutpostStation,
    PoliceBeat,
    PoliceUnit,
)

OFFICER_ROLES: list[str] = [Role.COMMUNITY_OFFICER, Role.AUXILIARY_POLICE]
GRID_STAFF_ROLES: list[str] = [Role.GRID_WORKER]


def grids_for(user: User) -> QuerySet[Grid]:
    return restrict(Grid.objects.all(), user).select_related(
        "community", "community__parent", "main_beat"
    )


def beats_for(user: User) -> QuerySet[PoliceBeat]:
    return restrict(PoliceBeat.objects.all(), user).select_related("station")


def divisions_for(user: User) -> QuerySet[Division]:
    return restrict(Division.objects.all(), user)


def units_for(user: User) -> QuerySet[PoliceUnit]:
    return restrict(PoliceUnit.objects.all(), user)


@dataclass(frozen=True)
class ChildRow:
    division: Division
    communities: int
    grids: int


def child_rows(user: User, parent: Division) -> list[ChildRow]:
    """The parent's visible children, each with the number of visible communities and grids."""
    visible_grids = grids_for(user)
    rows = []
    for child in divisions_for(user).filter(parent=parent).order_by("code"):
        under = visible_grids.filter(code__startswith=child.prefix)
        rows.append(ChildRow(child, under.values("community").distinct().count(), under.count()))
    return rows


def area_totals(user: User) -> dict[str, int]:
    grids = grids_for(user)
    return {
        "communities": grids.values("community").distinct().count(),
        "grids": grids.count(),
        "beats": beats_for(user).count(),
    }


def station_rows(user: User) -> list[tuple[PoliceUnit, int]]:
    beats = beats_for(user)
    stations = units_for(user).filter(level="station").select_related("street")
    counts = dict(beats.values_list("station").annotate(n=Count("id")).values_list("station", "n"))
    return [(s, counts.get(s.id, 0)) for s in stations]


def grid_overlaps(user: User, grid: Grid) -> QuerySet[GridBeatOverlap]:
    return grid.beat_overlaps.filter(beat__in=beats_for(user)).select_related("beat")


def beat_overlaps(user: User, beat: PoliceBeat) -> QuerySet[GridBeatOverlap]:
    return beat.grid_overlaps.filter(grid__in=grids_for(user)).select_related("grid")


def visible_main_beat(user: User, grid: Grid) -> PoliceBeat | None:
    main = grid.main_beat
    return main if main and beats_for(user).filter(pk=main.pk).exists() else None


def beat_rows(user: User, station: PoliceUnit) -> list[tuple[PoliceBeat, int]]:
    """The station's visible beats, each with the number of visible grids it covers."""
    visible = grids_for(user)
    return [
        (beat, beat.grid_overlaps.filter(grid__in=visible).count())
        for beat in beats_for(user).filter(station=station)
    ]


def outposts_for(user: User) -> QuerySet[OutpostStation]:
    return restrict(OutpostStation.objects.all(), user).select_related("community")


def grid_staff(grid: Grid) -> dict[str, list[str]]:
    """Grid workers of the grid and the officers of its main beat, by name."""
    beat_codes = [grid.main_beat.code] if grid.main_beat else []
    return {
        "grid_workers": staff_names([grid.code], GRID_STAFF_ROLES),
        "officers": staff_names(beat_codes, OFFICER_ROLES),
    }


def beat_staff(beat: PoliceBeat) -> list[str]:
    return staff_names([beat.code], OFFICER_ROLES)


def grid_features(user: User) -> dict[str, Any]:
    """Visible grids as a GeoJSON FeatureCollection, with the people clicked for on the map."""
    grids = list(grids_for(user))
    visible_beats = set(beats_for(user).values_list("code", flat=True))
    workers = _names_by_scope([g.code for g in grids], GRID_STAFF_ROLES)
    officers = _names_by_scope([g.main_beat.code for g in grids if g.main_beat], OFFICER_ROLES)
    props = (
        {
            "code": g.code,
            "name": g.name,
            "kind": "grid",
            "community": g.community.name,
            "beat": g.main_beat.name if g.main_beat and g.main_beat.code in visible_beats else "",
            "grid_workers": workers.get(g.code, []),
            "officers": officers.get(g.main_beat.code, []) if g.main_beat else [],
        }
        for g in grids
    )
    return _collection(props, [g.geometry for g in grids])


def beat_features(user: User) -> dict[str, Any]:
    beats = list(beats_for(user))
    officers = _names_by_scope([b.code for b in beats], OFFICER_ROLES)
    return _collection(
        (
            {
                "code": b.code,
                "name": b.name,
                "kind": "beat",
                "station": b.station.name,
                "officers": officers.get(b.code, []),
            }
            for b in beats
        ),
        [b.geometry for b in beats],
    )


def _names_by_scope(codes: list[str], roles: list[str]) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for assignment in holders(codes, roles):
        names.setdefault(assignment.scope_code, []).append(str(assignment.user))
    return names


def _collection(props: Any, geometries: list[str]) -> dict[str, Any]:
    features = [
        {"type": "Feature", "properties": p, "geometry": json.loads(g)}
        for p, g in zip(props, geometries, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


# The zooms between which the map shows each level's names, [from, until): streets from afar,
# communities in the middle, grids close up (road names and organisations from zoom 15).
LABEL_ZOOM = {"street": (0, 15), "community": (15, 17), "grid": (17, 99)}


def area_labels(user: User) -> list[dict[str, Any]]:
    """Names of the visible streets, communities and grids, each at a point inside its visible
    grids, with the zoom the map starts showing it at."""
    points = grid_label_points()
    rows = grids_for(user).values_list("code", "name", "community__code", "community__parent__code")
    names = dict(
        divisions_for(user).filter(level__in=["street", "community"]).values_list("code", "name")
    )
    labels = []
    under: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for code, name, community, street in rows:
        if code in points:
            labels.append(_label("grid", code, name, [points[code]]))
            under.setdefault(("community", community), []).append(points[code])
            under.setdefault(("street", street), []).append(points[code])
    for (kind, code), pts in sorted(under.items()):
        if code in names:
            labels.append(_label(kind, code, names[code], pts))
    return labels


def _label(kind: str, code: str, name: str, pts: list[tuple[float, float]]) -> dict[str, Any]:
    lon = sum(p[0] for p in pts) / len(pts)
    lat = sum(p[1] for p in pts) / len(pts)
    return {
        "kind": kind,
        "code": code,
        "name": name,
        "lon": round(lon, 6),
        "lat": round(lat, 6),
        "zoom": LABEL_ZOOM[kind][0],
        "until": LABEL_ZOOM[kind][1],
    }


def grid_label_points() -> dict[str, tuple[float, float]]:
    """A point inside every grid (its representative point), cached until a grid changes."""
    stamp = Grid.objects.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    last = stamp["last"].timestamp() if stamp["last"] else 0
    return versioned.kept("outpost:grid-labels", f"{stamp['n']}-{stamp['top']}-{last}", _points)


def _points() -> dict[str, tuple[float, float]]:
    points: dict[str, tuple[float, float]] = {}
    for code, geometry in Grid.objects.values_list("code", "geometry"):
        point = shape(json.loads(geometry)).representative_point()
        points[code] = (point.x, point.y)
    return points
