"""Where a case goes: the units it can be dispatched to and the route its sub-type suggests."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import Department
from outpost.cases.models import Case
from outpost.core.refusals import refusal
from outpost.geo.models import CommandRoom, Division, Grid, PoliceBeat

UNIT_KINDS = ("grid", "community", "beat", "department", "room")


@dataclass(frozen=True)
class Unit:
    kind: str
    code: str
    name: str


def resolve_unit(kind: str, code: str) -> Unit:
    """The unit a dispatch names; a clear error when it does not exist."""
    found = _lookup(kind, code)
    if found is None:
        raise refusal(_("No such unit to dispatch to: %(kind)s %(code)s"), kind=kind, code=code)
    return Unit(kind, code, found)


def _lookup(kind: str, code: str) -> str | None:
    if kind == "grid":
        return Grid.objects.filter(code=code).values_list("name", flat=True).first()
    if kind == "community":
        rows = Division.objects.filter(code=code, level="community")
        return rows.values_list("name", flat=True).first()
    if kind == "beat":
        return PoliceBeat.objects.filter(code=code).values_list("name", flat=True).first()
    if kind == "department":
        return Department.objects.filter(code=code).values_list("name", flat=True).first()
    if kind == "room":
        rooms = CommandRoom.objects.filter(station__code=code)
        return rooms.values_list("name", flat=True).first()
    return None


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
