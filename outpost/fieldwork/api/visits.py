"""Visit endpoints (走访): the due list and a visit's record."""

import datetime as dt
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Schema, Status

from outpost.accounts.signed_in import SignedInRequest
from outpost.cases.models import SubType
from outpost.core.refusals import refusal
from outpost.fieldwork import queries, service_desk, services
from outpost.fieldwork.api.base import router


class DueOut(Schema):
    kind: str
    key: str
    name: str
    grid: str
    every_days: int
    last_visit: dt.datetime | None
    due: dt.date
    overdue: bool


class DueListOut(Schema):
    total: int
    overdue: int
    items: list[DueOut]


class ServiceIn(Schema):
    """A service request (代办) the visit opens for the visited resident."""

    matter: str = Field(..., min_length=1, max_length=40)
    mode: Literal["deliver", "on_behalf", "assist", "end_to_end"]
    phone: str = Field(..., min_length=1, max_length=20)
    note: str = Field("", max_length=500)


class VisitIn(Schema):
    kind: Literal["care", "rental", "key_unit"]
    key: str = Field(..., min_length=1, max_length=20)
    met: str = Field(..., min_length=1, max_length=100)
    found: str = Field("", max_length=2000)
    case_subtype: str = Field("", pattern=r"^(\d{4})?$")
    case_title: str = Field("", max_length=100)
    service: ServiceIn | None = None


class VisitOut(Schema):
    id: int
    kind: str
    visited_at: dt.datetime
    met: str
    found: str
    case: str | None
    service_request: str | None  # its tracking code


@router.get("/visits/due", response=DueListOut, summary="Visits due in your area, overdue first")
def due_visits(
    request: SignedInRequest,
    grid: str = Query("", pattern=r"^(\d{15})?$"),
    worker: str = Query("", max_length=150),
    limit: int = Query(100, ge=1, le=1000),
) -> dict[str, Any]:
    grids = [grid] if grid else None
    if worker:
        grids = queries.worker_grids(request.user, worker) or []
    due, today = queries.due_visits(request.user, grids), timezone.localdate()
    items = [
        {
            "kind": d.kind,
            "key": d.key,
            "name": d.name,
            "grid": d.grid_code,
            "every_days": d.every,
            "last_visit": d.last,
            "due": d.due,
            "overdue": d.overdue(today),
        }
        for d in due[:limit]
    ]
    return {"total": len(due), "overdue": sum(d.overdue(today) for d in due), "items": items}


@router.post(
    "/visits",
    response={201: VisitOut},
    summary="Record a visit (may open a case and a service request)",
)
def record_visit(request: SignedInRequest, body: VisitIn) -> Status[dict[str, Any]]:
    subject = queries.visit_subject(request.user, body.kind, body.key)
    subtype = None
    if body.case_subtype:
        subtype = SubType.objects.select_related("category").filter(code=body.case_subtype).first()
        if subtype is None:
            raise refusal(_("No such case type: %(code)s"), code=body.case_subtype)
    ask = service_desk.ServiceAsk(**body.service.dict()) if body.service else None
    new = services.NewVisit(body.met, body.found, subtype, body.case_title, service=ask)
    visit = services.record_visit(subject, new, actor=request.user)
    return Status(
        201,
        {
            "id": visit.pk,
            "kind": visit.kind,
            "visited_at": visit.visited_at,
            "met": visit.met,
            "found": visit.found,
            "case": visit.case.number if visit.case else None,
            "service_request": visit.service_request.code if visit.service_request else None,
        },
    )
