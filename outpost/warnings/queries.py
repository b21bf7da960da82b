"""Scoped reads of warnings, and their evidence as far as the viewer may see it.

A warning is seen where it lies (its grid or beat) by whoever sees cases there (`view_cases`
over an area: not reporters, not department handlers); it is acted on (签收, 结束) by whoever
handles or dispatches over its unit (`recipients.ACTING`). Its evidence is read through each
record's own scope and presenter, for this viewer, now: a case's title through
`cases.presenter`, a person's name only from the registry's own scope."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.accounts.scope import get_for_user, restrict, scope_for
from outpost.cases.presenter import present_case
from outpost.cases.services import visible_cases
from outpost.core.scoping import Scope
from outpost.fieldwork.queries import inspections_for
from outpost.geo.models import Division, Grid, PoliceBeat, PoliceUnit
from outpost.registry.queries import addresses_for, people_for
from outpost.warnings.models import EarlyWarning, WarningState
from outpost.warnings.recipients import ACTING
from outpost.warnings.rules import RULES, UNIT_KINDS

SEEN = "view_cases"
HIDDEN_CASE = _("A case you may not see")
HIDDEN_PERSON = _("A person whose record you may not see")
HIDDEN_PLACE = _("A place whose record you may not see")
HIDDEN_INSPECTION = _("An inspection you may not see")


def may_see(user: User) -> bool:
    scope = scope_for(user, SEEN)
    return bool(scope.everything or scope.civil or scope.police)


def seen_scope(user: User) -> Scope:
    if not may_see(user):
        raise PermissionDenied
    return scope_for(user, SEEN)


def warnings_for(user: User) -> QuerySet[EarlyWarning]:
    if not may_see(user):
        raise PermissionDenied
    return restrict(EarlyWarning.objects.all(), user, SEEN)


def acting_q(user: User) -> Q:
    """The warnings whose unit the user acts for (handle or dispatch over it)."""
    where = Q(pk__in=[])
    for action in ACTING:
        scope = scope_for(user, action)
        if scope.everything:
            return Q()
        where |= EarlyWarning.unit_q(scope)
    return where


def may_act(user: User, warning: EarlyWarning) -> bool:
    return EarlyWarning.objects.filter(acting_q(user), pk=warning.pk).exists()


def get_warning(user: User, pk: int, *, acting: bool = False) -> EarlyWarning:
    """404 outside what the user sees; 403 when acting on one whose unit is not theirs."""
    if not may_see(user):
        raise PermissionDenied
    warning = get_for_user(EarlyWarning.objects.all(), user, SEEN, seen=SEEN, pk=pk)
    if acting and not may_act(user, warning):
        raise PermissionDenied
    return warning


def filtered(rows: QuerySet[EarlyWarning], params: Any) -> QuerySet[EarlyWarning]:
    """The list's filters: rule, state, unit kind and unit code (unknown values ignored)."""
    if (rule := params.get("rule", "")) in RULES:
        rows = rows.filter(rule=rule)
    if (state := params.get("state", "")) in WarningState.values:
        rows = rows.filter(state=state)
    if (kind := params.get("unit_kind", "")) in UNIT_KINDS:
        rows = rows.filter(unit_kind=kind)
    if unit := params.get("unit", "").strip()[:15]:
        rows = rows.filter(unit_code=unit)
    return rows


def unit_names(warnings: Iterable[EarlyWarning]) -> dict[tuple[str, str], str]:
    """Each warning's unit name, one query per kind present."""
    wanted: dict[str, set[str]] = {}
    for w in warnings:
        wanted.setdefault(w.unit_kind, set()).add(w.unit_code)
    names: dict[tuple[str, str], str] = {}
    models: dict[str, Any] = {
        "grid": Grid,
        "street": Division,
        "beat": PoliceBeat,
        "station": PoliceUnit,
    }
    for kind, codes in wanted.items():
        rows = models[kind].objects.filter(code__in=codes).values_list("code", "name")
        names.update({(kind, code): name for code, name in rows})
    return names


@dataclass(frozen=True)
class EvidenceRow:
    kind: str
    label: str
    url: str  # "" when the viewer may not open it


def evidence_of(warning: EarlyWarning, viewer: User) -> list[EvidenceRow]:
    return evidence_for([warning], viewer)[warning.pk]


def evidence_for(warnings: list[EarlyWarning], viewer: User) -> dict[int, list[EvidenceRow]]:
    """Each warning's evidence as this viewer may see it: one query per kind of record, however
    many warnings (a row the viewer may not open is named only by its kind)."""
    ids: dict[str, set[int]] = {}
    for w in warnings:
        for row in w.evidence:
            ids.setdefault(str(row["kind"]), set()).add(int(row["id"]))
    seen = {
        kind: READERS[kind](viewer, sorted(pks)) for kind, pks in ids.items() if kind in READERS
    }
    return {w.pk: [_shown(seen, r) for r in w.evidence] for w in warnings}


def _shown(seen: dict[str, dict[int, EvidenceRow]], row: dict[str, Any]) -> EvidenceRow:
    kind = str(row["kind"])
    found = seen.get(kind, {}).get(int(row["id"]))
    return found or EvidenceRow(kind, str(HIDDEN.get(kind, HIDDEN_PLACE)), "")


def _cases(viewer: User, pks: list[int]) -> dict[int, EvidenceRow]:
    rows = visible_cases(viewer).filter(pk__in=pks).select_related("subtype")
    return {
        c.pk: EvidenceRow(
            "case",
            f"{c.number} {present_case(c, viewer).title}",
            reverse("cases:detail", args=[c.number]),
        )
        for c in rows
    }


def _people(viewer: User, pks: list[int]) -> dict[int, EvidenceRow]:
    if scope_for(viewer, "view_registry").empty:
        return {}
    rows = people_for(viewer).filter(pk__in=pks).values_list("pk", "person_no", "name")
    return {
        pk: EvidenceRow("person", name, reverse("registry:person", args=[number]))
        for pk, number, name in rows
    }


def _addresses(viewer: User, pks: list[int]) -> dict[int, EvidenceRow]:
    if scope_for(viewer, "view_registry").empty:
        return {}
    rows = addresses_for(viewer).filter(pk__in=pks).values_list("pk", "code", "full_text")
    return {
        pk: EvidenceRow("address", text, reverse("registry:address", args=[code]))
        for pk, code, text in rows
    }


def _inspections(viewer: User, pks: list[int]) -> dict[int, EvidenceRow]:
    if scope_for(viewer, "view_registry").empty:
        return {}
    rows = inspections_for(viewer).filter(pk__in=pks).select_related("checklist")
    return {
        i.pk: EvidenceRow(
            "inspection",
            f"{i.checklist.name} {i.started_at:%Y-%m-%d}",
            reverse("fieldwork:inspection", args=[i.pk]),
        )
        for i in rows
    }


READERS = {
    "case": _cases,
    "person": _people,
    "address": _addresses,
    "inspection": _inspections,
}
HIDDEN = {
    "case": HIDDEN_CASE,
    "person": HIDDEN_PERSON,
    "address": HIDDEN_PLACE,
    "inspection": HIDDEN_INSPECTION,
}


def summary(warning: EarlyWarning) -> str:
    """The warning's own words: its rule's sentence with its figures (numbers only)."""
    rule = RULES.get(warning.rule)
    if rule is None:
        return warning.rule
    try:
        return str(rule.summary) % warning.params
    except (KeyError, TypeError, ValueError):
        return str(rule.name)


def rule_name(warning: EarlyWarning) -> str:
    rule = RULES.get(warning.rule)
    return str(rule.name) if rule else warning.rule


def map_points(user: User) -> list[dict[str, Any]]:
    """The open warnings with a point, for the 预警图 layer. A warning about a police-only case
    is placed only for who sees that case's details (its point is one)."""
    rows = warnings_for(user).exclude(state=WarningState.CLOSED).filter(lon__isnull=False)
    points = []
    for w in rows.order_by("-created_at")[:2000]:
        if w.police_only and not _sees_all_cases(w, user):
            continue
        points.append(
            {
                "id": w.pk,
                "lon": w.lon,
                "lat": w.lat,
                "level": w.level,
                "rule": rule_name(w),
                "state": w.state,
                "url": reverse("warnings:detail", args=[w.pk]),
            }
        )
    return points


def _sees_all_cases(warning: EarlyWarning, user: User) -> bool:
    pks = [int(r["id"]) for r in warning.evidence if r["kind"] == "case"]
    cases = visible_cases(user).filter(pk__in=pks)
    return len(cases) == len(set(pks)) and all(present_case(c, user).details for c in cases)
