"""What diverting a batch of calls answers: one outcome per row, the output file, the tally."""

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext

from outpost.calls.classify import DIVERT

OUTPUT_COLUMNS = ("call_id", "decision", "subtype", "addr_id", "grid_code", "reason")


@dataclass(frozen=True)
class Outcome:
    """One row's answer. A row that could not be read stays with the police and says why in
    `error`; address, grid and case are blank when the call lies outside the actor's area."""

    row: int
    call_id: str
    decision: str
    subtype: str = ""
    subtype_name: str = ""
    addr_id: str = ""
    address: str = ""
    grid_code: str = ""
    reason: str = ""
    case_number: str = ""
    error: str = ""
    field: str = ""

    @property
    def diverted(self) -> bool:
        return self.decision == DIVERT

    @property
    def explained_reason(self) -> str:
        if self.error:
            return gettext("Row %(row)s %(error)s; not handled, left with the police") % {
                "row": self.row,
                "error": self.error,
            }
        return self.reason

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "call_id": self.call_id,
            "decision": self.decision,
            "subtype": self.subtype,
            "subtype_name": self.subtype_name,
            "addr_id": self.addr_id,
            "grid_code": self.grid_code,
            "reason": self.explained_reason,
            "case_number": self.case_number,
            "error": self.error,
            "field": self.field,
        }


def write_outcomes(outcomes: Sequence[Outcome]) -> str:
    """The output file: `call_id,decision,subtype,addr_id,grid_code,reason`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    for o in outcomes:
        writer.writerow(
            [o.call_id, o.decision, o.subtype, o.addr_id, o.grid_code, o.explained_reason]
        )
    return out.getvalue()


@dataclass(frozen=True)
class Summary:
    rows: int
    diverted: dict[str, int] = field(default_factory=dict)  # sub-type code → calls
    names: dict[str, str] = field(default_factory=dict)  # sub-type code → name
    police: int = 0
    errors: int = 0
    matched: int = 0

    @property
    def matched_share(self) -> float:
        return self.matched / self.rows if self.rows else 0.0

    def per_subtype(self) -> list[tuple[str, str, int]]:
        return [(code, self.names.get(code, ""), n) for code, n in sorted(self.diverted.items())]

    def lines(self) -> list[str]:
        per_subtype = gettext(", ").join(f"{c} {name} {n}" for c, name, n in self.per_subtype())
        return [
            gettext("Rows: %(n)s") % {"n": self.rows},
            gettext("Diverted: %(n)s (%(per_subtype)s)")
            % {"n": sum(self.diverted.values()), "per_subtype": per_subtype or gettext("none")},
            gettext("Left with the police: %(n)s (rows with errors among them: %(errors)s)")
            % {"n": self.police, "errors": self.errors},
            gettext("Addresses matched: %(matched)s/%(rows)s (%(share)s)")
            % {"matched": self.matched, "rows": self.rows, "share": f"{self.matched_share:.1%}"},
        ]


def summarise(outcomes: Sequence[Outcome]) -> Summary:
    diverted = Counter(o.subtype for o in outcomes if o.diverted)
    return Summary(
        rows=len(outcomes),
        diverted=dict(diverted),
        names={o.subtype: o.subtype_name for o in outcomes if o.diverted},
        police=sum(1 for o in outcomes if not o.diverted),
        errors=sum(1 for o in outcomes if o.error),
        matched=sum(1 for o in outcomes if o.addr_id),
    )
