"""110 diversion API: divert a list of calls, list the calls of one's area (the desk's filters),
read one call and correct it (scoped); the model in use."""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from outpost.accounts.signed_in import SignedInRequest
from outpost.calls.corrections import do_confirm, do_correct
from outpost.calls.learning import model_in_use
from outpost.calls.models import Call
from outpost.calls.queries import (
    get_call,
    may_divert,
    narrowed,
    recent_calls,
    subtype_names,
    why_shown,
)
from outpost.calls.services import divert_calls
from outpost.core.bounds import MAX_COUNT
from outpost.core.refusals import refusal
from outpost.registry.tabular import TableRow

router = Router(tags=["calls"])
MAX_CALLS = 1000


class CallIn(Schema):
    """Fields as in the call files; each row is checked by the service, which names the field
    at fault in the row's `error` rather than refusing the whole list."""

    call_id: str = Field("", max_length=64)
    received_at: str = Field("", max_length=40, description="ISO 8601, e.g. 2026-11-18T07:12+08:00")
    caller_phone: str = Field("", max_length=32)
    location_text: str = Field("", max_length=400)
    content: str = Field("", max_length=4000)


class OutcomeOut(Schema):
    row: int = Field(..., description="Position in the list, from 1")
    call_id: str
    decision: str = Field(..., description="divert or police")
    subtype: str
    subtype_name: str
    addr_id: str
    grid_code: str
    reason: str
    case_number: str
    error: str = Field(..., description="Why the row was not handled (it stays with the police)")
    field: str


class CallOut(Schema):
    call_id: str
    received_at: dt.datetime
    caller_phone: str = Field(..., description="Masked")
    location_text: str
    content: str
    decision: str
    subtype: str
    subtype_name: str
    addr_id: str
    address: str
    grid_code: str
    beat_code: str
    reason: str
    reason_code: str = Field(
        ...,
        description="Why, as a code: e.g. danger (a danger sign keeps it), model, unsure, kept",
    )
    desk_reason: str = Field(
        ..., description="Once an operator corrected the call: why the desk had decided; else ''"
    )
    desk_reason_code: str = Field(
        ...,
        description="Why the desk itself decided, as a code (e.g. danger), kept through "
        "corrections; '' for a call stored before reasons had codes",
    )
    case_number: str
    imported_at: dt.datetime
    suggested: str = Field(
        ...,
        description="The model's class: POLICE or a sub-type; '' if not asked. For a call a "
        "danger sign kept, the sub-type the model would divert it to without the sign (for the "
        "operator to check; the decision stays police), else ''",
    )
    confidence: float | None = Field(..., description="The model's probability for it")
    why: list[str] = Field(..., description="The features that weighed most, largest first")
    marked: bool = Field(..., description="Kept only because the model could not tell")
    model_version: int | None
    reviewed: bool = Field(..., description="An operator has confirmed or corrected it")


class CorrectionIn(Schema):
    to: str = Field(..., max_length=8, description="POLICE, or the 09xx sub-type to divert to")


class ModelOut(Schema):
    version: int | None = Field(..., description="None until the first call trains the default")
    trained_at: dt.datetime | None
    counts: dict[str, int] = Field(..., description="Training examples by source")
    scores: dict[str, dict[str, Any]] = Field(..., description="Scores by set: sample, unseen")
    verdict: str


@router.post(
    "/calls/divert",
    response=list[OutcomeOut],
    summary="Divert non-police 110 calls to cases in their grid, or keep them with the police",
)
def divert(request: SignedInRequest, calls: list[CallIn]) -> list[dict[str, Any]]:
    if len(calls) > MAX_CALLS:
        raise refusal(_("At most %(n)s calls at a time"), n=MAX_CALLS)
    rows = [TableRow(number=i, values=c.dict()) for i, c in enumerate(calls, start=1)]
    return [o.as_dict() for o in divert_calls(rows, actor=request.user)]


@router.get("/calls/model", response=ModelOut, summary="The call model in use and its scores")
def call_model(request: SignedInRequest) -> dict[str, Any]:
    if not may_divert(request.user):
        raise PermissionDenied
    model = model_in_use()
    if model is None:
        return {"version": None, "trained_at": None, "counts": {}, "scores": {}, "verdict": ""}
    return {
        "version": model.version,
        "trained_at": model.trained_at,
        "counts": model.counts,
        "scores": model.scores,
        "verdict": model.verdict_text,
    }


@router.get("/calls", response=list[CallOut], summary="The 110 calls of your area, newest first")
def list_calls(
    request: SignedInRequest,
    show: Literal["", "unreviewed", "marked", "second"] = Query(
        "",
        description="As the desk's tabs: not yet reviewed; marked cannot tell; a danger sign "
        "kept it and the model would divert it (the second reading). '' for all",
    ),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_COUNT),
) -> list[dict[str, Any]]:
    if not may_divert(request.user):
        raise PermissionDenied
    found = narrowed(recent_calls(request.user), show)[offset : offset + limit]
    names = subtype_names()
    return [_call(call, names) for call in found]


@router.get("/calls/{call_id}", response=CallOut, summary="One 110 call in your area")
def call_detail(request: SignedInRequest, call_id: str) -> dict[str, Any]:
    return _call(get_call(request.user, call_id))


@router.post(
    "/calls/{call_id}/correct",
    response=CallOut,
    summary="Correct a call: divert it to another sub-type, keep it with the police, or divert it",
)
def correct(request: SignedInRequest, call_id: str, body: CorrectionIn) -> dict[str, Any]:
    return _call(do_correct(call_id, body.to, actor=request.user))


@router.post(
    "/calls/{call_id}/confirm",
    response=CallOut,
    summary="Confirm a call's decision as it stands (training data for the next model)",
)
def confirm(request: SignedInRequest, call_id: str) -> dict[str, Any]:
    return _call(do_confirm(call_id, actor=request.user))


def _call(call: Call, names: dict[str, str] | None = None) -> dict[str, Any]:
    """The call as the API gives it; `names` the sub-types' names, read once for a list."""
    names = subtype_names() if names is None else names
    address = call.address
    return {
        "call_id": call.call_id,
        "received_at": call.received_at,
        "caller_phone": call.caller_phone_masked,
        "location_text": call.location_text,
        "content": call.content,
        "decision": call.decision,
        "subtype": call.subtype,
        "subtype_name": names.get(call.subtype, ""),
        "addr_id": address.code if address else "",
        "address": address.full_text if address else "",
        "grid_code": call.grid_code,
        "beat_code": call.beat_code,
        "reason": call.reason_text,
        "reason_code": call.reason_code,
        "desk_reason": call.desk_reason_text,
        "desk_reason_code": call.desk_reason_code,
        "case_number": call.case.number if call.case else "",
        "imported_at": call.imported_at,
        "suggested": call.suggested,
        "confidence": call.confidence,
        "why": why_shown(call.why),
        "marked": call.marked,
        "model_version": call.model_version,
        "reviewed": _reviewed(call),
    }


def _reviewed(call: Call) -> bool:
    """As annotated by `queries` (no query per listed call); asked for a call stored just now."""
    known = getattr(call, "reviewed", None)
    return bool(known) if known is not None else call.corrections.exists()
