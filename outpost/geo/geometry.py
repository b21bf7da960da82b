"""GeoJSON in and out, areas in square metres, and why a polygon is invalid, in words."""

import json
import math
from typing import Any

import shapely
from django.utils.translation import gettext_lazy as _
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from outpost.core.i18n import Text

# Metres per degree on the WGS-84 ellipsoid near the equator (longitude scaled by cos(lat)).
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0


def parse_geometry(data: dict[str, Any]) -> BaseGeometry:
    return shape(data)


def to_geojson_text(geometry: BaseGeometry) -> str:
    """Canonical text: 7 decimals (≈1 cm) and sorted keys, so equal shapes compare equal."""
    rounded = shapely.set_precision(geometry, 1e-7, mode="pointwise")
    return json.dumps(mapping(rounded), sort_keys=True, separators=(",", ":"))


def from_geojson_text(text: str) -> BaseGeometry:
    return shape(json.loads(text))


def to_metric(geometry: BaseGeometry, lat0: float | None = None) -> BaseGeometry:
    """A local equirectangular projection, accurate to well under 1% across a district."""
    if lat0 is None:
        lat0 = geometry.centroid.y
    kx = M_PER_DEG_LON * math.cos(math.radians(lat0))
    return shapely.transform(geometry, lambda xy: xy * [kx, M_PER_DEG_LAT])


def area_m2(geometry: BaseGeometry) -> float:
    if geometry.is_empty:
        return 0.0
    return float(to_metric(geometry).area)


# GEOS's reasons (explain_validity), as people read them.
_VALIDITY = {
    "Self-intersection": _("self-intersection"),
    "Ring Self-intersection": _("ring self-intersection"),
    "Too few points": _("too few points"),
    "Invalid Coordinate": _("invalid coordinate"),
    "Hole lies outside shell": _("hole lies outside shell"),
    "Nested shells": _("nested shells"),
    "Interior is disconnected": _("interior is disconnected"),
    "Duplicate Rings": _("duplicate rings"),
}


def invalid_reason(geometry: BaseGeometry) -> Text | None:
    """What is wrong (rendered in the active language), or None when the polygon is valid."""
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        return Text(_("must be a polygon, not %(kind)s"), kind=geometry.geom_type)
    if geometry.is_empty:
        return Text(_("empty geometry"))
    if geometry.is_valid:
        return None
    detail = explain_validity(geometry)
    kind, _sep, where = detail.partition("[")
    reason = _VALIDITY.get(kind.strip(), kind.strip())
    at = f" [{where}" if where else ""
    return Text(_("invalid boundary: %(reason)s%(at)s"), reason=reason, at=at)
