"""Units of assessment: which unit a source row counts for, whether a unit lies in a viewer's
area, and the units' names.

A unit is a kind and a code. Civil units (grid, community, street) are read from a row's grid
code, police units (beat, station) from its beat code, by prefix: a community is the first 12
digits of a grid code, a street the first 9 (padded to its 12-digit division code), a station
the first 9 digits of a beat code. A worker is the user a row names (who collected, visited or
inspected). A unit lies in a viewer's area only when all of it does: a civil unit under one of
their civil prefixes, a police unit under one of their police prefixes (a beat's officer is
assessed on beats and stations, a grid leader on grids and communities). That is what makes a
scoped figure whole: every row of a unit in the area is a row the viewer sees.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import CharField, F, Q, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Concat, Substr
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.core.scoping import Scope, prefix_q
from outpost.geo.models import Division, Grid, PoliceBeat, PoliceUnit

KINDS: dict[str, Promise] = {
    "grid": _("Grid"),
    "community": _("Community"),
    "street": _("Street"),
    "beat": _("Police beat"),
    "station": _("Police station"),
    "worker": _("Worker"),
}
CIVIL = ("grid", "community", "street")
POLICE = ("beat", "station")
# What a unit's code looks like, so a code from a URL is checked before it is looked up.
SHAPES = {
    "grid": re.compile(r"^\d{15}$", re.ASCII),
    "community": re.compile(r"^\d{12}$", re.ASCII),
    "street": re.compile(r"^\d{9}000$", re.ASCII),
    "beat": re.compile(r"^\d{12}$", re.ASCII),
    "station": re.compile(r"^\d{9}000$", re.ASCII),
    "worker": re.compile(r"^\d{1,12}$", re.ASCII),
}
PREFIX = {"grid": 15, "community": 12, "street": 9, "beat": 12, "station": 9}


@dataclass(frozen=True)
class UnitSpec:
    """How a source's rows give one kind of unit: the code as an expression, the rows that
    have such a unit at all, and the field whose prefix places the row (civil or police)."""

    code: Callable[[], Combinable]
    field: str = ""  # the grid or beat code field placing the row; "" for workers
    where: Q | None = None  # None: every row
    person: str = ""  # for workers: the user field

    @property
    def rows_q(self) -> Q:
        return self.where if self.where is not None else Q()


def _prefix(field: str, digits: int) -> Callable[[], Combinable]:
    if digits == 9:
        return lambda: Concat(Substr(field, 1, 9), Value("000"), output_field=CharField())
    if digits == 12:
        return lambda: Substr(field, 1, 12, output_field=CharField())
    return lambda: F(field)


def place_units(
    grid: str = "grid_code", beat: str = "beat_code", worker: str = ""
) -> dict[str, UnitSpec]:
    """The units of a source whose rows carry a grid code and a beat code (and maybe a user)."""
    where = Q()
    units = {
        "grid": UnitSpec(_prefix(grid, 15), grid, where & ~Q(**{grid: ""})),
        "community": UnitSpec(_prefix(grid, 12), grid, where & ~Q(**{grid: ""})),
        "street": UnitSpec(_prefix(grid, 9), grid, where & ~Q(**{grid: ""})),
        "beat": UnitSpec(_prefix(beat, 12), beat, where & ~Q(**{beat: ""})),
        "station": UnitSpec(_prefix(beat, 9), beat, where & ~Q(**{beat: ""})),
    }
    if worker:
        code = lambda: Cast(worker, CharField())  # noqa: E731
        units["worker"] = UnitSpec(code, "", where & Q(**{f"{worker}__isnull": False}), worker)
    return units


def in_area_q(kind: str, spec: UnitSpec, scope: Scope) -> Q:
    """The rows whose unit of this kind lies wholly in the area."""
    if scope.everything or not spec.field:
        return Q()
    return prefix_q(spec.field, scope.civil if kind in CIVIL else scope.police)


def unit_q(kind: str, spec: UnitSpec, code: str) -> Q:
    """The rows of one unit."""
    if spec.person:
        return Q(**{f"{spec.person}_id": int(code)})
    return Q(**{f"{spec.field}__startswith": code[: PREFIX[kind]]})


def valid(kind: str, code: str) -> bool:
    return kind in SHAPES and bool(SHAPES[kind].match(code))


def lies_in(kind: str, code: str, scope: Scope) -> bool:
    """Whether a civil or police unit lies wholly in the area (workers: see `queries`)."""
    if scope.everything:
        return True
    prefixes = scope.civil if kind in CIVIL else scope.police if kind in POLICE else ()
    head = code[: PREFIX[kind]] if kind in PREFIX else code
    return any(head.startswith(p) for p in prefixes)


def names(kind: str, codes: Iterable[str]) -> dict[str, str]:
    """The units' names in one query (a code with no unit keeps its code)."""
    wanted = [c for c in codes if c]
    found: Iterable[tuple[str, str]]
    if kind == "grid":
        found = Grid.objects.filter(code__in=wanted).values_list("code", "name")
    elif kind in ("community", "street"):
        found = Division.objects.filter(code__in=wanted).values_list("code", "name")
    elif kind == "beat":
        found = PoliceBeat.objects.filter(code__in=wanted).values_list("code", "name")
    elif kind == "station":
        found = PoliceUnit.objects.filter(code__in=wanted).values_list("code", "name")
    else:
        ids = [int(c) for c in wanted if c.isdigit()]
        rows = User.objects.filter(pk__in=ids).values_list("pk", "display_name", "username")
        found = [(str(pk), shown or username) for pk, shown, username in rows]
    return dict(found)
