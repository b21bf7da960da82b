"""Cases API: report, list (scoped, keyset-paginated), detail with allowed actions, act."""

import datetime as dt
from typing import Any, Literal, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import create_model

from outpost.accounts.models import User
from outpost.accounts.scope import scope_for
from outpost.accounts.signed_in import SignedInRequest
from outpost.cases import blockers, services
from outpost.cases.duplicates import possible_duplicates
from outpost.cases.labels import timeline_comment
from outpost.cases.map_api import router as map_router
from outpost.cases.models import Attachment, Case, SubType
from outpost.cases.notices import KIND as CASE_MESSAGES
from outpost.cases.presenter import present_case
from outpost.cases.presenter import sees_details as _sees_details
from outpost.cases.queries import get_case
from outpost.cases.webhooks_api import router as webhooks_router
from outpost.cases.workflow import ACTIONS, SPECS, Input, Kind
from outpost.core.bounds import MAX_ID, check_moment
from outpost.core.files import read_upload
from outpost.core.refusals import refusal
from outpost.notifications.queries import messages_for, worded

router = Router(tags=["cases"])
router.add_router("/webhooks", webhooks_router)
router.add_router("", map_router)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class CaseIn(Schema):
    subtype: str = Field(..., pattern=r"^\d{4}$", description="Sub-type code, e.g. 0101")
    title: str = Field(..., min_length=2, max_length=100)
    description: str = Field("", max_length=5000)
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    crs: Literal["wgs84", "gcj02", "bd09"] = "wgs84"
    address: str = Field("", max_length=40, description="Standard address code, instead of a point")
    parties: list[str] = Field([], max_length=20, description="Parties' ID numbers (registry)")
    source: Literal["grid_patrol", "reporter", "resident", "110", "12345", "higher_level"] = (
        "grid_patrol"
    )
    urgency: Literal["normal", "urgent", "critical"] = "normal"
    sensitivity: Literal["public", "internal", "police"] = "internal"


class TargetIn(Schema):
    kind: Literal["grid", "community", "beat", "department", "room"]
    code: str = Field(..., min_length=1, max_length=64)
    lead: bool = False


def _body_field(item: Input) -> tuple[Any, Any]:
    """One declared input (`workflow.SPECS`) as a field of the JSON action body."""
    if item.kind == Kind.UNITS:
        return list[TargetIn] | None, Field(None, max_length=50)
    if item.kind == Kind.FLAG:
        return bool, False
    if item.kind == Kind.CHOICE:
        return Literal[item.choices] | None, Field(None, description=BODY_HELP.get(item.name, ""))
    return str | None, Field(None, max_length=item.max_length or 2000)


BODY_HELP = {
    "outcome": "followup (回访): whether the call reached the resident",
    "targets": "dispatch: the units, exactly one of them the lead; none for the suggested route",
}
# Every input any action declares, once: which ones an action reads is in `workflow.SPECS`
# (files come with an action only from the page; through the API they are attachments).
_INPUTS = {i.name: i for spec in SPECS.values() for i in spec.inputs if i.kind != Kind.FILES}
ActionIn = create_model(
    "ActionIn",
    __base__=Schema,
    comment=(str, Field("", max_length=2000)),
    **{name: _body_field(item) for name, item in _INPUTS.items()},  # type: ignore[call-overload]
)


class TimelineOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    from_state: str
    to_state: str
    comment: str
    deadline: dt.datetime | None


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    purpose: str
    url: str


class CaseOut(Schema):
    number: str
    state: str
    subtype: str
    subtype_name: str
    title: str
    description: str | None
    source: str
    urgency: str
    sensitivity: str
    grid_code: str
    beat_code: str
    address: str | None
    reported_at: dt.datetime
    sign_on_due: dt.datetime | None
    handle_due: dt.datetime | None
    rework_count: int
    rating: str
    result: str | None
    units: list[str]
    allowed_actions: list[str]
    attachments: list[AttachmentOut]
    timeline: list[TimelineOut]


class CasePage(Schema):
    items: list[CaseOut]
    next: str | None = Field(None, description="Pass as `after` for the next page")


def case_out(case: Case, user: User, *, with_timeline: bool = True) -> dict[str, Any]:
    seen = present_case(case, user)
    details = seen.details
    timeline = list(case.timeline.all()) if with_timeline else []
    return {
        "number": case.number,
        "state": case.state,
        "subtype": case.subtype.code,
        "subtype_name": case.subtype.name,
        "title": seen.title,
        "description": seen.description,
        "source": case.source,
        "urgency": case.urgency,
        "sensitivity": case.sensitivity,
        "grid_code": case.grid_code,
        "beat_code": case.beat_code,
        "address": seen.address_code,
        "reported_at": case.reported_at,
        "sign_on_due": case.sign_on_due,
        "handle_due": case.handle_due,
        "rework_count": case.rework_count,
        "rating": case.rating,
        "result": case.result,
        "units": [a.unit_name for a in case.assignments.all() if a.active],
        "allowed_actions": services.actions_for(case, user),
        "attachments": [attachment_out(case, a) for a in case.attachments.all()]
        if details and with_timeline
        else [],
        "timeline": [
            {
                "at": t.at,
                "actor": seen.actor(t.action, t.actor_name),
                "action": t.action,
                "from_state": t.from_state,
                "to_state": t.to_state,
                "comment": seen.comment(timeline_comment(t.action, t.details, t.comment)),
                "deadline": t.deadline,
            }
            for t in timeline
        ],
    }


def attachment_out(case: Case, found: Attachment) -> dict[str, Any]:
    return {
        "id": found.pk,
        "name": found.name,
        "content_type": found.content_type,
        "size": found.size,
        "purpose": found.purpose,
        "url": reverse("cases:attachment", args=[case.number, found.pk]),
    }


class DuplicateOut(Schema):
    number: str
    title: str
    state: str
    reported_at: dt.datetime
    distance_m: float


@router.get(
    "/cases/duplicates",
    response=list[DuplicateOut],
    summary="Open cases of a sub-type within 100 m and 7 days of a point",
)
def duplicate_candidates(
    request: SignedInRequest,
    subtype: str = Query(..., pattern=r"^\d{4}$"),
    lon: float = Query(..., ge=-180, le=180),
    lat: float = Query(..., ge=-90, le=90),
    crs: Literal["wgs84", "gcj02", "bd09"] = "wgs84",
) -> list[dict[str, Any]]:
    if scope_for(request.user, "report").empty:
        raise PermissionDenied
    found = possible_duplicates(services.visible_cases(request.user), subtype, lon, lat, crs)
    # A case whose pinned point the viewer may not see is no candidate: its distance from a few
    # probed points (or just whether it lies within 100 m) would give the point back.
    return [
        {
            "number": c.number,
            "title": seen.title,
            "state": c.state,
            "reported_at": c.reported_at,
            "distance_m": round(d, 1),
        }
        for c, d in found
        if (seen := present_case(c, request.user)).details
    ]


@router.post("/cases", response={201: CaseOut}, summary="Report a case")
def create_case(request: SignedInRequest, body: CaseIn) -> Status[dict[str, Any]]:
    if scope_for(request.user, "report").empty:
        raise PermissionDenied
    subtype = (
        SubType.objects.select_related("category").filter(code=body.subtype, active=True).first()
    )
    if subtype is None:
        raise refusal(_("No such case type: %(code)s"), code=body.subtype)
    new = services.NewCase(
        subtype=subtype,
        title=body.title,
        # Reporters (8大员) always file as reporters, whatever they send.
        source="reporter" if scope_for(request.user, "view_cases").empty else body.source,
        description=body.description,
        lon=body.lon,
        lat=body.lat,
        crs=body.crs,
        address=body.address,
        parties=body.parties,
        urgency=body.urgency,
        sensitivity=body.sensitivity,
    )
    return Status(201, case_out(services.report_case(new, actor=request.user), request.user))


@router.get("/cases", response=CasePage, summary="Cases in your area, newest first")
def list_cases(
    request: SignedInRequest,
    state: str | None = None,
    subtype: str | None = None,
    grid: str | None = None,
    after: str | None = None,
    limit: int = Query(50, ge=1, le=200),
) -> dict[str, Any]:
    cases = services.visible_cases(request.user).select_related("subtype", "address")
    # Each row's units and the caller's relations (for allowed_actions) come with the page.
    cases = services.with_relations(cases.prefetch_related("assignments"), request.user)
    if state:
        cases = cases.filter(state=state)
    if subtype:
        cases = cases.filter(subtype__code=subtype)
    if grid:
        cases = cases.filter(grid_code__startswith=grid)
    if after:
        cases = cases.filter(_before(after))
    page = list(cases.order_by("-reported_at", "-id")[: limit + 1])
    items = page[:limit]
    blockers.read_rechecks(items)  # allowed_actions: the re-check guard, once for the page
    cursor = _cursor(items[-1]) if len(page) > limit else None
    return {
        "items": [case_out(c, request.user, with_timeline=False) for c in items],
        "next": cursor,
    }


def _cursor(case: Case) -> str:
    """URL-safe position of a row: microseconds since the epoch and the id."""
    return f"{(case.reported_at - EPOCH) // dt.timedelta(microseconds=1)}-{case.pk}"


def _before(cursor: str) -> Q:
    """Keyset pagination: strictly after the last row of the previous page."""
    try:
        micros, pk = (int(part) for part in cursor.split("-"))
        if not 0 <= pk <= MAX_ID:
            raise ValueError(pk)
        when = EPOCH + dt.timedelta(microseconds=micros)
        check_moment(when)
    except (ValueError, OverflowError, ValidationError):
        raise ValidationError(_("The page cursor is not valid")) from None
    return Q(reported_at__lt=when) | Q(reported_at=when, id__lt=pk)


@router.get("/cases/{number}", response=CaseOut, summary="One case with what you may do")
def case_detail(request: SignedInRequest, number: str) -> dict[str, Any]:
    return case_out(get_case(request.user, number), request.user)


@router.post(
    "/cases/{number}/actions/{action}",
    response=CaseOut,
    summary="Take an action on a case (409 when someone else acted first)",
)
def case_action(
    request: SignedInRequest,
    number: str,
    action: str,
    body: ActionIn,  # type: ignore[valid-type]  # built from the workflow's declared inputs
) -> dict[str, Any]:
    case = get_case(request.user, number)
    if action not in ACTIONS:
        raise Http404
    payload = cast(Schema, body).dict(exclude_none=True)
    comment = payload.pop("comment", "")
    case = services.act(case, action, actor=request.user, comment=comment, payload=payload)
    return case_out(case, request.user)


@router.post(
    "/cases/{number}/attachments",
    response={201: list[AttachmentOut]},
    summary="Add photos or PDFs to a case (multipart, field `files`)",
)
def add_attachments(
    request: SignedInRequest,
    number: str,
    files: File[list[UploadedFile]],
    # Re-check photos come only with 办结 (the complete action), never on their own.
    purpose: Form[Literal["report", "evidence"]] = "evidence",
) -> Status[list[dict[str, Any]]]:
    case = get_case(request.user, number)
    if not _sees_details(case, request.user):
        raise PermissionDenied
    received = [read_upload(f) for f in files]
    kept = services.attach(case, received, actor=request.user, purpose=purpose)
    return Status(201, [attachment_out(case, a) for a in kept])


class NotificationOut(Schema):
    id: int
    event: str = Field(..., description="dispatched, card_yellow, card_red, accepted, rejected, …")
    text: str = Field(..., description="Worded for you when read, in your language")
    case: str
    created_at: dt.datetime
    read_at: dt.datetime | None


@router.get("/notifications", response=list[NotificationOut], summary="Your inbox, newest first")
def list_notifications(request: SignedInRequest, unread: bool = False) -> list[dict[str, Any]]:
    found = messages_for(request.user, CASE_MESSAGES)
    if unread:
        found = found.filter(read_at__isnull=True)
    return [
        {
            "id": m.note.pk,
            "event": m.note.event,
            "text": m.text,
            "case": m.ref,
            "created_at": m.note.created_at,
            "read_at": m.note.read_at,
        }
        for m in worded(found[:200], request.user)
        if m.ref  # a case no longer kept is left out
    ]
