"""Virtual groups (虚拟网格) and notices (通知): a group is a rule (trades and an area) applied to
the organisation registry; its members' grids receive what is broadcast to it, and each grid's
read receipt (已读回执) is kept."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.core.audit import record_change
from outpost.core.context import stored_user
from outpost.core.names import clean_name
from outpost.geo.models import Division, Grid
from outpost.instructions import queries
from outpost.instructions.models import GroupMember, Notice, NoticeReceipt, VirtualGroup
from outpost.instructions.units import acting_q
from outpost.registry.models import Organisation

AREA_LEVELS = ("district", "street", "community")


@transaction.atomic
def create_group(
    *, actor: User | None, unit_types: list[str], area_code: str, name: str = ""
) -> VirtualGroup:
    """A group of the organisations of `unit_types` in an area, with its members computed."""
    area = _area(actor, area_code)
    types = list(dict.fromkeys(t.strip() for t in unit_types if t.strip()))
    if not types:
        raise ValidationError({"unit_types": _("Choose at least one trade.")})
    if name.strip():
        name = clean_name(name, field="name")
    group = VirtualGroup.objects.create(
        name=(name.strip() or f"{area.name}{'、'.join(types)}")[:64],
        unit_types=types,
        area_code=area.code,
        area_name=area.name,
        area_prefix=area.prefix,
        created_by=stored_user(actor),
        created_at=timezone.now(),
    )
    _record(actor, "create_group", group, {"trades": types, "area": area.code})
    rebuild_group(group, actor=actor)
    return group


def _area(actor: User | None, code: str) -> Division:
    areas = (
        queries.group_areas(actor)
        if actor is not None
        else Division.objects.filter(level__in=AREA_LEVELS)
    )
    found = areas.filter(code=code).first()
    if found is None:
        raise ValidationError({"area_code": _("Choose an area within your own.")})
    return found


def _must_manage(group: VirtualGroup, actor: User | None) -> None:
    if actor is not None and not queries.groups_for(actor, "dispatch").filter(pk=group.pk).exists():
        raise PermissionDenied


@transaction.atomic
def rebuild_group(group: VirtualGroup, *, actor: User | None) -> tuple[int, int]:
    """Recompute the members from the whole registry (the rule, not the rebuilder's view,
    decides); returns (added, removed)."""
    _must_manage(group, actor)
    VirtualGroup.objects.select_for_update().filter(pk=group.pk).first()  # one rebuild at a time
    matching = Organisation.objects.filter(
        unit_type__in=group.unit_types, grid_code__startswith=group.area_prefix
    ).only("pk", "name", "unit_type", "grid_code")
    current = {org.pk: org for org in matching}
    before = set(group.members.values_list("organisation_id", flat=True))
    group.members.all().delete()
    GroupMember.objects.bulk_create(
        GroupMember(
            group=group, organisation=o, name=o.name, unit_type=o.unit_type, grid_code=o.grid_code
        )
        for o in current.values()
    )
    group.rebuilt_at = timezone.now()
    group.save(update_fields=["rebuilt_at"])
    added, removed = len(current.keys() - before), len(before - current.keys())
    _record(actor, "rebuild_group", group, {"members": len(current), "added": added})
    return added, removed


def receiving_grids(group: VirtualGroup) -> list[tuple[str, str]]:
    """(code, name) of the grids the group's members lie in."""
    codes = set(group.members.values_list("grid_code", flat=True))
    names = dict(Grid.objects.filter(code__in=codes).values_list("code", "name"))
    return [(code, names.get(code, code)) for code in sorted(codes)]


@transaction.atomic
def send_notice(group: VirtualGroup, *, actor: User | None, title: str, body: str = "") -> Notice:
    """Broadcast a notice to the group: one read receipt per grid its members lie in."""
    _must_manage(group, actor)
    if not title.strip():
        raise ValidationError({"title": _("Give the notice a title.")})
    grids = receiving_grids(group)
    if not grids:
        raise ValidationError(
            _("The virtual group %(name)s has no members."), params={"name": group.name}
        )
    notice = Notice.objects.create(
        group=group,
        title=title.strip(),
        body=body.strip(),
        sent_by=stored_user(actor),
        sent_at=timezone.now(),
    )
    NoticeReceipt.objects.bulk_create(
        NoticeReceipt(notice=notice, unit_code=code, unit_name=name) for code, name in grids
    )
    _record(actor, "send_notice", group, {"notice": notice.pk, "grids": len(grids)})
    return notice


def mark_notice_read(notice: Notice, *, actor: User) -> int:
    """The receipts of the units the actor acts for become read (opening or confirming)."""
    unread = notice.receipts.filter(acting_q(actor, named=False), read_at__isnull=True)
    with transaction.atomic():
        changed = unread.update(read_at=timezone.now(), read_by=stored_user(actor))
        if changed:
            _record(actor, "read_notice", notice.group, {"notice": notice.pk, "units": changed})
    return changed


def confirm_notice(notice: Notice, *, actor: User) -> int:
    """已读确认: only someone of a receiving unit may confirm."""
    if not queries.acting_receipts(actor, notice).exists():
        raise PermissionDenied
    return mark_notice_read(notice, actor=actor)


def _record(actor: User | None, action: str, group: VirtualGroup, after: dict[str, Any]) -> None:
    record_change(
        actor=actor,
        action=action,
        object_type="virtual_group",
        object_key=str(group.pk),
        after=after,
    )
