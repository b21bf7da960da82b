"""Dispatching from the board: one click sends a case on its suggested route; a batch sends
several, each on its own, so one refusal does not hold up the rest."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.cases import services as cases
from outpost.cases.models import Case
from outpost.cases.workflow import Relation, State, path_to
from outpost.command.board import pending
from outpost.core.refusals import refusal
from outpost.geo.models import CommandRoom

MAX_BATCH = 100
ON_ROUTE = _("Dispatched by the command room on the suggested route")


@dataclass(frozen=True)
class Outcome:
    number: str
    ok: bool
    message: str


def dispatch_on_route(room: CommandRoom, numbers: list[str], *, actor: User) -> list[Outcome]:
    if len(numbers) > MAX_BATCH:
        raise refusal(_("At most %(n)s cases at a time"), n=MAX_BATCH)
    board = {c.number: c for c in pending(room, actor).filter(number__in=numbers)}
    return [_dispatch_one(board.get(number), number, actor) for number in dict.fromkeys(numbers)]


def _dispatch_one(case: Case | None, number: str, actor: User) -> Outcome:
    if case is None:
        return Outcome(number, False, str(_("Not waiting in this room's queue")))
    # The table's own route to 派遣 for a dispatcher: 受理 first where the case needs it.
    steps = path_to(State(case.state), "dispatch", {Relation.DISPATCHER}, cases.facts_for(case))
    if steps is None:
        return Outcome(number, False, str(_("Awaiting police verification; dispatch after it")))
    try:
        with transaction.atomic():
            for action in steps:
                case = cases.act(case, action, actor=actor, comment=str(ON_ROUTE))
    except cases.CaseConflict:
        return Outcome(number, False, str(_("Someone else acted on it first; reload")))
    except PermissionDenied:
        return Outcome(number, False, str(_("You may not dispatch this case")))
    except ValidationError as error:
        return Outcome(number, False, "；".join(error.messages))
    units = "、".join(a.unit_name for a in case.assignments.filter(active=True))
    return Outcome(number, True, str(_("Dispatched to %(units)s") % {"units": units}))
