"""Writes of the duty roster: members, shifts and handover notes. Each runs in a transaction,
takes the actor and leaves an audit row."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import RoleAssignment, User
from outpost.command.models import DutyShift, RoomMember
from outpost.core.audit import record_change
from outpost.core.refusals import refusal
from outpost.geo.models import CommandRoom

MAX_SHIFT = dt.timedelta(hours=24)


@transaction.atomic
def add_member(room: CommandRoom, username: str, kind: str, *, actor: User) -> RoomMember:
    user = candidates(room).filter(username=username).first()
    if user is None:  # one answer for "no such user" and "not of this room's area"
        raise ValidationError(
            {"username": refusal(_("No such user in this area: %(name)s"), name=username)}
        )
    member, _created = RoomMember.objects.update_or_create(
        room=room, user=user, defaults={"kind": kind, "active": True}
    )
    _audit(actor, "add_member", member, {"user": username, "kind": kind})
    return member


def candidates(room: CommandRoom) -> Any:
    """Who may take shifts in a room: active users holding a role in its street or under its
    station, or in a department of its district (liaisons)."""
    station, street = room.station, room.station.street
    held = Q(police_prefix__startswith=station.prefix) & ~Q(police_prefix="")
    if street is not None:
        held |= Q(civil_prefix__startswith=street.prefix) & ~Q(civil_prefix="")
    district = (street.code if street else station.code)[:6]
    held |= Q(scope_kind="department", scope_code__startswith=district)
    users = RoleAssignment.objects.filter(held).values("user_id")
    return User.objects.filter(pk__in=users, is_active=True)


@transaction.atomic
def remove_member(member: RoomMember, *, actor: User) -> None:
    """Leaves the roster; past shifts stay as they were (the record of who was on duty)."""
    RoomMember.objects.filter(pk=member.pk).update(active=False)
    member.shifts.filter(starts_at__gt=timezone.now()).delete()
    _audit(actor, "remove_member", member, {"user": member.user.username})


@transaction.atomic
def add_shift(
    member: RoomMember, starts_at: dt.datetime, ends_at: dt.datetime, *, actor: User
) -> DutyShift:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A shift must end after it starts")})
    if ends_at - starts_at > MAX_SHIFT:
        raise ValidationError({"ends_at": _("A shift cannot be longer than 24 hours")})
    clash = member.shifts.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
    if clash.exists():
        raise ValidationError(
            {
                "starts_at": refusal(
                    _("%(name)s already has a shift then"), name=member.user.username
                )
            }
        )
    shift = DutyShift.objects.create(
        room=member.room, member=member, starts_at=starts_at, ends_at=ends_at
    )
    _audit(
        actor,
        "add_shift",
        member,
        {"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
    )
    return shift


@transaction.atomic
def hand_over(shift: DutyShift, note: str, *, actor: User) -> DutyShift:
    """The note the person on duty leaves for the next shift (交班)."""
    if shift.member.user_id != getattr(actor, "pk", None):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("Write the handover note")})
    shift.handover_note, shift.handed_over_at = note.strip(), timezone.now()
    shift.save(update_fields=["handover_note", "handed_over_at"])
    _audit(actor, "hand_over", shift.member, {"shift": shift.pk})
    return shift


def _audit(actor: User, action: str, member: RoomMember, after: dict[str, Any]) -> None:
    record_change(
        actor=actor,
        action=action,
        object_type="command_room",
        object_key=member.room.station.code,
        after=after,
    )
