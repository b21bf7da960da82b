"""What a workflow action does to a case (its effects, declared per action in
`outpost.cases.workflow.SPECS`), carried out in one place.

`changes` is pure: from the case as it stands, the step, its inputs and the moment, the fields to
write. `act` writes them in one conditional update; the demo's history applies the very same
function to the cases it writes in bulk, so its clocks, results and counters cannot drift from
the real ones. `apply_after` does what needs other rows (assignments, notifications).
"""

import datetime as dt
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from outpost.accounts.units import Unit
from outpost.cases import clocks
from outpost.cases.models import Card, Case, CaseAssignment
from outpost.cases.routing import escalation_unit
from outpost.cases.supervision import notify_case_units
from outpost.cases.workflow import TERMINAL, Effect, Transition


class CaseFields(Protocol):
    """What the effects read of a case: a stored `Case`, or a demo draft."""

    subtype: Any
    state: str
    handle_started: dt.datetime | None
    handle_due: dt.datetime | None
    paused_at: dt.datetime | None
    followups_failed: int
    rework_count: int


def changes(
    case: CaseFields, step: Transition, inputs: dict[str, Any], comment: str, now: dt.datetime
) -> dict[str, Any]:
    """The fields this step writes: its clocks, then each of its action's effects."""
    found = clocks.effects(case, step, now)
    for effect in step.spec.effects:
        found |= _FIELDS.get(effect, _nothing)(case, inputs, comment, now)
    if step.target in TERMINAL:
        found["closed_at"] = now
    return found


def _nothing(case: CaseFields, inputs: dict[str, Any], comment: str, now: Any) -> dict[str, Any]:
    return {}


def _result(case: CaseFields, inputs: dict[str, Any], comment: str, now: Any) -> dict[str, Any]:
    parts = [comment.strip(), inputs.get("mediation_outcome", ""), inputs.get("recheck", "")]
    # A new round of handling is a new round of 回访.
    return {"result": "\n".join(p for p in parts if p), "followups_failed": 0}


def _call(case: CaseFields, inputs: dict[str, Any], comment: str, now: Any) -> dict[str, Any]:
    missed = inputs.get("outcome") == "unreachable"
    return {"last_followup_at": now, "followups_failed": case.followups_failed + int(missed)}


def _rating(case: CaseFields, inputs: dict[str, Any], comment: str, now: Any) -> dict[str, Any]:
    return {"rating": str(inputs["rating"])}


def _rework(case: CaseFields, inputs: dict[str, Any], comment: str, now: Any) -> dict[str, Any]:
    return {"rework_count": case.rework_count + 1}


def _ask(case: CaseFields, inputs: dict[str, Any], comment: str, now: Any) -> dict[str, Any]:
    return {"extension_requested": True}


def _duplicate(case: CaseFields, inputs: dict[str, Any], comment: str, now: Any) -> dict[str, Any]:
    # The original was looked up among the cases the actor sees (`inputs.clean`).
    return {"duplicate_of": inputs["duplicate_of"]} if inputs.get("duplicate_of") else {}


_FIELDS = {
    Effect.RECORD_RESULT: _result,
    Effect.RECORD_FOLLOWUP_CALL: _call,
    Effect.RECORD_RATING: _rating,
    Effect.COUNT_REWORK: _rework,
    Effect.REQUEST_EXTENSION: _ask,
    Effect.EXTEND_DEADLINE: clocks.extended,
    Effect.MARK_DUPLICATE: _duplicate,
}


def apply_after(case: Case, step: Transition, inputs: dict[str, Any], now: dt.datetime) -> None:
    """The effects on other rows, once the case itself has moved: who it is with, who is told."""
    for effect in step.spec.effects:
        if effect == Effect.ASSIGN_UNITS:
            _assign(case, inputs["targets"], now)
            notify_case_units(case, "dispatched", now)
        elif effect == Effect.SIGN_ASSIGNMENTS:
            case.assignments.filter(active=True, signed_on_at__isnull=True).update(signed_on_at=now)
        elif effect == Effect.RELEASE_ASSIGNMENTS:
            case.assignments.filter(active=True).update(active=False)
        elif effect == Effect.ADD_ESCALATION_UNIT:
            _escalate(case, now)
        elif effect == Effect.NOTIFY_UNITS:
            notify_case_units(case, "urged", now)


def _assign(case: Case, units: list[tuple[Unit, bool]], now: dt.datetime) -> None:
    if not units:
        raise ValidationError({"targets": _("There is no unit to dispatch to")})
    case.assignments.filter(active=True).update(active=False)
    CaseAssignment.objects.bulk_create(
        [
            CaseAssignment(
                case=case,
                unit_kind=u.kind,
                unit_code=u.code,
                unit_name=u.name,
                lead=lead,
                assigned_at=now,
            )
            for u, lead in units
        ]
    )


def _escalate(case: Case, now: dt.datetime) -> None:
    """The command room one level up joins the units the case is with (not as lead), and the
    red cards say so."""
    unit = escalation_unit(case)
    CaseAssignment.objects.get_or_create(
        case=case,
        unit_code=unit.code,
        active=True,
        defaults={
            "unit_kind": unit.kind,
            "unit_name": unit.name,
            "lead": False,
            "assigned_at": now,
        },
    )
    Card.objects.filter(case=case, color="red").update(escalated=True)
