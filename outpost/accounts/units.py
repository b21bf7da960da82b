"""承办单位: the units a case is dispatched to or an instruction is sent to, and who acts for them.

One vocabulary of kinds (`KINDS`). Instructions store the community's outpost station (平安前哨)
as `outpost`, cases as `community`: the same unit (a community, by its 12-digit code), so both
spellings are read as `community` (`kind_of`) and `acting_q` matches both; nothing is migrated.

Who acts for a unit is one rule, written three ways that must agree (the tests check this for
every persona and unit): `acts_for` (one user, one unit), `acting_q` (the rows a user acts for,
as a filter over `unit_kind`/`unit_code`) and `members` (the users who act for one unit).
It is the "handle" scope: grid workers for their grid, grid leaders for the grids and the
community of their area, community officers for their beat and for the community whose grids
have their beat as main beat (the station's 警务室), department handlers for their department;
a command room (by its station's code) for handlers whose area covers that code.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import Department, RoleAssignment, User
from outpost.accounts.roles import roles_granting
from outpost.accounts.scope import scope_for
from outpost.core.refusals import refusal
from outpost.core.scoping import NOTHING, Scope, prefix_q
from outpost.geo.models import CommandRoom, Division, Grid, OutpostStation, PoliceBeat

KINDS = ("grid", "community", "beat", "department", "room")
# Stored spellings of a kind other than its own name (instruction rows say `outpost`).
LEGACY = {"outpost": "community"}
SPELLINGS = {kind: (kind, *(old for old, new in LEGACY.items() if new == kind)) for kind in KINDS}
ACTION = "handle"


@dataclass(frozen=True)
class Unit:
    kind: str
    code: str
    name: str


def kind_of(stored: str) -> str:
    """The kind a stored `unit_kind` spells (`outpost` → `community`)."""
    return LEGACY.get(stored, stored)


def name_of(kind: str, code: str) -> str | None:
    """The unit's name, or None when there is no such unit. A community named `outpost` answers
    with its station's name (what instruction rows show), `community` with the community's."""
    return names_of([(kind, code)]).get((kind, code))


def names_of(units: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """`name_of` of many (kind, code) at once, one query per kind: the units that exist."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for kind, code in units:
        wanted[kind].add(code)
    found: dict[tuple[str, str], str] = {}
    for kind, codes in wanted.items():
        rows = _named(kind, codes)
        for code, name in [] if rows is None else rows.order_by("pk"):
            found.setdefault((kind, code), name)  # the first, as `first()` gave
    return found


def _named(kind: str, codes: set[str]) -> Any:
    """(code, name) rows of the units of one kind with these codes; None for an unknown kind."""
    if kind == "grid":
        return Grid.objects.filter(code__in=codes).values_list("code", "name")
    if kind == "outpost":
        stations = OutpostStation.objects.filter(community__code__in=codes)
        return stations.values_list("community__code", "name")
    if kind == "community":
        communities = Division.objects.filter(code__in=codes, level="community")
        return communities.values_list("code", "name")
    if kind == "beat":
        return PoliceBeat.objects.filter(code__in=codes).values_list("code", "name")
    if kind == "department":
        return Department.objects.filter(code__in=codes).values_list("code", "name")
    if kind == "room":
        rooms = CommandRoom.objects.filter(station__code__in=codes)
        return rooms.values_list("station__code", "name")
    return None


def resolve(kind: str, code: str) -> Unit:
    """The unit a kind and code name; a clear error when it does not exist."""
    found = name_of(kind, code)
    if found is None:
        raise refusal(_("No such unit to dispatch to: %(kind)s %(code)s"), kind=kind, code=code)
    return Unit(kind, code, found)


def acting_q(user: User, field: str = "") -> Q:
    """The unit rows (`<field>unit_kind`, `<field>unit_code`) the user acts for, as a filter."""
    return units_q(scope_for(user, ACTION), field)


def units_q(scope: Scope, field: str = "") -> Q:
    """The unit rows a scope covers, as a filter: the "handle" scope's are the units one acts
    for (`acting_q`); a case's reading scope covers the same units (`Case.scope_q`), so every
    case one may act on as its unit is one they see and list."""
    kind, code = f"{field}unit_kind", f"{field}unit_code"
    if scope.everything:
        return Q(**{f"{code}__gt": ""})
    if scope.empty:
        return NOTHING

    def of(unit_kind: str) -> Q:
        return Q(**{f"{kind}__in": SPELLINGS[unit_kind]})

    units = (of("grid") | of("community")) & prefix_q(code, scope.civil)
    units |= of("beat") & prefix_q(code, scope.police)
    units |= of("room") & prefix_q(code, (*scope.civil, *scope.police))
    if scope.departments:
        units |= of("department") & Q(**{f"{code}__in": scope.departments})
    if scope.police:
        by_beat = Grid.objects.filter(prefix_q("main_beat__code", scope.police))
        units |= of("community") & Q(**{f"{code}__in": by_beat.values("community__code")})
    return units


def acts_for(user: User, unit: Unit) -> bool:
    """Whether the user acts for the unit (`acting_q` for one unit)."""
    scope = scope_for(user, ACTION)
    if scope.everything:
        return bool(unit.code)
    return not scope.empty and _covers(scope, kind_of(unit.kind), unit.code)


def _covers(scope: Scope, kind: str, code: str) -> bool:
    civil = code.startswith(scope.civil) if scope.civil else False
    police = code.startswith(scope.police) if scope.police else False
    if kind == "grid":
        return civil
    if kind == "community":
        return civil or (
            bool(scope.police)
            and Grid.objects.filter(prefix_q("main_beat__code", scope.police))
            .filter(community__code=code)
            .exists()
        )
    if kind == "beat":
        return police
    if kind == "room":
        return civil or police
    if kind == "department":
        return code in scope.departments
    return False


def members(unit: Unit) -> QuerySet[User]:
    """The users who act for the unit: holders of a handling role whose area covers it."""
    kind, code = kind_of(unit.kind), unit.code
    prefixes = [code[:n] for n in range(1, len(code) + 1)]
    if kind == "grid":
        covering = Q(civil_prefix__in=prefixes)
    elif kind == "community":
        beats = Grid.objects.filter(community__code=code, main_beat__isnull=False)
        beat_prefixes = {
            beat[:n]
            for beat in beats.values_list("main_beat__code", flat=True)
            for n in range(1, len(beat) + 1)
        }
        covering = Q(civil_prefix__in=prefixes) | Q(police_prefix__in=beat_prefixes)
    elif kind == "beat":
        covering = Q(police_prefix__in=prefixes)
    elif kind == "room":
        covering = Q(civil_prefix__in=prefixes) | Q(police_prefix__in=prefixes)
    elif kind == "department":
        covering = Q(scope_kind="department", scope_code=code)
    else:
        covering = NOTHING
    holders = RoleAssignment.objects.filter(covering, role__in=roles_granting(ACTION))
    acting = Q(pk__in=holders.values("user_id")) | Q(is_superuser=True) if code else NOTHING
    return User.objects.filter(acting, is_active=True)
