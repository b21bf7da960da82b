"""An operator corrects the desk's decision on a call: divert it to another sub-type, keep it
with the police, or divert a call that was kept; or confirms it (确认): the decision stands. Each
correction and confirmation is stored (who, when, from, to; a confirmation goes from a label to
itself) with an audit row and becomes training data for the next model (`learning.retrain`).
Confirmations matter as much as corrections: a desk that learns only from its mistakes sees
hundreds of "should have been diverted" and none of the police calls it rightly kept, and its
next model diverts some of those (bench/divert_learning.py).

What happens to the case: a diverted call's case is withdrawn (returned, if dispatched, and
rejected, saying why) before the call is kept or diverted again; a new sub-type opens a new case
on its route, exactly as a diverted call does, and only where the desk could have diverted it
(its address matched, in a grid, in the operator's area). A case already being handled is not
touched: the correction is refused, to be made on the case's own page.
"""

from collections.abc import Sequence
from dataclasses import replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.calls.classify import DIVERT, POLICE, POLICE_LABEL
from outpost.calls.intake import IncomingCall
from outpost.calls.models import Call, Correction
from outpost.calls.queries import get_call, subtype_names
from outpost.calls.reasons import REASONS, Reason, desk_reason
from outpost.calls.services import (
    DIVERSION_CATEGORY,
    Area,
    Batch,
    Plan,
    _doubt,
    _open_case,
    call_namespace,
)
from outpost.cases.models import Case, SubType
from outpost.cases.services import act
from outpost.core.audit import record_change
from outpost.core.refusals import refusal

WITHDRAWN = _("110 call %(call)s corrected by the operator: %(to)s")
UNCHANGED = _("The call already stands so")
CONFIRMED = _("An operator has already confirmed or set this decision")
UNDER_WAY = _("Its case is already being handled; change it on the case's page")
NOT_A_SUBTYPE = _("Not a sub-type the desk diverts to: %(label)s")


def label_of(call: Call) -> str:
    """The call's decision as a label: POLICE or its sub-type."""
    return call.subtype if call.decision == DIVERT else POLICE_LABEL


def do_correct(call_id: str, to_label: str, *, actor: User) -> Call:
    """Correct the call to `to_label` (POLICE or a 09xx sub-type in use). 404 outside the
    actor's area, 403 without the right to dispatch there; ValidationError when it cannot be."""
    call = get_call(actor, call_id)
    subtypes = {
        s.code: s
        for s in SubType.objects.select_related("category").filter(
            category__code=DIVERSION_CATEGORY, active=True
        )
    }
    if to_label != POLICE_LABEL and to_label not in subtypes:
        raise refusal(NOT_A_SUBTYPE, label=to_label[:8])
    before = label_of(call)
    if to_label == before:
        raise refusal(UNCHANGED)
    with transaction.atomic():
        locked = Call.objects.select_for_update(of=("self",))
        call = locked.select_related("case", "address").get(pk=call.pk)
        if call.case is not None:
            _withdraw(call.case, call, to_label, actor)
        case = None if to_label == POLICE_LABEL else _divert(call, to_label, subtypes, actor)
        _store(call, to_label, case)
        Correction.objects.create(
            call=call, actor=actor, at=timezone.now(), from_label=before, to_label=to_label
        )
        record_change(
            actor=actor,
            action="correct_call",
            object_type="call",
            object_key=call.call_id,
            before={"label": before},
            after={"label": to_label, "case": case.number if case else ""},
        )
    return call


def do_confirm(call_id: str, *, actor: User) -> Call:
    """Confirm the call's decision as it stands: stored as a correction to the same label, and
    no longer marked for the operator. 404 outside the actor's area, 403 without the right to
    dispatch there; ValidationError when an operator already confirmed or set this decision."""
    call = get_call(actor, call_id)
    with transaction.atomic():
        call = Call.objects.select_for_update(of=("self",)).get(pk=call.pk)
        label = label_of(call)
        latest = call.corrections.order_by("-at", "-id").first()
        if latest is not None and latest.to_label == label:
            raise refusal(CONFIRMED)
        Correction.objects.create(
            call=call, actor=actor, at=timezone.now(), from_label=label, to_label=label
        )
        if call.marked:
            call.marked = False
            call.save(update_fields=["marked"])
        record_change(
            actor=actor,
            action="confirm_call",
            object_type="call",
            object_key=call.call_id,
            after={"label": label},
        )
    return get_call(actor, call_id)


def do_confirm_many(call_ids: Sequence[str], *, actor: User) -> int:
    """Confirm each of these calls the actor may decide that no operator has confirmed or set
    yet, each in its own transaction; how many were. The rest are passed over alike (outside the
    area, not the actor's to decide, already decided, no such call), so the count says nothing
    about calls the actor does not see."""
    confirmed = 0
    for call_id in dict.fromkeys(call_ids):
        try:
            do_confirm(call_id, actor=actor)
        except (Http404, PermissionDenied, ValidationError):
            continue
        confirmed += 1
    return confirmed


def _withdraw(case: Case, call: Call, to_label: str, actor: User) -> None:
    comment = str(WITHDRAWN) % {"call": call.call_id, "to": _name(to_label)}
    try:
        if case.state == "dispatched":
            case = act(case, "return", actor=actor, comment=comment)
        if case.state != "accepted":
            raise refusal(UNDER_WAY)
        act(case, "reject", actor=actor, comment=comment)
    except PermissionDenied:
        raise refusal(UNDER_WAY) from None


def _divert(call: Call, to_label: str, subtypes: dict[str, SubType], actor: User) -> Case:
    batch = Batch(actor, Area(actor), subtypes, call_namespace(actor))
    plan = Plan(DIVERT, to_label, _reason(to_label), call.address)
    doubt = _doubt(plan, batch)
    if doubt is not None:
        raise refusal(REASONS[doubt.code], **doubt.params)
    incoming = IncomingCall(
        call_id=call.call_id,
        received_at=call.received_at,
        # The number goes from the call to its case, as on the first diversion; no one sees it.
        caller_phone=call.caller_phone.reveal(),
        location_text=call.location_text,
        content=call.content,
    )
    return _open_case(incoming, replace(plan), batch)


def _store(call: Call, to_label: str, case: Case | None) -> None:
    call.decision = POLICE if to_label == POLICE_LABEL else DIVERT
    call.subtype = "" if to_label == POLICE_LABEL else to_label
    call.case = case
    call.marked = False
    reason = _reason(to_label, desk=desk_reason(call.reason_code, call.reason_params))
    call.reason_code, call.reason_params = reason.code, reason.stored()
    call.save(
        update_fields=["decision", "subtype", "case", "marked", "reason_code", "reason_params"]
    )


def _reason(label: str, desk: Reason | None = None) -> Reason:
    kept = {"desk": desk} if desk is not None else {}
    if label == POLICE_LABEL:
        return Reason("corrected_police", kept)
    return Reason("corrected", {"subtype": _name(label), **kept})


def _name(label: str) -> str:
    if label == POLICE_LABEL:
        return gettext("Kept with the police")
    return subtype_names().get(label, label)
