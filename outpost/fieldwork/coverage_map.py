"""Patrol coverage on the map and on a grid's page.

The map colours each grid the user sees by its share of planned patrols done over the last 7 or
30 days (and says the share of its standard addresses passed), or, a worker chosen, each of that
worker's grids by the worker's own share. The figures are the coverage
page's own (`queries.coverage_rows`, seven queries whatever the number of grids). They are not
cached: every check-in changes them, and a cached answer would make the layer's cost depend on
whether someone asked just before (the roads are cached because they change with the address
registry only).
"""

from typing import Any

from outpost.accounts.models import User
from outpost.areas.panels import Panel
from outpost.fieldwork import queries
from outpost.geo.models import Grid

MAP_DAYS = (7, 30)
PANEL_DAYS = 7


def grid_shares(user: User, days: int, worker: User | None = None) -> dict[str, Any]:
    """Each grid with planned or walked patrols in the user's view and its shares (0..1 or
    None): the grid's as a whole, or (`worker` given) that worker's share of what they were
    planned to walk there, on their grids only. With the workers the chooser offers: those with
    planned or walked patrols on a grid the user sees."""
    rows = queries.coverage_rows(user, days)
    chosen = worker.username if worker is not None else ""
    return {
        "worker": {"username": chosen, "name": str(worker)} if worker is not None else None,
        "grids": [_share(r) for r in rows if r.username == chosen],
        "workers": _workers(rows),
    }


def _share(r: queries.CoverageRow) -> dict[str, Any]:
    return {
        "code": r.grid_code,
        "name": r.grid_name,
        "planned": r.planned,
        "done": r.done,
        "done_share": r.done_share,
        "addresses": r.addresses,
        "passed": r.passed,
        "passed_share": r.passed_share,
    }


def _workers(rows: list[queries.CoverageRow]) -> list[dict[str, str]]:
    found = {r.username: r.worker for r in rows if r.username}
    return [{"username": u, "name": n} for u, n in sorted(found.items(), key=lambda i: i[1])]


def grid_panel(user: User, grid: Grid) -> Panel | None:
    """The grid page's coverage figure (last 7 days) for who has field work there, with a link
    to the coverage page for the grid."""
    if not queries.may_work(user):
        return None
    rows = [r for r in queries.coverage_rows(user, PANEL_DAYS, grid.code) if not r.worker]
    context = {"grid": grid, "row": rows[0] if rows else None, "days": PANEL_DAYS}
    return Panel("fieldwork/_grid_coverage.html", context)
