"""Registry entries made in the field (前端采): add a person, a house or an organisation at a
standard address of one's area, and 注销 a person who moved out or died.

Each write runs in a transaction, takes the actor, writes the change record and leaves the record
as `entry_state` decides (pending for the beat's officer unless the actor verifies there), with
its pending `RecordEdit` for the queue. Adding a person whose ID number is on record answers with
that person inside the actor's area; outside it, exactly as a new person is answered (nothing is
written, the attempt is kept for the officers), as imports do, so the form is no oracle."""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.accounts.scope import can, scope_for
from outpost.core.audit import record_change
from outpost.registry import lookups, queries
from outpost.registry.edits import close_edit, note_residence, open_edit, settle
from outpost.registry.models import (
    House,
    Organisation,
    Person,
    PersonStatus,
    RecordEdit,
    Residence,
    StandardAddress,
    VerificationState,
)
from outpost.registry.services import move
from outpost.registry.validators import (
    FieldProblem,
    clean_person_name,
    parse_id_number,
    parse_uscc,
)
from outpost.registry.verification import entry_state

SUBMITTED = _("Submitted: the record awaits the officer's verification.")
RECEIVED = _(
    "Received: a new record is saved and verified; a number already on record outside your "
    "area is passed to the officers who hold it."
)
SAVED = _("Saved.")


TOO_MANY = {
    "id_number": _("Too many lookups by ID number; try again later"),
    "uscc": _("Too many lookups by credit code; try again later"),
}


def _shown(uscc: str) -> str:
    """A credit code as the logs keep it: its last four characters."""
    return "*" * 14 + uscc[-4:]


class AlreadyOnRecord(Exception):
    """The record exists in the actor's area: here it is."""

    def __init__(self, record: Any) -> None:
        super().__init__(str(record))
        self.record = record


@dataclass
class NewPerson:
    name: str
    id_number: str
    address: StandardAddress
    pop_type: str
    phone: str = ""
    hukou_region: str = ""
    care_tags: str = ""
    moved_in: dt.date | None = None


def _problem(problem: FieldProblem) -> ValidationError:
    return ValidationError({problem.field: str(problem)})  # in the request's language


def _number(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:14].upper()


def _check_place(actor: User, address: StandardAddress, level: str | None = "room") -> None:
    if not can(actor, "collect", address):
        raise ValidationError({"address": _("No such address in your area.")})
    if level and address.level != level:
        raise ValidationError({"address": _("A person's address must be a room.")})


def _not_future(field: str, day: dt.date | None) -> None:
    if day and day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def add_person(new: NewPerson, *, actor: User) -> Person | None:
    """A person added on the phone; None when the ID number is on record outside the area
    (answered like a new person). AlreadyOnRecord when it is on record in the area."""
    _check_place(actor, new.address)
    try:
        parsed = parse_id_number(new.id_number)
        name = clean_person_name(new.name)
        Person.phone.clean(new.phone)
    except FieldProblem as problem:
        raise _problem(problem) from None
    _not_future("moved_in", new.moved_in)
    if new.moved_in and new.moved_in < parsed.birth_date:
        raise ValidationError({"moved_in": _("The date cannot be before the birth date.")})
    _counted(actor, "id_number")
    _free_if_returned(Person.objects.by_id_number(parsed.value).first())
    here = queries.people_for(actor).filter(Person.id_number.q(parsed.value)).first()
    lookups.log_exact_lookup(actor, "add_person", parsed.value, rows=int(here is not None))
    if here is not None:
        raise AlreadyOnRecord(here)
    return _create_person(new, parsed, name, actor)


def _counted(actor: User, field: str) -> None:
    """An exact lookup by ID number or credit code, counted like a search (one limit a user for
    both): nobody walks through numbers to learn which exist outside their area."""
    try:
        lookups.count_exact_lookup(actor)
    except lookups.TooManyLookups:
        raise ValidationError({field: TOO_MANY[field]}) from None


def _free_if_returned(found: Any) -> bool:
    """Whether the record on file was only an entry the officer returned when it was added (no
    record at all): then it is removed, so the number can be entered right. A wrong entry
    returned must not hold a real person's or unit's number for good."""
    if found is None or found.state != VerificationState.RETURNED:
        return False
    kind = "person" if isinstance(found, Person) else "organisation"
    returned = RecordEdit.objects.filter(
        kind=kind, record_id=found.pk, action="add", state=VerificationState.RETURNED
    )
    if not returned.exists():
        return False
    try:
        with transaction.atomic():
            found.delete()
    except ProtectedError:
        return False  # something already refers to it: the officers follow it up
    return True


@transaction.atomic
def _create_person(new: NewPerson, parsed: Any, name: str, actor: User) -> Person | None:
    if Person.objects.by_id_number(parsed.value).exists():
        record_change(  # held for the officers to follow up, as an import holds such a row
            actor=actor,
            action="add_person_held",
            object_type="person",
            object_key=lookups.loggable(parsed.value),
            after={"address": new.address.code},
        )
        return None
    address = new.address
    person = Person(
        person_no=_number("PF"),
        name=name,
        gender=parsed.gender,
        birth_date=parsed.birth_date,
        pop_type=new.pop_type,
        hukou_region=new.hukou_region,
        care_tags=new.care_tags,
        address=address,
        grid_code=address.grid_code,
        beat_code=address.beat_code,
        collected_by=actor,
        state=entry_state(actor, address.grid_code, address.beat_code),
    )
    person.id_number = parsed.value
    person.phone = new.phone
    person.save()
    Residence.objects.create(
        person=person, address=address, moved_in=new.moved_in or timezone.localdate()
    )
    _opened(person, actor, "add_person", {"address": address.code})
    return person


def _opened(record: Any, actor: User, action: str, after: dict[str, Any]) -> None:
    if record.state == VerificationState.PENDING:
        close_edit(open_edit(record, actor=actor, action="add"), record)
    key = getattr(record, "person_no", None) or getattr(record, "house_no", None)
    record_change(
        actor=actor,
        action=action,
        object_type=type(record).__name__.lower(),
        object_key=key or record.unit_no,
        after=after,
    )


@transaction.atomic
def add_house(
    address: StandardAddress,
    *,
    actor: User,
    use: str,
    area_m2: float | None = None,
    occupants: int = 0,
    rental_filing_no: str = "",
) -> House:
    """A dwelling (实有房屋) at a room of the actor's area; one per room."""
    _check_place(actor, address)
    existing = House.objects.filter(address=address).first()
    if existing is not None:
        raise AlreadyOnRecord(existing)  # the room is in the actor's area: nothing is given away
    house = House.objects.create(
        house_no=_number("HF"),
        address=address,
        use=use,
        area_m2=area_m2,
        occupants=occupants,
        rental_filing_no=rental_filing_no.strip(),
        grid_code=address.grid_code,
        beat_code=address.beat_code,
        collected_by=actor,
        state=entry_state(actor, address.grid_code, address.beat_code),
    )
    _opened(house, actor, "add_house", {"address": address.code, "use": use})
    return house


@dataclass
class NewOrganisation:
    name: str
    uscc: str
    unit_type: str
    address: StandardAddress
    legal_rep: str
    contact_phone: str = ""
    employees: int = 0


def add_organisation(new: NewOrganisation, *, actor: User) -> Organisation | None:
    """An organisation (实有单位) at a standard address of the actor's area; None when its code
    is on record outside the area (answered like a new one)."""
    _check_place(actor, new.address, level=None)
    try:
        uscc = parse_uscc(new.uscc)
        Organisation.contact_phone.clean(new.contact_phone)
    except FieldProblem as problem:
        raise _problem(problem) from None
    _counted(actor, "uscc")
    _free_if_returned(Organisation.objects.filter(uscc=uscc).first())
    here = queries.organisations_for(actor).filter(uscc=uscc).first()
    lookups.log_exact_lookup(actor, "add_organisation", _shown(uscc), rows=int(here is not None))
    if here is not None:
        raise AlreadyOnRecord(here)
    return _create_organisation(new, uscc, actor)


@transaction.atomic
def _create_organisation(new: NewOrganisation, uscc: str, actor: User) -> Organisation | None:
    if Organisation.objects.filter(uscc=uscc).exists():
        record_change(
            actor=actor,
            action="add_organisation_held",
            object_type="organisation",
            object_key=_shown(uscc),
            after={"address": new.address.code},
        )
        return None
    address = new.address
    unit = Organisation(
        unit_no=_number("UF"),
        name=new.name.strip(),
        uscc=uscc,
        unit_type=new.unit_type.strip(),
        address=address,
        legal_rep=new.legal_rep.strip(),
        employees=new.employees,
        grid_code=address.grid_code,
        beat_code=address.beat_code,
        collected_by=actor,
        state=entry_state(actor, address.grid_code, address.beat_code),
    )
    unit.contact_phone = new.contact_phone
    unit.save()
    _opened(unit, actor, "add_organisation", {"address": address.code, "name": unit.name})
    return unit


@transaction.atomic
def deregister_person(
    person: Person, *, actor: User, status: str, on: dt.date, reason: str
) -> Person:
    """注销: the person moved out or died on `on`. Their residence is closed (history keeps it);
    they no longer count as a current resident but stay on record."""
    if not can(actor, "collect", person):
        raise PermissionDenied
    if status not in (PersonStatus.MOVED_OUT, PersonStatus.DECEASED):
        raise ValidationError({"status": _("Choose whether the person moved out or died.")})
    if person.status != PersonStatus.CURRENT:
        raise ValidationError({"status": _("The person is already deregistered.")})
    _not_future("left_on", on)
    if on < person.birth_date:
        raise ValidationError({"left_on": _("The date cannot be before the birth date.")})
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"left_reason": _("State the reason.")})
    edit = open_edit(person, actor=actor, action="deregister")
    old_address = person.address_id
    person.status, person.left_on, person.left_reason = status, on, reason[:200]
    person.state = entry_state(actor, person.grid_code, person.beat_code)
    person.collected_by, person.return_reason = actor, ""
    person.save()
    closed, _opened_row = move(Person(pk=person.pk, address_id=None), old_address, on)
    note_residence(edit, closed, None)
    settle(edit, person)
    record_change(
        actor=actor,
        action="deregister_person",
        object_type="person",
        object_key=person.person_no,
        after={"status": status, "on": on.isoformat()},
    )
    return person


@dataclass(frozen=True)
class Answer:
    """What the one who added a record is told: the record to open, or None."""

    record: Any | None
    message: Any


def answer(record: Any | None, actor: User, address: StandardAddress) -> Answer:
    """The one answer to an add, whatever is on record outside the actor's area.

    A person or organisation whose number is held elsewhere is not written (None); a new one is
    written as `entry_state` decides. Telling "saved" (and opening the record) for a new one
    would tell the two apart for an actor who verifies there (a community officer in their own
    beat: a new record of theirs needs no second look), so such an actor is told RECEIVED and
    opens nothing in both cases. The new record stays verified: their work goes on without a
    second step in their own queue, and they find it in their lists. A collector elsewhere is
    told SUBMITTED in both cases, as before. Only a house (one per room of the actor's own area:
    nothing of it lies elsewhere) or an actor who collects everywhere is shown what was saved.

    Not closed here: a new record is afterwards in the actor's own lists and a held number is
    not, so a later search (counted under the lookup limit) or a re-run import (not counted)
    still tells them apart, for every collector; closing that needs a held number to leave a
    pending placeholder in the area, which the unique ID hash does not allow today."""
    nothing_elsewhere = isinstance(record, House) or scope_for(actor, "collect").everything
    if nothing_elsewhere and record is not None and record.state != VerificationState.PENDING:
        return Answer(record, SAVED)
    if entry_state(actor, address.grid_code, address.beat_code) == VerificationState.VERIFIED:
        return Answer(None, RECEIVED)
    return Answer(None, SUBMITTED)


def may_collect(actor: User) -> bool:
    return not scope_for(actor, "collect").empty
