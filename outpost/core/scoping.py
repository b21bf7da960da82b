"""What a user may see, expressed as code prefixes in both hierarchies.

A `Scope` is built by `outpost.accounts.scope.scope_for`; each scoped model turns it into a filter
with its `scope_q` class method. Nothing else decides visibility.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q


@dataclass(frozen=True)
class Scope:
    """Civil prefixes (division/grid codes) and police prefixes (unit/beat codes)."""

    civil: tuple[str, ...] = field(default_factory=tuple)
    police: tuple[str, ...] = field(default_factory=tuple)
    departments: tuple[str, ...] = field(default_factory=tuple)  # department codes
    everything: bool = False
    # Single records opened outside the area for a while (break-the-glass grants), as
    # (model label, primary key): `restrict` adds them to whatever `scope_q` selects.
    granted: tuple[tuple[str, int], ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not (
            self.everything or self.civil or self.police or self.departments or self.granted
        )

    def contains(self, grid_code: str, beat_code: str | None = None) -> bool:
        """Whether a place lies in this scope: the Python twin of the place rule every
        registry and case row filters by (`prefix_q("grid_code", civil) |
        prefix_q("beat_code", police)`), for checks on a place not yet saved."""
        if self.everything:
            return True
        return bool(
            (self.civil and grid_code and grid_code.startswith(self.civil))
            or (self.police and beat_code and beat_code.startswith(self.police))
        )

    def granted_ids(self, label: str) -> list[int]:
        return [pk for model, pk in self.granted if model == label]


NOTHING = Q(pk__in=[])


def prefix_q(field_name: str, prefixes: tuple[str, ...]) -> Q:
    """OR of `field__startswith` over the prefixes; matches nothing when there are none."""
    if not prefixes:
        return NOTHING
    return reduce(or_, (Q(**{f"{field_name}__startswith": p}) for p in prefixes))


def ancestor_codes(prefix: str, lengths: tuple[int, ...]) -> list[str]:
    """The 12-digit codes of the units above a prefix, e.g. 320106001 → 320000…, 320100…,
    320106000000."""
    return [prefix[:n].ljust(12, "0") for n in lengths if n < len(prefix)]
