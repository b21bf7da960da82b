"""Importing houses (实有房屋): one per room, with use, owner and rental filing."""

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from outpost.accounts.scope import restrict
from outpost.core.bulk import narrowed
from outpost.core.i18n import Text
from outpost.registry.checks import refresh_all_house_flags
from outpost.registry.imports.base import EMPTY, Reject, address_index, text, whole_number
from outpost.registry.imports.keyed import KeyedImporter
from outpost.registry.models import House, HouseUse, Person
from outpost.registry.tabular import TableRow

CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class HouseImporter(KeyedImporter):
    kind = "houses"
    model = House
    key_field = "house_no"
    key_column = "house_id"
    compared = (
        "address_id",
        "use",
        "owner_id",
        "area_m2",
        "occupants",
        "rental_filing_no",
        "grid_code",
        "beat_code",
    )

    def prepare(self, rows: Sequence[TableRow] = ()) -> None:
        super().prepare(rows)
        self.addresses = address_index({text(row.values, "addr_id") for row in rows})
        # Owners are named among the people the uploader may see: a number outside the area
        # reads as one that does not exist.
        people: QuerySet[Person] = Person.objects.all()
        if self.actor is not None:
            people = restrict(people, self.actor, "view_registry")
        owners = {text(row.values, "owner_person_id") for row in rows} - {""}
        self.people: dict[str, int] = {}
        for named in narrowed(people, "person_no", owners):
            self.people.update(named.values_list("person_no", "id"))
        self.rooms_taken = {values["address_id"]: code for code, values in self.known.items()}
        # A room the file names may be another house's, one the file does not name.
        rooms = [address.pk for address in self.addresses.values()]
        for taken in narrowed(House.objects.all(), "address_id", rooms):
            self.rooms_taken.update(taken.values_list("address_id", "house_no"))

    def parse(self, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        code = text(values, "house_id")
        if not code or not set(code) <= CODE_CHARS:
            raise Reject(
                "house_id",
                Text(
                    _("The house number is empty or has characters not allowed: %(value)s"),
                    value=code or EMPTY,
                ),
            )
        address = self.guard.find(self.addresses, text(values, "addr_id"))
        if address.level != "room":
            raise Reject(
                "addr_id",
                Text(
                    _("The standard address is not a room: %(value)s"),
                    value=text(values, "addr_id"),
                ),
            )
        if self.rooms_taken.setdefault(address.pk, code) != code:
            raise Reject(
                "addr_id",
                Text(
                    _("The room is already on record as house %(house)s"),
                    house=self.rooms_taken[address.pk],
                ),
            )
        use = text(values, "use")
        if use not in HouseUse.values:
            raise Reject(
                "use",
                Text(
                    _("The house's use must be own use, rented, vacant or business: %(value)s"),
                    value=use or EMPTY,
                ),
            )
        return code, {
            "address_id": address.pk,
            "use": use,
            "owner_id": self._owner(values),
            "area_m2": _area(values),
            "occupants": whole_number(values, "occupants", "居住人数"),
            "rental_filing_no": text(values, "rental_filing_no"),
            "grid_code": address.grid_code,
            "beat_code": address.beat_code,
        }

    def _owner(self, values: dict[str, Any]) -> int | None:
        number = text(values, "owner_person_id")
        if not number:
            return None
        if number not in self.people:
            raise Reject(
                "owner_person_id",
                Text(
                    _("The owner's person number does not exist or is not in your area: %(value)s"),
                    value=number,
                ),
            )
        return self.people[number]

    def flush(self) -> None:
        super().flush()
        if self.new or self.changed:  # area, occupants and use only change with these
            refresh_all_house_flags()


def _area(values: dict[str, Any]) -> float | None:
    raw = text(values, "area_m2")
    if not raw:
        return None
    try:
        area = float(raw)
    except ValueError:
        raise Reject(
            "area_m2", Text(_("The floor area must be a number: %(value)s"), value=raw)
        ) from None
    if not 1 <= area <= 100_000:
        raise Reject(
            "area_m2",
            Text(_("The floor area is out of the reasonable range: %(value)s"), value=raw),
        )
    return area
