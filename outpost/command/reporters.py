"""The eight kinds of reporters (8大员) of a room's street and what became of their reports."""

from typing import Any

from django.db.models import Count, Q

from outpost.accounts.models import RoleAssignment, User
from outpost.accounts.roles import Role
from outpost.cases.services import visible_cases
from outpost.cases.workflow import State
from outpost.geo.models import CommandRoom

NOT_YET = (State.REPORTED, State.AWAITING_VERIFICATION)


def reporters_of(room: CommandRoom) -> Any:
    """Reporter accounts whose area lies in the room's street."""
    street = room.station.street
    if street is None:
        return User.objects.none()
    held = RoleAssignment.objects.filter(
        role=Role.REPORTER, scope_code__startswith=street.prefix
    ).values("user_id")
    return User.objects.filter(pk__in=held, is_active=True)


def tally(room: CommandRoom, user: User) -> list[dict[str, Any]]:
    """Per reporter: reports filed, accepted (taken into the loop), not accepted, still waiting;
    counted over the cases the viewer may see."""
    people = reporters_of(room).select_related("reporter_profile").order_by("username")
    counts = (
        visible_cases(user)
        .filter(reporter__in=people)
        .values("reporter_id")
        .annotate(
            filed=Count("id"),
            rejected=Count("id", filter=Q(state=State.REJECTED)),
            waiting=Count("id", filter=Q(state__in=NOT_YET)),
        )
    )
    by_user = {row["reporter_id"]: row for row in counts}
    return [_line(p, by_user.get(p.pk, {})) for p in people]


def _line(person: User, row: dict[str, Any]) -> dict[str, Any]:
    filed, rejected, waiting = row.get("filed", 0), row.get("rejected", 0), row.get("waiting", 0)
    profile = getattr(person, "reporter_profile", None)
    return {
        "user": person,
        "kind": profile.get_kind_display() if profile else "",
        "employer": profile.employer if profile else "",
        "filed": filed,
        "accepted": filed - rejected - waiting,
        "rejected": rejected,
        "waiting": waiting,
    }
