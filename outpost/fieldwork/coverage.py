"""Coverage arithmetic, pure: how many standard addresses lie within N metres of a check-in.

Points are projected onto a local plane (metres east and north of the first address; at a
grid's size the error is far below a phone's GPS error) and compared in chunks, so a grid of a
few thousand addresses against a period's check-ins costs milliseconds and bounded memory.
"""

import math

import numpy as np

METRES_PER_DEGREE_LAT = 110_574.0
METRES_PER_DEGREE_LON_EQUATOR = 111_320.0
CHUNK_CELLS = 1_000_000  # distances compared at once (8 MB of float64)


def _plane(lons: np.ndarray, lats: np.ndarray, lat0: float) -> np.ndarray:
    x = lons * METRES_PER_DEGREE_LON_EQUATOR * math.cos(math.radians(lat0))
    return np.column_stack([x, lats * METRES_PER_DEGREE_LAT])


def passed(
    addresses: list[tuple[float, float]], checkins: list[tuple[float, float]], metres: float
) -> int:
    """How many of the (lon, lat) addresses lie within `metres` of any (lon, lat) check-in."""
    if not addresses or not checkins:
        return 0
    a, c = np.asarray(addresses, float), np.asarray(checkins, float)
    lat0 = float(a[0, 1])
    pa, pc = _plane(a[:, 0], a[:, 1], lat0), _plane(c[:, 0], c[:, 1], lat0)
    limit = metres * metres
    rows = max(1, CHUNK_CELLS // len(pc))
    count = 0
    for start in range(0, len(pa), rows):
        block = pa[start : start + rows]
        d2 = ((block[:, None, :] - pc[None, :, :]) ** 2).sum(axis=2)
        count += int((d2.min(axis=1) <= limit).sum())
    return count


def planned(per_week: int, days: int) -> int:
    """Patrols a plan asks of its grid in a period of `days` days (at least one for any
    period), however many workers share them."""
    return max(1, round(per_week * days / 7)) if per_week else 0


def split(total: int, ways: int) -> list[int]:
    """`total` patrols shared among `ways` workers as evenly as whole patrols go (the first
    ones take one more), so the parts add up to the plan."""
    base, extra = divmod(total, ways)
    return [base + (1 if n < extra else 0) for n in range(ways)]


def share(done: int, of: int) -> float | None:
    """done/of as a fraction capped at 1 (more than planned is full, not more); None if
    nothing was asked."""
    return min(1.0, done / of) if of else None
