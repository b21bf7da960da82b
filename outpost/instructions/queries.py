"""Scoped reads: the rooms a user sends from, the instructions, rows, groups, notices and work
items they see, and what they may address. Every read starts from `restrict` or `scope_for`.

Seeing an instruction: it comes from a room the user sends from or whose area they cover, or it
is addressed to a unit in their area, to a unit they act for, or to them by name. The room's side
sees every recipient; a recipient sees the rows of their own area.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import Department, RoleAssignment, User
from outpost.accounts.scope import get_for_user, restrict, scope_for
from outpost.command.queries import rooms_for
from outpost.core.scoping import prefix_q
from outpost.geo.models import CommandRoom, Division, Grid, OutpostStation, PoliceBeat
from outpost.instructions.models import (
    Feedback,
    Instruction,
    InstructionRecipient,
    Notice,
    NoticeReceipt,
    RecipientState,
    VirtualGroup,
    WorkItem,
    room_q,
    units_in_area_q,
)
from outpost.instructions.units import acting_q
from outpost.notifications.models import Notification
from outpost.notifications.subjects import Worded
from outpost.registry.models import Organisation

SEND = "dispatch"
# Instructions, notices and work items are work of the loop: read with the cases' right, so
# reporters (8大员) and auditors, who only "view" areas, do not read them. Groups list
# organisations, so reading one needs the registry's right.
READ = "view_cases"
READ_GROUPS = "view_registry"
# Trades a group can be built for even before the registry holds one (registry `unit_type`).
COMMON_TRADES = ("旅馆业", "寄递物流", "危化品经营", "娱乐场所", "餐饮", "零售商超", "医疗机构")


def uses_instructions(user: User) -> bool:
    """Senders (dispatch), units that receive (handle), whoever follows a room's instructions
    (an area covering it) and anyone an instruction names: the header's item and the inbox."""
    if not user.is_authenticated:
        return False
    if not (scope_for(user, SEND).empty and scope_for(user, "handle").empty):
        return True
    if not scope_for(user, READ).empty and overseen_rooms(user).exists():
        return True
    return InstructionRecipient.objects.filter(user=user).exists()


def sender_rooms(user: User) -> QuerySet[CommandRoom]:
    """The rooms the user may send from: the rooms they run (seeing a station above one's
    grid does not make one its dispatcher)."""
    return rooms_for(user).select_related("station")


def overseen_rooms(user: User) -> QuerySet[CommandRoom]:
    """Rooms whose instructions the user follows in full: the ones they send from, and the ones
    their area covers (a district administrator reads them without acting)."""
    covered = room_q(scope_for(user, READ), path="")
    sending = Q(pk__in=sender_rooms(user).values("pk"))
    return CommandRoom.objects.filter(sending | covered).select_related("station")


def visible_instructions(user: User) -> QuerySet[Instruction]:
    in_area = restrict(Instruction.objects.all(), user, READ)
    acting = InstructionRecipient.objects.filter(acting_q(user))
    return Instruction.objects.filter(
        Q(pk__in=in_area.values("pk"))
        | Q(room__in=sender_rooms(user).values("pk"))
        | Q(pk__in=acting.values("instruction_id"))
    ).select_related("room__station", "sent_by")


def get_instruction(user: User, pk: int) -> Instruction:
    """The instruction if the user sees it; 404 otherwise, the same as for a missing one."""
    found = visible_instructions(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def received(user: User) -> QuerySet[Instruction]:
    """Instructions with a row the user acts for (to their units or to them)."""
    acting = InstructionRecipient.objects.filter(acting_q(user))
    return visible_instructions(user).filter(pk__in=acting.values("instruction_id"))


def to_answer(user: User) -> QuerySet[Instruction]:
    """Received instructions with a row the user acts for that is not yet reported done (the
    inbox's `open=1`, and the start page's count of it)."""
    waiting = InstructionRecipient.objects.filter(acting_q(user)).exclude(state=RecipientState.DONE)
    return received(user).filter(pk__in=waiting.values("instruction_id"))


def not_signed_on(user: User) -> QuerySet[Instruction]:
    """Instructions from the rooms the user oversees with a recipient not yet signed on."""
    waiting = InstructionRecipient.objects.filter(state=RecipientState.SENT)
    return from_rooms(user).filter(pk__in=waiting.values("instruction_id"))


def from_rooms(user: User) -> QuerySet[Instruction]:
    return visible_instructions(user).filter(room__in=overseen_rooms(user).values("pk"))


def oversees(user: User, instruction: Instruction) -> bool:
    return overseen_rooms(user).filter(pk=instruction.room_id).exists()


def can_send_from(user: User, room: CommandRoom) -> bool:
    return sender_rooms(user).filter(pk=room.pk).exists()


def rows_seen(user: User, instruction: Instruction) -> QuerySet[InstructionRecipient]:
    rows = instruction.recipients.select_related(
        "user", "via_group", "read_by", "signed_on_by", "done_by"
    )
    rows = rows.prefetch_related(
        Prefetch("feedback", queryset=Feedback.objects.prefetch_related("photos"))
    )
    if oversees(user, instruction):
        return rows
    return rows.filter(acting_q(user) | units_in_area_q(scope_for(user, READ)))


def get_row(user: User, instruction: Instruction, pk: int) -> InstructionRecipient:
    """A recipient row the user sees: 404 otherwise."""
    row = rows_seen(user, instruction).filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def acting_rows(user: User, instruction: Instruction) -> QuerySet[InstructionRecipient]:
    return rows_seen(user, instruction).filter(acting_q(user))


def acts_for(user: User, row: InstructionRecipient) -> bool:
    return InstructionRecipient.objects.filter(acting_q(user), pk=row.pk).exists()


def is_overdue(instruction: Instruction, row: InstructionRecipient, now: dt.datetime) -> bool:
    """Past the deadline without the final report back."""
    return now > instruction.deadline and row.state != RecipientState.DONE


def summary(instruction: Instruction, rows: list[InstructionRecipient], now: dt.datetime) -> dict:
    """Counts for the progress bar: how many read, signed on, reported back, done, overdue."""
    reported = (RecipientState.REPORTED, RecipientState.DONE)
    return {
        "total": len(rows),
        "read": sum(1 for r in rows if r.read_at),
        "signed_on": sum(1 for r in rows if r.state != RecipientState.SENT),
        "reported": sum(1 for r in rows if r.state in reported),
        "done": sum(1 for r in rows if r.state == RecipientState.DONE),
        "overdue": sum(1 for r in rows if is_overdue(instruction, r, now)),
    }


def counts_by_instruction(instructions: list[Instruction]) -> dict[int, Mapping[str, object]]:
    """Per instruction: recipients, signed on and done, in one query (for lists)."""
    rows = (
        InstructionRecipient.objects.filter(instruction__in=instructions)
        .values("instruction_id")
        .annotate(
            total=Count("id"),
            signed_on=Count("id", filter=~Q(state=RecipientState.SENT)),
            done=Count("id", filter=Q(state=RecipientState.DONE)),
        )
    )
    return {r["instruction_id"]: r for r in rows}


@dataclass(frozen=True)
class Addressable:
    """The units, groups and people a sender may address."""

    outposts: QuerySet[OutpostStation]
    grids: QuerySet[Grid]
    beats: QuerySet[PoliceBeat]
    departments: QuerySet[Department]
    groups: QuerySet[VirtualGroup]
    users: QuerySet[User]


def addressable(user: User) -> Addressable:
    """What `user` may address: units and groups in their "dispatch" area, the departments of
    their rooms' districts, and the people holding a role there. `None` is the system (demo,
    commands), which may address anything."""
    if user is None:
        return Addressable(
            OutpostStation.objects.select_related("community"),
            Grid.objects.all(),
            PoliceBeat.objects.all(),
            Department.objects.all(),
            VirtualGroup.objects.all(),
            User.objects.filter(is_active=True),
        )
    districts = tuple(sorted({r.station.code[:6] for r in sender_rooms(user)}))
    return Addressable(
        restrict(OutpostStation.objects.select_related("community"), user, SEND),
        restrict(Grid.objects.all(), user, SEND),
        restrict(PoliceBeat.objects.all(), user, SEND),
        Department.objects.filter(prefix_q("code", districts)),
        restrict(VirtualGroup.objects.all(), user, SEND),
        _people(user, districts),
    )


def _people(user: User, districts: tuple[str, ...]) -> QuerySet[User]:
    scope = scope_for(user, SEND)
    if scope.everything:
        return User.objects.filter(is_active=True)
    held = RoleAssignment.objects.filter(
        prefix_q("scope_code", (*scope.civil, *scope.police))
        | (Q(scope_kind="department") & prefix_q("scope_code", districts))
    )
    return User.objects.filter(is_active=True, pk__in=held.values("user_id")).order_by("username")


def groups_for(user: User, action: str = READ_GROUPS) -> QuerySet[VirtualGroup]:
    groups = restrict(VirtualGroup.objects.all(), user, action)
    return groups.annotate(member_count=Count("members"))


def get_group(user: User, pk: int, action: str = READ_GROUPS) -> VirtualGroup:
    """The group: 404 outside the user's area, 403 when they see it but may not `action`."""
    return get_for_user(VirtualGroup.objects.all(), user, action, pk=pk)


def group_areas(user: User) -> QuerySet[Division]:
    """The districts, streets and communities a user may build groups for."""
    civil = scope_for(user, SEND).civil
    divisions = restrict(Division.objects.all(), user, SEND)
    if not scope_for(user, SEND).everything:
        divisions = divisions.filter(prefix_q("code", civil))
    return divisions.filter(level__in=("district", "street", "community")).order_by("code")


def trades(user: User) -> list[str]:
    """Trades to choose from: the common ones and those in the user's registry."""
    seen = restrict(Organisation.objects.all(), user, "view_registry")
    found = seen.order_by().values_list("unit_type", flat=True).distinct()
    return sorted(set(COMMON_TRADES) | set(found))


def visible_notices(user: User) -> QuerySet[Notice]:
    in_area = restrict(Notice.objects.all(), user, READ)
    acting = NoticeReceipt.objects.filter(acting_q(user, named=False))
    return Notice.objects.filter(
        Q(pk__in=in_area.values("pk"))
        | Q(group__in=groups_for(user, SEND).values("pk"))
        | Q(pk__in=acting.values("notice_id"))
    ).select_related("group", "sent_by")


def get_notice(user: User, pk: int) -> Notice:
    found = visible_notices(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class NoticeMarks:
    """Of some notices: those a unit of the user received, and those still unread there."""

    all: set[int]
    unread: set[int]


def acting_notice_ids(user: User, notices: list[Notice]) -> NoticeMarks:
    receipts = NoticeReceipt.objects.filter(acting_q(user, named=False), notice__in=notices)
    rows = list(receipts.values_list("notice_id", "read_at"))
    return NoticeMarks({n for n, _ in rows}, {n for n, read in rows if read is None})


def receipts_seen(user: User, notice: Notice) -> QuerySet[NoticeReceipt]:
    receipts = notice.receipts.select_related("read_by")
    if groups_for(user).filter(pk=notice.group_id).exists():
        return receipts
    return receipts.filter(acting_q(user, named=False) | units_in_area_q(scope_for(user, READ)))


def acting_receipts(user: User, notice: Notice) -> QuerySet[NoticeReceipt]:
    return notice.receipts.filter(acting_q(user, named=False))


def work_items_for(user: User) -> QuerySet[WorkItem]:
    in_area = restrict(WorkItem.objects.all(), user, READ)
    items = WorkItem.objects.filter(
        Q(pk__in=in_area.values("pk")) | Q(room__in=sender_rooms(user).values("pk"))
    )
    return items.select_related("room").prefetch_related("milestones")


def get_work_item(user: User, pk: int) -> WorkItem:
    found = work_items_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


MESSAGES = "instruction"  # the subject kind of instruction messages (outpost.notifications)
SENT = _("New instruction: %(title)s")
UNSEEN = _("An instruction you can no longer open")


def worded_messages(notes: Sequence[Notification], viewer: User) -> dict[int, Worded]:
    """Inbox messages about instructions, worded for this reader now: the title only of an
    instruction they still see (one query)."""
    ids = {n.subject_id for n in notes}
    seen = {i.pk: i for i in visible_instructions(viewer).filter(pk__in=ids)}
    words = {}
    for note in notes:
        found = seen.get(note.subject_id)
        if found is None:
            words[note.pk] = Worded(str(UNSEEN), "")
        else:
            url = reverse("instructions:detail", args=[found.pk])
            words[note.pk] = Worded(str(SENT % {"title": found.title}), url, str(found.pk))
    return words
