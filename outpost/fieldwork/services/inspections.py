"""Inspection writes (检查): an inspection by a checklist, its results (failed items open hazard
cases), a department's sign-off of a joint inspection and a hazard's re-check."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import Department, User
from outpost.accounts.scope import restrict
from outpost.accounts.units import Unit, acts_for
from outpost.cases.models import Source, SubType
from outpost.cases.services import NewCase, report_case
from outpost.core.audit import record_change
from outpost.core.refusals import refusal
from outpost.fieldwork.models import Checklist, Hazard, Inspection, InspectionParty
from outpost.registry.models import House, HouseUse, Organisation

INSPECT_ACTION = "collect"  # who inspects: grid workers, community officers, auxiliary police
RECTIFY_DAYS = 7


def applies(checklist: Checklist, subject: Organisation | House) -> bool:
    if isinstance(subject, House):
        return checklist.subject == "house" and subject.use == HouseUse.RENTED
    types = checklist.unit_types
    return checklist.subject == "organisation" and (not types or subject.unit_type in types)


@transaction.atomic
def start_inspection(
    subject: Organisation | House,
    checklist: Checklist,
    *,
    actor: User,
    departments: list[Department] | None = None,
) -> Inspection:
    """An inspection by the checklist's version now current; joint when departments take part
    (each signs it off later)."""
    if not restrict(type(subject).objects.filter(pk=subject.pk), actor, INSPECT_ACTION).exists():
        raise PermissionDenied
    if not applies(checklist, subject):
        raise ValidationError({"checklist": _("This checklist is not for this place")})
    inspection = Inspection.objects.create(
        checklist=checklist,
        **{"house" if isinstance(subject, House) else "organisation": subject},
        grid_code=subject.grid_code,
        beat_code=subject.beat_code,
        inspector=actor,
        started_at=timezone.now(),
    )
    for department in departments or []:
        InspectionParty.objects.create(inspection=inspection, department=department)
    after: dict[str, Any] = {"checklist": f"{checklist.code}@{checklist.version}"}
    after["parties"] = [d.code for d in departments or []]
    record_change(
        actor=actor,
        action="start_inspection",
        object_type="inspection",
        object_key=str(inspection.pk),
        after=after,
    )
    return inspection


def complete_inspection(
    inspection: Inspection,
    results: dict[str, bool],
    *,
    actor: User,
    notes: str = "",
    rectify_days: int = RECTIFY_DAYS,
) -> list[Hazard]:
    """Every item's result; each failed item opens a hazard case (the checklist's sub-type, at
    the place inspected) with a rectification deadline."""
    if inspection.inspector_id != actor.pk:
        raise PermissionDenied
    items = {i["code"]: i["text"] for i in inspection.checklist.items}
    if set(results) != set(items):
        missing = "、".join(sorted(set(items) - set(results))) or "?"
        raise ValidationError(
            {"results": refusal(_("Every item needs a result: %(items)s"), items=missing)}
        )
    if not 1 <= rectify_days <= 90:
        raise ValidationError({"rectify_days": _("The rectification period must be 1 to 90 days")})
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if locked.completed_at is not None:
            raise ValidationError(_("This inspection is already completed"))
        by = timezone.localdate() + dt.timedelta(days=rectify_days)
        hazards = [
            _hazard(locked, code, items[code], by, actor) for code in items if not results[code]
        ]
        locked.results, locked.notes, locked.completed_at = results, notes.strip(), timezone.now()
        locked.save(update_fields=["results", "notes", "completed_at"])
        record_change(
            actor=actor,
            action="complete_inspection",
            object_type="inspection",
            object_key=str(locked.pk),
            after={
                "failed": [h.item_code for h in hazards],
                "cases": [h.case.number for h in hazards],
            },
        )
    return hazards


def rectify_deadline(by: dt.date) -> dt.datetime:
    """The hazard case's own deadline: the end of the rectification day, local time."""
    return timezone.make_aware(dt.datetime.combine(by, dt.time(23, 59, 59)))


def _hazard(inspection: Inspection, code: str, text: str, by: dt.date, actor: User) -> Hazard:
    subject = inspection.organisation or inspection.house
    assert subject is not None
    subtype = SubType.objects.select_related("category").get(code=inspection.checklist.subtype)
    new = NewCase(
        subtype=subtype,
        title=f"{inspection.checklist.name}：{text}"[:100],
        description=f"{subject}：{text}。整改期限 {by:%Y-%m-%d}，复查合格后方可结案。",
        source=Source.GRID_PATROL,
        address=subject.address.code,
        handle_by=rectify_deadline(by),
    )
    case = report_case(new, actor=actor)
    return Hazard.objects.create(inspection=inspection, item_code=code, case=case, rectify_by=by)


@transaction.atomic
def sign_off(party: InspectionParty, *, actor: User) -> InspectionParty:
    """A department's sign-off of a joint inspection, by someone who acts for it."""
    if not acts_for(actor, Unit("department", party.department.code, party.department.name)):
        raise PermissionDenied
    if party.signed_at is not None:
        raise ValidationError(_("This department has already signed"))
    party.signed_by, party.signed_at = actor, timezone.now()
    party.save(update_fields=["signed_by", "signed_at"])
    record_change(
        actor=actor,
        action="sign_inspection",
        object_type="inspection",
        object_key=str(party.inspection_id),
        after={"department": party.department.code},
    )
    return party


@transaction.atomic
def recheck(hazard: Hazard, passed: bool, *, actor: User, note: str = "") -> Hazard:
    """The re-check (复查) of a hazard, by who inspects where it lies: only a passed re-check
    lets its case close."""
    inspected = Inspection.objects.filter(pk=hazard.inspection_id)
    if not restrict(inspected, actor, INSPECT_ACTION).exists():
        raise PermissionDenied
    hazard.recheck_passed, hazard.rechecked_at = passed, timezone.now()
    hazard.rechecked_by, hazard.recheck_note = actor, note.strip()[:200]
    hazard.save(update_fields=["recheck_passed", "rechecked_at", "rechecked_by", "recheck_note"])
    record_change(
        actor=actor,
        action="recheck_hazard",
        object_type="inspection",
        object_key=str(hazard.inspection_id),
        after={"case": hazard.case.number, "passed": passed},
    )
    return hazard
