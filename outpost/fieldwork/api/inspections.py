"""Inspection endpoints (检查): checklists, inspections and their results, joint sign-offs and
hazard re-checks."""

import datetime as dt
from typing import Any, Literal

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema, Status

from outpost.accounts.models import Department
from outpost.accounts.signed_in import SignedInRequest
from outpost.core.refusals import refusal
from outpost.fieldwork import queries, services
from outpost.fieldwork.api.base import router
from outpost.fieldwork.models import Checklist, Inspection


class ChecklistOut(Schema):
    code: str
    version: int
    name: str
    subject: str
    unit_types: list[str]
    items: list[dict[str, str]]


class InspectionIn(Schema):
    kind: Literal["organisation", "house"]
    key: str = Field(..., min_length=1, max_length=20)
    checklist: str = Field(..., min_length=1, max_length=32)
    departments: list[str] = Field(default_factory=list, description="department codes")


class ResultsIn(Schema):
    results: dict[str, bool]
    notes: str = Field("", max_length=2000)
    rectify_days: int = Field(services.RECTIFY_DAYS, ge=1, le=90)


class RecheckIn(Schema):
    passed: bool
    note: str = Field("", max_length=200)


class PartyOut(Schema):
    department: str
    name: str
    signed_by: str | None
    signed_at: dt.datetime | None


class HazardOut(Schema):
    id: int
    item: str
    case: str
    rectify_by: dt.date
    recheck_passed: bool | None


class InspectionOut(Schema):
    id: int
    checklist: str
    version: int
    place: str
    inspector: str
    started_at: dt.datetime
    completed_at: dt.datetime | None
    results: dict[str, bool]
    parties: list[PartyOut]
    hazards: list[HazardOut]


def hazard_out(hazard: Any) -> dict[str, Any]:
    return {
        "id": hazard.pk,
        "item": hazard.item_code,
        "case": hazard.case.number,
        "rectify_by": hazard.rectify_by,
        "recheck_passed": hazard.recheck_passed,
    }


def inspection_out(found: Inspection) -> dict[str, Any]:
    parties = found.parties.select_related("department", "signed_by")
    return {
        "id": found.pk,
        "checklist": found.checklist.code,
        "version": found.checklist.version,
        "place": str(found.organisation or found.house),
        "inspector": found.inspector.username,
        "started_at": found.started_at,
        "completed_at": found.completed_at,
        "results": found.results,
        "parties": [
            {
                "department": p.department.code,
                "name": p.department.name,
                "signed_by": p.signed_by.username if p.signed_by else None,
                "signed_at": p.signed_at,
            }
            for p in parties
        ],
        "hazards": [hazard_out(h) for h in found.hazards.select_related("case")],
    }


@router.get("/inspections/checklists", response=list[ChecklistOut], summary="Current checklists")
def list_checklists(request: SignedInRequest) -> list[Checklist]:
    return queries.current_checklists()


@router.post("/inspections", response={201: InspectionOut}, summary="Start an inspection")
def start_inspection(request: SignedInRequest, body: InspectionIn) -> Status[dict[str, Any]]:
    subject = queries.inspection_subject(request.user, body.kind, body.key)
    checklist = next((c for c in queries.current_checklists() if c.code == body.checklist), None)
    if checklist is None:
        raise refusal(_("No such checklist: %(code)s"), code=body.checklist)
    departments = list(Department.objects.filter(code__in=body.departments))
    if len(departments) != len(set(body.departments)):
        raise refusal(_("No such department among those named"))
    found = services.start_inspection(
        subject, checklist, actor=request.user, departments=departments
    )
    return Status(201, inspection_out(found))


@router.get("/inspections/{inspection_id}", response=InspectionOut, summary="One inspection")
def get_inspection(request: SignedInRequest, inspection_id: int) -> dict[str, Any]:
    return inspection_out(queries.get_inspection(request.user, inspection_id))


@router.post(
    "/inspections/{inspection_id}/results",
    response=InspectionOut,
    summary="Every item's result; failed items open hazard cases",
)
def complete_inspection(
    request: SignedInRequest, inspection_id: int, body: ResultsIn
) -> dict[str, Any]:
    found = queries.get_inspection(request.user, inspection_id)
    services.complete_inspection(
        found, body.results, actor=request.user, notes=body.notes, rectify_days=body.rectify_days
    )
    return inspection_out(queries.get_inspection(request.user, inspection_id))


@router.post(
    "/inspections/{inspection_id}/parties/{department}/sign",
    response=InspectionOut,
    summary="A department's sign-off of a joint inspection",
)
def sign_inspection(
    request: SignedInRequest, inspection_id: int, department: str
) -> dict[str, Any]:
    found = queries.get_inspection(request.user, inspection_id)
    services.sign_off(queries.get_party(request.user, found, department), actor=request.user)
    return inspection_out(found)


@router.post(
    "/inspections/hazards/{hazard_id}/recheck",
    response=HazardOut,
    summary="The re-check of a hazard (its case closes only after a passed one)",
)
def recheck_hazard(request: SignedInRequest, hazard_id: int, body: RecheckIn) -> dict[str, Any]:
    hazard = queries.get_hazard(request.user, hazard_id)
    return hazard_out(services.recheck(hazard, body.passed, actor=request.user, note=body.note))
