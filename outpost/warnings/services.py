"""The warnings' writes: raising one (the scan), signing it off (签收) and closing it with what
was done. Every write runs in a transaction, takes the actor and writes its change record; a
sign-off or close is a conditional update on state and version, so of two people acting at
once one wins and the other gets `WarningConflict` (409 in the API)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.core.audit import record_change
from outpost.notifications.services import notify
from outpost.warnings import recipients
from outpost.warnings.evidence import Found
from outpost.warnings.models import EarlyWarning, WarningState
from outpost.warnings.rules import CIVIL, Rule, unit_of, unit_prefix

KIND = "warning"
CONFLICT = _("Someone else changed this warning first; reload and try again")
MAX_NOTE = 2000


class WarningConflict(Exception):
    """Someone else signed off or closed the warning first."""


def key_of(rule: Rule, found: Found) -> str:
    return f"{rule.code}:{found.subject_kind}{found.subject_id}:{found.window}"[:120]


def do_raise(rule: Rule, found: Found, now: dt.datetime) -> EarlyWarning | None:
    """Raise the finding as a warning unless its key exists or the same subject already has an
    open one under this rule (None then): re-running a scan creates nothing twice."""
    key = key_of(rule, found)
    same = EarlyWarning.objects.filter(
        rule=rule.code, subject_kind=found.subject_kind, subject_id=found.subject_id
    )
    if (
        EarlyWarning.objects.filter(key=key).exists()
        or same.exclude(state=WarningState.CLOSED).exists()
    ):
        return None
    try:
        with transaction.atomic():
            return _create(rule, found, key, now)
    except IntegrityError:  # a scan running at the same moment raised it first
        return None


def _create(rule: Rule, found: Found, key: str, now: dt.datetime) -> EarlyWarning:
    kind, code = unit_of(rule, found.grid_code, found.beat_code)
    prefix = unit_prefix(kind, code)
    warning = EarlyWarning.objects.create(
        key=key,
        rule=rule.code,
        level=rule.level,
        subject_kind=found.subject_kind,
        subject_id=found.subject_id,
        evidence=found.evidence,
        params=found.params,
        grid_code=found.grid_code,
        beat_code=found.beat_code,
        lon=found.lon,
        lat=found.lat,
        police_only=found.police_only,
        unit_kind=kind,
        unit_code=code,
        civil_unit=prefix if kind in CIVIL else "",
        police_unit="" if kind in CIVIL else prefix,
        created_at=now,
    )
    record_change(
        actor=None,
        action="warning_raised",
        object_type=KIND,
        object_key=str(warning.pk),
        after={"key": key, "unit": f"{kind}:{code}", "evidence": found.evidence},
    )
    notify(recipients.of_unit(kind, prefix), KIND, warning.pk, "raised", now)
    return warning


@transaction.atomic
def do_sign_off(warning: EarlyWarning, *, actor: User, version: int) -> EarlyWarning:
    """签收: the assigned unit takes the warning on."""
    now = timezone.now()
    _step(
        warning,
        version,
        WarningState.OPEN,
        state=WarningState.SIGNED,
        signed_by=actor,
        signed_at=now,
    )
    record_change(
        actor=actor,
        action="warning_signed_off",
        object_type=KIND,
        object_key=str(warning.pk),
        before={"state": WarningState.OPEN},
        after={"state": WarningState.SIGNED},
    )
    warning.refresh_from_db()
    return warning


@transaction.atomic
def do_close(warning: EarlyWarning, *, actor: User, version: int, note: str) -> EarlyWarning:
    """Close a signed-off warning with what was done (required)."""
    note = note.strip()
    if not note:
        raise ValidationError(_("Say what was done before closing the warning."), code="note")
    if len(note) > MAX_NOTE:
        raise ValidationError(
            _("At most %(n)s characters."), code="note_length", params={"n": MAX_NOTE}
        )
    now = timezone.now()
    _step(
        warning,
        version,
        WarningState.SIGNED,
        state=WarningState.CLOSED,
        closed_by=actor,
        closed_at=now,
        close_note=note,
    )
    record_change(
        actor=actor,
        action="warning_closed",
        object_type=KIND,
        object_key=str(warning.pk),
        before={"state": WarningState.SIGNED},
        after={"state": WarningState.CLOSED, "note": note},
    )
    warning.refresh_from_db()
    return warning


def _step(warning: EarlyWarning, version: int, current: str, **changes: object) -> None:
    updated = EarlyWarning.objects.filter(pk=warning.pk, state=current, version=version).update(
        version=F("version") + 1, **changes
    )
    if updated != 1:
        raise WarningConflict
