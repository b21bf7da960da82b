"""Scoped reads of the command room: the rooms a user runs, who is on duty, the roster."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from outpost.accounts.models import User
from outpost.accounts.scope import restrict, scope_for
from outpost.command.models import DutyShift, RoomMember
from outpost.core.scoping import prefix_q
from outpost.geo.models import CommandRoom

RUNS = "dispatch"


def rooms_for(user: User) -> QuerySet[CommandRoom]:
    """Rooms the user dispatches from: their station's, or the one of the street they command.
    (Seeing a station above one's beat does not make one its dispatcher.)"""
    rooms = restrict(CommandRoom.objects.select_related("station__street"), user, RUNS)
    scope = scope_for(user, RUNS)
    if scope.everything:
        return rooms
    return rooms.filter(prefix_q("station__code", scope.police))


def runs_a_room(user: User) -> bool:
    """Whether the header offers the command room: only to those who run one."""
    return bool(user.is_authenticated) and rooms_for(user).exists()


def get_room(user: User, station_code: str) -> CommandRoom:
    """The room if the user runs it; 403 if they only see it (a beat under its station);
    404 otherwise, as for a room that does not exist."""
    room = rooms_for(user).filter(station__code=station_code).first()
    if room is not None:
        return room
    if restrict(CommandRoom.objects.all(), user, "view").filter(station__code=station_code):
        raise PermissionDenied
    raise Http404


def on_duty(room: CommandRoom, now: dt.datetime) -> QuerySet[DutyShift]:
    return (
        DutyShift.objects.filter(room=room, starts_at__lte=now, ends_at__gt=now)
        .select_related("member__user")
        .order_by("starts_at")
    )


def roster(room: CommandRoom, now: dt.datetime, days: int = 7) -> QuerySet[DutyShift]:
    """Shifts from yesterday to `days` ahead: the last handover and what is planned."""
    start, end = now - dt.timedelta(days=1), now + dt.timedelta(days=days)
    shifts = DutyShift.objects.filter(room=room, ends_at__gt=start, starts_at__lt=end)
    return shifts.select_related("member__user").order_by("starts_at")


def members(room: CommandRoom) -> QuerySet[RoomMember]:
    return RoomMember.objects.filter(room=room, active=True).select_related("user")


def last_handover(room: CommandRoom, now: dt.datetime) -> DutyShift | None:
    done = DutyShift.objects.filter(room=room, handed_over_at__isnull=False, starts_at__lte=now)
    return done.select_related("member__user").order_by("-handed_over_at").first()


def duty_user_ids(station_code: str, now: dt.datetime) -> set[int]:
    """Who is on duty now in the room of a station (cases sent to the room go to them)."""
    shifts = DutyShift.objects.filter(
        room__station__code=station_code, starts_at__lte=now, ends_at__gt=now, member__active=True
    )
    return set(shifts.values_list("member__user_id", flat=True))
