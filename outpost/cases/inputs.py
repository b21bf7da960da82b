"""An action's inputs, checked against what the workflow declares for it (`workflow.SPECS`):
the same checks for the page's form, the API body and every other caller of `act`."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.cases.models import AttachmentPurpose, Case
from outpost.cases.routing import Unit, escalation_unit, suggested_units
from outpost.cases.workflow import Input, Kind, Transition
from outpost.core.refusals import refusal

# What a required input says when it is missing or not one of its choices.
MISSING = {
    "rating": _("Choose satisfied, basically satisfied or unsatisfied"),
    "outcome": _("Say whether the call reached the resident"),
    "mediation_outcome": _("A dispute closes with its mediation outcome"),
    "recheck": _("A hazard closes with what the re-check found"),
}


def needed(item: Input, case: Case) -> bool:
    """Whether the case asks for this input at all: a closing requirement only for its sub-type."""
    return not item.closing or item.closing == case.subtype.closing_requires


def required(item: Input, case: Case) -> bool:
    return item.required or (bool(item.closing) and needed(item, case))


def clean(case: Case, step: Transition, payload: dict[str, Any], actor: User | None) -> dict:
    """The inputs the action takes, each checked; anything else in the payload is ignored."""
    cleaned: dict[str, Any] = {}
    for item in step.spec.inputs:
        value = payload.get(item.name)
        if item.kind == Kind.UNITS:
            cleaned[item.name] = _units(case, value, bool(payload.get("escalate")))
        elif value in (None, "", [], False) or not needed(item, case):
            if required(item, case):
                raise ValidationError({item.name: MISSING.get(item.name, _("Required"))})
        else:
            cleaned[item.name] = _value(case, item, value, actor)
    return cleaned


def _value(case: Case, item: Input, value: Any, actor: User | None) -> Any:
    if item.kind == Kind.CHOICE and value not in item.choices:
        raise ValidationError({item.name: MISSING.get(item.name, _("Not one of the choices"))})
    if item.kind == Kind.CASE_NUMBER:
        return _original(case, str(value), actor)
    if item.kind in (Kind.TEXT, Kind.CASE_NUMBER) and item.max_length:
        return str(value).strip()[: item.max_length]
    return value


def _original(case: Case, number: str, actor: User | None) -> Case:
    """The original among the cases the actor sees: one outside their area is "no such case",
    the same answer as a number that does not exist."""
    from outpost.cases.services import visible_cases  # services checks inputs through here

    original = visible_cases(actor).filter(number=number).exclude(pk=case.pk).first()
    if original is None:
        found = refusal(_("No such original case: %(number)s"), number=number)
        raise ValidationError({"duplicate_of": found})
    return original


def _units(case: Case, wanted: Any, escalate: bool) -> list[tuple[Unit, bool]]:
    """Where a dispatch sends the case: the room one level up, the chosen units (one of them
    the lead), or the route the sub-type suggests."""
    if escalate:
        return [(escalation_unit(case), True)]
    if not wanted:
        return [(unit, i == 0) for i, unit in enumerate(suggested_units(case))]
    chosen = [(_offered(case, t.get("kind"), t.get("code")), bool(t.get("lead"))) for t in wanted]
    if sum(lead for _, lead in chosen) != 1:
        raise ValidationError({"targets": _("Joint handling needs exactly one lead unit")})
    return chosen


def _offered(case: Case, kind: Any, code: Any) -> Unit:
    """A unit the dispatch form offers for this case (`queries.dispatch_candidates`, the one
    list for the form, the API and the board); any other is "no such unit", exactly as one that
    does not exist."""
    from outpost.cases.queries import dispatch_candidates  # queries reads through services

    offered = {(u.kind, u.code): u for u in dispatch_candidates(case)[1]}
    found = offered.get((str(kind), str(code)))
    if found is None:
        raise refusal(_("No such unit to dispatch to: %(kind)s %(code)s"), kind=kind, code=code)
    return found


def check_evidence(case: Case) -> None:
    """A hazard closes with a re-check photo taken in this round of handling (a reopened case
    needs a new one); checked once the action's own photos are stored."""
    if case.subtype.closing_requires != "recheck_photo":
        return
    photos = case.attachments.filter(purpose=AttachmentPurpose.RECHECK)
    if case.handle_started is not None:
        photos = photos.filter(uploaded_at__gte=case.handle_started)
    if not photos.filter(content_type__startswith="image/").exists():
        raise ValidationError({"files": _("A hazard closes with a re-check photo")})
