"""GeoJSON in and out, areas in square metres, and why a polygon is invalid, in words."""

import json
import math
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

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


_VALIDITY_ZH = {
    "Self-intersection": ("自相交", "self-intersection"),
    "Ring Self-intersection": ("环自相交", "ring self-intersection"),
    "Too few points": ("顶点过少", "too few points"),
    "Invalid Coordinate": ("坐标无效", "invalid coordinate"),
    "Hole lies outside shell": ("内环位于外环之外", "hole lies outside shell"),
    "Nested shells": ("外环嵌套", "nested shells"),
    "Interior is disconnected": ("内部不连通", "interior is disconnected"),
    "Duplicate Rings": ("重复的环", "duplicate rings"),
}


def invalid_reason(geometry: BaseGeometry) -> tuple[str, str] | None:
    """(Chinese, English) description of what is wrong, or None when the polygon is valid."""
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        kind = geometry.geom_type
        return (f"几何类型应为面（Polygon），实为 {kind}", f"must be a polygon, not {kind}")
    if geometry.is_empty:
        return ("几何为空", "empty geometry")
    if geometry.is_valid:
        return None
    detail = explain_validity(geometry)
    kind, _, where = detail.partition("[")
    zh, en = _VALIDITY_ZH.get(kind.strip(), (kind.strip(), kind.strip()))
    at = f" [{where}" if where else ""
    return (f"边界无效：{zh}{at}", f"invalid boundary: {en}{at}")
