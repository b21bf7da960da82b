"""The four collections: what each feature holds and how a page of them is found.

Each collection answers `items` (a page of features and how many matched), `item` (one feature or
None) and `extent`, for a user (`queries` decides what the user may see). Areas keep their codes as
feature ids and their outlines as stored (WGS-84, longitude first: CRS84); a case is a point
rounded to three decimals (about 100 m, as Open311 shows it), and a `bbox` selects it by that
rounded point, so a small box cannot find the unrounded one."""

import datetime as dt
import json
import math
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone

from outpost.accounts.models import User
from outpost.cases.models import Case
from outpost.geo.models import Division, Grid, PoliceBeat
from outpost.ogc import queries
from outpost.ogc.index import Outlines, division_outlines, outlines
from outpost.ogc.params import CRS84, Box, ItemsQuery, Period
from outpost.open311.mapping import CLOSED_STATES, ROUNDING

Viewer = User | AnonymousUser | None
CELL = 10**-ROUNDING  # the rounded point's step in degrees


@dataclass(frozen=True)
class Feature:
    id: str
    geometry: dict[str, Any] | None
    properties: dict[str, Any]


@dataclass(frozen=True)
class Page:
    matched: int
    features: list[Feature]


def iso(moment: dt.datetime | dt.date | None) -> str | None:
    """RFC 3339 in UTC to the second (`Z`), or a plain date."""
    if moment is None:
        return None
    if isinstance(moment, dt.datetime):
        return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return moment.isoformat()


@dataclass(frozen=True)
class Collection(ABC):
    """One OGC collection: what every kind (areas, divisions, case points) must answer."""

    id: str
    title: str
    description: str

    @abstractmethod
    def items(self, user: Viewer, query: ItemsQuery) -> Page: ...

    @abstractmethod
    def item(self, user: Viewer, feature_id: str) -> Feature | None: ...

    @abstractmethod
    def extent(self, user: Viewer) -> dict[str, Any]: ...


def _paged(rows: QuerySet[Any], query: ItemsQuery, make: Callable[[Any], Feature]) -> Page:
    matched = rows.count()
    page = rows[query.offset : query.offset + query.limit] if query.offset < matched else []
    return Page(matched, [make(row) for row in page])


def _extent(bounds: Any, start: Any, end: Any) -> dict[str, Any]:
    spatial = {"bbox": [list(bounds)] if bounds else [], "crs": CRS84}
    temporal = {
        "interval": [[iso(start), iso(end)]],
        "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
    }
    return {"spatial": spatial, "temporal": temporal}


# ---------------------------------------------------------------------------------------------
# Areas: public geography, ordered by code; the temporal extent is the outline's validity.


@dataclass(frozen=True)
class AreaCollection(Collection):
    rows: Callable[[], QuerySet[Any]]
    properties: Callable[[Any], dict[str, Any]]

    def outlines(self) -> Outlines:
        return outlines(self.id, self.rows())

    def geometry(self, row: Any, known: Outlines | None) -> dict[str, Any] | None:
        return json.loads(row.geometry) if row.geometry else None

    def items(self, user: Viewer, query: ItemsQuery) -> Page:
        rows, known = self.rows(), self._known()
        if query.bbox is not None:
            known = known or self.outlines()
            rows = rows.filter(code__in=known.meeting(query.bbox))
        if query.period is not None:
            rows = rows.filter(_valid_during(query.period))
        return _paged(rows.order_by("code"), query, lambda row: self._feature(row, known))

    def item(self, user: Viewer, feature_id: str) -> Feature | None:
        row = self.rows().filter(code=feature_id).first()
        return None if row is None else self._feature(row, self._known())

    def extent(self, user: Viewer) -> dict[str, Any]:
        since = self.rows().aggregate(since=Min("boundary_since"))["since"]
        return _extent(self.outlines().bounds, since, None)

    def _known(self) -> Outlines | None:
        """The outlines a feature's geometry is read from, when not from its row."""
        return None

    def _feature(self, row: Any, known: Outlines | None) -> Feature:
        props = {"code": row.code, "name": row.name, **self.properties(row)}
        props["boundary_since"] = iso(row.boundary_since)
        return Feature(row.code, self.geometry(row, known), props)


@dataclass(frozen=True)
class DivisionCollection(AreaCollection):
    """Streets and communities: where no outline is stored (the shipped district has none), the
    union of their grids' outlines stands in, and `outline` says which it is."""

    def outlines(self) -> Outlines:
        return division_outlines(self.rows(), queries.grids())

    def _known(self) -> Outlines | None:
        return self.outlines()

    def geometry(self, row: Any, known: Outlines | None) -> dict[str, Any] | None:
        if row.geometry or known is None:
            return super().geometry(row, known)
        return known.geojson(row.code)


def _valid_during(period: Period) -> Q:
    """An outline is valid from `boundary_since` on: it meets any period that ends after that
    (a division without the date has no temporal geometry, and every period matches it)."""
    if period.end is None:
        return Q()
    day = timezone.localtime(period.end).date()
    return Q(boundary_since__lte=day) | Q(boundary_since__isnull=True)


def _grid(row: Grid) -> dict[str, Any]:
    return {
        "community_code": row.community.code,
        "community_name": row.community.name,
        "street_code": row.community.code[:9] + "000",
        "grid_type": row.grid_type,
        "main_beat_code": row.main_beat.code if row.main_beat else None,
        "area_m2": round(row.area_m2),
    }


def _beat(row: PoliceBeat) -> dict[str, Any]:
    return {
        "station_code": row.station.code,
        "station_name": row.station.name,
        "area_m2": round(row.area_m2),
    }


def _division(row: Division) -> dict[str, Any]:
    return {
        "level": row.level,
        "parent_code": row.parent.code if row.parent else None,
        "outline": "stored" if row.geometry else "grids",
    }


# ---------------------------------------------------------------------------------------------
# Case points: newest first; the temporal geometry is the moment the case was reported.


@dataclass(frozen=True)
class CaseCollection(Collection):
    def items(self, user: Viewer, query: ItemsQuery) -> Page:
        rows = queries.case_points(user)
        if query.bbox is not None:
            rows = rows.filter(_in_cells(query.bbox))
        if query.period is not None:
            rows = rows.filter(_reported_during(query.period))
        return _paged(rows.order_by("-reported_at", "-pk"), query, case_feature)

    def item(self, user: Viewer, feature_id: str) -> Feature | None:
        row = queries.case_points(user).filter(number=feature_id).first()
        return None if row is None else case_feature(row)

    def extent(self, user: Viewer) -> dict[str, Any]:
        found = queries.case_points(user).aggregate(
            w=Min("lon"), s=Min("lat"), e=Max("lon"), n=Max("lat"),
            start=Min("reported_at"), end=Max("reported_at"),
        )  # fmt: skip
        corners = (found["w"], found["s"], found["e"], found["n"])
        # Nothing to see: the area the collection covers, the district's grids.
        bounds = (
            outlines("grids", queries.grids()).bounds
            if found["w"] is None
            else [_rounded(c) for c in corners]
        )
        return _extent(bounds, found["start"], found["end"])


def _rounded(value: float) -> float:
    return round(value, ROUNDING)


def _in_cells(box: Box) -> Q:
    """Points whose rounded position lies in the box: the box shrunk to whole cells, each cell
    taking in the points that round to it."""
    where = Q(pk__in=[])
    for west, south, east, north in box.parts():
        lo_x, hi_x = math.ceil(west / CELL - 1e-9) * CELL, math.floor(east / CELL + 1e-9) * CELL
        lo_y, hi_y = math.ceil(south / CELL - 1e-9) * CELL, math.floor(north / CELL + 1e-9) * CELL
        if lo_x > hi_x or lo_y > hi_y:
            continue
        half = CELL / 2
        where |= Q(
            lon__gte=lo_x - half, lon__lt=hi_x + half, lat__gte=lo_y - half, lat__lt=hi_y + half
        )
    return where


def _reported_during(period: Period) -> Q:
    where = Q()
    if period.start is not None:
        where &= Q(reported_at__gte=period.start)
    if period.end is not None:
        where &= Q(reported_at__lte=period.end)
    return where


def case_feature(case: Case) -> Feature:
    """A case as open data: what kind, whether it is done, when, where to about 100 m. No
    title, description, address, reporter, parties, handler or result."""
    assert case.lon is not None and case.lat is not None  # `case_points` keeps placed cases
    category = case.subtype.category
    point = {"type": "Point", "coordinates": [_rounded(case.lon), _rounded(case.lat)]}
    properties = {
        "number": case.number,
        "category": category.code,
        "category_name": category.name,
        "subtype": case.subtype.code,
        "subtype_name": case.subtype.name,
        "status": "closed" if case.state in CLOSED_STATES else "open",
        "reported_at": iso(case.reported_at),
        "closed_at": iso(case.closed_at),
        "grid_code": case.grid_code or None,
    }
    return Feature(case.number, point, properties)


COLLECTIONS: dict[str, Collection] = {
    c.id: c
    for c in (
        AreaCollection(
            "grids",
            "网格",
            "Community grids (网格): 15-digit code = 12-digit community code + 3-digit sequence "
            "(GB/T 30428.1), with their community, street and main police beat.",
            rows=queries.grids,
            properties=_grid,
        ),
        AreaCollection(
            "beats",
            "警务区",
            "Police beats (警务区, 警格) of the police stations, drawn independently of the grids.",
            rows=queries.beats,
            properties=_beat,
        ),
        DivisionCollection(
            "divisions",
            "街道和社区",
            "Streets (街道) and communities (社区) by their 12-digit statistical division codes "
            "(GB/T 2260 and the national statistical code); where no outline is stored, the union "
            "of their grids.",
            rows=queries.divisions,
            properties=_division,
        ),
        CaseCollection(
            "cases",
            "事件点位",
            "Case points: the kind of case, open or closed, when it was reported and closed, and "
            "its point rounded to about 100 m. No personal data.",
        ),
    )
}
