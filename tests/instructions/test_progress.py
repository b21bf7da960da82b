"""The room follows each recipient: read, signed on, reported back, done, and overdue once the
deadline passes without a final report; the page and its polled endpoint agree."""

import re
from typing import Any

import pytest

from outpost.geo.models import CommandRoom, Grid
from outpost.instructions import services
from outpost.instructions.models import Instruction
from tests.conftest import Persona
from tests.instructions.conftest import API, make_overdue, row, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def instruction(
    room: CommandRoom, home_grid: Grid, commander: Persona, officer: Persona
) -> Instruction:
    assert home_grid.main_beat is not None
    return send(
        room,
        commander.user,
        [("grid", home_grid.code), ("beat", home_grid.main_beat.code)],
    )


def progress(persona: Persona, instruction: Instruction) -> dict[str, Any]:
    answer = persona.client.get(f"{API}/{instruction.pk}/progress")
    assert answer.status_code == 200, answer.content
    return answer.json()


def by_key(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in data["recipients"]}


def test_it_shows_the_room_each_step_of_each_recipient(
    instruction: Instruction,
    home_grid: Grid,
    commander: Persona,
    grid_worker: Persona,
    officer: Persona,
) -> None:
    assert home_grid.main_beat is not None
    grid, beat = f"grid:{home_grid.code}", f"beat:{home_grid.main_beat.code}"
    before = progress(commander, instruction)
    assert before["summary"] == {
        "total": 2,
        "read": 0,
        "signed_on": 0,
        "reported": 0,
        "done": 0,
        "overdue": 0,
    }
    assert {r["state"] for r in before["recipients"]} == {"sent"}

    grid_worker.client.get(f"/instructions/{instruction.pk}/")  # opening it is reading it
    assert by_key(progress(commander, instruction))[grid]["read_at"] is not None
    services.sign_on(row(instruction, grid), actor=grid_worker.user)
    services.report_back(row(instruction, grid), actor=grid_worker.user, text="排查完毕")
    services.sign_on(row(instruction, beat), actor=officer.user)

    after = progress(commander, instruction)
    rows = by_key(after)
    assert (rows[grid]["state"], rows[grid]["signed_on_by"]) == ("reported", "worker_p")
    assert rows[grid]["feedback"][0]["text"] == "排查完毕"
    assert rows[beat]["state"] == "signed_on" and rows[beat]["reported_at"] is None
    assert after["summary"] == {
        "total": 2,
        "read": 2,
        "signed_on": 2,
        "reported": 1,
        "done": 0,
        "overdue": 0,
    }


def test_it_flags_recipients_overdue_until_their_final_report(
    instruction: Instruction,
    home_grid: Grid,
    commander: Persona,
    grid_worker: Persona,
) -> None:
    grid = f"grid:{home_grid.code}"
    services.sign_on(row(instruction, grid), actor=grid_worker.user)
    services.report_back(row(instruction, grid), actor=grid_worker.user, text="已办结", done=True)
    make_overdue(instruction)
    data = progress(commander, instruction)
    flags = {key: r["overdue"] for key, r in by_key(data).items()}
    assert flags == {grid: False, f"beat:{home_grid.main_beat.code}": True}  # type: ignore[union-attr]
    assert data["overdue"] is True and data["summary"]["overdue"] == 1

    page = commander.client.get(f"/instructions/{instruction.pk}/").content.decode()
    overdue_rows = re.findall(
        r'<tr id="recipient-\d+"[^>]*data-unit="([^"]+)"[^>]*class="overdue"', page
    )
    assert overdue_rows == [f"beat:{home_grid.main_beat.code}"]  # type: ignore[union-attr]
    assert 'data-count="overdue">1<' in page


def test_it_renders_the_progress_the_endpoint_reports(
    instruction: Instruction, home_grid: Grid, commander: Persona, grid_worker: Persona
) -> None:
    grid = f"grid:{home_grid.code}"
    target = row(instruction, grid)
    page = commander.client.get(f"/instructions/{instruction.pk}/").content.decode()
    assert f'data-url="{API}/{instruction.pk}/progress"' in page
    assert re.search(rf'id="recipient-{target.pk}"[^>]*data-state="sent"', page)
    services.sign_on(target, actor=grid_worker.user)
    page = commander.client.get(f"/instructions/{instruction.pk}/").content.decode()
    assert re.search(rf'id="recipient-{target.pk}"[^>]*data-state="signed_on"', page)
    assert 'data-count="signed_on">1<' in page


def test_it_shows_a_recipient_only_the_rows_of_their_area(
    instruction: Instruction, home_grid: Grid, grid_worker: Persona
) -> None:
    keys = set(by_key(progress(grid_worker, instruction)))
    assert keys == {f"grid:{home_grid.code}"}
