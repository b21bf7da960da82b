"""Importing organisations (实有单位), keyed by their unified social credit code (GB 32100)."""

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from outpost.core.i18n import Text
from outpost.registry.imports.base import EMPTY, Reject, address_index, text, whole_number
from outpost.registry.imports.keyed import KeyedImporter
from outpost.registry.models import Organisation
from outpost.registry.tabular import TableRow
from outpost.registry.validators import (
    FieldProblem,
    clean_person_name,
    normalize_phone,
    parse_bool,
    parse_uscc,
)


class UnitImporter(KeyedImporter):
    kind = "units"
    model = Organisation
    key_field = "uscc"
    key_column = "uscc"
    compared = (
        "unit_no",
        "name",
        "unit_type",
        "address_id",
        "legal_rep",
        "contact_phone_masked",
        "employees",
        "is_key_unit",
        "grid_code",
        "beat_code",
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._phones: dict[str, str] = {}

    def prepare(self, rows: Sequence[TableRow] = ()) -> None:
        super().prepare(rows)
        self.addresses = address_index({text(row.values, "addr_id") for row in rows})

    def named(self, rows: Sequence[TableRow]) -> set[str]:
        """The codes as `parse` reads them (upper case, spaces dropped); a bad one names none."""
        codes = set()
        for row in rows:
            try:
                codes.add(parse_uscc(text(row.values, self.key_column)))
            except FieldProblem:
                continue
        return codes

    def parse(self, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        uscc = parse_uscc(text(values, "uscc"))
        name = text(values, "name")
        if not name or len(name) > 100 or "<" in name or ">" in name:
            raise Reject(
                "name",
                Text(
                    _("The unit name is empty, too long or has characters not allowed: %(value)s"),
                    value=name or EMPTY,
                ),
            )
        address = self.guard.find(self.addresses, text(values, "addr_id"))
        phone = (
            normalize_phone(text(values, "contact_phone")) if text(values, "contact_phone") else ""
        )
        self._phones[uscc] = phone
        return uscc, {
            "unit_no": text(values, "unit_id") or "U" + uscc[-10:],
            "name": name,
            "unit_type": text(values, "unit_type") or "其他",
            "address_id": address.pk,
            "legal_rep": _legal_rep(values),
            **Organisation.contact_phone.derived(phone),
            "employees": whole_number(values, "employees", "从业人数"),
            "is_key_unit": parse_bool(values.get("is_key_unit") or "否"),
            "grid_code": address.grid_code,
            "beat_code": address.beat_code,
        }

    def merge_writes(self) -> list[str]:
        return [*super().merge_writes(), "contact_phone_enc"]

    def flush(self) -> None:
        for key, values in [*((k, v) for k, (_f, v) in self.new.items()), *self.changed.items()]:
            phone = self._phones.get(key, "")
            values.update(Organisation.contact_phone.sealed(phone))
        super().flush()


def _legal_rep(values: dict[str, Any]) -> str:
    try:
        return clean_person_name(text(values, "legal_rep"))
    except FieldProblem as problem:
        reason = Text(_("legal representative's %(problem)s"), problem=problem.message)
        raise Reject("legal_rep", reason) from None
