"""The shape of the simpler imports: parse a row to (key, fields), then create, merge or leave.

Records are held as dicts of column values, never as model instances: the stored ones are read
as tuples (only those the file names: 3.5M addresses at 1/10 江苏 are not read for a file of one
district), new ones go in with `insert_rows` and merged ones with `bulk_update` of the fields a
merge writes."""

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Sequence
from operator import itemgetter
from typing import Any, ClassVar

from django.db.models import Model
from django.utils import timezone

from outpost.accounts.models import User
from outpost.core.bulk import insert_rows, narrowed, update_rows
from outpost.core.context import stored_user
from outpost.registry.imports.base import AreaGuard, Reject, RowOutcome, text
from outpost.registry.tabular import TableRow
from outpost.registry.validators import FieldProblem
from outpost.registry.verification import entry_state

# One answer for a record nobody has registered and one registered outside the area.
NOT_HERE = "您的辖区内没有此记录：已提交登记，待核实"


class KeyedImporter(ABC):
    """Subclasses name the model, its natural key and the fields compared on re-import."""

    kind: ClassVar[str]
    model: ClassVar[type[Model]]
    key_field: ClassVar[str]
    key_column: ClassVar[str]  # the file's column that holds the key
    compared: ClassVar[tuple[str, ...]]

    def __init__(self, *, actor: User, matcher: Any, today: dt.date) -> None:
        self.actor, self.matcher, self.today = actor, matcher, today
        self.known: dict[str, dict[str, Any]] = {}  # key → {"id": pk, compared field: value}
        self.new: dict[str, tuple[int, dict[str, Any]]] = {}  # key → (first row, columns)
        self.changed: dict[str, dict[str, Any]] = {}  # key → known values with the merge's
        self.held: list[dict[str, Any]] = []  # rows of records on record outside the area
        self.defaults: dict[str, Any] = {}  # column → the model's default
        self.collector = actor.pk if stored_user(actor) else None
        self.guard = AreaGuard(actor, self.kind)
        self.now = timezone.now()  # one timestamp for every record this import creates

    def stored(self, keys: Collection[str]) -> Iterator[Sequence[Any]]:
        """(key, pk, *compared values) of the records on record with these keys."""
        records = self.model._default_manager.all()
        for found in narrowed(records, self.key_field, keys):
            yield from found.values_list(self.key_field, "id", *self.compared)

    def named(self, rows: Sequence[TableRow]) -> set[str]:
        """The keys the file's rows name, as `parse` will read them."""
        return {text(row.values, self.key_column) for row in rows} - {""}

    def prepare(self, rows: Sequence[TableRow] = ()) -> None:
        """Read what the import compares its rows with: the records the file names."""
        names = ("id", *self.compared)
        stored = self.stored(self.named(rows))
        self.known = {row[0]: dict(zip(names, row[1:], strict=True)) for row in stored}
        fields = self.model._meta.concrete_fields
        self.defaults = {f.attname: f.get_default() for f in fields if not f.primary_key}

    @abstractmethod
    def parse(self, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The row's natural key and model field values; raises Reject or FieldProblem."""

    def process(self, row: TableRow) -> RowOutcome:
        try:
            key, fields = self.parse(row.values)
        except FieldProblem as problem:
            return RowOutcome(row.number, "rejected", problem.field, problem.message)
        except Reject as rejected:
            return RowOutcome(row.number, "rejected", rejected.field, rejected.reason)
        if key in self.new:
            first, values = self.new[key]
            values.update(fields)
            return RowOutcome(row.number, "merged", self.key_field, f"与第 {first} 行重复，已合并")
        if key in self.known:
            if self.guard.allows(*self.stored_place(self.known[key])):
                return self._merge(row.number, key, fields)
            # On record outside the uploader's area: neither compared (the report would tell
            # what it holds) nor rewritten; answered as a new record is, and kept for officers.
            self.held.append({"row": row.number, "key": key})
            return RowOutcome(row.number, "submitted", "", NOT_HERE)
        self.new[key] = (row.number, self.build(key, fields))
        if self.guard.limited:
            return RowOutcome(row.number, "submitted", "", NOT_HERE)
        return RowOutcome(row.number, "created")

    def stored_place(self, known: dict[str, Any]) -> tuple[str, str]:
        """The grid and beat of a record on record (compared fields hold them)."""
        return known.get("grid_code", ""), known.get("beat_code", "")

    def _merge(self, number: int, key: str, fields: dict[str, Any]) -> RowOutcome:
        current = self.changed.get(key) or self.known[key]
        differs = [f for f in self.compared if current[f] != fields[f]]
        if not differs:
            return RowOutcome(number, "unchanged")
        merged = {**current, **fields}
        self.changed[key] = {**merged, "state": self.state_at(merged)}
        return RowOutcome(number, "merged", ",".join(differs), "已有此记录，已更新")

    def build(self, key: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Every column of a new record: the model's defaults, then the row's values."""
        return {
            **self.defaults,
            self.key_field: key,
            **fields,
            "state": self.state_at(fields),
            "collected_by_id": self.collector,
            "created_at": self.now,
            "updated_at": self.now,
        }

    def state_at(self, fields: dict[str, Any]) -> str:
        """前端采、民警核 for the record's place (see `entry_state`)."""
        return entry_state(self.actor, fields.get("grid_code", ""), fields.get("beat_code", ""))

    def merge_writes(self) -> list[str]:
        """The fields written to a merged record."""
        return [*self.compared, "state"]

    def flush(self) -> None:
        self.insert([values for _, values in self.new.values()])
        self.update(list(self.changed.values()), self.merge_writes())

    def insert(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            columns = list(rows[0])
            insert_rows(self.model, columns, list(map(itemgetter(*columns), rows)))

    def update(self, rows: list[dict[str, Any]], fields: list[str]) -> None:
        """Write `fields` of each row to its record, without reading the records first."""
        update_rows(self.model, fields, list(map(itemgetter("id", *fields), rows)))
