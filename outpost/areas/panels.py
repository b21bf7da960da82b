"""Sections a higher app adds to a grid's page (field work's patrol coverage, for one),
registered at start-up (`AppConfig.ready`) so areas imports nothing above it. Each builder gets
the viewer and the grid and answers a template with its context, or None when it has nothing to
show that viewer (the same rule as the page behind its links)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from outpost.accounts.models import User
from outpost.geo.models import Grid


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any]


GridPanel = Callable[[User, Grid], Panel | None]
GRID_PANELS: dict[str, GridPanel] = {}


def register_grid_panel(key: str, build: GridPanel) -> None:
    """Add (or, on a second `ready`, replace) a section of the grid page."""
    GRID_PANELS[key] = build


def grid_panels(user: User, grid: Grid) -> list[Panel]:
    return [p for build in GRID_PANELS.values() if (p := build(user, grid)) is not None]
