"""Finding an area by its name for an administrator granting a role (the user pages' picker):
divisions, grids, police units, beats and departments whose name contains the words typed,
only those inside the administrator's own areas, and only of the kinds the chosen role goes on.

Rows are narrowed in SQL by the administrator's code prefixes, then decided exactly by the same
rule as a grant (`delegation.covers`), so the picker never offers what the grant would refuse."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from outpost.accounts import delegation
from outpost.accounts.models import Department, RoleAssignment
from outpost.accounts.roles import ROLE_RULES, Role, ScopeKind
from outpost.accounts.services import ResolvedScope
from outpost.geo.models import Division, Grid, PoliceBeat, PoliceUnit

LIMIT = 20
EACH = 200  # rows read per kind before the exact rule (names are short: a page of them is cheap)


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    kind: str  # ScopeKind
    label: str  # what it is: 街道, 社区, 网格, 派出所, 警务区, 职能部门
    within: str  # the name of what it lies in, to tell apart areas of the same name
    target: ResolvedScope

    def as_json(self) -> dict[str, str]:
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "label": self.label,
            "within": self.within,
        }


def find_areas(manager: Any, text: str, role: str = "", limit: int = LIMIT) -> list[Area]:
    """Areas inside the manager's own whose name contains `text`; exact names first."""
    text = text.strip()
    held = list(delegation.admin_assignments(manager))
    if not text or not held:
        return []
    kinds = ROLE_RULES[Role(role)].scope_kinds if role in Role.values else set(ScopeKind.values)
    found = [
        area
        for kind in ScopeKind.values
        if kind in kinds
        for area in _candidates(kind, text, held)
        if any(delegation.covers(a, area.target, area.code) for a in held)
    ]
    found.sort(key=lambda a: (a.name != text, len(a.name), a.code))
    return found[:limit]


def _prefixes(held: list[RoleAssignment], field: str, column: str) -> Q:
    q = Q(pk__in=[])
    for a in held:
        if prefix := getattr(a, field):
            q |= Q(**{f"{column}__startswith": prefix})
    return q


def _candidates(kind: str, text: str, held: list[RoleAssignment]) -> Iterable[Area]:
    named = Q(name__icontains=text)
    civil = named & _prefixes(held, "civil_prefix", "code")
    police = named & _prefixes(held, "police_prefix", "code")
    if kind == ScopeKind.DIVISION:
        rows = Division.objects.filter(civil, level__in=["district", "street", "community"])
        rows = rows.select_related("parent").prefetch_related("police_stations")
        return [_division(d) for d in rows[:EACH]]
    if kind == ScopeKind.GRID:
        return [_grid(g) for g in Grid.objects.filter(civil).select_related("community")[:EACH]]
    if kind == ScopeKind.POLICE_UNIT:
        units = PoliceUnit.objects.filter(police).select_related("street", "parent")
        return [_unit(u) for u in units[:EACH]]
    if kind == ScopeKind.BEAT:
        beats = PoliceBeat.objects.filter(police).select_related("station")
        return [_beat(b) for b in beats[:EACH]]
    roots = named & _prefixes([a for a in held if delegation.is_root(a)], "civil_prefix", "code")
    return [_department(d) for d in Department.objects.filter(roots)[:EACH]]


def _grid(g: Grid) -> Area:
    target = ResolvedScope(ScopeKind.GRID, g.name, g.code, "")
    return Area(g.code, g.name, ScopeKind.GRID, str(ScopeKind.GRID.label), g.community.name, target)


def _unit(u: PoliceUnit) -> Area:
    civil = u.street.prefix if u.street else u.prefix[:6]
    target = ResolvedScope(ScopeKind.POLICE_UNIT, u.name, civil, u.prefix)
    within = u.parent.name if u.parent else ""
    return Area(u.code, u.name, ScopeKind.POLICE_UNIT, u.get_level_display(), within, target)


def _beat(b: PoliceBeat) -> Area:
    target = ResolvedScope(ScopeKind.BEAT, b.name, "", b.code)
    return Area(b.code, b.name, ScopeKind.BEAT, str(ScopeKind.BEAT.label), b.station.name, target)


def _department(d: Department) -> Area:
    target = ResolvedScope(ScopeKind.DEPARTMENT, d.name, "", "")
    label = str(ScopeKind.DEPARTMENT.label)
    return Area(d.code, d.name, ScopeKind.DEPARTMENT, label, "", target)


def _division(d: Division) -> Area:
    stations = list(d.police_stations.all()) if d.level == "street" else []
    police = stations[0].prefix if stations else (d.prefix if d.level == "district" else "")
    target = ResolvedScope(ScopeKind.DIVISION, d.name, d.prefix, police)
    within = d.parent.name if d.parent else ""
    return Area(d.code, d.name, ScopeKind.DIVISION, d.get_level_display(), within, target)
