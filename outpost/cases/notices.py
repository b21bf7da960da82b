"""Inbox messages about cases (站内消息, kept by `outpost.notifications`), and how they read.

Telling the reporter (上报人回告): whoever reported a case hears, in their inbox, when it is
accepted, not accepted (with the reason), completed and closed. Written by `act` in the same
transaction as the step itself. Units hear of dispatches and cards (`supervision`).

A message is stored as an event code on a case and worded here (`worded`), when it is read, for
the one reading it: the case's title only as the case presenter lets them see it, so a
police-only case's title never reaches a civil role, and a case the reader no longer sees (it
left their area, or was dispatched away from their unit) shows nothing of itself: no title, no
number, no link.

Residents who reported by phone (110 diversion, hotline) have no account and no inbox; they
follow the same steps on the public status page by their tracking code."""

from collections.abc import Sequence
from typing import Any

from django.dispatch import Signal
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from outpost.cases.actors import Actor
from outpost.cases.models import Case, Source
from outpost.cases.presenter import CaseView, present_case
from outpost.cases.workflow import State, Transition
from outpost.notifications.models import Notification
from outpost.notifications.services import notify
from outpost.notifications.subjects import Worded

KIND = "case"  # the subject kind of case messages
EVENTS: dict[str, Promise] = {
    "dispatched": _("New dispatch: %(number)s %(title)s"),
    "card_yellow": _("Yellow card: %(number)s %(title)s"),
    "card_red": _("Red card: %(number)s %(title)s"),
    "urged": _("Urged: %(number)s %(title)s"),
    "accepted": _("Your report was accepted: %(number)s %(title)s"),
    "rejected": _("Your report was not accepted: %(number)s %(title)s"),
    "completed": _("Your report has been handled: %(number)s %(title)s"),
    "closed": _("Your report is closed: %(number)s %(title)s"),
}
# Messages kept from before events were stored, whose words could not be told apart.
OTHER = _("A message about case %(number)s")
UNSEEN = _("A message about a case you can no longer open")
WITH_REASON = _("%(message)s. Reason: %(reason)s")

ACCEPTED_FROM = (State.REPORTED, State.AWAITING_VERIFICATION)  # not a handler's return
TOLD_ON = {State.REJECTED: "rejected", State.COMPLETED: "completed", State.CLOSED: "closed"}
INTAKE = (Source.DIVERSION_110, Source.HOTLINE_12345, Source.HIGHER_LEVEL)
# Sent with every step taken (case, step, actor, now), in the step's transaction: residents who
# reported on the portal have no inbox and hear by SMS (`outpost.portal` listens).
case_stepped = Signal()


def reporter_event(step: Transition) -> str | None:
    """The event the reporter hears of for this step, or None."""
    if step.target == State.ACCEPTED and step.state in ACCEPTED_FROM:
        return "accepted"
    return TOLD_ON.get(step.target)


def tell_reporter(case: Case, step: Transition, actor: Actor, now: Any) -> None:
    """One inbox message to the reporter, unless they took the step themselves or only filed
    it at an intake desk (110, 12345, a higher level: the caller is the one who saw it).
    Listeners of `case_stepped` hear of every step."""
    case_stepped.send(sender=Case, case=case, step=step, actor=actor, now=now)
    event = reporter_event(step)
    if event is None or case.reporter_id is None or case.source in INTAKE:
        return
    if case.reporter_id == getattr(actor, "pk", None):
        return
    notify([case.reporter_id], KIND, case.pk, event, now)


def worded(notes: Sequence[Notification], viewer: Any) -> dict[int, Worded]:
    """Each case message's words and link for this reader (one query for the cases, one for
    which of them the reader may see); a message about a case no longer kept gets none."""
    from outpost.cases.services import visible_cases

    ids = {n.subject_id for n in notes}
    cases = Case.objects.in_bulk(ids)
    seen = set(visible_cases(viewer).filter(pk__in=ids).values_list("pk", flat=True))
    words = {}
    for note in notes:
        case = cases.get(note.subject_id)
        if case is None:
            continue
        if case.pk not in seen:  # nothing of it: not its number, nor a link that would name it
            words[note.pk] = Worded(str(UNSEEN), "")
            continue
        url = reverse("cases:detail", kwargs={"number": case.number})
        words[note.pk] = Worded(_words(note, present_case(case, viewer)), url, case.number)
    return words


def _words(message: Notification, seen: CaseView) -> str:
    template = EVENTS.get(message.event)
    if template is None:
        return str(OTHER % {"number": seen.case.number})
    text = str(template % {"number": seen.case.number, "title": seen.title}).strip()
    reason = seen.comment(_reason(seen.case)) if message.event == "rejected" else ""
    return str(WITH_REASON % {"message": text, "reason": reason}) if reason else text


def _reason(case: Case) -> str:
    """Why it was not accepted: what the one who rejected it said (read now, never copied)."""
    step = case.timeline.filter(action="reject").order_by("-at", "-id").first()
    return step.comment.strip() if step else ""
