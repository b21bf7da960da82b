"""Possible duplicates: open cases of the same sub-type within 100 m and 7 days (疑似重复)."""

import datetime as dt
import math
from typing import Any

from django.utils import timezone

from outpost.cases.models import Case
from outpost.cases.workflow import TERMINAL
from outpost.geo.coords import to_wgs84

RADIUS_M = 100.0
WINDOW = dt.timedelta(days=7)
M_PER_DEG = 111_320.0


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Haversine distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6_371_008.8 * 2 * math.asin(math.sqrt(a))


def possible_duplicates(
    cases: Any,
    subtype: str,
    lon: float,
    lat: float,
    crs: str = "wgs84",
    now: dt.datetime | None = None,
) -> list[tuple[Case, float]]:
    """Among `cases` (already scoped to the caller), the open ones that may be the same matter,
    nearest first, with their distance in metres."""
    wlon, wlat = to_wgs84(lon, lat, crs)
    now = now or timezone.now()
    dlat = RADIUS_M / M_PER_DEG
    dlon = dlat / max(math.cos(math.radians(wlat)), 0.01)
    nearby = cases.filter(
        subtype__code=subtype,
        reported_at__gte=now - WINDOW,
        lat__range=(wlat - dlat, wlat + dlat),
        lon__range=(wlon - dlon, wlon + dlon),
    ).exclude(state__in=[s.value for s in TERMINAL])
    found = [(c, distance_m(wlon, wlat, c.lon, c.lat)) for c in nearby]
    return sorted(((c, d) for c, d in found if d <= RADIUS_M), key=lambda pair: pair[1])
