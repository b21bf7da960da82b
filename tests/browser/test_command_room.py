"""The command room in a real browser: the duty officer dispatches from the board, which
refreshes itself when a new case arrives."""

import re
from typing import Any

from playwright.sync_api import expect

from outpost.accounts.models import User
from outpost.cases.models import Case
from outpost.cases.workflow import State
from outpost.geo.models import Grid
from tests.browser.conftest import District
from tests.browser.test_map import loaded_cleanly, sign_in
from tests.cases.conftest import file_case

WALL_SHOT = "/tmp/outpost_board_wall.png"


def test_it_dispatches_from_the_board_and_sees_new_cases_arrive(
    people: Any, loop_district: District
) -> None:
    district = loop_district
    worker = User.objects.get(username="gridworker")
    home = Grid.objects.get(code=worker.assignments.get().scope_code)
    waiting = file_case(home, worker, "0603", title="单元门口垃圾堆积")

    duty = people()
    sign_in(duty, district, "duty", district.password)
    duty.locator("header.top nav a", has_text="指挥室").click()
    expect(duty).to_have_url(re.compile(r"/command/\d{12}/board/$"))
    row = duty.locator(f"#board-queue tr[data-number='{waiting.number}']")
    expect(row).to_contain_text("单元门口垃圾堆积")
    expect(row.locator("td.route")).to_contain_text(home.name)  # the suggested route
    expect(duty.locator("#board-total")).to_have_text("1")

    # A new case reported in the street shows up without reloading the page.
    urgent = file_case(home, worker, "0201", title="楼道堆放易燃杂物", urgency="critical")
    first = duty.locator("#board-queue tbody tr").first
    expect(first).to_have_attribute("data-number", urgent.number, timeout=20_000)
    expect(duty.locator("#board-total")).to_have_text("2")

    # One click sends the older case on its route; the board drops it and says where it went.
    row.locator("button.one-click").click()
    expect(duty.locator("#board-status")).to_contain_text("已派遣至")
    expect(row).to_have_count(0)
    dispatched = Case.objects.get(pk=waiting.pk)
    assert dispatched.state == State.DISPATCHED
    assert [a.unit_code for a in dispatched.assignments.filter(active=True)] == [home.code]
    loaded_cleanly(duty)

    # The wall screen shows the same queue, large, without the site's chrome.
    duty.goto(duty.url + "?wall=1")
    expect(duty.locator("header.top")).to_be_hidden()
    expect(duty.locator(f"#board-queue tr[data-number='{urgent.number}']")).to_be_visible()
    duty.screenshot(path=WALL_SHOT, full_page=True)
    loaded_cleanly(duty)
