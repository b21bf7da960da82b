"""Instructions API (/api/v1/instructions): list mine, send, one instruction's progress, sign on,
report back. The instruction page polls the progress endpoint."""

import datetime as dt
from typing import Any, Literal, get_args

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from outpost.accounts.models import User
from outpost.accounts.scope import get_for_user
from outpost.accounts.signed_in import SignedInRequest
from outpost.core.bounds import MAX_COUNT, Moment
from outpost.core.files import read_upload
from outpost.core.i18n import api_detail
from outpost.geo.models import CommandRoom
from outpost.instructions import queries, services
from outpost.instructions.models import Instruction, InstructionRecipient, RecipientState
from outpost.instructions.units import TARGET_KINDS, acting_q

router = Router(tags=["instructions"])
Kind = Literal["outpost", "grid", "beat", "department", "group", "user"]
assert set(TARGET_KINDS) == set(get_args(Kind))


class InstructionTargetIn(Schema):
    kind: Kind
    code: str = Field(
        ..., max_length=64, description="Unit code, a virtual group's id, or a user name"
    )


class InstructionIn(Schema):
    room: str = Field(..., pattern=r"^\d{12}$", description="The room's police station code")
    title: str = Field(..., min_length=2, max_length=100)
    body: str = Field("", max_length=5000)
    deadline: Moment
    priority: Literal["normal", "urgent", "critical"] = "normal"
    recipients: list[InstructionTargetIn] = Field(..., min_length=1, max_length=500)


class PhotoOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class FeedbackOut(Schema):
    at: dt.datetime
    by: str
    text: str
    final: bool
    photos: list[PhotoOut]


class RecipientOut(Schema):
    id: int
    key: str
    kind: str
    code: str
    name: str
    state: str
    state_label: str
    overdue: bool
    read_at: dt.datetime | None
    signed_on_at: dt.datetime | None
    signed_on_by: str | None
    reported_at: dt.datetime | None
    done_at: dt.datetime | None
    feedback: list[FeedbackOut]


class SummaryOut(Schema):
    total: int
    read: int
    signed_on: int
    reported: int
    done: int
    overdue: int


class ProgressOut(Schema):
    id: int
    title: str
    body: str
    priority: str
    room: str
    room_name: str
    sent_at: dt.datetime
    deadline: dt.datetime
    overdue: bool
    url: str
    summary: SummaryOut
    recipients: list[RecipientOut]


class MineOut(Schema):
    id: int
    name: str
    state: str


class InstructionOut(Schema):
    id: int
    title: str
    priority: str
    room: str
    room_name: str
    sent_at: dt.datetime
    deadline: dt.datetime
    url: str
    mine: list[MineOut] = Field(..., description="The rows you sign on and report back for")


class ErrorOut(Schema):
    detail: str
    detail_en: str


CONFLICT = _("Someone of your unit acted first; reload and look again")


def progress_out(instruction: Instruction, user: User) -> dict[str, Any]:
    now = timezone.now()
    rows = list(queries.rows_seen(user, instruction))
    return {
        **_head(instruction),
        "body": instruction.body,
        "overdue": now > instruction.deadline,
        "summary": queries.summary(instruction, rows, now),
        "recipients": [recipient_out(instruction, r, now) for r in rows],
    }


def _head(instruction: Instruction) -> dict[str, Any]:
    return {
        "id": instruction.pk,
        "title": instruction.title,
        "priority": instruction.priority,
        "room": instruction.room.station.code,
        "room_name": instruction.room.name,
        "sent_at": instruction.sent_at,
        "deadline": instruction.deadline,
        "url": reverse("instructions:detail", args=[instruction.pk]),
    }


def recipient_out(instruction: Instruction, row: InstructionRecipient, now: Any) -> dict:
    return {
        "id": row.pk,
        "key": row.key,
        "kind": row.unit_kind,
        "code": row.unit_code,
        "name": row.unit_name,
        "state": row.state,
        "state_label": str(RecipientState(row.state).label),
        "overdue": queries.is_overdue(instruction, row, now),
        "read_at": row.read_at,
        "signed_on_at": row.signed_on_at,
        "signed_on_by": str(row.signed_on_by) if row.signed_on_by else None,
        "reported_at": row.reported_at,
        "done_at": row.done_at,
        "feedback": [_feedback(instruction, f) for f in row.feedback.all()],
    }


def _feedback(instruction: Instruction, feedback: Any) -> dict[str, Any]:
    return {
        "at": feedback.at,
        "by": feedback.author_name,
        "text": feedback.text,
        "final": feedback.final,
        "photos": [
            {
                "id": p.pk,
                "name": p.name,
                "content_type": p.content_type,
                "size": p.size,
                "url": reverse("instructions:photo", args=[instruction.pk, p.pk]),
            }
            for p in feedback.photos.all()
        ],
    }


@router.get("", response=list[InstructionOut], summary="Instructions to you and from your rooms")
def list_instructions(
    request: SignedInRequest,
    box: Literal["received", "rooms", "all"] = "all",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_COUNT),
) -> list[dict[str, Any]]:
    found = {
        "received": queries.received,
        "rooms": queries.from_rooms,
        "all": queries.visible_instructions,
    }[box](request.user)
    page = list(found.order_by("-sent_at", "-id")[offset : offset + limit])
    mine = InstructionRecipient.objects.filter(acting_q(request.user), instruction__in=page)
    rows: dict[int, list[dict[str, Any]]] = {}
    for r in mine.order_by("id"):
        rows.setdefault(r.instruction_id, []).append(
            {"id": r.pk, "name": r.unit_name, "state": r.state}
        )
    return [{**_head(i), "mine": rows.get(i.pk, [])} for i in page]


@router.post("", response={201: ProgressOut}, summary="Send an instruction from a command room")
def create_instruction(request: SignedInRequest, body: InstructionIn) -> Status[dict[str, Any]]:
    room = get_for_user(
        CommandRoom.objects.all(), request.user, "dispatch", station__code=body.room
    )
    new = services.NewInstruction(
        title=body.title,
        body=body.body,
        deadline=body.deadline,
        priority=body.priority,
        targets=[(t.kind, t.code) for t in body.recipients],
    )
    instruction = services.send_instruction(room, new, actor=request.user)
    return Status(
        201, progress_out(queries.get_instruction(request.user, instruction.pk), request.user)
    )


@router.get("/{int:pk}", response=ProgressOut, summary="One instruction with its recipients")
def instruction_detail(request: SignedInRequest, pk: int) -> dict[str, Any]:
    return progress_out(queries.get_instruction(request.user, pk), request.user)


@router.get(
    "/{int:pk}/progress",
    response=ProgressOut,
    url_name="instruction_progress",
    summary="Progress per recipient: signed on, reported back, overdue (polled by the page)",
)
def instruction_progress(request: SignedInRequest, pk: int) -> dict[str, Any]:
    return progress_out(queries.get_instruction(request.user, pk), request.user)


@router.post(
    "/{int:pk}/recipients/{int:rid}/sign-on",
    response={200: RecipientOut, 409: ErrorOut},
    summary="Sign on (签收) for a recipient you act for (409 when it is already signed on)",
)
def sign_on(request: SignedInRequest, pk: int, rid: int) -> Any:
    instruction = queries.get_instruction(request.user, pk)
    row = queries.get_row(request.user, instruction, rid)
    try:
        services.sign_on(row, actor=request.user)
    except services.InstructionConflict:
        return Status(409, api_detail(CONFLICT))
    return _fresh(request, instruction, rid)


@router.post(
    "/{int:pk}/recipients/{int:rid}/feedback",
    response={201: RecipientOut, 409: ErrorOut},
    summary="Report back (反馈): text, `done` for the final report, photos (multipart `files`)",
)
def report_back(
    request: SignedInRequest,
    pk: int,
    rid: int,
    text: Form[str],
    done: Form[bool] = False,
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    instruction = queries.get_instruction(request.user, pk)
    row = queries.get_row(request.user, instruction, rid)
    received = [read_upload(f) for f in files or []]
    try:
        services.report_back(row, actor=request.user, text=text, done=done, files=received)
    except services.InstructionConflict:
        return Status(409, api_detail(CONFLICT))
    return Status(201, _fresh(request, instruction, rid))


def _fresh(request: SignedInRequest, instruction: Instruction, rid: int) -> dict[str, Any]:
    row = queries.get_row(request.user, instruction, rid)
    return recipient_out(instruction, row, timezone.now())
