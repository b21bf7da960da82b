"""Writes of the outpost stations: staff (filled from the roles held in the community, then
edited by the station's manager), opening hours, the duty rota and the service window log. Every
write runs in a transaction, checks who acts, and writes a change record."""

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import RoleAssignment, User
from outpost.accounts.roles import Role
from outpost.cases.models import Case, Source, SubType
from outpost.cases.services import NewCase, report_case
from outpost.core.audit import record_change
from outpost.core.refusals import refusal
from outpost.geo.models import Grid, OutpostStation
from outpost.registry.validators import FieldProblem, normalize_phone
from outpost.stations import queries
from outpost.stations.models import (
    DutyShift,
    Handling,
    OpeningSpan,
    Post,
    Shift,
    StationStaff,
    VisitKind,
    WindowEntry,
)

# The post a role held in the community gives by default, strongest first.
ROLE_POSTS = (
    (Role.COMMUNITY_OFFICER, Post.COMMUNITY_OFFICER),
    (Role.AUXILIARY_POLICE, Post.AUXILIARY),
    (Role.GRID_LEADER, Post.GRID_LEADER),
    (Role.GRID_WORKER, Post.GRID_WORKER),
)
MAX_SPANS_PER_DAY = 4


def _must_manage(station: OutpostStation, actor: User) -> None:
    if not queries.manages(actor, station):
        raise PermissionDenied


def _record(actor: User, action: str, station: OutpostStation, after: dict[str, Any]) -> None:
    record_change(
        actor=actor,
        action=action,
        object_type="outpost_station",
        object_key=station.community.code,
        after=after,
    )


# --- staff --------------------------------------------------------------------------------------


def default_staff(station: OutpostStation) -> list[tuple[User, str]]:
    """Who works at the station by their roles: the officers and auxiliaries of the beats the
    community's grids have as main beat, the community's grid leader, its grids' workers."""
    grids = Grid.objects.filter(community=station.community)
    beats = set(grids.exclude(main_beat=None).values_list("main_beat__code", flat=True))
    codes = {
        Role.COMMUNITY_OFFICER: beats,
        Role.AUXILIARY_POLICE: beats,
        Role.GRID_LEADER: {station.community.code},
        Role.GRID_WORKER: set(grids.values_list("code", flat=True)),
    }
    rows = RoleAssignment.objects.filter(user__is_active=True, role__in=list(codes))
    found: dict[int, tuple[User, str]] = {}
    posts = dict(ROLE_POSTS)
    for row in rows.select_related("user").order_by("user__username"):
        if row.scope_code not in codes[Role(row.role)]:
            continue
        held = found.get(row.user_id)
        if held is None or _rank(posts[Role(row.role)]) < _rank(held[1]):
            found[row.user_id] = (row.user, posts[Role(row.role)])
    return sorted(found.values(), key=lambda pair: (_rank(pair[1]), pair[0].username))


def _rank(post: str) -> int:
    return [p for _role, p in ROLE_POSTS].index(Post(post))


@transaction.atomic
def fill_staff_from_roles(station: OutpostStation, *, actor: User | None) -> int:
    """Add everyone `default_staff` names who is not staff yet; returns how many were added.
    `actor` None: the demo and set-up commands."""
    if actor is not None:
        _must_manage(station, actor)
    # Someone taken off the staff is not added back by their roles: only by hand.
    have = set(StationStaff.objects.filter(station=station).values_list("user_id", flat=True))
    new = [
        StationStaff(station=station, user=user, post=post)
        for user, post in default_staff(station)
        if user.pk not in have
    ]
    StationStaff.objects.bulk_create(new)
    if new and actor is not None:
        _record(actor, "fill_station_staff", station, {"added": [s.user.username for s in new]})
    return len(new)


@transaction.atomic
def assign_staff(station: OutpostStation, user: User, post: str, *, actor: User) -> StationStaff:
    """Add a person to the station's staff, or change their post. Only someone whose area
    covers the community may work there."""
    _must_manage(station, actor)
    if post not in Post.values:
        raise ValidationError({"post": refusal(_("No such post: %(post)s"), post=post)})
    if not queries.may_work_there(user, station):
        error = refusal(
            _("%(name)s does not work in this community and cannot be assigned to its station"),
            name=str(user),
        )
        raise ValidationError({"user": error})
    staff, created = StationStaff.objects.update_or_create(
        station=station, user=user, defaults={"post": post, "active": True}
    )
    action = "add_station_staff" if created else "change_station_post"
    _record(actor, action, station, {"user": user.username, "post": post})
    return staff


@transaction.atomic
def remove_staff(staff: StationStaff, *, actor: User) -> None:
    """Take a person off the staff: their duties from today on go, the row stays (inactive) so
    the past rota and the window log keep naming them."""
    station = staff.station
    _must_manage(station, actor)
    DutyShift.objects.filter(staff=staff, day__gte=timezone.localdate()).delete()
    staff.active = False
    staff.save(update_fields=["active"])
    _record(actor, "remove_station_staff", station, {"user": staff.user.username})


# --- opening hours ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    weekday: int  # 0 Monday … 6 Sunday
    opens: dt.time
    closes: dt.time


def check_spans(spans: list[Span]) -> None:
    """Each span ends after it starts, and no two spans of one day overlap."""
    for span in spans:
        if not 0 <= span.weekday <= 6:
            raise ValidationError(
                {"hours": refusal(_("No such weekday: %(day)s"), day=span.weekday)}
            )
        if span.closes <= span.opens:
            raise ValidationError(
                {
                    "hours": refusal(
                        _("%(opens)s–%(closes)s: the end must be after the start"),
                        opens=f"{span.opens:%H:%M}",
                        closes=f"{span.closes:%H:%M}",
                    )
                }
            )
    for day in range(7):
        same = sorted((s for s in spans if s.weekday == day), key=lambda s: s.opens)
        if len(same) > MAX_SPANS_PER_DAY:
            raise ValidationError(
                {"hours": refusal(_("At most %(n)s spans a day"), n=MAX_SPANS_PER_DAY)}
            )
        for before, after in pairwise(same):
            if after.opens < before.closes:
                raise ValidationError(
                    {
                        "hours": refusal(
                            _("%(a)s and %(b)s overlap"),
                            a=f"{before.opens:%H:%M}–{before.closes:%H:%M}",
                            b=f"{after.opens:%H:%M}–{after.closes:%H:%M}",
                        )
                    }
                )


@transaction.atomic
def set_opening_hours(
    station: OutpostStation, spans: list[Span], *, actor: User | None
) -> list[OpeningSpan]:
    """Replace the station's opening hours with these spans (none: closed every day)."""
    if actor is not None:
        _must_manage(station, actor)
    check_spans(spans)
    OpeningSpan.objects.filter(station=station).delete()
    rows = OpeningSpan.objects.bulk_create(
        OpeningSpan(station=station, weekday=s.weekday, opens=s.opens, closes=s.closes)
        for s in spans
    )
    if actor is not None:
        after = [f"{s.weekday} {s.opens:%H:%M}-{s.closes:%H:%M}" for s in spans]
        _record(actor, "set_opening_hours", station, {"spans": after})
    return rows


# --- duty rota ----------------------------------------------------------------------------------


@transaction.atomic
def book_duty(
    station: OutpostStation, staff: StationStaff, day: dt.date, shift: str, *, actor: User | None
) -> DutyShift:
    """Put a staff member of the station on duty for a shift; once per shift."""
    if actor is not None:
        _must_manage(station, actor)
    if staff.station_id != station.pk or not staff.active:
        raise ValidationError({"staff": _("Only the station's own staff can be on its rota")})
    if shift not in Shift.values:
        raise ValidationError({"shift": refusal(_("No such shift: %(shift)s"), shift=shift)})
    taken = _("%(name)s is already on duty in that shift")
    if DutyShift.objects.filter(staff=staff, day=day, shift=shift).exists():
        raise ValidationError({"staff": refusal(taken, name=str(staff.user))})
    try:
        with transaction.atomic():
            duty = DutyShift.objects.create(station=station, staff=staff, day=day, shift=shift)
    except IntegrityError:  # booked twice at once
        raise ValidationError({"staff": refusal(taken, name=str(staff.user))}) from None
    if actor is not None:
        after = {"user": staff.user.username, "day": day.isoformat(), "shift": shift}
        _record(actor, "book_duty", station, after)
    return duty


@transaction.atomic
def cancel_duty(duty: DutyShift, *, actor: User) -> None:
    station = duty.station
    _must_manage(station, actor)
    after = {"user": duty.staff.user.username, "day": duty.day.isoformat(), "shift": duty.shift}
    duty.delete()
    _record(actor, "cancel_duty", station, after)


# --- the service window log ---------------------------------------------------------------------


@dataclass
class NewWindowEntry:
    visitor_name: str
    kind: str
    matter: str
    handling: str
    visitor_phone: str = ""
    note: str = ""
    handled_by: User | None = None  # another staff member; the actor when None
    case_subtype: SubType | None = None  # with handling "case": the case to open
    case_address: str = ""  # its standard address code
    at: dt.datetime | None = None  # the demo's past entries; now otherwise


@transaction.atomic
def record_window_visit(
    station: OutpostStation, new: NewWindowEntry, *, actor: User
) -> WindowEntry:
    """Log a visit to the window, by one of the station's staff; "case opened" files a case
    through the cases' own service (the place must lie in the community)."""
    if queries.staff_member(actor, station) is None:
        raise PermissionDenied
    _check_entry(new)
    handler = new.handled_by or actor
    if handler != actor and queries.staff_member(handler, station) is None:
        error = refusal(_("%(name)s is not on this station's staff"), name=str(handler))
        raise ValidationError({"handled_by": error})
    phone = _phone(new.visitor_phone)
    case = _window_case(station, new, phone, actor) if new.handling == Handling.CASE else None
    entry = WindowEntry.objects.create(
        station=station,
        at=new.at or timezone.now(),
        visitor_name=new.visitor_name.strip()[:32],
        **WindowEntry.visitor_phone.columns(phone),
        kind=new.kind,
        matter=new.matter.strip()[:200],
        handling=new.handling,
        note=new.note.strip()[:200],
        handled_by=handler,
        case=case,
    )
    record_change(
        actor=actor,
        action="record_window_visit",
        object_type="window_entry",
        object_key=str(entry.pk),
        after={
            "station": station.community.code,
            "kind": entry.kind,
            "handling": entry.handling,
            "handled_by": handler.username,
            "case": case.number if case else None,
        },
    )
    return entry


def _check_entry(new: NewWindowEntry) -> None:
    if not new.visitor_name.strip():
        raise ValidationError({"visitor_name": _("Write down who came")})
    if not new.matter.strip():
        raise ValidationError({"matter": _("Write down what they came for")})
    if new.kind not in VisitKind.values:
        raise ValidationError({"kind": refusal(_("No such matter: %(kind)s"), kind=new.kind)})
    if new.handling not in Handling.values:
        error = refusal(_("No such way of handling: %(handling)s"), handling=new.handling)
        raise ValidationError({"handling": error})


def _phone(raw: str) -> str:
    if not raw.strip():
        return ""
    try:
        return normalize_phone(raw)
    except FieldProblem:
        raise ValidationError(
            {"visitor_phone": refusal(_("Not a phone number: %(phone)s"), phone=raw.strip()[:20])}
        ) from None


def _window_case(station: OutpostStation, new: NewWindowEntry, phone: str, actor: User) -> Case:
    if new.case_subtype is None:
        raise ValidationError({"case_subtype": _("Choose the case type to open")})
    if not new.case_address.strip():
        raise ValidationError({"case_address": _("Give the standard address the case is about")})
    found = NewCase(
        subtype=new.case_subtype,
        title=new.matter.strip()[:100],
        description=new.note.strip(),
        source=Source.RESIDENT,
        reporter_name=new.visitor_name.strip()[:32],
        reporter_phone=phone,
        address=new.case_address.strip(),
    )
    case = report_case(found, actor=actor)
    if not case.grid_code.startswith(station.community.code):
        raise ValidationError({"case_address": _("The place is not in this station's community")})
    return case
