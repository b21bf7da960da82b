"""Demo data for instructions: virtual groups of hotels (旅馆业) and delivery stations (寄递物流)
in the demo accounts' street, two instructions with some progress (one of them overdue), a notice
with a read receipt and a key work item. Run after the registry and the demo accounts are loaded;
running it again changes nothing."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from outpost.accounts.models import RoleAssignment, User
from outpost.geo.models import CommandRoom, Division, Grid
from outpost.instructions import groups, services, work
from outpost.instructions.models import Instruction, InstructionRecipient, VirtualGroup, WorkItem

TRADES = ("旅馆业", "寄递物流")
HOTELS = "排查旅馆业住宿登记落实情况"
DELIVERY = "寄递物流网点安全检查"
WORK = "平安前哨规范化建设"


@transaction.atomic
def create_demo_instructions() -> dict[str, int]:
    """Groups, instructions, a notice and a work item around the first grid's street; returns
    how many of each exist afterwards."""
    grid = Grid.objects.select_related("community", "main_beat__station").order_by("code").first()
    if grid is None or grid.main_beat is None:
        raise RuntimeError("Import the boundaries before the demo instructions")
    room = CommandRoom.objects.select_related("station").get(station=grid.main_beat.station)
    street = Division.objects.get(code=grid.community.code[:9] + "000")
    sender = User.objects.filter(username="commander").first()
    made = {trade: _group(street, trade, sender) for trade in TRADES}
    if not Instruction.objects.filter(room=room, title=HOTELS).exists():
        _hotels(room, grid, made["旅馆业"], sender)
    if not Instruction.objects.filter(room=room, title=DELIVERY).exists():
        _delivery(room, made["寄递物流"], sender)
    if not WorkItem.objects.filter(room=room, title=WORK).exists():
        _work(room, sender)
    return {
        "groups": VirtualGroup.objects.filter(area_code=street.code).count(),
        "instructions": Instruction.objects.filter(room=room).count(),
        "work_items": WorkItem.objects.filter(room=room).count(),
    }


def _group(street: Division, trade: str, sender: Any) -> VirtualGroup:
    found = VirtualGroup.objects.filter(area_code=street.code, name=f"{street.name}{trade}").first()
    if found is not None:
        groups.rebuild_group(found, actor=None)
        return found
    return groups.create_group(actor=None, unit_types=[trade], area_code=street.code)


def _hotels(room: CommandRoom, grid: Grid, hotels: VirtualGroup, sender: Any) -> None:
    targets = [("grid", grid.code), ("beat", grid.main_beat.code)]  # type: ignore[union-attr]
    if hotels.members.exists():
        targets.append(("group", str(hotels.pk)))
    new = services.NewInstruction(
        title=HOTELS,
        body="请各网格、警务区于三日内逐家核查旅馆住宿登记和访客登记落实情况，发现问题当场督促整改，"
        "并上传现场照片反馈。",
        deadline=timezone.now() + dt.timedelta(days=3),
        priority="urgent",
        targets=targets,
    )
    instruction = services.send_instruction(room, new, actor=sender)
    rows = list(instruction.recipients.order_by("id"))
    for row in rows[:3]:
        _progress(row, report="已完成辖区旅馆走访，登记基本落实。" if row is rows[0] else "")
    if hotels.notices.count() == 0 and hotels.members.exists():
        notice = groups.send_notice(
            hotels,
            actor=None,
            title="关于做好节日期间旅馆业治安管理的通知",
            body="请各旅馆落实实名登记制度。",
        )
        receipt = notice.receipts.first()
        reader = _worker(receipt.unit_code) if receipt is not None else None
        if reader is not None:
            groups.mark_notice_read(notice, actor=reader)


def _delivery(room: CommandRoom, delivery: VirtualGroup, sender: Any) -> None:
    if not delivery.members.exists():
        return
    new = services.NewInstruction(
        title=DELIVERY,
        body="检查寄递物流网点收寄验视、实名收寄和过机安检制度落实情况。",
        deadline=timezone.now() + dt.timedelta(hours=1),
        targets=[("group", str(delivery.pk))],
    )
    instruction = services.send_instruction(room, new, actor=sender)
    first = instruction.recipients.order_by("id").first()
    if first is not None:
        _progress(first, report="网点已检查，制度落实到位。", done=True)
    # The demo shows an overdue instruction: it was sent three days ago, due yesterday.
    now = timezone.now()
    Instruction.objects.filter(pk=instruction.pk).update(
        sent_at=now - dt.timedelta(days=3), deadline=now - dt.timedelta(days=1)
    )


def _progress(row: InstructionRecipient, report: str = "", done: bool = False) -> None:
    """Sign on (and report back) as someone of the row's unit, when the roster has one."""
    worker = _worker(
        row.unit_code, "community_officer" if row.unit_kind == "beat" else "grid_worker"
    )
    if worker is None:
        return
    services.sign_on(row, actor=worker)
    if report:
        services.report_back(row, actor=worker, text=report, done=done)


def _worker(code: str, role: str = "grid_worker") -> User | None:
    held = RoleAssignment.objects.filter(role=role, scope_code=code).select_related("user")
    found = held.order_by("user__username").first()
    return found.user if found else None


def _work(room: CommandRoom, sender: Any) -> None:
    today = timezone.localdate()
    item = work.create_work_item(
        room,
        actor=sender,
        title=WORK,
        lead_unit="街道综治中心",
        description="按照“863”机制推进平安前哨规范化建设。",
        milestones=[
            ("完成前哨站点选址与挂牌", today - dt.timedelta(days=20)),
            ("落实警格网格人员进驻", today - dt.timedelta(days=5)),
            ("建立联勤联动值班制度", today + dt.timedelta(days=10)),
            ("组织验收", today + dt.timedelta(days=30)),
        ],
    )
    for milestone in item.milestones.order_by("due_date")[:2]:
        work.complete_milestone(milestone, actor=sender)
