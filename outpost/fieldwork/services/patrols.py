"""Patrol writes: patrols started and ended on the phone, their check-ins and photos,
and a case reported from what a patrol found."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.cases.models import Case, Source, SubType
from outpost.cases.services import NewCase, report_case
from outpost.core import files as stored_files
from outpost.core.audit import record_change
from outpost.fieldwork.models import CheckIn, Patrol, PatrolPhoto, PatrolPlan
from outpost.fieldwork.services.plans import PATROL_ACTION, grid_for
from outpost.geo.locator import locate
from outpost.geo.models import Grid

ENDED = _("The patrol has ended: start a new one")
CLOCK_SKEW = dt.timedelta(minutes=10)  # a phone's clock may be this far off the server's


@transaction.atomic
def start_patrol(
    grid: Grid, *, actor: User, plan: PatrolPlan | None = None, at: dt.datetime | None = None
) -> Patrol:
    """Start walking a grid (by a plan the actor is assigned to, or freely); one open patrol
    per worker at a time."""
    grid_for(actor, grid, PATROL_ACTION)
    if plan is not None and (plan.grid_id != grid.pk or not plan.active):
        raise ValidationError({"plan": _("That plan is not an active plan of this grid")})
    if plan is not None and not plan.workers.filter(pk=actor.pk).exists():
        raise ValidationError({"plan": _("You are not assigned to that plan")})
    if Patrol.objects.filter(worker=actor, ended_at__isnull=True).exists():
        raise ValidationError(_("You already have a patrol under way: end it first"))
    try:
        with transaction.atomic():
            patrol = Patrol.objects.create(
                plan=plan, grid=grid, worker=actor, started_at=at or timezone.now()
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
    at = _during(patrol, at)
    cleaned = [stored_files.clean_upload(name, data) for name, data in files or []]
    place = locate(lon, lat)
    point = CheckIn.objects.create(
        patrol=patrol,
        at=at,
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


def _during(patrol: Patrol, at: dt.datetime | None) -> dt.datetime:
    """The time of a check-in sent from the phone: not before the patrol began (a phone a few
    minutes behind the server that started it is put at the start)."""
    if at is None:
        return timezone.now()
    if at < patrol.started_at - CLOCK_SKEW:
        raise ValidationError({"at": _("The check-in is from before the patrol began")})
    return max(at, patrol.started_at)


@transaction.atomic
def end_patrol(patrol: Patrol, *, actor: User, at: dt.datetime | None = None) -> Patrol:
    """End the walk (at the time the phone recorded, when it was queued offline)."""
    patrol = _own_open(patrol, actor)
    # Never before it began nor before its last check-in (a phone's clock put back meanwhile).
    last = patrol.checkins.aggregate(last=Max("at"))["last"]
    patrol.ended_at = max(at or timezone.now(), last or patrol.started_at, patrol.started_at)
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
