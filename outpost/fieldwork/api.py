"""Field-work API for the phone: patrol plans, patrols with their check-ins and photos, a case
from what a patrol found, coverage, visits (the due list, a visit's record) and inspections
(checklists, results, joint sign-offs, re-checks)."""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from outpost.accounts.models import Department, User
from outpost.accounts.signed_in import SignedInRequest
from outpost.cases.models import SubType
from outpost.core.files import read_upload
from outpost.core.refusals import refusal
from outpost.fieldwork import queries, services
from outpost.fieldwork.models import CheckIn, Checklist, Inspection, Patrol, PatrolPlan
from outpost.geo.models import Grid

router = Router(tags=["fieldwork"])


class PlanIn(Schema):
    grid: str = Field(..., pattern=r"^\d{15}$")
    name: str = Field(..., min_length=1, max_length=64)
    per_week: int = Field(..., ge=1, le=services.MAX_PER_WEEK)
    workers: list[str] = Field(..., min_length=1, description="usernames")
    points: list[str] = Field(default_factory=list, description="standard address codes")


class PlanOut(Schema):
    id: int
    grid: str
    name: str
    per_week: int
    workers: list[str]
    points: list[str]


class StartIn(Schema):
    grid: str = Field(..., pattern=r"^\d{15}$")
    plan: int | None = None


class CheckInOut(Schema):
    id: int
    at: dt.datetime
    lon: float
    lat: float
    inside: bool
    located_grid: str
    note: str
    photos: int


class PatrolOut(Schema):
    id: int
    grid: str
    plan: int | None
    worker: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    checkins: list[CheckInOut]
    cases: list[str]


class FindingIn(Schema):
    subtype: str = Field(..., pattern=r"^\d{4}$")
    title: str = Field(..., min_length=1, max_length=100)
    description: str = Field("", max_length=2000)
    checkin: int | None = None


class CaseRef(Schema):
    number: str


class CoverageOut(Schema):
    grid: str
    grid_name: str
    worker: str
    planned: int
    done: int
    done_share: float | None
    addresses: int
    passed: int
    passed_share: float | None


def plan_out(plan: PatrolPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "grid": plan.grid.code,
        "name": plan.name,
        "per_week": plan.per_week,
        "workers": [w.username for w in plan.workers.all()],
        "points": [a.code for a in plan.points.all()],
    }


def patrol_out(patrol: Patrol) -> dict[str, Any]:
    points = patrol.checkins.all()
    return {
        "id": patrol.pk,
        "grid": patrol.grid.code,
        "plan": patrol.plan_id,
        "worker": patrol.worker.username,
        "started_at": patrol.started_at,
        "ended_at": patrol.ended_at,
        "checkins": [_checkin_out(c) for c in points.prefetch_related("photos")],
        "cases": [c.number for c in patrol.cases.all()],
    }


def _checkin_out(point: CheckIn) -> dict[str, Any]:
    return {
        "id": point.pk,
        "at": point.at,
        "lon": point.lon,
        "lat": point.lat,
        "inside": point.inside,
        "located_grid": point.located_grid,
        "note": point.note,
        "photos": len(point.photos.all()),
    }


@router.get("/plans", response=list[PlanOut], summary="Patrol plans in your area")
def list_plans(request: SignedInRequest) -> list[dict[str, Any]]:
    found = queries.plans_for(request.user).prefetch_related("workers", "points")
    return [plan_out(p) for p in found]


@router.post("/plans", response={201: PlanOut}, summary="Plan patrols of a grid")
def create_plan(request: SignedInRequest, body: PlanIn) -> Status[dict[str, Any]]:
    grid = _grid(request.user, body.grid, queries.plan_grids)
    workers = list(User.objects.filter(username__in=body.workers, is_active=True))
    if len(workers) != len(set(body.workers)):
        raise refusal(_("No such user among the workers named"))
    new = services.NewPlan(grid, body.name, body.per_week, workers, body.points)
    return Status(201, plan_out(services.create_plan(new, actor=request.user)))


def _grid(user: User, code: str, allowed: Any) -> Grid:
    """The grid if the user may do this there: 404 if they do not see it, 403 if they only
    see it."""
    grid = queries.visible_grid(user, code)
    if not allowed(user).filter(pk=grid.pk).exists():
        raise PermissionDenied
    return grid


@router.post("/patrols", response={201: PatrolOut}, summary="Start a patrol")
def start_patrol(request: SignedInRequest, body: StartIn) -> Status[dict[str, Any]]:
    grid = _grid(request.user, body.grid, queries.patrol_grids)
    plan = None
    if body.plan is not None:
        plan = queries.plans_for(request.user).filter(pk=body.plan).first()
        if plan is None:
            raise refusal(_("No such patrol plan in your area"))
    patrol = services.start_patrol(grid, actor=request.user, plan=plan)
    return Status(201, patrol_out(patrol))


@router.get("/patrols/{patrol_id}", response=PatrolOut, summary="One patrol, its check-ins")
def get_patrol(request: SignedInRequest, patrol_id: int) -> dict[str, Any]:
    return patrol_out(queries.get_patrol(request.user, patrol_id))


@router.post(
    "/patrols/{patrol_id}/checkins",
    response={201: CheckInOut},
    summary="Check in where you are (multipart: lon, lat WGS-84, note, photos)",
)
def check_in(
    request: SignedInRequest,
    patrol_id: int,
    lon: Form[float],
    lat: Form[float],
    note: Form[str] = "",
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    patrol = queries.get_patrol(request.user, patrol_id, action="walk")
    received = [read_upload(f) for f in photos or []]
    point = services.check_in(patrol, lon, lat, actor=request.user, note=note, files=received)
    return Status(201, _checkin_out(point))


@router.post("/patrols/{patrol_id}/end", response=PatrolOut, summary="End a patrol")
def end_patrol(request: SignedInRequest, patrol_id: int) -> dict[str, Any]:
    patrol = queries.get_patrol(request.user, patrol_id, action="walk")
    return patrol_out(services.end_patrol(patrol, actor=request.user))


@router.post(
    "/patrols/{patrol_id}/cases",
    response={201: CaseRef},
    summary="Report what the patrol found: a case at the check-in's place, with its photos",
)
def report_found(
    request: SignedInRequest, patrol_id: int, body: FindingIn
) -> Status[dict[str, Any]]:
    patrol = queries.get_patrol(request.user, patrol_id, action="walk")
    subtype = SubType.objects.select_related("category").filter(code=body.subtype, active=True)
    found = subtype.first()
    if found is None:
        raise refusal(_("No such case type: %(code)s"), code=body.subtype)
    point = patrol.checkins.filter(pk=body.checkin).first() if body.checkin else None
    if body.checkin and point is None:
        raise refusal(_("No such check-in on this patrol"))
    finding = services.Finding(found, body.title, body.description, point)
    case = services.report_found(patrol, finding, actor=request.user)
    return Status(201, {"number": case.number})


@router.get("/coverage", response=list[CoverageOut], summary="Patrol coverage per grid, worker")
def get_coverage(
    request: SignedInRequest,
    days: int = Query(7, ge=1, le=92),
    grid: str = Query("", pattern=r"^(\d{15})?$"),
) -> list[dict[str, Any]]:
    rows = queries.coverage_rows(request.user, days, grid)
    return [
        {
            "grid": r.grid_code,
            "grid_name": r.grid_name,
            "worker": r.worker,
            "planned": r.planned,
            "done": r.done,
            "done_share": r.done_share,
            "addresses": r.addresses,
            "passed": r.passed,
            "passed_share": r.passed_share,
        }
        for r in rows
    ]


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


class VisitIn(Schema):
    kind: Literal["care", "rental", "key_unit"]
    key: str = Field(..., min_length=1, max_length=20)
    met: str = Field(..., min_length=1, max_length=100)
    found: str = Field("", max_length=2000)
    case_subtype: str = Field("", pattern=r"^(\d{4})?$")
    case_title: str = Field("", max_length=100)


class VisitOut(Schema):
    id: int
    kind: str
    visited_at: dt.datetime
    met: str
    found: str
    case: str | None


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


@router.post("/visits", response={201: VisitOut}, summary="Record a visit (may open a case)")
def record_visit(request: SignedInRequest, body: VisitIn) -> Status[dict[str, Any]]:
    subject = queries.visit_subject(request.user, body.kind, body.key)
    subtype = None
    if body.case_subtype:
        subtype = SubType.objects.select_related("category").filter(code=body.case_subtype).first()
        if subtype is None:
            raise refusal(_("No such case type: %(code)s"), code=body.case_subtype)
    new = services.NewVisit(body.met, body.found, subtype, body.case_title)
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
        },
    )


# --- inspections (检查) -------------------------------------------------------------------------


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
