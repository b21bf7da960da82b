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

from outpost.accounts.models import Department, User
from outpost.accounts.scope import scope_for
from outpost.core.scoping import NOTHING, prefix_q
from outpost.geo.models import Grid, OutpostStation, PoliceBeat

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


def unit_name(kind: str, code: str) -> str | None:
    """The name of a unit by kind and code, or None when there is no such unit."""
    rows: Any
    if kind == "grid":
        rows = Grid.objects.filter(code=code)
    elif kind == "outpost":
        rows = OutpostStation.objects.filter(community__code=code)
    elif kind == "beat":
        rows = PoliceBeat.objects.filter(code=code)
    elif kind == "department":
        rows = Department.objects.filter(code=code)
    else:
        return None
    return rows.values_list("name", flat=True).first()


def acting_q(user: User, *, named: bool = True) -> Q:
    """The rows (instruction recipients, or notice receipts with `named=False`) the user acts
    for, as a filter."""
    own = Q(user=user) if named and getattr(user, "is_authenticated", False) else NOTHING
    scope = scope_for(user, "handle")
    if scope.everything:
        return own | Q(unit_code__gt="")
    if scope.empty:
        return own
    units = Q(unit_kind__in=("grid", "outpost")) & prefix_q("unit_code", scope.civil)
    units |= Q(unit_kind="beat") & prefix_q("unit_code", scope.police)
    if scope.departments:
        units |= Q(unit_kind="department", unit_code__in=scope.departments)
    if scope.police:
        by_beat = Grid.objects.filter(prefix_q("main_beat__code", scope.police))
        units |= Q(unit_kind="outpost", unit_code__in=by_beat.values("community__code"))
    return own | units
