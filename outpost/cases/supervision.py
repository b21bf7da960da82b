"""督办: yellow cards at 80% of a deadline, red cards when it passes, escalation on red."""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from outpost.accounts.models import RoleAssignment
from outpost.accounts.roles import roles_granting
from outpost.accounts.units import Unit, members
from outpost.cases.models import Card, Case
from outpost.cases.workflow import State
from outpost.notifications.services import notify

YELLOW_AT = 0.8
CLOCKS = (
    ("sign_on", State.DISPATCHED, "sign_on_started", "sign_on_due"),
    ("handling", State.HANDLING, "handle_started", "handle_due"),
)


@dataclass
class SweepReport:
    cards: Counter[str] = field(default_factory=Counter)
    escalated: int = 0


def sweep(now: dt.datetime | None = None) -> SweepReport:
    """One pass over the open clocks; cards are issued once per deadline, so it can run often."""
    now = now or timezone.now()
    report = SweepReport()
    for clock, state, started, due in CLOCKS:
        cases = Case.objects.filter(state=state, **{f"{due}__isnull": False})
        for case in cases.select_related("subtype").iterator(chunk_size=500):
            color = card_color(getattr(case, started), getattr(case, due), now)
            if color:
                _issue(case, color, clock, getattr(case, due), now, report)
    return report


def yellow_from(start: dt.datetime, due: dt.datetime) -> dt.datetime:
    """When a deadline's yellow card is due: at 80% of its span."""
    return start + (due - start) * YELLOW_AT


def card_color(start: dt.datetime | None, due: dt.datetime | None, now: dt.datetime) -> str:
    """The card a clock has earned by now: "" (none), "yellow" or "red"; the sweep issues it and
    the pages mark a deadline near or overdue by the same rule."""
    if start is None or due is None:
        return ""
    if now >= due:
        return "red"
    return "yellow" if due > start and now >= yellow_from(start, due) else ""


def _issue(
    case: Case, color: str, clock: str, due: dt.datetime, now: dt.datetime, report: SweepReport
) -> None:
    """The card, the units told of it and, for a red one, the escalation: one transaction."""
    try:
        with transaction.atomic():
            Card.objects.create(case=case, color=color, clock=clock, deadline=due, issued_at=now)
            notify_case_units(case, f"card_{color}", now)
            escalated = _escalate(case, color)
    except IntegrityError:
        return  # this card was issued by an earlier sweep
    report.cards[color] += 1
    report.escalated += escalated


def _escalate(case: Case, color: str) -> int:
    """On a red card the room one level up joins the case: the workflow's own `escalate` step,
    taken by the sweep (督办) with its timeline row. A case moved on meanwhile, or with no room
    above it, keeps its card without escalation."""
    if color != "red" or not settings.OUTPOST_ESCALATE_RED_CARDS:
        return 0
    from outpost.cases.actors import SWEEP  # the executor reads notices from this module
    from outpost.cases.services import CaseConflict, act

    try:
        with transaction.atomic():
            # Read afresh: the sweep's copy is from the start of its chunk, and a conflict here
            # would lose the escalation for good (the card is issued once).
            act(Case.objects.select_related("subtype").get(pk=case.pk), "escalate", actor=SWEEP)
    except (CaseConflict, ValidationError):
        return 0
    return 1


# Who is on duty in a command room (station code, now → user ids). The command room app
# registers its roster here at start-up, so cases need not know how rooms are staffed.
ROOM_DUTY: list[Callable[[str, Any], set[int]]] = []

# Periodic work of higher apps run in each round of the sweep loop (`outpost cases sweep
# --loop`, not the one-off sweep), after the cards and webhooks: the early warnings register
# their scan (`warnings.scan.scan`, taking the sweep's `now`, answering what it raised per rule).
AFTER_SWEEP: list[Callable[[Any], dict[str, int]]] = []


def notify_case_units(case: Case, event: str, now: Any) -> int:
    """An inbox message (an event code; its words are rendered when read) to everyone who acts
    for the units the case is with (`units.members`; not superusers, who act for every unit) and
    who dispatches there; for a command room, to whoever is on duty there (everyone who
    dispatches there when nobody is). Roles that neither handle nor dispatch (8大员 reporters,
    auditors) hear nothing of other people's cases."""
    active = list(case.assignments.filter(active=True))
    units = [Unit(a.unit_kind, a.unit_code, a.unit_name) for a in active]
    people = [members(unit).filter(is_superuser=False) for unit in units]
    users = {pk for found in people for pk in found.values_list("pk", flat=True)}
    dispatchers = RoleAssignment.objects.filter(
        scope_code__in=[u.code for u in units], role__in=roles_granting("dispatch")
    )
    users |= set(dispatchers.values_list("user_id", flat=True))
    for room in (u for u in units if u.kind == "room"):
        on_duty = set().union(*(who(room.code, now) for who in ROOM_DUTY))
        if on_duty:
            users -= set(members(room).values_list("pk", flat=True))
            users -= set(dispatchers.filter(scope_code=room.code).values_list("user_id", flat=True))
            users |= on_duty
    return notify(users, "case", case.pk, event, now)
