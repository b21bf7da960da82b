"""Importing people (实有人口): validated per GB 11643, merged by ID number, never duplicated."""

import datetime as dt
from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import Any, NamedTuple

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.core.bulk import drawn_keys, insert_rows, narrowed, update_rows
from outpost.core.context import stored_user
from outpost.core.i18n import Text, TextList
from outpost.registry.checks import refresh_house_flags_at
from outpost.registry.imports.base import (
    EMPTY,
    AreaGuard,
    PlacedAddress,
    Reject,
    RowOutcome,
    text,
)
from outpost.registry.models import Person, Residence, StandardAddress
from outpost.registry.tabular import TableRow
from outpost.registry.validators import (
    FieldProblem,
    IdNumber,
    check_id_agrees,
    clean_person_name,
    normalize_phone,
    parse_date,
    parse_id_number,
)
from outpost.registry.verification import entry_state

# Support-and-visit tags a bulk import may set. Sensitive care records (community correction,
# mental-health follow-up, drug rehabilitation) are never imported from files.
CARE_TAGS = (
    "残疾人",
    "低保户",
    "特困人员",
    "独居老人",
    "空巢老人",
    "留守儿童",
    "困境儿童",
    "优抚对象",
)
POP_TYPES = {"户籍人口": "户籍人口", "户籍": "户籍人口", "流动人口": "流动人口", "流动": "流动人口"}
COMPARED = (
    "name",
    "gender",
    "birth_date",
    "phone_hash",
    "pop_type",
    "hukou_region",
    "care_tags",
    "address_id",
)

# What is read of a standard address the file names, and of a known person's current address.
PLACED = ("code", "id", "level", "grid_code", "beat_code")
PLACE = ("address__grid_code", "address__beat_code")

# What a merge writes.
UPDATED = (*COMPARED, "phone_enc", "phone_masked", "state", "grid_code", "beat_code")

# The answers that must not tell an uploader what is on record beyond their sight (no oracle):
# - an ID number not on record in the uploader's area reads the same whether nobody has it or
#   somebody outside the area does. Nobody: the person is registered (pending the officer for
#   collectors). Somebody elsewhere: nothing is written (no second record with one ID number,
#   no rewriting of a record the uploader may not touch); the row is held in the import's
#   change record for the officers to follow up.
# - a phone number given for a known person by an uploader who may not unmask it is not
#   compared with the stored one: it is written as the uploader's statement and the record
#   awaits the officer, whether or not the number was the same.
NOT_HERE = _(
    "No one with this ID number in your area: submitted for registration, awaiting the officer"
)
PHONE_SUBMITTED = _(
    "Already on record (same ID number): the phone number is not compared with the stored one; "
    "submitted as collected, awaiting the officer"
)
SAME_PERSON = _(
    "The same person as row %(first)s (same ID number); one row a person a file: row %(row)s "
    "was not imported"
)
MERGED = _("Already on record (same ID number): updated")


class _Valid(NamedTuple):
    """A row past every check: what its person's columns are made from (`_fields`)."""

    checked: "_Checked"
    address: PlacedAddress
    pop_type: str
    hukou: str
    care_tags: str


class _NewPerson(NamedTuple):
    """A person this import creates. Its columns are made and its numbers encrypted only as
    `write` writes it, so that work runs while the database takes the rows before."""

    valid: _Valid
    person_no: str


class _Keyed(NamedTuple):
    """What `prepare` reads of a row for the lookups: its ID number (checked per GB 11643) and
    the number's derived parts, the address code it names, its person number."""

    idn: IdNumber
    id_parts: dict[str, str]  # hash, mask and tail of the ID number
    code: str  # the standard address code given, or the one its free text matched ("" if none)
    free_text: str  # the address text, when no code was given
    person_no: str  # the person number the row gives, or the one its ID number gives


class _Checked(NamedTuple):
    """A row past its own fields' checks (name, ID number, birth date, gender, phone), with
    what the lookups read it by."""

    name: str
    idn: IdNumber
    phone: str
    id_parts: dict[str, str]  # hash, mask and tail of the ID number
    code: str  # the standard address code given, or the one its free text matched ("" if none)
    free_text: str  # the address text, when no code was given
    person_no: str  # the person number the row gives, or the one its ID number gives


class PersonImporter:
    kind = "persons"

    def __init__(self, *, actor: User, matcher: Any, today: dt.date) -> None:
        self.actor, self.today = actor, today
        self._matcher_of, self._matcher = matcher, None
        self.addresses: dict[str, PlacedAddress] = {}  # the codes the file names, as read
        self.known: dict[str, tuple[Any, ...]] = {}  # id hash → (pk, *COMPARED values)
        self.places: dict[int, tuple[str, str]] = {}  # known pk → grid and beat of its address
        self.numbers: set[str] = set()  # person numbers taken (of those the file could use)
        self.new: dict[str, tuple[int, _NewPerson]] = {}  # id hash → (first row, person)
        self.changed: dict[int, dict[str, Any]] = {}  # pk → the values a merge writes
        self.moves: list[tuple[int, int]] = []  # (pk, new address id)
        self.left: set[int] = set()  # the addresses people moved out of
        self.guard = AreaGuard(actor, self.kind)
        self.unmasking = AreaGuard(actor, self.kind, "unmask")  # where stored phones may be read
        self.seen: dict[str, int] = {}  # id hash → the first row of this file with it
        self.held: list[dict[str, int]] = []  # rows of people on record outside the area
        self.collector = actor.pk if stored_user(actor) else None
        self.id_today = dt.date.today()  # the ID check's own default "today", read once
        self.now = timezone.now()  # one timestamp for every person this import creates
        self.checks: dict[int, _Keyed | FieldProblem] = {}  # row number → what prepare read

    def prepare(self, rows: Sequence[TableRow] = ()) -> None:
        """Check every row's ID number, then read what the file names, once: the addresses
        by code, the people by ID number (anywhere in the registry: a person moving districts
        is recognised, never duplicated) and the person numbers it may reuse. The queries are
        for the file's keys only, so an import costs what its file holds, not what the
        registry holds; `write` (or `process_many`) then decides the rows in order."""
        self.checks = {row.number: self._keyed(row.values) for row in rows}
        self._look_up([k for k in self.checks.values() if isinstance(k, _Keyed)])

    def process(self, row: TableRow) -> RowOutcome:
        return self.process_many([row])[0]

    def process_many(self, rows: Sequence[TableRow]) -> list[RowOutcome]:
        """The rows' outcomes, in order, nothing written (rows `prepare` has not seen are read
        here)."""
        unseen = [row for row in rows if row.number not in self.checks]
        if unseen:
            self.prepare(unseen)
        return [self._decide(row) for row in rows]

    def write(self, rows: Sequence[TableRow]) -> list[RowOutcome]:
        """Decide the rows in order and write what they hold, in the caller's transaction:
        each new person is decided, made and encrypted as the COPY asks for it, so the checks
        run while the database writes the people before."""
        unseen = [row for row in rows if row.number not in self.checks]
        if unseen:
            self.prepare(unseen)
        outcomes: list[RowOutcome] = []
        keyed = [k for k in self.checks.values() if isinstance(k, _Keyed)]
        fresh = {k.id_parts["id_number_hash"] for k in keyed}
        keys = drawn_keys(Person, len(fresh - self.known.keys()))  # at most one a new person
        columns = [*(["id"] if keys is not None else []), *NEW_COLUMNS]
        insert_rows(Person, columns, self._deciding(rows, outcomes, keys))
        self._update_changed()
        self._record_residences(keys)
        # Only these change how many people live in a room.
        moved_in = {p.valid.address.pk for _, p in self.new.values()}
        refresh_house_flags_at(moved_in | {a for _, a in self.moves} | self.left)
        return outcomes

    def _deciding(
        self, rows: Sequence[TableRow], outcomes: list[RowOutcome], keys: list[int] | None
    ) -> Iterator[tuple[Any, ...]]:
        """Each row decided in turn (its outcome added to `outcomes`), a new person's row
        yielded (with the next drawn key, when there are keys)."""
        drawn = iter(keys or ())
        for row in rows:
            created = len(self.new)
            outcomes.append(self._decide(row))
            if len(self.new) > created:  # the row made a new person: the last one added
                values = self._new_row(self.new[next(reversed(self.new))][1])
                yield values if keys is None else (next(drawn), *values)

    def _keyed(self, values: dict[str, Any]) -> "_Keyed | FieldProblem":
        try:
            idn = parse_id_number(text(values, "id_number"), today=self.id_today)
        except FieldProblem as problem:
            return problem  # reported when the row is decided, after its name
        code, free_text = text(values, "addr_id"), ""
        if not code:
            free_text = text(values, "address")
            if free_text:
                code = self.matcher().match(free_text).addr_id or ""
        id_parts = Person.id_number.derived(idn.value)  # hash, mask and tail; sealed on write
        number = text(values, "person_id") or "X" + id_parts["id_number_hash"][:11].upper()
        return _Keyed(idn, id_parts, code, free_text, number)

    def matcher(self) -> Any:
        """The address matcher, obtained once an import and only for a row that needs it."""
        if self._matcher is None:
            self._matcher = self._matcher_of()
        return self._matcher

    def _look_up(self, batch: list[_Keyed]) -> None:
        """Read the addresses, the people and the person numbers these rows name."""
        codes = {c.code for c in batch if c.code} - self.addresses.keys()
        for places in narrowed(StandardAddress.objects.all(), "code", codes):
            rows = places.values_list(*PLACED)
            self.addresses.update((row[0], PlacedAddress._make(row[1:])) for row in rows)
        hashes = {c.id_parts["id_number_hash"] for c in batch} - self.known.keys()
        for people in narrowed(Person.objects.all(), "id_number_hash", hashes):
            for row in people.values_list("id_number_hash", "id", *COMPARED, *PLACE):
                self.known[row[0]] = row[1:-2]
                self.places[row[1]] = (row[-2] or "", row[-1] or "")
        # A new person's number may be taken already (by anyone, anywhere).
        numbers = {c.person_no for c in batch if c.id_parts["id_number_hash"] not in self.known}
        for taken in narrowed(Person.objects.all(), "person_no", numbers - self.numbers):
            self.numbers.update(taken.values_list("person_no", flat=True))

    def _decide(self, row: TableRow) -> RowOutcome:
        try:
            checked = self._checked(row.values, self.checks.pop(row.number))
            valid = self._parse(row.values, checked)
        except FieldProblem as problem:
            return RowOutcome(row.number, "rejected", problem.field, problem.message)
        except Reject as rejected:
            return RowOutcome(row.number, "rejected", rejected.field, rejected.reason)
        key = checked.id_parts["id_number_hash"]
        first = self.seen.setdefault(key, row.number)
        if first != row.number:
            # One row per person and file: the first is taken, a repeat is refused (merging
            # them would let one file try many values for one person).
            reason = Text(SAME_PERSON, first=first, row=row.number)
            return RowOutcome(row.number, "rejected", "id_number", reason)
        if key in self.known:
            known = self.known[key]
            if self.guard.allows(*self._place_of(known)):
                return self._merge(row.number, known, valid)
            held = {"row": row.number, "person": known[0], "address": valid.address.pk}
            self.held.append(held)
            return RowOutcome(row.number, "submitted", "", NOT_HERE)
        self.new[key] = (row.number, self._build(valid))
        if self.guard.limited:
            return RowOutcome(row.number, "submitted", "", NOT_HERE)
        return RowOutcome(row.number, "created")

    def _place_of(self, known: tuple[Any, ...]) -> tuple[str, str]:
        """The grid and beat a known person now lives in ("" when they have no address)."""
        return self.places.get(known[0], ("", ""))

    def _merge(self, number: int, known: tuple[Any, ...], valid: _Valid) -> RowOutcome:
        fields = _fields(valid)
        differs = [f for f, old in zip(COMPARED, known[1:], strict=True) if old != fields[f]]
        phone = valid.checked.phone
        if phone and not self.unmasking.allows(*self._place_of(known)):
            # Whether the number is the stored one is exactly what must not show: it is
            # written either way, so the report and the record read the same for any guess.
            shown = [f for f in differs if f != "phone_hash"]
            self._write(known, valid, fields, shown)
            labels = ",".join(_labels([*shown, "phone_hash"]))
            return RowOutcome(number, "submitted", labels, PHONE_SUBMITTED)
        if not differs:
            return RowOutcome(number, "unchanged")
        self._write(known, valid, fields, differs)
        reason = MERGED
        return RowOutcome(number, "merged", ",".join(_labels(differs)), reason)

    def _write(
        self, known: tuple[Any, ...], valid: _Valid, fields: dict[str, Any], differs: list[str]
    ) -> None:
        pk = known[0]
        if "address_id" in differs:
            self.moves.append((pk, valid.address.pk))
            self.left.add(known[1 + COMPARED.index("address_id")])
        # The encrypted phone follows its hash and mask: a row without one clears all three.
        sealed = Person.phone.sealed(valid.checked.phone)
        self.changed[pk] = {**fields, **sealed, "state": self._state(valid)}

    def _state(self, valid: _Valid) -> str:
        """前端采、民警核 for the person's place (see `entry_state`)."""
        return entry_state(self.actor, valid.address.grid_code, valid.address.beat_code)

    def _build(self, valid: _Valid) -> _NewPerson:
        """A new person, written in bulk by `write` (its person number settled here)."""
        number = valid.checked.person_no
        if number in self.numbers:
            # A person number taken by someone (perhaps outside the area) is replaced by the
            # one the ID number gives, rather than failing the whole import on it: a failure
            # would tell whether that number exists.
            number = "X" + valid.checked.id_parts["id_number_hash"][:11].upper()
        self.numbers.add(number)
        return _NewPerson(valid, number)

    def _new_row(self, person: _NewPerson) -> tuple[Any, ...]:
        """A new person's columns (NEW_COLUMNS), the numbers encrypted."""
        valid = person.valid
        checked, address = valid.checked, valid.address
        phone = Person.phone.derived(checked.phone)
        return (
            checked.name,
            checked.idn.gender,
            checked.idn.birth_date,
            checked.id_parts["id_number_masked"],
            checked.id_parts["id_number_hash"],
            checked.id_parts["id_tail"],
            phone["phone_masked"],
            phone["phone_hash"],
            valid.pop_type,
            valid.hukou,
            valid.care_tags,
            address.pk,
            address.grid_code,
            address.beat_code,
            person.person_no,
            Person.id_number.sealed(checked.idn.value)["id_number_enc"],
            Person.phone.sealed(checked.phone)["phone_enc"],
            self._state(valid),
            self.collector,
            (),  # no flags: JSON []
            "",  # no return reason
            self.now,
            self.now,
        )

    def _parse(self, values: dict[str, Any], checked: _Checked) -> _Valid:
        """The rest of the row's checks, in the order their faults are reported."""
        address = self._address(checked)
        pop_type = _pop_type(values)
        return _Valid(
            checked, address, pop_type, _hukou(values, checked.idn.area_code), _care_tags(values)
        )

    def _checked(self, values: dict[str, Any], keyed: "_Keyed | FieldProblem") -> _Checked:
        """Name, ID number, birth date, gender and phone, in this order: FieldProblem at the
        first fault."""
        name = clean_person_name(text(values, "name"))
        if isinstance(keyed, FieldProblem):
            raise keyed
        stated = values.get("birth_date")
        birth = parse_date(stated, field="birth_date") if text(values, "birth_date") else None
        check_id_agrees(keyed.idn, birth, text(values, "gender") or None)
        phone = text(values, "phone")
        phone = normalize_phone(phone) if phone else ""
        return _Checked(name, keyed.idn, phone, *keyed[1:])

    def _address(self, checked: _Checked) -> PlacedAddress:
        code = checked.code
        if checked.free_text:
            place = self.addresses.get(code)
            # An address found outside the area is answered as one not found at all.
            if place is None or not self.guard.allows(place.grid_code, place.beat_code):
                raise Reject(
                    "address",
                    Text(
                        _("The address matches no standard address: %(value)s"),
                        value=checked.free_text,
                    ),
                )
        elif not code:
            raise Reject(
                "address",
                _("No address: both the standard address code and the address text are empty"),
            )
        found = self.guard.find(self.addresses, code)
        if found.level != "room":
            raise Reject(
                "addr_id", Text(_("Address %(code)s is not a room: give the room"), code=code)
            )
        return found

    def _update_changed(self) -> None:
        """Write the merged people without reading them first."""
        pick = itemgetter(*UPDATED)
        update_rows(Person, UPDATED, [(pk, *pick(v)) for pk, v in self.changed.items()])

    def _record_residences(self, keys: list[int] | None) -> None:
        created = [person for _, person in self.new.values()]
        moved = dict.fromkeys(pk for pk, _ in self.moves)
        for lived in narrowed(Residence.objects.filter(moved_out__isnull=True), "person_id", moved):
            lived.update(moved_out=self.today)
        if keys is None:  # the new people's ids, found by their ID numbers' hashes (indexed)
            ids: dict[str, int] = {}
            hashes = [p.valid.checked.id_parts["id_number_hash"] for p in created]
            for mine in narrowed(Person.objects.all(), "id_number_hash", hashes):
                ids.update(mine.values_list("id_number_hash", "id"))
            keys = [ids[h] for h in hashes]
        # Drawn keys went to the new people in order; those left over were for rejected rows.
        starts = [
            (pk, p.valid.address.pk, self.today) for pk, p in zip(keys, created, strict=False)
        ]
        starts += [(pk, address, self.today) for pk, address in self.moves]
        insert_rows(Residence, ["person_id", "address_id", "moved_in"], starts)


# A new person's columns, in the order `_new_row` gives them.
NEW_COLUMNS = (
    "name",
    "gender",
    "birth_date",
    "id_number_masked",
    "id_number_hash",
    "id_tail",
    "phone_masked",
    "phone_hash",
    "pop_type",
    "hukou_region",
    "care_tags",
    "address_id",
    "grid_code",
    "beat_code",
    "person_no",
    "id_number_enc",
    "phone_enc",
    "state",
    "collected_by_id",
    "flags",
    "return_reason",
    "created_at",
    "updated_at",
)


def _fields(valid: _Valid) -> dict[str, Any]:
    """A checked row's person fields, as compared with a stored person and written."""
    checked, address = valid.checked, valid.address
    return {
        "name": checked.name,
        "gender": checked.idn.gender,
        "birth_date": checked.idn.birth_date,
        **checked.id_parts,
        **Person.phone.derived(checked.phone),
        "pop_type": valid.pop_type,
        "hukou_region": valid.hukou,
        "care_tags": valid.care_tags,
        "address_id": address.pk,
        "grid_code": address.grid_code,
        "beat_code": address.beat_code,
    }


def _labels(fields: list[str]) -> list[str]:
    return [f.removesuffix("_id").removesuffix("_hash") for f in fields]


def _pop_type(values: dict[str, Any]) -> str:
    raw = text(values, "pop_type")
    if raw not in POP_TYPES:
        raise Reject(
            "pop_type",
            Text(
                _("The population type must be registered or floating: %(value)s"),
                value=raw or EMPTY,
            ),
        )
    return POP_TYPES[raw]


def _hukou(values: dict[str, Any], default: str) -> str:
    raw = text(values, "hukou_region") or default
    if not (len(raw) == 6 and raw.isdigit()):
        raise Reject(
            "hukou_region", Text(_("The hukou region must be 6 digits: %(value)s"), value=raw)
        )
    return raw


def _care_tags(values: dict[str, Any]) -> str:
    raw = text(values, "care_tags")
    if not raw:
        return ""
    raw = raw.replace("；", ";").replace("、", ";").replace(",", ";")
    tags = [t.strip() for t in raw.split(";") if t.strip()]
    unknown = [t for t in tags if t not in CARE_TAGS]
    if unknown:
        raise Reject("care_tags", Text(_("Unknown care tags: %(tags)s"), tags=TextList(unknown)))
    return ";".join(dict.fromkeys(tags))
