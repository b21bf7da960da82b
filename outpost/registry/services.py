"""Registry writes (前端采、民警核) and reads of personal data that must be logged."""

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import BreakGlassGrant, User
from outpost.accounts.scope import can, scope_for
from outpost.core.access import log_access
from outpost.core.audit import record_change
from outpost.registry.checks import person_flags, refresh_house_flags
from outpost.registry.edits import decide_edit, note_residence, open_edit, settle
from outpost.registry.models import (
    FloatingRegistration,
    Person,
    Residence,
    StandardAddress,
    VerificationState,
)
from outpost.registry.validators import FieldProblem, clean_person_name
from outpost.registry.verification import entry_state

EDITABLE = ("name", "phone", "pop_type", "hukou_region", "care_tags", "address")


class StaleRecord(Exception):
    """Someone else verified or returned the record first."""


def _state_after_edit(actor: User, record: Model) -> str:
    """An officer's own edit needs no second look; everyone else's waits for one (民警核)."""
    return entry_state(actor, record.grid_code, record.beat_code)  # type: ignore[attr-defined]


@transaction.atomic
def update_person(person: Person, *, actor: User, changes: dict[str, Any]) -> Person:
    """A collector's edit: validated, then pending until the beat's officer verifies it."""
    before = _snapshot(person)
    old_address = person.address_id
    edit = open_edit(person, actor=actor, action="update")
    for name, value in changes.items():
        _set_field(person, name, value)
    person.state = _state_after_edit(actor, person)
    person.collected_by = actor
    person.return_reason = ""
    person.flags = person_flags(person, None, actor)
    person.save()
    if person.address_id != old_address:
        closed, opened = move(person, old_address)
        note_residence(edit, closed, opened)
    settle(edit, person)
    record_change(
        actor=actor,
        action="update_person",
        object_type="person",
        object_key=person.person_no,
        before=before,
        after=_snapshot(person),
    )
    return person


def _set_field(person: Person, name: str, value: Any) -> None:
    try:
        if name == "name":
            person.name = clean_person_name(value)
        elif name == "phone":
            person.phone = value
        elif name == "address":
            _set_address(person, value)
        elif name in EDITABLE:
            setattr(person, name, value)
    except FieldProblem as problem:
        message = problem.message
        raise ValidationError(
            {
                problem.field: ValidationError(
                    cast(Any, message.template), params=message.params or None
                )
            }
        ) from None


def _set_address(person: Person, address: StandardAddress) -> None:
    if address.level != "room":
        raise ValidationError({"address": _("A person's address must be a room.")})
    person.address = address
    person.grid_code, person.beat_code = address.grid_code, address.beat_code


def move(
    person: Person, old_address: int | None, on: dt.date | None = None
) -> tuple[list[int], int | None]:
    """Close the open residence (history keeps it) and open one at the new address, if any;
    the ids closed and opened."""
    today = on or timezone.localdate()
    open_rows = Residence.objects.filter(person=person, moved_out__isnull=True)
    closed = list(open_rows.values_list("pk", flat=True))
    open_rows.update(moved_out=today)
    opened = None
    if person.address_id:
        row = Residence.objects.create(person=person, address_id=person.address_id, moved_in=today)
        opened = row.pk
    refresh_house_flags(old_address)
    refresh_house_flags(person.address_id)
    return closed, opened


def _snapshot(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "phone": person.phone_masked,
        "pop_type": person.pop_type,
        "hukou_region": person.hukou_region,
        "care_tags": person.care_tags,
        "address": person.address.code if person.address else None,
    }


@transaction.atomic
def verify_record(record: Model, *, actor: User) -> Model:
    """民警核: the beat's officer confirms a pending record."""
    return _decide(record, actor, VerificationState.VERIFIED, "")


@transaction.atomic
def return_record(record: Model, *, actor: User, reason: str) -> Model:
    """The officer sends a pending record back to the collector with a reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the record is returned.")})
    return _decide(record, actor, VerificationState.RETURNED, reason[:200])


def _decide(record: Model, actor: User, state: str, reason: str) -> Model:
    if not can(actor, "verify", record):
        raise PermissionDenied
    model = type(record)
    # Conditional update: of two officers acting at once, exactly one changes the row.
    updated = model._default_manager.filter(pk=record.pk, state=VerificationState.PENDING).update(
        state=state, return_reason=reason, updated_at=timezone.now()
    )
    if updated != 1:
        raise StaleRecord
    record.refresh_from_db()
    decide_edit(record, state, reason)  # type: ignore[arg-type]
    record_change(
        actor=actor,
        action=f"{state}_record",
        object_type=model.__name__.lower(),
        object_key=str(record.pk),
        after={"state": state, "reason": reason},
    )
    return record


@dataclass(frozen=True)
class Unmasked:
    id_number: str
    phone: str


def view_person(person: Person, *, actor: User) -> None:
    """Every view of a person's detail is written to the access log."""
    log_access(actor=actor, action="view_person", **_logged(person))


def _logged(person: Person) -> dict[str, str]:
    """How a person stands in the access log: by number, in their grid and beat."""
    return {
        "object_type": "person",
        "object_key": person.person_no,
        "civil_code": person.grid_code,
        "police_code": person.beat_code,
    }


def unmask_person(person: Person, *, actor: User, purpose: str) -> Unmasked:
    """Full ID and phone numbers, for a role that may see them and a stated purpose; logged."""
    if not can(actor, "unmask", person):
        raise PermissionDenied
    purpose = purpose.strip()
    if len(purpose) < 4:
        raise ValidationError({"purpose": _("State the purpose (at least 4 characters).")})
    log_access(actor=actor, action="unmask", purpose=purpose[:200], **_logged(person))
    return Unmasked(person.id_number.reveal(), person.phone.reveal())


@transaction.atomic
def register_residence(
    person: Person, *, actor: User, registered_on: Any, permit_no: str, permit_expires: Any
) -> FloatingRegistration:
    """居住登记 of a floating resident, with their residence permit if they hold one."""
    if person.pop_type != "流动人口":
        raise ValidationError({"registered_on": _("Only floating residents are registered.")})
    if permit_expires and permit_expires <= registered_on:
        raise ValidationError({"permit_expires": _("The permit must expire after it is issued.")})
    entry = FloatingRegistration.objects.create(
        person=person,
        registered_on=registered_on,
        permit_no=permit_no.strip(),
        permit_expires=permit_expires,
    )
    Person.objects.filter(pk=person.pk).update(
        state=_state_after_edit(actor, person), collected_by=actor, updated_at=timezone.now()
    )
    record_change(
        actor=actor,
        action="register_residence",
        object_type="person",
        object_key=person.person_no,
        after={"registered_on": str(registered_on), "permit_no": entry.permit_no},
    )
    return entry


BREAK_GLASS_MIN_REASON = 10


@transaction.atomic
def break_glass(person: Person, *, actor: User, reason: str) -> BreakGlassGrant:
    """紧急查看: an officer opens one person's record outside their area, stating why, for
    OUTPOST_BREAK_GLASS_HOURS. Logged, and listed for the auditors to review."""
    scope = scope_for(actor, "break_glass")
    if scope.empty:
        raise PermissionDenied
    reason = " ".join(reason.split())
    if len(reason) < BREAK_GLASS_MIN_REASON:
        problem = _("State the reason (at least %(n)s characters).")
        raise ValidationError(
            {"reason": ValidationError(problem, params={"n": BREAK_GLASS_MIN_REASON})}
        )
    now = timezone.now()
    grant = BreakGlassGrant.objects.create(
        user=actor,
        object_type=Person._meta.label_lower,
        object_id=person.pk,
        object_key=person.person_no,
        reason=reason[:200],
        civil_code=person.grid_code,
        police_code=person.beat_code,
        home_code=scope.police[0] if scope.police else "",
        granted_at=now,
        expires_at=now + dt.timedelta(hours=settings.OUTPOST_BREAK_GLASS_HOURS),
    )
    log_access(actor=actor, action="break_glass", purpose=grant.reason, **_logged(person))
    record_change(
        actor=actor,
        action="break_glass",
        object_type="person",
        object_key=person.person_no,
        after={"reason": grant.reason, "expires_at": grant.expires_at.isoformat()},
    )
    return grant
