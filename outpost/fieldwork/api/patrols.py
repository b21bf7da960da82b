"""Patrol endpoints: plans, patrols with their check-ins and photos, a case from what a patrol
found, and coverage per grid and worker."""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Query, Schema, Status
from ninja.files import UploadedFile

from outpost.accounts.models import User
from outpost.accounts.scope import scope_for
from outpost.accounts.signed_in import SignedInRequest
from outpost.cases.models import SubType
from outpost.core.files import read_upload
from outpost.core.refusals import refusal
from outpost.fieldwork import queries, services
from outpost.fieldwork.api.base import router
from outpost.fieldwork.coverage_map import grid_shares as coverage_map_shares
from outpost.fieldwork.models import CheckIn, Patrol, PatrolPlan
from outpost.geo.models import Grid


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


class GridShareOut(Schema):
    code: str
    name: str
    planned: int
    done: int
    done_share: float | None
    addresses: int
    passed: int
    passed_share: float | None


class WorkerRef(Schema):
    username: str
    name: str


class CoverageMapOut(Schema):
    days: int
    worker: WorkerRef | None  # the worker chosen: the grids carry their own shares
    grids: list[GridShareOut]
    workers: list[WorkerRef]  # whom the map's chooser offers


@router.get(
    "/map/coverage",
    response=CoverageMapOut,
    summary="Patrol coverage per grid for the map (planned patrols done, addresses passed), "
    "for the grid or one worker",
)
def coverage_map(
    request: SignedInRequest,
    period: Literal["7d", "30d"] = "7d",
    worker: str = Query("", max_length=150, description="a worker's username or account id"),
) -> dict[str, Any]:
    """For whoever reads the registry of an area (who sees its patrols); 404 for who sees no
    area at all. `worker`: that worker's shares on their grids the user sees (404 for no such
    worker, or one with no grid in the user's view)."""
    if scope_for(request.user, queries.SEEN).empty:
        if scope_for(request.user, "view").empty:
            raise Http404
        raise PermissionDenied
    days = int(period.removesuffix("d"))
    chosen = queries.overseen_worker(request.user, worker)[0] if worker else None
    return {"days": days, **coverage_map_shares(request.user, days, chosen)}
