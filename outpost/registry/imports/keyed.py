"""The shape of the simpler imports: parse a row to (key, fields), then create, merge or leave."""

import datetime as dt
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from django.db.models import Model

from outpost.registry.imports.base import Reject, RowOutcome
from outpost.registry.tabular import TableRow
from outpost.registry.validators import FieldProblem


class KeyedImporter(ABC):
    """Subclasses name the model, its natural key and the fields compared on re-import."""

    kind: ClassVar[str]
    model: ClassVar[type[Model]]
    key_field: ClassVar[str]
    compared: ClassVar[tuple[str, ...]]
    preload_related: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, actor: Any, state: str, matcher: Any, today: dt.date) -> None:
        self.actor, self.state, self.matcher, self.today = actor, state, matcher, today
        self.known: dict[str, Model] = {}
        self.new: dict[str, tuple[int, Model]] = {}
        self.changed: dict[str, Model] = {}

    def prepare(self) -> None:
        rows = self.model.objects.select_related(*self.preload_related)
        self.known = {getattr(o, self.key_field): o for o in rows}

    @abstractmethod
    def parse(self, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The row's natural key and model field values; raises Reject or FieldProblem."""

    def process(self, row: TableRow) -> RowOutcome:
        try:
            key, fields = self.parse(row.values)
        except FieldProblem as problem:
            return RowOutcome(row.number, "rejected", problem.field, problem.zh)
        except Reject as rejected:
            return RowOutcome(row.number, "rejected", rejected.field, rejected.reason)
        if key in self.new:
            first, obj = self.new[key]
            _apply(obj, fields)
            return RowOutcome(row.number, "merged", self.key_field, f"与第 {first} 行重复，已合并")
        if key in self.known:
            return self._merge(row.number, key, fields)
        self.new[key] = (row.number, self.build(key, fields))
        return RowOutcome(row.number, "created")

    def _merge(self, number: int, key: str, fields: dict[str, Any]) -> RowOutcome:
        obj = self.changed.get(key) or self.known[key]
        differs = [f for f in self.compared if getattr(obj, f) != fields[f]]
        if not differs:
            return RowOutcome(number, "unchanged")
        _apply(obj, fields)
        obj.state = self.state  # type: ignore[attr-defined]
        self.changed[key] = obj
        return RowOutcome(number, "merged", ",".join(differs), "已有此记录，已更新")

    def build(self, key: str, fields: dict[str, Any]) -> Model:
        collector = self.actor if getattr(self.actor, "pk", None) else None
        return self.model(
            **{self.key_field: key}, state=self.state, collected_by=collector, **fields
        )

    def flush(self) -> None:
        self.model.objects.bulk_create([o for _, o in self.new.values()], batch_size=2000)
        self.model.objects.bulk_update(
            list(self.changed.values()), [*self.compared, "state"], batch_size=2000
        )


def _apply(obj: Model, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
