"""Demo data for the command room: the demo duty officer and commander on a roster around the
clock, and one reporter of each of the eight kinds on the demo grid."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from outpost.accounts.models import User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.command.models import DutyShift, ReporterKind, ReporterProfile, RoomMember
from outpost.geo.models import CommandRoom

SHIFT_HOURS = 8
REPORTER_NAMES = {
    ReporterKind.SECURITY_GUARD: ("baoan", "保安员老周", "鼓楼物业保安部"),
    ReporterKind.VOLUNTEER: ("zhiyuan", "志愿者小林", "社区志愿服务队"),
    ReporterKind.PROPERTY_STAFF: ("wuye", "物业员小陈", "宁海花园物业"),
    ReporterKind.COURIER: ("kuaidi", "快递员小王", "某快递网点"),
    ReporterKind.DELIVERY_RIDER: ("waimai", "外卖骑手小赵", "某外卖站点"),
    ReporterKind.LIAISON: ("lianluo", "楼栋联络员", "楼栋长"),
    ReporterKind.MEDIATOR: ("tiaojie", "调解员老孙", "人民调解委员会"),
}


@transaction.atomic
def create_demo_room(password: str) -> CommandRoom | None:
    """Shifts for yesterday, today and tomorrow in the demo duty officer's room."""
    duty = User.objects.filter(username="duty").first()
    commander = User.objects.filter(username="commander").first()
    if duty is None or commander is None:
        return None
    station = duty.assignments.get().scope_code
    room = CommandRoom.objects.get(station__code=station)
    people = [
        RoomMember.objects.get_or_create(room=room, user=duty, defaults={"kind": "police_duty"})[0],
        RoomMember.objects.get_or_create(
            room=room, user=commander, defaults={"kind": "street_staff"}
        )[0],
    ]
    if not DutyShift.objects.filter(room=room).exists():
        _shifts(room, people)
    _reporters(password)
    return room


def _shifts(room: CommandRoom, people: list[RoomMember]) -> None:
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    start = midnight - dt.timedelta(days=1)
    shifts = []
    for n in range(3 * 24 // SHIFT_HOURS):
        begins = start + dt.timedelta(hours=n * SHIFT_HOURS)
        ends = begins + dt.timedelta(hours=SHIFT_HOURS)
        shifts.append(DutyShift(room=room, member=people[n % 2], starts_at=begins, ends_at=ends))
    DutyShift.objects.bulk_create(shifts)


def _reporters(password: str) -> None:
    """The demo `reporter` account is the 信息员; the other seven kinds get their own."""
    first = User.objects.filter(username="reporter").first()
    if first is None:
        return
    ReporterProfile.objects.get_or_create(user=first, defaults={"kind": ReporterKind.INFORMANT})
    grid = first.assignments.get().scope_code
    for kind, (username, name, employer) in REPORTER_NAMES.items():
        user, created = User.objects.get_or_create(
            username=username, defaults={"display_name": name}
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            grant_role(user, Role.REPORTER, grid, actor=None)
        ReporterProfile.objects.get_or_create(
            user=user, defaults={"kind": kind, "employer": employer}
        )
