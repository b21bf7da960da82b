"""Instruction writes: send (指令下发), read, sign on (签收) and report back (反馈).

Each runs in a transaction, takes the acting user, and writes its change record. State changes
are conditional updates, so two people of one unit cannot both sign on or both finish a row.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts import units
from outpost.accounts.models import User
from outpost.core.audit import record_change
from outpost.core.context import stored_user
from outpost.core.files import clean_upload
from outpost.core.models import Urgency
from outpost.geo.models import CommandRoom
from outpost.instructions import photos, queries
from outpost.instructions.groups import receiving_grids
from outpost.instructions.models import (
    Feedback,
    Instruction,
    InstructionRecipient,
    RecipientState,
    VirtualGroup,
)
from outpost.instructions.units import TARGET_KINDS, Target, acting_q
from outpost.notifications.services import notify

OPEN = (RecipientState.SIGNED_ON, RecipientState.REPORTED)


class InstructionConflict(Exception):
    """Someone of the same unit acted first; reload and look again."""


@dataclass
class NewInstruction:
    title: str
    deadline: dt.datetime
    body: str = ""
    priority: str = Urgency.NORMAL
    targets: list[tuple[str, str]] = field(default_factory=list)  # (kind, code or username)


@transaction.atomic
def send_instruction(room: CommandRoom, new: NewInstruction, *, actor: User) -> Instruction:
    """Send from `room` to units, virtual groups (expanded now into their grids) and people."""
    if actor is not None and not queries.can_send_from(actor, room):
        raise PermissionDenied
    _check(new)
    targets = resolve_targets(new.targets, actor)
    now = timezone.now()
    instruction = Instruction.objects.create(
        room=room,
        title=new.title.strip(),
        body=new.body.strip(),
        priority=new.priority,
        deadline=new.deadline,
        sent_by=stored_user(actor),
        sent_at=now,
    )
    instruction.groups.set({t.group for t in targets if t.group is not None})
    InstructionRecipient.objects.bulk_create([_row(instruction, t) for t in targets])
    _tell_recipients(instruction, targets, actor, now)
    record_change(
        actor=actor,
        action="send_instruction",
        object_type="instruction",
        object_key=str(instruction.pk),
        after={
            "room": room.station.code,
            "title": instruction.title,
            "deadline": new.deadline.isoformat(),
            "recipients": [f"{t.kind}:{t.code}" for t in targets],
        },
    )
    return instruction


def _tell_recipients(
    instruction: Instruction, targets: list[Target], actor: User, now: dt.datetime
) -> None:
    """An inbox message to each person named and to everyone acting for a recipient unit (the
    same people a case dispatched there reaches; not superusers, nor the sender)."""
    users = {t.user.pk for t in targets if t.user is not None}
    for t in (t for t in targets if t.user is None):
        acting = units.members(units.Unit(t.kind, t.code, t.name)).filter(is_superuser=False)
        users |= set(acting.values_list("pk", flat=True))
    users.discard(getattr(actor, "pk", None))
    notify(users, queries.MESSAGES, instruction.pk, "instruction_sent", now)


def _check(new: NewInstruction) -> None:
    if not new.title.strip():
        raise ValidationError({"title": _("Give the instruction a title.")})
    if new.priority not in Urgency.values:
        raise ValidationError({"priority": _("Unknown priority.")})
    if new.deadline <= timezone.now():
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    if not new.targets:
        raise ValidationError({"targets": _("Choose at least one recipient.")})


def resolve_targets(wanted: list[tuple[str, str]], actor: User) -> list[Target]:
    """The rows to create, each once: named units first, then the grids of the groups."""
    reach = queries.addressable(actor)
    found: dict[tuple[str, str], Target] = {}
    ordered = sorted(wanted, key=lambda kc: kc[0] == "group")
    for kind, code in ordered:
        for target in _expand(kind, str(code).strip(), reach):
            found.setdefault(target.key, target)
    return list(found.values())


def _expand(kind: str, code: str, reach: queries.Addressable) -> list[Target]:
    if kind not in TARGET_KINDS:
        raise ValidationError(_("Unknown kind of recipient: %(kind)s"), params={"kind": kind})
    if kind == "group":
        return _group_grids(_group(reach, code))
    if kind == "user":
        user = reach.users.filter(username=code).first()
        if user is None:
            raise _out_of_reach(kind, code)
        return [Target("user", "", str(user)[:64], user=user)]
    name = _unit_in_reach(kind, code, reach)
    if name is None:
        raise _out_of_reach(kind, code)
    return [Target(kind, code, name)]


def _unit_in_reach(kind: str, code: str, reach: queries.Addressable) -> str | None:
    rows: Any = {
        "outpost": reach.outposts.filter(community__code=code),
        "grid": reach.grids.filter(code=code),
        "beat": reach.beats.filter(code=code),
        "department": reach.departments.filter(code=code),
    }[kind]
    return rows.values_list("name", flat=True).first()


def _group(reach: queries.Addressable, code: str) -> VirtualGroup:
    group = reach.groups.filter(pk=int(code)).first() if code.isdigit() else None
    if group is None:
        raise _out_of_reach("group", code)
    return group


def _group_grids(group: VirtualGroup) -> list[Target]:
    grids = receiving_grids(group)
    if not grids:
        raise ValidationError(
            _("The virtual group %(name)s has no members."), params={"name": group.name}
        )
    return [Target("grid", code, name, group=group) for code, name in grids]


def _out_of_reach(kind: str, code: str) -> ValidationError:
    return ValidationError(
        _("No such recipient in your area: %(kind)s %(code)s"),
        params={"kind": kind, "code": code},
    )


def _row(instruction: Instruction, target: Target) -> InstructionRecipient:
    return InstructionRecipient(
        instruction=instruction,
        unit_kind=target.kind,
        unit_code=target.code,
        unit_name=target.name,
        user=target.user,
        via_group=target.group,
    )


def mark_read(instruction: Instruction, *, actor: User) -> int:
    """The rows the actor acts for count as read once they open the instruction."""
    rows = instruction.recipients.filter(acting_q(actor), read_at__isnull=True)
    with transaction.atomic():
        changed = rows.update(read_at=timezone.now(), read_by=stored_user(actor))
        if changed:
            _record(actor, "read_instruction", instruction, {"rows": changed})
    return changed


def sign_on(row: InstructionRecipient, *, actor: User) -> InstructionRecipient:
    """签收: the row moves from sent to signed on, once."""
    _must_act(row, actor)
    now = timezone.now()
    with transaction.atomic():
        changed = InstructionRecipient.objects.filter(pk=row.pk, state=RecipientState.SENT).update(
            state=RecipientState.SIGNED_ON, signed_on_at=now, signed_on_by=stored_user(actor)
        )
        if changed != 1:
            raise InstructionConflict
        InstructionRecipient.objects.filter(pk=row.pk, read_at__isnull=True).update(
            read_at=now, read_by=stored_user(actor)
        )
        _record(actor, "sign_on_instruction", row.instruction, {"recipient": row.key})
    row.refresh_from_db()
    return row


def report_back(
    row: InstructionRecipient,
    *,
    actor: User,
    text: str,
    done: bool = False,
    files: list[tuple[str, bytes]] | None = None,
) -> Feedback:
    """反馈: text and photos on a signed-on row; `done` makes it the final report."""
    _must_act(row, actor)
    _check_report(row, text, files or [])
    cleaned = [clean_upload(name, data) for name, data in files or []]
    now = timezone.now()
    after = RecipientState.DONE if done else RecipientState.REPORTED
    finished = {"done_at": now, "done_by": stored_user(actor)} if done else {}
    with transaction.atomic():
        changed = InstructionRecipient.objects.filter(pk=row.pk, state__in=OPEN).update(
            state=after, reported_at=now, **finished
        )
        if changed != 1:
            raise InstructionConflict
        feedback = Feedback.objects.create(
            recipient=row,
            text=text.strip(),
            final=done,
            author=stored_user(actor),
            author_name=str(actor) if actor is not None else "",
            at=now,
        )
        for clean in cleaned:
            photos.keep(feedback, clean)
        _record(actor, "report_back", row.instruction, {"recipient": row.key, "done": done})
    row.refresh_from_db()
    return feedback


def _must_act(row: InstructionRecipient, actor: User) -> None:
    if not queries.acts_for(actor, row):
        raise PermissionDenied


def _check_report(row: InstructionRecipient, text: str, files: list[tuple[str, bytes]]) -> None:
    if row.state == RecipientState.SENT:
        raise ValidationError(_("Sign on before reporting back."))
    if row.state == RecipientState.DONE:
        raise ValidationError(_("This recipient has already reported the instruction done."))
    if not text.strip():
        raise ValidationError({"text": _("Say what was done.")})
    if len(files) > settings.OUTPOST_MAX_ATTACHMENTS:
        too_many = _("At most %(n)s photos per report.")
        n = settings.OUTPOST_MAX_ATTACHMENTS
        raise ValidationError({"photos": ValidationError(too_many, params={"n": n})})


def _record(
    actor: User | None, action: str, instruction: Instruction, after: dict[str, Any]
) -> None:
    record_change(
        actor=actor,
        action=action,
        object_type="instruction",
        object_key=str(instruction.pk),
        after=after,
    )
