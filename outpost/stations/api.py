"""Outpost station API for the phone: one station's day, and a visit logged at its window."""

import datetime as dt
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from outpost.accounts.models import User
from outpost.accounts.signed_in import SignedInRequest
from outpost.cases.models import SubType
from outpost.core.refusals import refusal
from outpost.stations import queries, services
from outpost.stations.models import WindowEntry

router = Router(tags=["stations"])


class DutyOut(Schema):
    shift: str
    user: str
    name: str
    post: str


class WindowEntryOut(Schema):
    id: int
    at: dt.datetime
    visitor_name: str
    visitor_phone: str = Field(..., description="masked")
    kind: str
    matter: str
    handling: str
    handled_by: str
    case: str | None


class StationInstructionOut(Schema):
    id: int
    title: str
    state: str
    deadline: dt.datetime


class StationCaseOut(Schema):
    number: str
    title: str
    state: str


class VisitDueOut(Schema):
    kind: str
    key: str
    name: str
    grid: str
    due: dt.date


class StationOut(Schema):
    id: int
    name: str
    community: str
    open_now: bool
    next_opens: dt.datetime | None
    on_duty: list[DutyOut]
    window_today: list[WindowEntryOut]
    instructions: list[StationInstructionOut]
    open_cases: list[StationCaseOut]
    visits_due: list[VisitDueOut]


class EntryIn(Schema):
    visitor_name: str = Field(..., min_length=1, max_length=32)
    visitor_phone: str = Field("", max_length=20)
    kind: Literal["consultation", "request", "dispute", "other"]
    matter: str = Field(..., min_length=1, max_length=200)
    handling: Literal["answered", "referred", "case"]
    note: str = Field("", max_length=200)
    handled_by: str = Field("", max_length=150, description="a staff member's user name")
    case_subtype: str = Field("", pattern=r"^(\d{4})?$")
    case_address: str = Field("", max_length=32, description="standard address code")


def entry_out(entry: WindowEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "at": entry.at,
        "visitor_name": entry.visitor_name,
        "visitor_phone": entry.visitor_phone_masked,
        "kind": entry.kind,
        "matter": entry.matter,
        "handling": entry.handling,
        "handled_by": entry.handled_by.username,
        "case": entry.case.number if entry.case else None,
    }


@router.get("/{station_id}", response=StationOut, summary="One outpost station's day")
def get_station(request: SignedInRequest, station_id: int) -> dict[str, Any]:
    user = request.user
    station = queries.get_station(user, station_id)
    day = timezone.localdate()
    state = queries.open_state(queries.spans_of(station), timezone.now())
    return {
        "id": station.pk,
        "name": station.name,
        "community": station.community.code,
        "open_now": state.open,
        "next_opens": state.next_opens,
        "on_duty": [
            {
                "shift": d.shift,
                "user": d.staff.user.username,
                "name": str(d.staff.user),
                "post": d.staff.post,
            }
            for d in queries.duties_on(station, day)
        ],
        "window_today": [entry_out(e) for e in queries.window_log(station, day)[:50]],
        "instructions": [
            {
                "id": r.instruction.pk,
                "title": r.instruction.title,
                "state": r.state,
                "deadline": r.instruction.deadline,
            }
            for r in queries.waiting_instructions(user, station)
        ],
        "open_cases": [
            {"number": c["case"].number, "title": c["title"], "state": c["case"].state}
            for c in queries.open_cases(user, station)
        ],
        "visits_due": [
            {"kind": d.kind, "key": d.key, "name": d.name, "grid": d.grid_code, "due": d.due}
            for d in queries.visits_due_today(user, station)
        ],
    }


@router.post(
    "/{station_id}/window",
    response={201: WindowEntryOut},
    summary="Log a visit to the station's service window (its staff)",
)
def log_visit(request: SignedInRequest, station_id: int, body: EntryIn) -> Status[dict[str, Any]]:
    station = queries.get_station(request.user, station_id, "serve")
    handler = None
    if body.handled_by:
        handler = User.objects.filter(username=body.handled_by, is_active=True).first()
        if handler is None:
            raise refusal(_("No such user: %(name)s"), name=body.handled_by)
    subtype = None
    if body.case_subtype:
        subtype = (
            SubType.objects.select_related("category")
            .filter(code=body.case_subtype, active=True)
            .first()
        )
        if subtype is None:
            raise refusal(_("No such case type: %(code)s"), code=body.case_subtype)
    new = services.NewWindowEntry(
        visitor_name=body.visitor_name,
        kind=body.kind,
        matter=body.matter,
        handling=body.handling,
        visitor_phone=body.visitor_phone,
        note=body.note,
        handled_by=handler,
        case_subtype=subtype,
        case_address=body.case_address,
    )
    entry = services.record_window_visit(station, new, actor=request.user)
    return Status(201, entry_out(entry))
