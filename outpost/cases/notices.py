"""Telling the reporter (上报人回告): whoever reported a case hears, in their inbox, when it is
accepted, not accepted (with the reason), completed and closed. Written by `act` in the same
transaction as the step itself; the words are rendered when read (`outpost.cases.inbox`).

Residents who reported by phone (110 diversion, hotline) have no account and no inbox; they
follow the same steps on the public status page by their tracking code."""

from typing import Any

from outpost.cases.actors import Actor
from outpost.cases.models import Case, Notification, Source
from outpost.cases.workflow import State, Transition

ACCEPTED_FROM = (State.REPORTED, State.AWAITING_VERIFICATION)  # not a handler's return
TOLD_ON = {State.REJECTED: "rejected", State.COMPLETED: "completed", State.CLOSED: "closed"}
INTAKE = (Source.DIVERSION_110, Source.HOTLINE_12345, Source.HIGHER_LEVEL)


def reporter_event(step: Transition) -> str | None:
    """The event the reporter hears of for this step, or None."""
    if step.target == State.ACCEPTED and step.state in ACCEPTED_FROM:
        return "accepted"
    return TOLD_ON.get(step.target)


def tell_reporter(case: Case, step: Transition, actor: Actor, now: Any) -> None:
    """One inbox message to the reporter, unless they took the step themselves or only filed
    it at an intake desk (110, 12345, a higher level: the caller is the one who saw it)."""
    event = reporter_event(step)
    if event is None or case.reporter_id is None or case.source in INTAKE:
        return
    if case.reporter_id == getattr(actor, "pk", None):
        return
    Notification.objects.create(user_id=case.reporter_id, case=case, event=event, created_at=now)
