"""Where a case goes: the units it can be dispatched to and the route its sub-type suggests."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from outpost.accounts.units import KINDS, Unit, resolve
from outpost.cases.models import Case
from outpost.geo.models import CommandRoom

UNIT_KINDS = KINDS  # one vocabulary: `outpost.accounts.units`
resolve_unit = resolve


def suggested_route(subtype: Any, grid_code: str, beat_code: str) -> list[tuple[str, str]]:
    """(kind, code) of the units the sub-type suggests for this place: its default owner, then
    the beat's officer if the sub-type tells the beat too. The demo's history routes by it."""
    owner = subtype.default_owner
    route: list[tuple[str, str]] = []
    if owner == "grid" and grid_code:
        route.append(("grid", grid_code))
    elif owner == "community" and grid_code:
        route.append(("community", grid_code[:12]))
    elif owner == "police" and beat_code:
        route.append(("beat", beat_code))
    elif owner.startswith("department:"):
        route.append(("department", grid_code[:6] + owner.split(":")[1]))
    if subtype.notify_beat and beat_code and owner != "police":
        route.append(("beat", beat_code))
    return route


def suggested_units(case: Case) -> list[Unit]:
    """The units the sub-type suggests for the case's place."""
    route = suggested_route(case.subtype, case.grid_code, case.beat_code)
    return [resolve_unit(kind, code) for kind, code in route]


def escalation_unit(case: Case) -> Unit:
    """One level up: the command room of the station covering the case's street."""
    room = (
        CommandRoom.objects.select_related("station")
        .filter(station__street__code=case.grid_code[:9] + "000")
        .first()
    )
    if room is None:
        raise ValidationError(_("No command room one level up"))
    return Unit("room", room.station.code, room.name)
