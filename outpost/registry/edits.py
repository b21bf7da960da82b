"""A collector's entry as the officer sees it (民警核): per field the value before and after.

Each add, change or 注销 by someone who may not verify at the record's place opens (or joins) the
record's one pending `RecordEdit`, which keeps what the record showed when it was last verified
and the values that restore it. Verifying closes the edit; returning it puts the verified values
back (a returned edit is never shown as current data) and lists it for its collector with the
reason (`returned_to`), and calls `edit_returned`, the hook a notification is fed from."""

from collections.abc import Callable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from outpost.accounts.models import User
from outpost.accounts.scope import restrict
from outpost.core.protected import Protected
from outpost.registry.checks import person_flags, refresh_house_flags
from outpost.registry.models import (
    House,
    Organisation,
    Person,
    RecordEdit,
    RegistryRecord,
    Residence,
    VerificationState,
)

KINDS: dict[str, type[RegistryRecord]] = {
    "person": Person,
    "house": House,
    "organisation": Organisation,
}
KEYS = {"person": "person_no", "house": "house_no", "organisation": "unit_no"}
# The columns a returned edit puts back, per kind (numbers go back through their protected field).
RESTORED = {
    "person": (
        "name",
        "pop_type",
        "hukou_region",
        "care_tags",
        "address_id",
        "grid_code",
        "beat_code",
        "status",
        "left_on",
        "left_reason",
    ),
    "house": ("use", "area_m2", "occupants", "rental_filing_no", "owner_id"),
    "organisation": ("name", "unit_type", "legal_rep", "employees", "is_key_unit"),
}
PHONES = {"person": "phone", "organisation": "contact_phone"}

# Called with each returned edit after it is recorded (a notifications app plugs in here).
RETURN_HOOKS: list[Callable[[RecordEdit], None]] = []


def kind_of(record: RegistryRecord) -> str:
    return {Person: "person", House: "house", Organisation: "organisation"}[type(record)]


def shown(record: RegistryRecord) -> dict[str, Any]:
    """What a record shows, field by field, as the queue compares it (numbers masked)."""
    kind = kind_of(record)
    values: dict[str, Any] = {f: getattr(record, f) for f in RESTORED[kind] if f != "beat_code"}
    values.pop("grid_code", None)
    if "address_id" in values:
        address = getattr(record, "address", None)
        values["address_id"] = address.full_text if address else ""
    if kind in PHONES:
        values[PHONES[kind]] = str(getattr(record, PHONES[kind]))
    if kind == "house":
        owner = getattr(record, "owner", None)
        values["owner_id"] = owner.name if owner else ""
    return {k: "" if v is None else str(v) for k, v in values.items()}


def _restore_values(record: RegistryRecord) -> dict[str, Any]:
    kind = kind_of(record)
    values = {f: getattr(record, f) for f in RESTORED[kind]}
    if values.get("left_on"):
        values["left_on"] = values["left_on"].isoformat()
    if kind in PHONES:
        values["_phone"] = getattr(record, f"{PHONES[kind]}_enc")
    values["_state"] = record.state
    values["_shown"] = shown(record)
    return values


def open_edit(record: RegistryRecord, *, actor: User, action: str) -> RecordEdit:
    """The record's pending edit, opened before the change is applied (its verified values)."""
    kind = kind_of(record)
    edit = RecordEdit.objects.filter(
        kind=kind, record_id=record.pk, state=VerificationState.PENDING
    ).first()
    if edit is None:
        restore = {} if action == "add" else _restore_values(record)
        edit = RecordEdit(kind=kind, record_id=record.pk, action=action, restore=restore)
    elif action == "deregister":
        edit.action = action
    edit.collected_by = actor
    return edit


def close_edit(edit: RecordEdit, record: RegistryRecord) -> RecordEdit:
    """After the change is applied: what the officer will compare, and where the record is."""
    before = edit.restore.get("_shown", {})
    after = shown(record)
    edit.fields = [
        {"field": f, "before": before.get(f, ""), "after": after[f]}
        for f in after
        if before.get(f, "") != after[f]
    ]
    edit.record_key = getattr(record, KEYS[edit.kind])
    edit.label = str(record)[:200]
    edit.grid_code = record.grid_code
    edit.beat_code = record.beat_code
    edit.save()
    return edit


def settle(edit: RecordEdit, record: RegistryRecord) -> None:
    """After a change: a pending record keeps its edit for the officer; an officer's own change
    (verified at once) closes any edit the record still had open as verified."""
    if record.state == VerificationState.PENDING:
        close_edit(edit, record)
    elif edit.pk:
        decide_edit(record, VerificationState.VERIFIED, "")


def note_residence(edit: RecordEdit, closed: list[int], opened: int | None) -> None:
    """Residence rows an edit closed and opened, so that a return can undo the move."""
    if "_closed" not in edit.restore:
        edit.restore["_closed"] = closed
    if opened:
        edit.restore.setdefault("_opened", []).append(opened)


def decide_edit(record: RegistryRecord, state: str, reason: str) -> RecordEdit | None:
    """Close the record's pending edit as verified or returned (a return restores the record)."""
    edit = RecordEdit.objects.filter(
        kind=kind_of(record), record_id=record.pk, state=VerificationState.PENDING
    ).first()
    if edit is None:
        return None
    edit.state, edit.return_reason, edit.decided_at = state, reason, timezone.now()
    edit.save(update_fields=["state", "return_reason", "decided_at", "updated_at"])
    if state == VerificationState.RETURNED:
        _restore(record, edit)
        edit_returned(edit)
    return edit


def _restore(record: RegistryRecord, edit: RecordEdit) -> None:
    if not edit.restore:
        return  # an added record has no verified values: it stays, marked returned
    for name in RESTORED[edit.kind]:
        setattr(record, name, edit.restore[name])
    if edit.kind in PHONES:
        token = edit.restore["_phone"]
        setattr(record, PHONES[edit.kind], Protected("", token).reveal() if token else "")
    # The verified values are back, and with them their standing: a record verified before the
    # collector's edit is verified again, not left marked returned.
    if edit.restore.get("_state"):
        record.state = edit.restore["_state"]
    record.save()
    Residence.objects.filter(pk__in=edit.restore.get("_opened", [])).delete()
    Residence.objects.filter(pk__in=edit.restore.get("_closed", [])).update(moved_out=None)
    _refresh_flags(record)


def _refresh_flags(record: RegistryRecord) -> None:
    """The checks' flags follow the restored values (not the returned ones)."""
    if isinstance(record, Person):
        kept = [f for f in record.flags if f == "id_birth_mismatch"]  # the ID number is unchanged
        record.flags = kept + person_flags(record, None, None)
        record.save(update_fields=["flags"])
        refresh_house_flags(record.address_id)
    elif isinstance(record, House):
        refresh_house_flags(record.address_id)


def edit_returned(edit: RecordEdit) -> None:
    """The hook a returned edit is announced through: the collector is told, with the reason.
    The edit itself is listed for them (`returned_to`); a notifications app adds to the hooks."""
    for hook in RETURN_HOOKS:
        hook(edit)


def returned_to(user: User) -> QuerySet[RecordEdit]:
    """Edits the user collected that an officer returned and nobody has entered again since,
    newest first (within their area): once the record is corrected (a newer edit of it), the
    return is dealt with and leaves the list and the start page's count."""
    newer = RecordEdit.objects.filter(
        kind=OuterRef("kind"), record_id=OuterRef("record_id"), pk__gt=OuterRef("pk")
    )
    return (
        restrict(RecordEdit.objects.all(), user, "collect")
        .filter(collected_by=user, state=VerificationState.RETURNED)
        .exclude(Exists(newer))
        .order_by("-decided_at", "-id")
    )


def pending_edits(user: User, records: dict[str, list[int]]) -> dict[tuple[str, int], RecordEdit]:
    """The pending edits of the given records, by (kind, record id), for the queue (one query)."""
    if not records:
        return {}
    which = Q()
    for kind, ids in records.items():
        which |= Q(kind=kind, record_id__in=ids)
    rows = restrict(RecordEdit.objects.all(), user, "verify").filter(
        which, state=VerificationState.PENDING
    )
    return {(e.kind, e.record_id): e for e in rows}
