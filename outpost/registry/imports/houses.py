"""Importing houses (实有房屋): one per room, with use, owner and rental filing."""

from typing import Any

from django.db.models import QuerySet

from outpost.accounts.scope import restrict
from outpost.registry.checks import refresh_all_house_flags
from outpost.registry.imports.base import Reject, address_index, text, whole_number
from outpost.registry.imports.keyed import KeyedImporter
from outpost.registry.models import House, HouseUse, Person

CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class HouseImporter(KeyedImporter):
    kind = "houses"
    model = House
    key_field = "house_no"
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

    def prepare(self) -> None:
        super().prepare()
        self.addresses = address_index()
        # Owners are named among the people the uploader may see: a number outside the area
        # reads as one that does not exist.
        people: QuerySet[Person] = Person.objects.all()
        if self.actor is not None:
            people = restrict(people, self.actor, "view_registry")
        self.people = dict(people.values_list("person_no", "id"))
        self.rooms_taken = {values["address_id"]: code for code, values in self.known.items()}

    def parse(self, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        code = text(values, "house_id")
        if not code or not set(code) <= CODE_CHARS:
            raise Reject("house_id", f"房屋编号为空或含非法字符：{code or '空'}")
        address = self.guard.find(self.addresses, text(values, "addr_id"))
        if address.level != "room":
            raise Reject("addr_id", f"标准地址不是户室：{text(values, 'addr_id')}")
        if self.rooms_taken.setdefault(address.pk, code) != code:
            raise Reject("addr_id", f"该户室已登记为房屋 {self.rooms_taken[address.pk]}")
        use = text(values, "use")
        if use not in HouseUse.values:
            raise Reject("use", f"房屋用途应为自住、出租、空置或经营：{use or '空'}")
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
            raise Reject("owner_person_id", f"房主人员编号不存在或不在您的辖区内：{number}")
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
        raise Reject("area_m2", f"面积应为数字：{raw}") from None
    if not 1 <= area <= 100_000:
        raise Reject("area_m2", f"面积超出合理范围：{raw}")
    return area
