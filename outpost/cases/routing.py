"""Where a case goes: the units it can be dispatched to and the route its sub-type suggests."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from outpost.accounts.units import KINDS, Unit, resolve
from outpost.cases.models import Case
from outpost.geo.models import CommandRoom

UNIT_KINDS = KINDS  # one vocabulary: `outpost.accounts.units`
resolve_unit = resolve


def suggested_units(case: Case) -> list[Unit]:
    """The sub-type's default owner for this place, then the beat's officer if it is told too."""
    owner = case.subtype.default_owner
    units: list[Unit] = []
    if owner == "grid" and case.grid_code:
        units.append(resolve_unit("grid", case.grid_code))
    elif owner == "community" and case.grid_code:
        units.append(resolve_unit("community", case.grid_code[:12]))
    elif owner == "police" and case.beat_code:
        units.append(resolve_unit("beat", case.beat_code))
    elif owner.startswith("department:"):
        units.append(resolve_unit("department", case.grid_code[:6] + owner.split(":")[1]))
    if case.subtype.notify_beat and case.beat_code and owner != "police":
        units.append(resolve_unit("beat", case.beat_code))
    return units


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
