"""Who receives an instruction and who acts for a recipient row.

A unit row is acted for by the users whose "handle" scope covers it: grid workers for their grid,
community officers for their beat, grid leaders for the grids and the outpost station (平安前哨)
of their community, department handlers for their department. A community officer also acts for
the outpost station of a community whose grids have the officer's beat as their main beat (the
station's 警务室). A named user acts for their own row, and only they do.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from outpost.accounts import units
from outpost.accounts.models import User
from outpost.core.scoping import NOTHING

UNIT_KINDS = ("outpost", "grid", "beat", "department")
TARGET_KINDS = (*UNIT_KINDS, "group", "user")


@dataclass(frozen=True)
class Target:
    """One row to create: a unit (kind, code, name) or a named user; `group` when it came from
    a virtual group."""

    kind: str
    code: str
    name: str
    user: User | None = None
    group: Any = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, str(self.user.pk) if self.user is not None else self.code)


def acting_q(user: User, *, named: bool = True) -> Q:
    """The rows (instruction recipients, or notice receipts with `named=False`) the user acts
    for, as a filter: their units (`outpost.accounts.units`, the same rule as cases) and, when
    named, the rows addressed to them."""
    own = Q(user=user) if named and getattr(user, "is_authenticated", False) else NOTHING
    return own | units.acting_q(user)
