"""The inbox API: one's own messages about cases and instructions, worded for the reader when
read (`GET /api/v1/inbox`). `GET /api/v1/notifications` (the cases' router) lists case messages
only, as it always did."""

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema

from outpost.accounts.signed_in import SignedInRequest
from outpost.notifications.queries import messages_for, worded

router = Router(tags=["inbox"])
LIMIT = 200


class MessageOut(Schema):
    id: int
    kind: str = Field(..., description="What the message is about: case or instruction")
    event: str = Field(..., description="dispatched, card_red, instruction_sent, …")
    text: str = Field(..., description="Worded for you when read, in your language")
    subject: str = Field(..., description="A case number or an instruction id; empty if gone")
    url: str = Field(..., description="The page the message opens; empty if you cannot open it")
    created_at: dt.datetime
    read_at: dt.datetime | None


@router.get("/inbox", response=list[MessageOut], summary="Your inbox, newest first")
def list_messages(request: SignedInRequest, unread: bool = False) -> list[dict[str, Any]]:
    found = messages_for(request.user)
    if unread:
        found = found.filter(read_at__isnull=True)
    return [
        {
            "id": m.note.pk,
            "kind": m.note.subject_kind,
            "event": m.note.event,
            "text": m.text,
            "subject": m.ref,
            "url": m.url,
            "created_at": m.note.created_at,
            "read_at": m.note.read_at,
        }
        for m in worded(found[:LIMIT], request.user)
    ]
