"""后端查: the automatic checks run on every registry change, kept as flags on the record."""

from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from outpost.accounts.scope import scope_for
from outpost.core.bulk import narrowed
from outpost.registry.models import House, HouseUse, Person, PersonStatus
from outpost.registry.validators import FieldProblem, parse_id_number

# The flags are stored as these codes and named when shown.
FLAG_LABELS = {
    "id_birth_mismatch": _("Birth date or gender disagrees with the ID number"),
    "address_missing": _("The address does not exist"),
    "outside_collector_grid": _("The address is outside the collector's grid"),
    "possible_group_rental": _(
        "More occupants than the floor area allows: possibly a group rental"
    ),
}


def person_flags(person: Person, id_number: str | None, collector: Any | None) -> list[str]:
    flags = []
    if id_number is not None and not _id_agrees(person, id_number):
        flags.append("id_birth_mismatch")
    if person.address_id is None:
        flags.append("address_missing")
    elif collector is not None and not _in_collector_scope(person, collector):
        flags.append("outside_collector_grid")
    return flags


def _id_agrees(person: Person, id_number: str) -> bool:
    try:
        idn = parse_id_number(id_number)
    except FieldProblem:
        return False
    return idn.birth_date == person.birth_date and idn.gender == person.gender


def _in_collector_scope(person: Person, collector: Any) -> bool:
    """A grid worker collects in their grid, an officer in their beat."""
    scope = scope_for(collector, "collect")
    return (
        scope.everything
        or person.grid_code.startswith(scope.civil or ("\0",))
        or person.beat_code.startswith(scope.police or ("\0",))
    )


def house_flags(house: House) -> list[str]:
    # Who lives there now: a person deregistered (注销) no longer counts.
    residents = Person.objects.filter(
        address_id=house.address_id, status=PersonStatus.CURRENT
    ).count()
    return _crowding_flags(house, residents)


def _crowding_flags(house: House, residents: int) -> list[str]:
    """A house whose people have less than the minimum floor area each may be a 群租."""
    people = max(residents, house.occupants)
    minimum = settings.OUTPOST_MIN_M2_PER_OCCUPANT
    area = house.area_m2
    crowded = bool(area) and area is not None and people > 1 and area / people < minimum
    return ["possible_group_rental"] if crowded and house.use != HouseUse.BUSINESS else []


def refresh_house_flags(address_id: int | None) -> None:
    house = House.objects.filter(address_id=address_id).first()
    if house is not None:
        flags = house_flags(house)
        if flags != house.flags:
            House.objects.filter(pk=house.pk).update(flags=flags)


def refresh_all_house_flags() -> int:
    """Re-run the group-rental check over every house at once (after a bulk import)."""
    residents = dict(
        Person.objects.filter(address__isnull=False, status=PersonStatus.CURRENT)
        .values_list("address_id")
        .annotate(n=Count("id"))
        .values_list("address_id", "n")
    )
    changed = []
    for house in House.objects.only("id", "address_id", "area_m2", "occupants", "use", "flags"):
        flags = _crowding_flags(house, residents.get(house.address_id, 0))
        if flags != house.flags:
            house.flags = flags
            changed.append(house)
    House.objects.bulk_update(changed, ["flags"], batch_size=2000)
    return len(changed)


def refresh_house_flags_at(address_ids: Collection[int | None]) -> int:
    """Re-run the group-rental check over the houses at these addresses (after an import moved
    people in or out of them); returns how many houses' flags changed."""
    wanted = {a for a in address_ids if a is not None}
    residents: dict[int, int] = {}
    current = Person.objects.filter(status=PersonStatus.CURRENT)
    for people in narrowed(current, "address_id", wanted):
        counted = people.values_list("address_id").annotate(n=Count("id"))
        residents.update(counted.values_list("address_id", "n"))
    changed = []
    for houses in narrowed(House.objects.all(), "address_id", wanted):
        for house in houses.only("id", "address_id", "area_m2", "occupants", "use", "flags"):
            flags = _crowding_flags(house, residents.get(house.address_id, 0))
            if flags != house.flags:
                house.flags = flags
                changed.append(house)
    House.objects.bulk_update(changed, ["flags"], batch_size=2000)
    return len(changed)
