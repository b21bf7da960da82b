"""What every registry import shares: per-row outcomes, rejections, the address lookups."""

import datetime as dt
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.accounts.scope import scope_for
from outpost.core.bulk import narrowed
from outpost.core.i18n import Text
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
    reason: "Text | Promise | str" = ""


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
    """A row that cannot go in, with the field at fault and the reason (a message kept as its
    code by the job, `core.i18n.stored`, and worded when the report is read)."""

    def __init__(self, field_name: str, reason: Text | Promise | str) -> None:
        super().__init__(reason)
        self.field = field_name
        self.reason = reason

    @classmethod
    def of(cls, problem: FieldProblem) -> "Reject":
        return cls(problem.field, problem.message)


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


def address_index(codes: Collection[str]) -> dict[str, PlacedAddress]:
    """The standard addresses with these codes (those a file names), by code: an import reads
    what its file holds, not every address on record (3.5M at 1/10 江苏)."""
    found: dict[str, PlacedAddress] = {}
    for places in narrowed(StandardAddress.objects.all(), "code", codes):
        rows = places.values_list("code", "id", "level", "grid_code", "beat_code")
        found.update((row[0], PlacedAddress._make(row[1:])) for row in rows)
    return found


def whole_number(values: dict[str, Any], name: str, label: str) -> int:
    raw = text(values, name)
    if raw == "":
        return 0
    try:
        number = int(float(raw))
    except ValueError:
        raise Reject(
            name, Text(_("%(label)s must be a whole number: %(value)s"), label=label, value=raw)
        ) from None
    if number < 0 or number != float(raw):
        raise Reject(
            name,
            Text(
                _("%(label)s must be a whole number, not negative: %(value)s"),
                label=label,
                value=raw,
            ),
        )
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
NO_ADDRESS = _("The standard address code does not exist or is outside your area")
EMPTY = _("(empty)")


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
