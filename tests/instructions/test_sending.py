"""Sending an instruction: who may send from a room, to which kinds of recipients, each once,
and what is refused (out-of-area units, people outside the area, a past deadline)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from outpost.core.models import ChangeRecord
from outpost.geo.models import CommandRoom, Grid
from outpost.instructions import services
from outpost.instructions.models import RecipientState
from tests.conftest import OTHER_GRID, Persona
from tests.instructions.conftest import send

pytestmark = pytest.mark.django_db


def test_it_sends_to_outposts_grids_beats_departments_and_people(
    room: CommandRoom, home_grid: Grid, commander: Persona, officer: Persona, department: object
) -> None:
    beat = home_grid.main_beat
    assert beat is not None
    instruction = send(
        room,
        commander.user,
        [
            ("outpost", home_grid.community.code),
            ("grid", home_grid.code),
            ("beat", beat.code),
            ("department", "320106CG"),
            ("user", officer.user.username),
            ("grid", home_grid.code),  # named twice, kept once
        ],
    )
    rows = {r.key: r for r in instruction.recipients.all()}
    assert set(rows) == {
        f"outpost:{home_grid.community.code}",
        f"grid:{home_grid.code}",
        f"beat:{beat.code}",
        "department:320106CG",
        f"user:{officer.user.username}",
    }
    assert rows[f"grid:{home_grid.code}"].unit_name == home_grid.name
    assert rows[f"outpost:{home_grid.community.code}"].unit_name.endswith("平安前哨")
    assert {r.state for r in rows.values()} == {RecipientState.SENT}
    assert instruction.sent_by == commander.user and instruction.room == room
    audit = ChangeRecord.objects.get(action="send_instruction", object_key=str(instruction.pk))
    assert audit.actor == commander.user and len(audit.after["recipients"]) == 5


def test_it_lets_the_duty_officer_send_from_the_stations_room(
    room: CommandRoom, home_grid: Grid, duty_officer: Persona
) -> None:
    instruction = send(room, duty_officer.user, [("grid", home_grid.code)])
    assert instruction.recipients.get().unit_code == home_grid.code


def test_it_refuses_senders_without_dispatch_over_the_room(
    room: CommandRoom,
    other_room: CommandRoom,
    home_grid: Grid,
    commander: Persona,
    grid_worker: Persona,
    admin: Persona,
) -> None:
    for who, where in ((grid_worker, room), (admin, room), (commander, other_room)):
        with pytest.raises(PermissionDenied):
            send(where, who.user, [("grid", home_grid.code)])


def test_it_refuses_recipients_outside_the_senders_area(
    room: CommandRoom, commander: Persona, outsider: Persona, nobody: Persona
) -> None:
    for target in (
        ("grid", OTHER_GRID),  # another street's grid
        ("grid", "320106999999999"),  # no such grid
        ("user", outsider.user.username),  # a grid worker of another street
        ("user", nobody.user.username),  # holds no role anywhere
        ("group", "999999"),
        ("station", "320106501000"),  # not a kind of recipient
    ):
        with pytest.raises(ValidationError):
            send(room, commander.user, [target])


def test_it_wants_a_title_a_future_deadline_and_a_recipient(
    room: CommandRoom, home_grid: Grid, commander: Persona
) -> None:
    late = services.NewInstruction(
        title="过期的指令",
        deadline=timezone.now() - dt.timedelta(minutes=1),
        targets=[("grid", home_grid.code)],
    )
    for new in (
        late,
        services.NewInstruction(title=" ", deadline=late.deadline + dt.timedelta(days=2)),
        services.NewInstruction(title="无人接收", deadline=late.deadline + dt.timedelta(days=2)),
    ):
        with pytest.raises(ValidationError):
            services.send_instruction(room, new, actor=commander.user)
