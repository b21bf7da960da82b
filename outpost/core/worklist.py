"""The start page's (今日待办) sections that apps add: each app registers a builder at start-up
(`AppConfig.ready`), the way the header's menu is filled (`core.menu`), so the workbench names
no app below it for them.

A builder takes the signed-in user and returns a section (a dict the workbench template reads:
`key`, `title`, `tiles`, and optionally `template`, a template included inside the section with
the section as `section`, and `empty`/`next` for an idle section) or None when the user has no
such work.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Builder = Callable[[Any], dict[str, Any] | None]


@dataclass(frozen=True)
class WorkSection:
    key: str
    build: Builder
    order: int


SECTIONS: dict[str, WorkSection] = {}


def register(key: str, build: Builder, *, order: int) -> None:
    """Add (or, on a second `ready`, replace) a section builder."""
    SECTIONS[key] = WorkSection(key, build, order)


def sections_for(user: Any) -> list[dict[str, Any]]:
    """The registered sections this user has, in order."""
    found = []
    for entry in sorted(SECTIONS.values(), key=lambda s: (s.order, s.key)):
        section = entry.build(user)
        if section is not None:
            found.append(section)
    return found
