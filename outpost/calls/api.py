"""110 diversion API: divert a list of calls, read one call (scoped)."""

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema

from outpost.accounts.signed_in import SignedInRequest
from outpost.calls.queries import get_call, subtype_names
from outpost.calls.services import divert_calls
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
    case_number: str
    imported_at: dt.datetime


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


@router.get("/calls/{call_id}", response=CallOut, summary="One 110 call in your area")
def call_detail(request: SignedInRequest, call_id: str) -> dict[str, Any]:
    call = get_call(request.user, call_id)
    address = call.address
    return {
        "call_id": call.call_id,
        "received_at": call.received_at,
        "caller_phone": call.caller_phone_masked,
        "location_text": call.location_text,
        "content": call.content,
        "decision": call.decision,
        "subtype": call.subtype,
        "subtype_name": subtype_names().get(call.subtype, ""),
        "addr_id": address.code if address else "",
        "address": address.full_text if address else "",
        "grid_code": call.grid_code,
        "beat_code": call.beat_code,
        "reason": call.reason_text,
        "case_number": call.case.number if call.case else "",
        "imported_at": call.imported_at,
    }
