"""Stored values at the edge of what is accepted: texts of the greatest allowed length full of
markup, dates on the first and last accepted day, a deadline on the last one. Stored through the
real services (cases, case actions, instructions and reports back, work items and milestones, the
duty roster), then every page and API answer that shows them must still render (no 5xx), for the
sender and for the recipient: one stored value must never take a page down for everyone who
sees it (issue 10: a deadline of 9999-12-31 did)."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outpost.cases import services as cases
from outpost.cases.taxonomy import load_taxonomy
from outpost.command import duty
from outpost.command.models import MemberKind
from outpost.core.bounds import FIRST_DAY, LAST_DAY
from outpost.geo.models import CommandRoom, Grid
from outpost.instructions import services as instructions
from outpost.instructions import work
from tests.cases.conftest import file_case
from tests.conftest import Persona

pytestmark = pytest.mark.django_db

MARKUP = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ request }}{% now %}",
    "‮‭",  # bidirectional overrides
    "%s%(x)s",
    "🚓" * 3,
)
LETTERS = st.characters(blacklist_categories=("Cs", "Cc"))


def text_of(length: int) -> st.SearchStrategy[str]:
    """Exactly `length` characters (the greatest a field allows), starting with markup."""
    return st.tuples(st.sampled_from(MARKUP), st.text(LETTERS, min_size=1, max_size=40)).map(
        lambda parts: (parts[0] + parts[1] * length)[:length]
    )


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def room(home_grid: Grid) -> CommandRoom:
    load_taxonomy()
    assert home_grid.main_beat is not None
    return CommandRoom.objects.select_related("station").get(station=home_grid.main_beat.station)


def _no_5xx(client: Client, paths: list[str]) -> list[str]:
    client.raise_request_exception = False
    return [f"{p}: {a.status_code}" for p in paths if (a := client.get(p)).status_code >= 500]


@given(
    title=text_of(100),
    body=text_of(5000),
    comment=text_of(2000),
    note=text_of(4000),
    day=st.sampled_from([FIRST_DAY, LAST_DAY]),
)
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_renders_every_page_showing_extreme_stored_values(
    room: CommandRoom,
    home_grid: Grid,
    commander: Persona,
    grid_worker: Persona,
    title: str,
    body: str,
    comment: str,
    note: str,
    day: dt.date,
) -> None:
    station = room.station.code
    case = file_case(home_grid, grid_worker.user, title=title, description=body)
    case = cases.act(case, "accept", actor=commander.user, comment=comment)
    case = cases.act(case, "dispatch", actor=commander.user, comment=comment)
    sent = instructions.send_instruction(
        room,
        instructions.NewInstruction(
            title=title,
            body=body,
            deadline=_at(LAST_DAY, 23, 59),
            targets=[("grid", home_grid.code)],
        ),
        actor=commander.user,
    )
    row = sent.recipients.get()
    instructions.sign_on(row, actor=grid_worker.user)
    instructions.report_back(row, actor=grid_worker.user, text=comment, done=False)
    item = work.create_work_item(
        room, actor=commander.user, title=title, description=body, milestones=[(title, day)]
    )
    work.add_milestone(item, actor=commander.user, title=title, due_date=day)
    member = duty.add_member(
        room, commander.user.username, MemberKind.STREET_STAFF, actor=commander.user
    )
    # Earlier examples' shifts stay (one test transaction): each example takes the next slot.
    starts = _at(day, 0) + dt.timedelta(minutes=2 * member.shifts.count())
    shift = duty.add_shift(member, starts, starts + dt.timedelta(minutes=1), actor=commander.user)
    duty.hand_over(shift, note, actor=commander.user)

    shared = [
        "/cases/",
        f"/cases/{case.number}/",
        "/inbox/",
        "/instructions/",
        f"/instructions/{sent.pk}/",
        "/api/v1/cases",
        f"/api/v1/cases/{case.number}",
        "/api/v1/notifications",
        "/api/v1/instructions",
        f"/api/v1/instructions/{sent.pk}",
        f"/api/v1/instructions/{sent.pk}/progress",
    ]
    failures = _no_5xx(commander.client, shared)
    failures += _no_5xx(
        commander.client,
        [
            "/instructions/work/",
            f"/instructions/work/{item.pk}/",
            f"/command/{station}/board/",
            f"/command/{station}/board.json",
            f"/command/{station}/duty/",
            "/",
        ],
    )
    failures += _no_5xx(grid_worker.client, [*shared, "/"])
    failures += _no_5xx(Client(), [f"/status/{case.tracking_code}/"])
    assert not failures, failures
