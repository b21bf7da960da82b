"""Instructions reach the same inbox as cases (issue 11, item 9): the units' people hear of a new
instruction in the header's inbox, worded when read, and never see the title of one they can no
longer open."""

import pytest

from outpost.accounts.models import RoleAssignment
from outpost.cases import services as cases
from outpost.cases.taxonomy import load_taxonomy
from outpost.geo.models import CommandRoom, Grid
from outpost.notifications.models import Notification
from tests.cases.conftest import file_case
from tests.conftest import Persona
from tests.instructions.conftest import send

pytestmark = pytest.mark.django_db

TITLE = "排查辖区出租屋消防隐患"


def test_it_puts_instructions_and_cases_in_one_inbox(
    room: CommandRoom,
    home_grid: Grid,
    commander: Persona,
    grid_worker: Persona,
    outsider: Persona,
) -> None:
    load_taxonomy()  # the cases' sub-types (loaded per session only under tests/cases)
    instruction = send(room, commander.user, [("grid", home_grid.code)], title=TITLE)
    case = file_case(home_grid, commander.user, "0603")  # tells the grid only
    for step in ("accept", "dispatch"):
        cases.act(case, step, actor=commander.user)
    page = grid_worker.client.get("/inbox/").content.decode()
    assert f"新指令：{TITLE}" in page and f"新派遣：{case.number}" in page
    header = grid_worker.client.get("/instructions/").content.decode()
    assert '<span class="count">2</span>' in header
    message = Notification.objects.get(user=grid_worker.user, subject_kind="instruction")
    opened = grid_worker.client.get(f"/inbox/{message.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/instructions/{instruction.pk}/"
    message.refresh_from_db()
    assert message.read_at is not None
    assert TITLE not in outsider.client.get("/inbox/").content.decode()
    assert not Notification.objects.filter(user=commander.user, subject_kind="instruction")
    # The inbox API lists both, worded and linked; the cases' API case messages only.
    listed = grid_worker.client.get("/api/v1/inbox").json()
    assert [(m["kind"], m["subject"]) for m in listed] == [
        ("case", case.number),
        ("instruction", str(instruction.pk)),
    ]
    assert listed[1]["text"] == f"新指令：{TITLE}" and listed[1]["read_at"] is not None
    assert listed[1]["url"] == f"/instructions/{instruction.pk}/"
    assert outsider.client.get("/api/v1/inbox").json() == []
    [only] = grid_worker.client.get("/api/v1/notifications").json()
    assert only["case"] == case.number


def test_it_keeps_the_title_from_a_reader_who_can_no_longer_open_it(
    room: CommandRoom, home_grid: Grid, commander: Persona, grid_worker: Persona
) -> None:
    send(room, commander.user, [("grid", home_grid.code)], title=TITLE)
    RoleAssignment.objects.filter(user=grid_worker.user).delete()  # moved off the grid
    page = grid_worker.client.get("/inbox/").content.decode()
    assert TITLE not in page and "一条您已无法查看的指令" in page
    [listed] = grid_worker.client.get("/api/v1/inbox").json()
    assert listed["subject"] == "" and listed["url"] == "" and TITLE not in listed["text"]
