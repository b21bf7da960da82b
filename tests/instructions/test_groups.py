"""Virtual groups (虚拟网格) built from the organisation registry: exactly the organisations of
the trades in the area, recomputed when the registry changes; instructions and notices broadcast
to a group reach the grids its members lie in, and each grid's read receipt is kept."""

from typing import Any

import pytest

from outpost.accounts.roles import Role
from outpost.core.models import ChangeRecord
from outpost.geo.models import CommandRoom, Grid
from outpost.instructions import groups
from outpost.instructions.models import NoticeReceipt, VirtualGroup
from outpost.registry.models import Organisation
from tests.conftest import HOME_GRID, OTHER_GRID, Persona, _persona
from tests.instructions.conftest import send

pytestmark = pytest.mark.django_db
TRADES = ["旅馆业", "寄递物流"]
STREET = HOME_GRID[:9] + "000"


def uscc_of(group: VirtualGroup) -> set[str]:
    return set(group.members.values_list("organisation__uscc", flat=True))


def expected(rows: tuple[dict[str, str], ...], trades: list[str], prefix: str) -> set[str]:
    return {
        r["uscc"]
        for r in rows
        if r["unit_type"] in trades and r["community_code"].startswith(prefix)
    }


def test_it_builds_a_group_of_exactly_the_trades_in_the_area(
    organisations: tuple[dict[str, str], ...], commander: Persona
) -> None:
    group = groups.create_group(actor=commander.user, unit_types=TRADES, area_code=STREET)
    wanted = expected(organisations, TRADES, STREET[:9])
    assert wanted and uscc_of(group) == wanted
    assert group.name == "宁海路街道旅馆业、寄递物流"
    # The whole district (as the system builds it): the other street's hotels join.
    district = groups.create_group(actor=None, unit_types=["旅馆业"], area_code="320106000000")
    assert uscc_of(district) == expected(organisations, ["旅馆业"], "320106")
    assert len(uscc_of(district)) > len(expected(organisations, ["旅馆业"], STREET[:9]))


def test_it_follows_the_registry_when_rebuilt(
    organisations: tuple[dict[str, str], ...], commander: Persona
) -> None:
    group = groups.create_group(actor=commander.user, unit_types=["旅馆业"], area_code=STREET)
    [hotel] = expected(organisations, ["旅馆业"], STREET[:9])
    Organisation.objects.filter(uscc=hotel).update(unit_type="餐饮")  # it became a restaurant
    delivery = next(iter(expected(organisations, ["寄递物流"], STREET[:9])))
    Organisation.objects.filter(uscc=delivery).update(unit_type="旅馆业")  # and this a hotel
    assert groups.rebuild_group(group, actor=commander.user) == (1, 1)
    assert uscc_of(group) == {delivery}
    assert (
        ChangeRecord.objects.filter(action="rebuild_group", object_key=str(group.pk)).count() == 2
    )


def test_it_lets_only_those_dispatching_over_the_area_manage_groups(
    organisations: Any, commander: Persona, admin: Persona, outsider: Persona
) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):  # the district is wider than the commander's street
        groups.create_group(actor=commander.user, unit_types=["旅馆业"], area_code="320106000000")
    with pytest.raises(ValidationError):
        groups.create_group(actor=admin.user, unit_types=["旅馆业"], area_code=STREET)
    group = groups.create_group(actor=commander.user, unit_types=["旅馆业"], area_code=STREET)
    for who in (admin, outsider):
        with pytest.raises(PermissionDenied):
            groups.rebuild_group(group, actor=who.user)
        with pytest.raises(PermissionDenied):
            groups.send_notice(group, actor=who.user, title="通知")


def test_it_sends_an_instruction_to_the_grids_of_a_group_once_each(
    organisations: Any, room: CommandRoom, commander: Persona
) -> None:
    group = groups.create_group(actor=commander.user, unit_types=TRADES, area_code=STREET)
    grids = groups.receiving_grids(group)
    first = grids[0][0]
    instruction = send(room, commander.user, [("group", str(group.pk)), ("grid", first)])
    rows = list(instruction.recipients.order_by("unit_code"))
    assert [(r.unit_kind, r.unit_code) for r in rows] == [("grid", code) for code, _ in grids]
    assert {r.via_group_id for r in rows if r.unit_code != first} <= {group.pk}
    assert next(r for r in rows if r.unit_code == first).via_group_id is None  # named directly
    assert list(instruction.groups.all()) == [group]


def test_it_keeps_a_read_receipt_per_grid(
    organisations: Any, commander: Persona, admin: Persona, outsider: Persona
) -> None:
    group = groups.create_group(actor=None, unit_types=["旅馆业"], area_code="320106000000")
    notice = groups.send_notice(group, actor=None, title="节日期间旅馆业治安管理", body="落实登记")
    codes = [code for code, _ in groups.receiving_grids(group)]
    assert sorted(notice.receipts.values_list("unit_code", flat=True)) == codes
    reader = _persona("reader_p", Role.GRID_WORKER, codes[0])
    url = f"/instructions/notices/{notice.pk}/"
    for watcher in (admin,):  # sees the notice, receives nothing: opening reads nothing
        assert watcher.client.get(url).status_code == 200
        assert watcher.client.post(f"{url}confirm/").status_code == 403
    # A grid worker elsewhere sees the notice only if a hotel lies in their grid.
    assert outsider.client.get(url).status_code == (200 if OTHER_GRID in codes else 404)
    assert NoticeReceipt.objects.filter(notice=notice, read_at__isnull=False).count() == 0
    page = reader.client.get(url)
    assert page.status_code == 200
    read = NoticeReceipt.objects.get(notice=notice, unit_code=codes[0])
    assert read.read_by == reader.user and read.read_at is not None
    unread = NoticeReceipt.objects.filter(notice=notice, read_at__isnull=True)
    assert sorted(unread.values_list("unit_code", flat=True)) == codes[1:]
    assert reader.client.post(f"{url}confirm/").status_code == 302
    assert NoticeReceipt.objects.get(pk=read.pk).read_at == read.read_at  # read once


def test_it_sends_notices_to_a_group_that_has_members_only(
    room: CommandRoom, home_grid: Grid, commander: Persona
) -> None:
    from django.core.exceptions import ValidationError

    empty = groups.create_group(actor=commander.user, unit_types=["不存在的行业"], area_code=STREET)
    assert empty.members.count() == 0
    with pytest.raises(ValidationError):
        groups.send_notice(empty, actor=commander.user, title="通知")
    with pytest.raises(ValidationError):
        send(room, commander.user, [("group", str(empty.pk))])
