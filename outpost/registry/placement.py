"""Putting registry records in their grid and beat: addresses by their point, everything else
by its address. Run on import and again whenever boundaries change."""

import numpy as np
from django.db.models import OuterRef, Subquery

from outpost.geo.locator import locate_many
from outpost.registry.models import House, Organisation, Person, StandardAddress


def place_points(lons: list[float], lats: list[float]) -> list[tuple[str, str]]:
    """(grid code, beat code) per WGS-84 point; empty strings where outside every shape."""
    grids, beats = locate_many(np.array(lons, float), np.array(lats, float))
    return [(g or "", b or "") for g, b in zip(grids, beats, strict=True)]


def reassign_all() -> int:
    """Re-place every address by its point and copy the result onto the records on it.
    Returns the number of addresses whose grid or beat changed."""
    rows = list(StandardAddress.objects.values_list("id", "lon", "lat", "grid_code", "beat_code"))
    if not rows:
        return 0
    places = place_points([r[1] for r in rows], [r[2] for r in rows])
    changed = [
        StandardAddress(id=r[0], grid_code=g, beat_code=b)
        for r, (g, b) in zip(rows, places, strict=True)
        if (r[3], r[4]) != (g, b)
    ]
    StandardAddress.objects.bulk_update(changed, ["grid_code", "beat_code"], batch_size=2000)
    if changed:
        copy_places_from_addresses()
    return len(changed)


def copy_places_from_addresses() -> None:
    """Each person, house and organisation takes the grid and beat of its address."""
    for model in (Person, House, Organisation):
        address = StandardAddress.objects.filter(pk=OuterRef("address_id"))
        model.objects.filter(address__isnull=False).update(
            grid_code=Subquery(address.values("grid_code")[:1]),
            beat_code=Subquery(address.values("beat_code")[:1]),
        )
