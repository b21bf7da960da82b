"""Scoped reads of cases for pages and the API: one case, who sees its details, the work queue's
tabs, the deadline in force and the units a dispatcher may choose. Every list starts from
`services.visible_cases` or `restrict`, so nothing here widens what a user sees."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import Department, User
from outpost.accounts.scope import restrict, scope_for
from outpost.accounts.units import acting_q
from outpost.cases import services
from outpost.cases.models import Case, CaseAssignment
from outpost.cases.presenter import present_case
from outpost.cases.routing import Unit, escalation_unit, resolve_unit, suggested_units
from outpost.cases.supervision import card_color
from outpost.cases.workflow import State

TO_DISPATCH = (State.REPORTED, State.ACCEPTED, State.AWAITING_VERIFICATION)
WITH_UNITS = (State.DISPATCHED, State.HANDLING, State.SUSPENDED)
URGED_IN = (State.DISPATCHED, State.HANDLING)


def get_case(user: User, number: str) -> Case:
    """The case if the user may see it; 404 otherwise, the same as for a missing number."""
    case = services.visible_cases(user).filter(number=number).select_related("subtype").first()
    if case is None:
        raise Http404
    return case


@dataclass(frozen=True)
class Tab:
    key: str
    label: Promise
    cases: QuerySet[Case]


def queue_tabs(user: User) -> list[Tab]:
    """The work queue's tabs this user's roles give, in working order; "all" is always there."""
    tabs = []
    if not scope_for(user, "dispatch").empty:
        tabs.append(Tab("dispatch", _("To dispatch"), to_dispatch(user)))
    if not scope_for(user, "verify").empty:
        tabs.append(Tab("verify", _("To verify"), to_verify(user)))
    if not scope_for(user, "handle").empty:
        tabs.append(Tab("units", _("My unit's cases"), handled_by(user)))
    if not scope_for(user, "report").empty:
        tabs.append(Tab("mine", _("Reported by me"), reported_by(user)))
    tabs.append(Tab("all", _("All in my area"), services.visible_cases(user)))
    return tabs


def to_dispatch(user: User) -> QuerySet[Case]:
    return restrict(Case.objects.filter(state__in=TO_DISPATCH), user, "dispatch")


def to_verify(user: User) -> QuerySet[Case]:
    return restrict(Case.objects.filter(state=State.AWAITING_VERIFICATION), user, "verify")


def handled_by(user: User) -> QuerySet[Case]:
    """Open cases dispatched to a unit the user works in (the HANDLER relation, as a query)."""
    if scope_for(user, "handle").empty:
        return Case.objects.none()
    assignments = CaseAssignment.objects.filter(acting_q(user), active=True)
    cases = services.visible_cases(user).filter(state__in=WITH_UNITS)
    return cases.filter(pk__in=assignments.values("case_id"))


def reported_by(user: User) -> QuerySet[Case]:
    return services.visible_cases(user).filter(reporter=user)


def rows(cases: Any, user: User) -> list[dict[str, Any]]:
    """One queue page, with what the user may see of each case and its deadline in force."""
    now = timezone.now()
    return [
        {
            "case": case,
            "title": present_case(case, user).title,
            "units": [a.unit_name for a in case.active_assignments],
            "deadline": deadline_in_force(case, now),
            # 催办 from the list: the relations were read with the page (`with_relations`)
            "urge": case.state in URGED_IN and "urge" in services.actions_for(case, user),
        }
        for case in cases
    ]


def for_queue(cases: QuerySet[Case]) -> QuerySet[Case]:
    active = CaseAssignment.objects.filter(active=True)
    return cases.select_related("subtype").prefetch_related(
        Prefetch("assignments", queryset=active, to_attr="active_assignments")
    )


@dataclass(frozen=True)
class Deadline:
    due: dt.datetime
    marker: str  # "", "near", "overdue" or "paused"


def deadline_in_force(case: Case, now: dt.datetime) -> Deadline | None:
    """The clock running now: sign-on while dispatched, handling while handled or suspended.
    "near" from 80% of the span (when the sweep issues a yellow card), "overdue" once past."""
    if case.state == State.DISPATCHED:
        start, due = case.sign_on_started, case.sign_on_due
    elif case.state in (State.HANDLING, State.SUSPENDED):
        start, due = case.handle_started, case.handle_due
    else:
        return None
    if due is None:
        return None
    if case.state == State.SUSPENDED:
        return Deadline(due, "paused")
    if now >= due:
        return Deadline(due, "overdue")
    return Deadline(due, "near" if card_color(start, due, now) == "yellow" else "")


def dispatch_candidates(case: Case) -> tuple[list[Unit], list[Unit]]:
    """(suggested, all candidates): the route the sub-type suggests first, then the case's grid,
    community and beat, the district's departments and the command room one level up."""
    suggested = _quietly(lambda: suggested_units(case))
    units = list(suggested)
    places = (
        ("grid", case.grid_code),
        ("community", case.grid_code[:12]),
        ("beat", case.beat_code),
    )
    for kind, code in places:
        if code:
            units += _quietly(lambda kind=kind, code=code: [resolve_unit(kind, code)])
    district = case.grid_code[:6] or settings.OUTPOST_DISTRICT_CODE[:6]
    departments = Department.objects.filter(code__startswith=district).order_by("code")
    units += [Unit("department", d.code, d.name) for d in departments]
    units += _quietly(lambda: [escalation_unit(case)])
    seen: dict[tuple[str, str], Unit] = {}
    for unit in units:
        seen.setdefault((unit.kind, unit.code), unit)
    return suggested, list(seen.values())


def _quietly(find: Any) -> list[Unit]:
    """A unit that cannot be found (no such department here, no command room) is left out."""
    try:
        return list(find())
    except ValidationError:
        return []


def by_tracking_code(code: str) -> Case:
    """The case a resident follows by its tracking code (no sign-in); 404 for an unknown code."""
    case = Case.objects.select_related("subtype__category").filter(tracking_code=code).first()
    if case is None:
        raise Http404
    return case
