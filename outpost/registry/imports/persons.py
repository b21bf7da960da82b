"""Importing people (实有人口): validated per GB 11643, merged by ID number, never duplicated."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from outpost.core.bulk import insert_rows
from outpost.core.crypto import encrypt, keyed_hash
from outpost.core.masking import mask_id_number, mask_phone
from outpost.registry.checks import refresh_all_house_flags
from outpost.registry.imports.base import PlacedAddress, Reject, RowOutcome, address_index, text
from outpost.registry.models import Person, Residence
from outpost.registry.tabular import TableRow
from outpost.registry.validators import (
    FieldProblem,
    check_id_agrees,
    clean_person_name,
    normalize_phone,
    parse_date,
    parse_id_number,
)

# Support-and-visit tags a bulk import may set. Sensitive care records (community correction,
# mental-health follow-up, drug rehabilitation) are never imported from files.
CARE_TAGS = (
    "残疾人",
    "低保户",
    "特困人员",
    "独居老人",
    "空巢老人",
    "留守儿童",
    "困境儿童",
    "优抚对象",
)
POP_TYPES = {"户籍人口": "户籍人口", "户籍": "户籍人口", "流动人口": "流动人口", "流动": "流动人口"}
COMPARED = (
    "name",
    "gender",
    "birth_date",
    "phone_hash",
    "pop_type",
    "hukou_region",
    "care_tags",
    "address_id",
)


@dataclass
class ParsedPerson:
    fields: dict[str, Any]  # model field values, ready to compare or write
    id_number: str
    phone: str
    person_no: str


class PersonImporter:
    kind = "persons"

    def __init__(self, *, actor: Any, state: str, matcher: Any, today: dt.date) -> None:
        self.actor, self.state, self.matcher, self.today = actor, state, matcher, today
        self.addresses: dict[str, PlacedAddress] = {}
        self.known: dict[str, tuple[Any, ...]] = {}  # id hash → (pk, *COMPARED values)
        self.new: dict[str, tuple[int, dict[str, Any]]] = {}  # id hash → (first row, values)
        self.changed: dict[int, Person] = {}
        self.moves: list[tuple[Person, int]] = []

    def prepare(self) -> None:
        self.addresses = address_index()
        rows = Person.objects.values_list("id_number_hash", "id", *COMPARED)
        self.known = {row[0]: row[1:] for row in rows.iterator(chunk_size=5000)}

    def process(self, row: TableRow) -> RowOutcome:
        try:
            parsed = self._parse(row.values)
        except Reject as rejected:
            return RowOutcome(row.number, "rejected", rejected.field, rejected.reason)
        key = parsed.fields["id_number_hash"]
        if key in self.new:
            first, values = self.new[key]
            values.update(parsed.fields)
            return RowOutcome(row.number, "merged", "id_number", f"与第 {first} 行为同一人，已合并")
        if key in self.known:
            return self._merge(row.number, self.known[key], parsed)
        self.new[key] = (row.number, self._build(parsed))
        return RowOutcome(row.number, "created")

    def _merge(self, number: int, known: tuple[Any, ...], parsed: ParsedPerson) -> RowOutcome:
        pk, stored = known[0], dict(zip(COMPARED, known[1:], strict=True))
        differs = [f for f in COMPARED if stored[f] != parsed.fields[f]]
        if not differs:
            return RowOutcome(number, "unchanged")
        person = self.changed.get(pk) or Person.objects.get(pk=pk)
        if "address_id" in differs:
            self.moves.append((person, parsed.fields["address_id"]))
        _apply(person, parsed.fields)
        if parsed.phone:
            person.phone_enc = encrypt(parsed.phone)
        person.state = self.state
        self.changed[pk] = person
        reason = "已有此人（身份证号相同），已更新"
        return RowOutcome(number, "merged", ",".join(_labels(differs)), reason)

    def _build(self, parsed: ParsedPerson) -> dict[str, Any]:
        """Column values of a new person, written in bulk by `flush`."""
        now = timezone.now()
        collector = self.actor.pk if getattr(self.actor, "pk", None) else None
        return {
            **parsed.fields,
            "person_no": parsed.person_no,
            "id_number_enc": encrypt(parsed.id_number),
            "phone_enc": encrypt(parsed.phone) if parsed.phone else "",
            "state": self.state,
            "collected_by_id": collector,
            "flags": [],
            "return_reason": "",
            "created_at": now,
            "updated_at": now,
        }

    def _parse(self, values: dict[str, Any]) -> ParsedPerson:
        try:
            name = clean_person_name(text(values, "name"))
            idn = parse_id_number(text(values, "id_number"))
            stated = values.get("birth_date")
            birth = parse_date(stated, field="birth_date") if text(values, "birth_date") else None
            check_id_agrees(idn, birth, text(values, "gender") or None)
            phone = normalize_phone(text(values, "phone")) if text(values, "phone") else ""
        except FieldProblem as problem:
            raise Reject.of(problem) from None
        address = self._address(values)
        fields = {
            "name": name,
            "gender": idn.gender,
            "birth_date": idn.birth_date,
            "id_number_hash": keyed_hash(idn.value, purpose="id_number"),
            "id_number_masked": mask_id_number(idn.value),
            "id_tail": idn.value[-4:],
            "phone_hash": keyed_hash(phone, purpose="phone") if phone else "",
            "phone_masked": mask_phone(phone),
            "pop_type": _pop_type(values),
            "hukou_region": _hukou(values, idn.area_code),
            "care_tags": _care_tags(values),
            "address_id": address.pk,
            "grid_code": address.grid_code,
            "beat_code": address.beat_code,
        }
        number = text(values, "person_id") or "X" + fields["id_number_hash"][:11].upper()
        return ParsedPerson(fields, idn.value, phone, number)

    def _address(self, values: dict[str, Any]) -> PlacedAddress:
        code = text(values, "addr_id")
        if not code:
            code = self._match(text(values, "address"))
        found = self.addresses.get(code)
        if found is None:
            raise Reject("addr_id", f"标准地址编码不存在：{code}")
        if found.level != "room":
            raise Reject("addr_id", f"地址 {code} 不是户室级地址，请精确到户室")
        return found

    def _match(self, free_text: str) -> str:
        if not free_text:
            raise Reject("address", "缺少地址：标准地址编码和地址文本均为空")
        result = self.matcher().match(free_text)
        if result.addr_id is None:
            raise Reject("address", f"地址无法匹配到标准地址：{free_text}")
        return result.addr_id

    def flush(self) -> None:
        created = [values for _, values in self.new.values()]
        if created:
            columns = list(created[0])
            insert_rows(Person, columns, [[v[c] for c in columns] for v in created])
        Person.objects.bulk_update(
            list(self.changed.values()),
            [*COMPARED, "phone_enc", "phone_masked", "state", "grid_code", "beat_code"],
            batch_size=2000,
        )
        self._record_residences(created)
        refresh_all_house_flags()

    def _record_residences(self, created: list[dict[str, Any]]) -> None:
        moved = {person.pk for person, _ in self.moves}
        Residence.objects.filter(person_id__in=moved, moved_out__isnull=True).update(
            moved_out=self.today
        )
        ids = dict(Person.objects.values_list("id_number_hash", "id")) if created else {}
        starts = [[ids[v["id_number_hash"]], v["address_id"], self.today] for v in created]
        starts += [[person.pk, address, self.today] for person, address in self.moves]
        insert_rows(Residence, ["person_id", "address_id", "moved_in"], starts)


def _apply(person: Person, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(person, name, value)


def _labels(fields: list[str]) -> list[str]:
    return [f.removesuffix("_id").removesuffix("_hash") for f in fields]


def _pop_type(values: dict[str, Any]) -> str:
    raw = text(values, "pop_type")
    if raw not in POP_TYPES:
        raise Reject("pop_type", f"人口类型应为“户籍人口”或“流动人口”：{raw or '空'}")
    return POP_TYPES[raw]


def _hukou(values: dict[str, Any], default: str) -> str:
    raw = text(values, "hukou_region") or default
    if not (len(raw) == 6 and raw.isdigit()):
        raise Reject("hukou_region", f"户籍地区划应为6位数字：{raw}")
    return raw


def _care_tags(values: dict[str, Any]) -> str:
    raw = text(values, "care_tags").replace("；", ";").replace("、", ";").replace(",", ";")
    tags = [t.strip() for t in raw.split(";") if t.strip()]
    unknown = [t for t in tags if t not in CARE_TAGS]
    if unknown:
        raise Reject("care_tags", f"未知的关怀标签：{'、'.join(unknown)}")
    return ";".join(dict.fromkeys(tags))
