"""Key work items (重点工作推进): a command room's items, their milestones, and marking a
milestone done. Progress is derived from the milestones, never entered."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.core.audit import record_change
from outpost.core.context import stored_user
from outpost.geo.models import CommandRoom
from outpost.instructions import queries
from outpost.instructions.models import Milestone, WorkItem
from outpost.instructions.services import InstructionConflict


def _must_send_from(room: CommandRoom, actor: User) -> None:
    if actor is not None and not queries.can_send_from(actor, room):
        raise PermissionDenied


@transaction.atomic
def create_work_item(
    room: CommandRoom,
    *,
    actor: User,
    title: str,
    milestones: list[tuple[str, dt.date]],
    description: str = "",
    lead_unit: str = "",
) -> WorkItem:
    _must_send_from(room, actor)
    if not title.strip():
        raise ValidationError({"title": _("Give the work item a title.")})
    item = WorkItem.objects.create(
        room=room,
        title=title.strip(),
        description=description.strip(),
        lead_unit=lead_unit.strip(),
        created_by=stored_user(actor),
        created_at=timezone.now(),
    )
    for name, due in milestones:
        _milestone(item, name, due)
    _record(actor, "create_work_item", item, {"title": item.title, "milestones": len(milestones)})
    return item


def _milestone(item: WorkItem, title: str, due: dt.date) -> Milestone:
    if not title.strip():
        raise ValidationError({"milestone": _("Give the milestone a title.")})
    return Milestone.objects.create(item=item, title=title.strip(), due_date=due)


@transaction.atomic
def add_milestone(item: WorkItem, *, actor: User, title: str, due_date: dt.date) -> Milestone:
    _must_send_from(item.room, actor)
    milestone = _milestone(item, title, due_date)
    _record(actor, "add_milestone", item, {"milestone": milestone.title, "due": str(due_date)})
    return milestone


def complete_milestone(milestone: Milestone, *, actor: User) -> Milestone:
    """Mark a milestone done, once (a second click finds it done and says so)."""
    _must_send_from(milestone.item.room, actor)
    with transaction.atomic():
        changed = Milestone.objects.filter(pk=milestone.pk, done_at__isnull=True).update(
            done_at=timezone.now(), done_by=stored_user(actor)
        )
        if changed != 1:
            raise InstructionConflict
        _record(actor, "complete_milestone", milestone.item, {"milestone": milestone.title})
    milestone.refresh_from_db()
    return milestone


def _record(actor: User | None, action: str, item: WorkItem, after: dict[str, Any]) -> None:
    record_change(
        actor=actor, action=action, object_type="work_item", object_key=str(item.pk), after=after
    )
