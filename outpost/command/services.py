"""Dispatching from the board: one click sends a case on its suggested route; a batch sends
several, each on its own, so one refusal does not hold up the rest."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from outpost.cases import services as cases
from outpost.cases.models import Case
from outpost.cases.workflow import State
from outpost.command.board import pending
from outpost.geo.models import CommandRoom

STEPS = {
    State.REPORTED: ("accept", "dispatch"),
    State.ACCEPTED: ("dispatch",),
    State.DISPATCHED: ("dispatch",),  # sent up to the room: sent on from here
}
MAX_BATCH = 100


@dataclass(frozen=True)
class Outcome:
    number: str
    ok: bool
    message: str


def dispatch_on_route(room: CommandRoom, numbers: list[str], *, actor: Any) -> list[Outcome]:
    if len(numbers) > MAX_BATCH:
        raise ValidationError(f"一次最多派遣 {MAX_BATCH} 件")
    board = {c.number: c for c in pending(room, actor).filter(number__in=numbers)}
    return [_dispatch_one(board.get(number), number, actor) for number in dict.fromkeys(numbers)]


def _dispatch_one(case: Case | None, number: str, actor: Any) -> Outcome:
    if case is None:
        return Outcome(number, False, "不在本指挥室的待派遣队列中")
    steps = STEPS.get(State(case.state))
    if steps is None:
        return Outcome(number, False, "待民警核查，核查后才能派遣")
    try:
        with transaction.atomic():
            for action in steps:
                case = cases.act(case, action, actor=actor, comment="指挥室按建议路径派遣")
    except cases.CaseConflict:
        return Outcome(number, False, "案件已被他人处理，请刷新")
    except PermissionDenied:
        return Outcome(number, False, "您没有派遣此案件的权限")
    except ValidationError as error:
        return Outcome(number, False, "；".join(error.messages))
    units = "、".join(a.unit_name for a in case.assignments.filter(active=True))
    return Outcome(number, True, f"已派遣至 {units}")
