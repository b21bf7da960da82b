"""What every registry import shares: per-row outcomes, rejections, the address lookups."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from outpost.accounts.models import User
from outpost.accounts.scope import scope_for
from outpost.registry.models import StandardAddress
from outpost.registry.validators import FieldProblem

# "submitted": taken as the uploader's statement for the officer to verify, without saying how
# it compares with what is on record (the uploader may not see that; see PersonImporter).
OUTCOMES = ("created", "submitted", "merged", "unchanged", "rejected")


@dataclass(frozen=True)
class RowOutcome:
    row: int
    outcome: str
    field: str = ""
    reason: str = ""


@dataclass
class ImportResult:
    kind: str
    outcomes: list[RowOutcome] = field(default_factory=list)
    dry_run: bool = False
    encoding: str = ""
    header_row: int = 1

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(o.outcome for o in self.outcomes)
        return {name: found.get(name, 0) for name in OUTCOMES}

    @property
    def changed(self) -> bool:
        counts = self.counts
        return bool(counts["created"] or counts["submitted"] or counts["merged"])

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows": len(self.outcomes),
            "dry_run": self.dry_run,
            "encoding": self.encoding,
            "header_row": self.header_row,
            **self.counts,
        }


class Reject(Exception):
    """A row that cannot go in, with the field at fault and the reason (rendered when raised:
    in an import job, in the site's language)."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field_name
        self.reason = reason

    @classmethod
    def of(cls, problem: FieldProblem) -> "Reject":
        return cls(problem.field, str(problem))


class PlacedAddress(NamedTuple):  # a tuple: cheap to make 45,000 of, and no work for the GC
    pk: int
    level: str
    grid_code: str
    beat_code: str


def text(values: dict[str, Any], name: str) -> str:
    value = values.get(name)
    if value.__class__ is str:  # nearly every cell: CSV gives only text
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # xlsx gives 96.0 for "96"
    if isinstance(value, dt.datetime):
        value = value.date()
    return str(value).strip()


def address_index() -> dict[str, PlacedAddress]:
    rows = StandardAddress.objects.values_list("code", "id", "level", "grid_code", "beat_code")
    return {row[0]: PlacedAddress._make(row[1:]) for row in rows}


def whole_number(values: dict[str, Any], name: str, label: str) -> int:
    raw = text(values, name)
    if raw == "":
        return 0
    try:
        number = int(float(raw))
    except ValueError:
        raise Reject(name, f"{label}应为整数：{raw}") from None
    if number < 0 or number != float(raw):
        raise Reject(name, f"{label}应为非负整数：{raw}")
    return number


# What an uploader must be allowed to do where each kind of row lands.
IMPORT_ACTION = {
    "addresses": "change",
    "persons": "collect",
    "houses": "collect",
    "units": "collect",
}
OUTSIDE_AREA = "该人员或地址不在您的辖区内，请联系所在网格或警务区处理"
# One answer for a code that does not exist and one outside the uploader's area, so an import
# cannot be used to learn which codes exist elsewhere. The code itself is not repeated: the
# uploader has it in the file, and the answer must read the same for every code.
NO_ADDRESS = "标准地址编码不存在或不在您的辖区内"


class AreaGuard:
    """Keeps an uploader's rows inside their own area (where they may do `action`, by default
    what importing the kind needs); the command line (no actor) is not limited."""

    def __init__(self, actor: User, kind: str, action: str | None = None) -> None:
        action = action or IMPORT_ACTION[kind]
        self.scope = scope_for(actor, action) if actor is not None else None

    @property
    def limited(self) -> bool:
        """Whether anything on record may lie outside this uploader's area."""
        return self.scope is not None and not self.scope.everything

    def find(self, addresses: dict[str, PlacedAddress], code: str) -> PlacedAddress:
        """The standard address with this code, if it lies in the area; else the one answer
        for both a missing and a hidden code."""
        found = addresses.get(code)
        if found is None or not self.allows(found.grid_code, found.beat_code):
            raise Reject("addr_id", NO_ADDRESS)
        return found

    def allows(self, grid_code: str, beat_code: str) -> bool:
        return self.scope is None or self.scope.contains(grid_code, beat_code)
