"""Importing standard addresses (标准地址): door plate → building → room, placed by point."""

import math
import re
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from outpost.core.bulk import narrowed
from outpost.core.i18n import Text
from outpost.geo.models import Division
from outpost.registry.imports.base import EMPTY, Reject, text
from outpost.registry.imports.keyed import KeyedImporter
from outpost.registry.models import StandardAddress
from outpost.registry.placement import place_points
from outpost.registry.tabular import TableRow

LEVELS = {
    "门牌": "door",
    "楼栋": "building",
    "户室": "room",
    "door": "door",
    "building": "building",
    "room": "room",
}
PARENT_LEVEL = {"building": "door", "room": "building"}
LEVEL_ORDER = ("door", "building", "room")
CODE = re.compile(r"[A-Za-z0-9_-]{1,20}")
TEXT_FIELDS = ("road", "door_no", "compound", "building", "unit", "floor", "room", "full_text")


BAD_CODE = _("The address code is empty or has characters not allowed: %(value)s")
BAD_LEVEL = _("The address level must be door plate, building or room: %(value)s")
BAD_PARENT = _(
    "The parent address is empty, does not exist, is outside your area or is not %(level)s"
)
BAD_POINT = _("Coordinate %(name)s is not valid or not in China: %(value)s")


class AddressImporter(KeyedImporter):
    kind = "addresses"
    model = StandardAddress
    key_field = "code"
    key_column = "addr_id"
    compared = ("level", "parent_code", "community_code", *TEXT_FIELDS, "lon", "lat")

    def stored(self, keys: Collection[str]) -> Iterator[Sequence[Any]]:
        parent_code = Coalesce(F("parent__code"), Value(""))
        rows = StandardAddress.objects.annotate(parent_code=parent_code)
        for found in narrowed(rows, self.key_field, keys):
            yield from found.values_list(self.key_field, "id", *self.compared)

    def named(self, rows: Sequence[TableRow]) -> set[str]:
        """The rows' own codes and their parents' (a parent may be on record already)."""
        parents = {text(row.values, "parent_id") for row in rows}
        return super().named(rows) | (parents - {""})

    def prepare(self, rows: Sequence[TableRow] = ()) -> None:
        super().prepare(rows)
        self.levels = {code: values["level"] for code, values in self.known.items()}
        self.communities = set(
            Division.objects.filter(level="community").values_list("code", flat=True)
        )

    def stored_place(self, known: dict[str, Any]) -> tuple[str, str]:
        return known["community_code"], ""

    def parse(self, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        code = text(values, "addr_id")
        if not CODE.fullmatch(code):
            raise Reject("addr_id", Text(BAD_CODE, value=code or EMPTY))
        level = LEVELS.get(text(values, "level"))
        if level is None:
            raise Reject("level", Text(BAD_LEVEL, value=text(values, "level") or EMPTY))
        fields = {
            "level": level,
            "parent_code": self._parent(values, level),
            "community_code": self._community(values),
            **{name: text(values, name) for name in TEXT_FIELDS},
            "lon": _coordinate(values, "lon", 73, 136),
            "lat": _coordinate(values, "lat", 3, 54),
        }
        if not fields["road"] or not fields["full_text"]:
            raise Reject(
                "road" if not fields["road"] else "full_text",
                _("The road and the full address cannot be empty"),
            )
        return code, fields

    def _parent(self, values: dict[str, Any], level: str) -> str:
        parent = text(values, "parent_id")
        if level == "door":
            if parent:
                raise Reject("parent_id", _("A door plate has no parent address"))
            return ""
        # A parent outside the uploader's area reads as one that does not exist.
        hidden = parent in self.known and not self.guard.allows(
            *self.stored_place(self.known[parent])
        )
        if hidden or self.levels.get(parent) != PARENT_LEVEL[level]:
            expected = _("a door plate") if level == "building" else _("a building")
            raise Reject("parent_id", Text(BAD_PARENT, level=expected))
        return parent

    def _community(self, values: dict[str, Any]) -> str:
        code = text(values, "community_code")
        if code not in self.communities or not self.guard.allows(code, ""):
            raise Reject(
                "community_code", _("The community code does not exist or is outside your area")
            )
        return code

    def build(self, key: str, fields: dict[str, Any]) -> dict[str, Any]:
        values = super().build(key, fields)  # parent_code stays until flush gives parent_id
        self.levels[key] = values["level"]  # later rows may name this one as their parent
        return values

    def flush(self) -> None:
        new = [values for _, values in self.new.values()]
        changed = list(self.changed.values())
        _place([*new, *changed])
        for values in (*new, *changed):  # the place is known only now
            values["state"] = self.state_at(values)
        # Parents on record were read with the rows (`named`); new ones are read back per level.
        codes = {code: values["id"] for code, values in self.known.items()}
        for level in LEVEL_ORDER:  # parents first, so children can point at their ids
            batch = [values for values in new if values["level"] == level]
            _link_parents(batch, codes)
            for values in batch:
                del values["parent_code"]  # not a column
            self.insert(batch)
            codes.update(_ids([values["code"] for values in batch]))
        _link_parents(changed, codes)
        fields = [f for f in self.compared if f != "parent_code"]
        self.update(changed, [*fields, "parent_id", "grid_code", "beat_code", "state"])


def _ids(codes: list[str]) -> Iterator[tuple[str, int]]:
    for found in narrowed(StandardAddress.objects.all(), "code", codes):
        yield from found.values_list("code", "id")


def _link_parents(rows: list[dict[str, Any]], codes: dict[str, int]) -> None:
    for values in rows:
        parent = values["parent_code"]
        values["parent_id"] = codes.get(parent) if parent else None


def _place(rows: list[dict[str, Any]]) -> None:
    lons, lats = [v["lon"] for v in rows], [v["lat"] for v in rows]
    places = place_points(lons, lats) if rows else []
    for values, (grid, beat) in zip(rows, places, strict=True):
        values["grid_code"], values["beat_code"] = grid, beat


def _coordinate(values: dict[str, Any], name: str, low: float, high: float) -> float:
    try:
        value = float(text(values, name))
    except ValueError:
        value = math.nan
    if not (low <= value <= high):
        raise Reject(name, Text(BAD_POINT, name=name, value=text(values, name) or EMPTY))
    return value
