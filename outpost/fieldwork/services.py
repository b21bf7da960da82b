"""Field-work writes: patrol plans, patrols started and ended on the phone, their check-ins and
photos, a case reported from what a patrol found, and visits (走访). Every write runs in a
transaction, takes the actor and writes a change record."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import Department, User
from outpost.accounts.scope import restrict
from outpost.accounts.units import Unit, acts_for
from outpost.cases.models import Case, Source, SubType
from outpost.cases.services import NewCase, report_case
from outpost.core import files as stored_files
from outpost.core.access import log_access
from outpost.core.audit import record_change
from outpost.core.refusals import refusal
from outpost.fieldwork import schedule
from outpost.fieldwork.models import (
    CheckIn,
    Checklist,
    Hazard,
    Inspection,
    InspectionParty,
    Patrol,
    PatrolPhoto,
    PatrolPlan,
    Visit,
    VisitKind,
)
from outpost.geo.locator import locate
from outpost.geo.models import Grid
from outpost.registry.models import House, HouseUse, Organisation, Person, StandardAddress

# Who plans patrols (grid leaders, commanders, duty officers) and who walks them (grid
# workers, community officers, auxiliary police): the roles' existing rights in the grid.
PLAN_ACTION = "dispatch"
PATROL_ACTION = "collect"
ENDED = _("The patrol has ended: start a new one")
MAX_PER_WEEK = 21


@dataclass
class NewPlan:
    grid: Grid
    name: str
    per_week: int
    workers: list[User]
    points: list[str] = field(default_factory=list)  # standard address codes, in walk order


def _grid_for(actor: User, grid: Grid, action: str) -> Grid:
    if not restrict(Grid.objects.filter(pk=grid.pk), actor, action).exists():
        raise PermissionDenied
    return grid


@transaction.atomic
def create_plan(new: NewPlan, *, actor: User) -> PatrolPlan:
    """A plan for a grid by someone who dispatches there; each worker must patrol there."""
    grid = _grid_for(actor, new.grid, PLAN_ACTION)
    if not 1 <= new.per_week <= MAX_PER_WEEK:
        raise ValidationError(
            {"per_week": refusal(_("Patrols per week must be 1 to %(max)s"), max=MAX_PER_WEEK)}
        )
    if not new.workers:
        raise ValidationError({"workers": _("Assign at least one worker")})
    for worker in new.workers:
        if not restrict(Grid.objects.filter(pk=grid.pk), worker, PATROL_ACTION).exists():
            error = refusal(_("%(name)s does not work in this grid"), name=str(worker))
            raise ValidationError({"workers": error})
    points = _points(grid, new.points)
    plan = PatrolPlan.objects.create(grid=grid, name=new.name.strip()[:64], per_week=new.per_week)
    plan.workers.set(new.workers)
    plan.points.set(points)
    after = {"grid": grid.code, "per_week": plan.per_week, "points": len(points)}
    record_change(
        actor=actor,
        action="create_patrol_plan",
        object_type="patrol_plan",
        object_key=str(plan.pk),
        after=after | {"workers": [w.username for w in new.workers]},
    )
    return plan


def _points(grid: Grid, codes: list[str]) -> list[StandardAddress]:
    found = {a.code: a for a in StandardAddress.objects.filter(code__in=codes, grid_code=grid.code)}
    missing = [c for c in codes if c not in found]
    if missing:
        error = refusal(_("Not a standard address of this grid: %(code)s"), code=missing[0])
        raise ValidationError({"points": error})
    return [found[c] for c in codes]


@transaction.atomic
def start_patrol(grid: Grid, *, actor: User, plan: PatrolPlan | None = None) -> Patrol:
    """Start walking a grid (by a plan the actor is assigned to, or freely); one open patrol
    per worker at a time."""
    _grid_for(actor, grid, PATROL_ACTION)
    if plan is not None and (plan.grid_id != grid.pk or not plan.active):
        raise ValidationError({"plan": _("That plan is not an active plan of this grid")})
    if plan is not None and not plan.workers.filter(pk=actor.pk).exists():
        raise ValidationError({"plan": _("You are not assigned to that plan")})
    if Patrol.objects.filter(worker=actor, ended_at__isnull=True).exists():
        raise ValidationError(_("You already have a patrol under way: end it first"))
    try:
        with transaction.atomic():
            patrol = Patrol.objects.create(
                plan=plan, grid=grid, worker=actor, started_at=timezone.now()
            )
    except IntegrityError:  # the same worker starting twice at once
        raise ValidationError(_("You already have a patrol under way: end it first")) from None
    record_change(
        actor=actor,
        action="start_patrol",
        object_type="patrol",
        object_key=str(patrol.pk),
        after={"grid": grid.code, "plan": plan.pk if plan else None},
    )
    return patrol


def _own_open(patrol: Patrol, actor: User) -> Patrol:
    """The patrol, locked, if the actor walks it and it is still under way."""
    if patrol.worker_id != actor.pk:
        raise PermissionDenied
    locked = Patrol.objects.select_for_update().select_related("grid").get(pk=patrol.pk)
    if locked.ended_at is not None:
        raise ValidationError(ENDED)
    return locked


@transaction.atomic
def check_in(
    patrol: Patrol,
    lon: float,
    lat: float,
    *,
    actor: User,
    note: str = "",
    files: list[tuple[str, bytes]] | None = None,
    at: dt.datetime | None = None,
) -> CheckIn:
    """Record where the walker is. The point is located; outside the patrol's grid it is kept
    and flagged. Photos are checked (and stripped of EXIF) before anything is kept."""
    patrol = _own_open(patrol, actor)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError({"location": _("The position is not a valid longitude/latitude")})
    cleaned = [stored_files.clean_upload(name, data) for name, data in files or []]
    place = locate(lon, lat)
    point = CheckIn.objects.create(
        patrol=patrol,
        at=at or timezone.now(),
        lon=place.lon,
        lat=place.lat,
        located_grid=place.grid_code or "",
        inside=place.grid_code == patrol.grid.code,
        note=note.strip()[:200],
    )
    for clean in cleaned:
        stored_files.keep_file(PatrolPhoto(checkin=point), "fieldwork", clean)
    record_change(
        actor=actor,
        action="patrol_check_in",
        object_type="patrol",
        object_key=str(patrol.pk),
        after={"checkin": point.pk, "inside": point.inside, "photos": len(cleaned)},
    )
    return point


@transaction.atomic
def end_patrol(patrol: Patrol, *, actor: User) -> Patrol:
    patrol = _own_open(patrol, actor)
    patrol.ended_at = timezone.now()
    patrol.save(update_fields=["ended_at"])
    flagged = patrol.checkins.filter(inside=False).count()
    record_change(
        actor=actor,
        action="end_patrol",
        object_type="patrol",
        object_key=str(patrol.pk),
        after={"checkins": patrol.checkins.count(), "outside": flagged},
    )
    return patrol


@dataclass
class Finding:
    subtype: SubType
    title: str
    description: str = ""
    checkin: CheckIn | None = None  # the place; the patrol's last check-in when none


def report_found(patrol: Patrol, finding: Finding, *, actor: User) -> Case:
    """ "Found something": a case filed through the cases loop at the check-in's place, with the
    check-in's photos. Allowed while the patrol is under way or after, to its walker only."""
    if patrol.worker_id != actor.pk:
        raise PermissionDenied
    point = finding.checkin or patrol.checkins.order_by("-at", "-id").first()
    if point is None or point.patrol_id != patrol.pk:
        raise ValidationError({"location": _("Check in first, so the case has a place")})
    files = [(p.name, _read(p)) for p in point.photos.all()]
    new = NewCase(
        subtype=finding.subtype,
        title=finding.title,
        description=finding.description,
        source=Source.GRID_PATROL,
        lon=point.lon,
        lat=point.lat,
        files=files,
    )
    with transaction.atomic():
        case = report_case(new, actor=actor)
        patrol.cases.add(case)
        record_change(
            actor=actor,
            action="patrol_found_case",
            object_type="patrol",
            object_key=str(patrol.pk),
            after={"case": case.number, "checkin": point.pk},
        )
    return case


def _read(photo: PatrolPhoto) -> bytes:
    with photo.file.open("rb") as handle:
        return handle.read()


# --- visits (走访) ------------------------------------------------------------------------------

VISIT_ACTION = "collect"  # who visits: grid workers, community officers, auxiliary police
Subject = Person | House | Organisation


@dataclass
class NewVisit:
    met: str
    found: str = ""
    case_subtype: SubType | None = None  # set: the visit opens a case at the subject's address
    case_title: str = ""


def visit_kind(subject: Subject) -> str:
    """What the subject is visited as; ValidationError if the registry gives no reason to."""
    if isinstance(subject, Person):
        every = schedule.care_interval(subject.care_tags, subject.birth_date, timezone.localdate())
        if every is not None:
            return VisitKind.CARE
    elif isinstance(subject, House) and subject.use == HouseUse.RENTED:
        return VisitKind.RENTAL
    elif isinstance(subject, Organisation) and subject.is_key_unit:
        return VisitKind.KEY_UNIT
    raise ValidationError(_("This record is not a care subject, a rented house or a key unit"))


def record_visit(subject: Subject, new: NewVisit, *, actor: User) -> Visit:
    """A visit by someone who collects where the subject lies; a care subject's visit is
    written to the access log with its purpose."""
    if not restrict(type(subject).objects.filter(pk=subject.pk), actor, VISIT_ACTION).exists():
        raise PermissionDenied
    kind = visit_kind(subject)
    if not new.met.strip():
        raise ValidationError({"met": _("Say who was met (or that nobody was in)")})
    with transaction.atomic():
        case = _visit_case(subject, new, actor) if new.case_subtype else None
        visit = Visit.objects.create(
            kind=kind,
            **{_FIELD[type(subject)]: subject},
            grid_code=subject.grid_code,
            beat_code=subject.beat_code,
            visitor=actor,
            visited_at=timezone.now(),
            met=new.met.strip()[:100],
            found=new.found.strip(),
            case=case,
        )
        _audit_visit(visit, subject, actor)
    return visit


_FIELD: dict[type, str] = {Person: "person", House: "house", Organisation: "organisation"}


def _visit_case(subject: Subject, new: NewVisit, actor: User) -> Case:
    assert new.case_subtype is not None
    address = subject.address
    if address is None:
        raise ValidationError({"case": _("The person has no address to report the case at")})
    title = new.case_title.strip() or new.found.strip()[:100]
    if not title:
        raise ValidationError({"case_title": _("Give the case a title")})
    found = NewCase(
        subtype=new.case_subtype,
        title=title,
        description=new.found,
        source=Source.GRID_PATROL,
        address=address.code,
    )
    return report_case(found, actor=actor)


def _audit_visit(visit: Visit, subject: Subject, actor: User) -> None:
    key = str(getattr(subject, _KEY[type(subject)]))
    record_change(
        actor=actor,
        action="record_visit",
        object_type="visit",
        object_key=str(visit.pk),
        after={
            "kind": visit.kind,
            "subject": key,
            "case": visit.case.number if visit.case else None,
        },
    )
    if isinstance(subject, Person):
        log_access(
            actor=actor,
            action="view_person",
            object_type="person",
            object_key=key,
            purpose="走访（关怀对象）",
            civil_code=subject.grid_code,
            police_code=subject.beat_code,
        )


_KEY: dict[type, str] = {Person: "person_no", House: "house_no", Organisation: "unit_no"}


# --- inspections (检查) -------------------------------------------------------------------------

INSPECT_ACTION = "collect"  # who inspects: grid workers, community officers, auxiliary police
RECTIFY_DAYS = 7


def applies(checklist: Checklist, subject: Organisation | House) -> bool:
    if isinstance(subject, House):
        return checklist.subject == "house" and subject.use == HouseUse.RENTED
    types = checklist.unit_types
    return checklist.subject == "organisation" and (not types or subject.unit_type in types)


@transaction.atomic
def start_inspection(
    subject: Organisation | House,
    checklist: Checklist,
    *,
    actor: User,
    departments: list[Department] | None = None,
) -> Inspection:
    """An inspection by the checklist's version now current; joint when departments take part
    (each signs it off later)."""
    if not restrict(type(subject).objects.filter(pk=subject.pk), actor, INSPECT_ACTION).exists():
        raise PermissionDenied
    if not applies(checklist, subject):
        raise ValidationError({"checklist": _("This checklist is not for this place")})
    inspection = Inspection.objects.create(
        checklist=checklist,
        **{"house" if isinstance(subject, House) else "organisation": subject},
        grid_code=subject.grid_code,
        beat_code=subject.beat_code,
        inspector=actor,
        started_at=timezone.now(),
    )
    for department in departments or []:
        InspectionParty.objects.create(inspection=inspection, department=department)
    after: dict[str, Any] = {"checklist": f"{checklist.code}@{checklist.version}"}
    after["parties"] = [d.code for d in departments or []]
    record_change(
        actor=actor,
        action="start_inspection",
        object_type="inspection",
        object_key=str(inspection.pk),
        after=after,
    )
    return inspection


def complete_inspection(
    inspection: Inspection,
    results: dict[str, bool],
    *,
    actor: User,
    notes: str = "",
    rectify_days: int = RECTIFY_DAYS,
) -> list[Hazard]:
    """Every item's result; each failed item opens a hazard case (the checklist's sub-type, at
    the place inspected) with a rectification deadline."""
    if inspection.inspector_id != actor.pk:
        raise PermissionDenied
    items = {i["code"]: i["text"] for i in inspection.checklist.items}
    if set(results) != set(items):
        missing = "、".join(sorted(set(items) - set(results))) or "?"
        raise ValidationError(
            {"results": refusal(_("Every item needs a result: %(items)s"), items=missing)}
        )
    if not 1 <= rectify_days <= 90:
        raise ValidationError({"rectify_days": _("The rectification period must be 1 to 90 days")})
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if locked.completed_at is not None:
            raise ValidationError(_("This inspection is already completed"))
        by = timezone.localdate() + dt.timedelta(days=rectify_days)
        hazards = [
            _hazard(locked, code, items[code], by, actor) for code in items if not results[code]
        ]
        locked.results, locked.notes, locked.completed_at = results, notes.strip(), timezone.now()
        locked.save(update_fields=["results", "notes", "completed_at"])
        record_change(
            actor=actor,
            action="complete_inspection",
            object_type="inspection",
            object_key=str(locked.pk),
            after={
                "failed": [h.item_code for h in hazards],
                "cases": [h.case.number for h in hazards],
            },
        )
    return hazards


def _hazard(inspection: Inspection, code: str, text: str, by: dt.date, actor: User) -> Hazard:
    subject = inspection.organisation or inspection.house
    assert subject is not None
    subtype = SubType.objects.select_related("category").get(code=inspection.checklist.subtype)
    new = NewCase(
        subtype=subtype,
        title=f"{inspection.checklist.name}：{text}"[:100],
        description=f"{subject}：{text}。整改期限 {by:%Y-%m-%d}，复查合格后方可结案。",
        source=Source.GRID_PATROL,
        address=subject.address.code,
    )
    case = report_case(new, actor=actor)
    return Hazard.objects.create(inspection=inspection, item_code=code, case=case, rectify_by=by)


@transaction.atomic
def sign_off(party: InspectionParty, *, actor: User) -> InspectionParty:
    """A department's sign-off of a joint inspection, by someone who acts for it."""
    if not acts_for(actor, Unit("department", party.department.code, party.department.name)):
        raise PermissionDenied
    if party.signed_at is not None:
        raise ValidationError(_("This department has already signed"))
    party.signed_by, party.signed_at = actor, timezone.now()
    party.save(update_fields=["signed_by", "signed_at"])
    record_change(
        actor=actor,
        action="sign_inspection",
        object_type="inspection",
        object_key=str(party.inspection_id),
        after={"department": party.department.code},
    )
    return party


@transaction.atomic
def recheck(hazard: Hazard, passed: bool, *, actor: User, note: str = "") -> Hazard:
    """The re-check (复查) of a hazard, by who inspects where it lies: only a passed re-check
    lets its case close."""
    inspected = Inspection.objects.filter(pk=hazard.inspection_id)
    if not restrict(inspected, actor, INSPECT_ACTION).exists():
        raise PermissionDenied
    hazard.recheck_passed, hazard.rechecked_at = passed, timezone.now()
    hazard.rechecked_by, hazard.recheck_note = actor, note.strip()[:200]
    hazard.save(update_fields=["recheck_passed", "rechecked_at", "rechecked_by", "recheck_note"])
    record_change(
        actor=actor,
        action="recheck_hazard",
        object_type="inspection",
        object_key=str(hazard.inspection_id),
        after={"case": hazard.case.number, "passed": passed},
    )
    return hazard
