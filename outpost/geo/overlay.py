"""The overlay of grids and beats (网格-警务区叠加): shares of area, and each grid's main beat."""

import shapely

from outpost.geo.geometry import from_geojson_text, to_metric
from outpost.geo.models import Grid, GridBeatOverlap, PoliceBeat

# Shared areas below this share of both shapes are rounding slivers along a common edge, not
# coverage; they would make every neighbouring beat "cover" a grid.
MIN_SHARE = 0.005
LAT0 = 32.0


def rebuild_overlay() -> int:
    """Recompute every grid–beat overlap and main beat; returns the number of pairs stored."""
    grids = list(Grid.objects.only("id", "geometry"))
    beats = list(PoliceBeat.objects.only("id", "geometry"))
    grid_shapes = [to_metric(from_geojson_text(g.geometry), LAT0) for g in grids]
    beat_shapes = [to_metric(from_geojson_text(b.geometry), LAT0) for b in beats]
    tree = shapely.STRtree(beat_shapes)
    pairs = tree.query(grid_shapes, predicate="intersects")
    rows = []
    for gi, bi in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
        shared = grid_shapes[gi].intersection(beat_shapes[bi]).area
        grid_share = shared / grid_shapes[gi].area
        beat_share = shared / beat_shapes[bi].area
        if grid_share >= MIN_SHARE or beat_share >= MIN_SHARE:
            rows.append(
                GridBeatOverlap(
                    grid=grids[gi],
                    beat=beats[bi],
                    area_m2=round(shared, 1),
                    grid_share=round(grid_share, 6),
                    beat_share=round(beat_share, 6),
                )
            )
    GridBeatOverlap.objects.all().delete()
    GridBeatOverlap.objects.bulk_create(rows, batch_size=1000)
    _assign_main_beats(rows, grids)
    return len(rows)


def _assign_main_beats(rows: list[GridBeatOverlap], grids: list[Grid]) -> None:
    best: dict[int, GridBeatOverlap] = {}
    for row in rows:
        if row.grid_id not in best or row.grid_share > best[row.grid_id].grid_share:
            best[row.grid_id] = row
    changed = []
    for grid in grids:
        main = best.get(grid.id)
        main_id = main.beat_id if main else None
        if grid.main_beat_id != main_id:
            grid.main_beat_id = main_id
            changed.append(grid)
    Grid.objects.bulk_update(changed, ["main_beat"], batch_size=1000)
