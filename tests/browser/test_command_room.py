"""The command room in a real browser: the duty officer dispatches from the board, which
refreshes itself when a new case arrives."""

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from outpost.accounts.models import User
from outpost.cases.models import Case
from outpost.cases.workflow import State
from outpost.geo.models import Grid
from tests.browser.conftest import District
from tests.browser.test_map import loaded_cleanly, sign_in
from tests.cases.conftest import file_case
from tests.cases.photos import phone_photo

WALL_SHOT = "/tmp/outpost_board_wall.png"
PROGRESS_SHOT = "/tmp/outpost_instruction_progress.png"
PHONE = {"width": 390, "height": 844}


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
    # Its title carries markup: shown as text in the queue and the map's tooltip, never run (an
    # <img> rendered as markup would request /never-fetched.png and fail loaded_cleanly).
    urgent = file_case(
        home,
        worker,
        "0201",
        title='楼道堆放易燃杂物<img src="/never-fetched.png">',
        urgency="critical",
    )
    first = duty.locator("#board-queue tbody tr").first
    expect(first).to_have_attribute("data-number", urgent.number, timeout=20_000)
    expect(duty.locator("#board-total")).to_have_text("2")
    expect(duty.locator("#board-map path.leaflet-interactive")).to_have_count(2)  # both pinned
    expect(first).to_contain_text('<img src="/never-fetched.png">')
    duty.locator("#board-map path.leaflet-interactive[fill='#b42318']").dispatch_event("mouseover")
    expect(duty.locator(".leaflet-tooltip")).to_contain_text("<img")

    # One click sends the older case on its route; the board drops it and says where it went.
    row.locator("button.one-click").click()
    outcome = duty.locator("#board-outcome")
    expect(outcome).to_contain_text(f"{waiting.number}：已派遣至")
    expect(row).to_have_count(0)
    # The confirmation stays after the board's next refresh (it used to be overwritten at once).
    expect(duty.locator("#board-status")).to_contain_text("更新")
    expect(outcome).to_be_visible()
    expect(outcome).not_to_have_class(re.compile("error"))
    dispatched = Case.objects.get(pk=waiting.pk)
    assert dispatched.state == State.DISPATCHED
    assert [a.unit_code for a in dispatched.assignments.filter(active=True)] == [home.code]
    loaded_cleanly(duty)

    # The wall screen shows the same queue, large, without the site's chrome.
    duty.goto(duty.url + "?wall=1")
    expect(duty.locator("header.top")).to_be_hidden()
    expect(duty.locator(f"#board-queue tr[data-number='{urgent.number}']")).to_be_visible()
    expect(duty.locator("#board-map path.leaflet-interactive")).to_have_count(1)
    duty.screenshot(path=WALL_SHOT, full_page=True)
    loaded_cleanly(duty)


def test_it_sends_an_instruction_and_sees_the_grid_report_back(
    people: Any, loop_district: District
) -> None:
    district = loop_district
    worker = User.objects.get(username="gridworker")
    home = Grid.objects.get(code=worker.assignments.get().scope_code)

    # The duty officer sends an instruction from the room to the demo grid, due tomorrow.
    duty = people()
    sign_in(duty, district, "duty", district.password)
    duty.goto(district.at("/instructions/new/"))
    duty.locator("input[name=title]").fill("排查辖区电动车楼道充电")
    duty.locator("textarea[name=body]").fill("今晚前完成一轮排查，拍照反馈")
    due = timezone.localtime() + dt.timedelta(days=1)
    duty.locator("input[name=deadline]").fill(due.strftime("%Y-%m-%dT%H:%M"))
    duty.locator("#pick-grids summary").click()
    duty.locator(f"input[name=grids][value='{home.code}']").check()
    duty.locator("#send-instruction").click()
    expect(duty).to_have_url(re.compile(r"/instructions/\d+/$"))
    row = duty.locator(f"#progress tr[data-unit='grid:{home.code}']")
    expect(row).to_have_attribute("data-state", "sent")
    loaded_cleanly(duty)

    # The grid worker signs on from the phone and reports back with a photo.
    phone = people(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(phone, district, "gridworker", district.password)
    phone.locator("header.top nav a", has_text="指令").click()
    phone.get_by_role("link", name="排查辖区电动车楼道充电").click()
    phone.locator("[id^=sign-on-]").first.click()
    expect(row).to_have_attribute("data-state", "signed_on", timeout=20_000)  # no reload
    feedback = phone.locator("form[data-action=feedback]").first
    feedback.locator("textarea").fill("已排查 12 个单元，发现 2 处楼道充电，已劝离")
    feedback.locator("input[type=file]").set_input_files(
        [{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}]
    )
    feedback.locator("input[type=checkbox]").check()
    feedback.locator("button[type=submit]").click()
    expect(phone.locator(".message").first).to_be_visible()
    loaded_cleanly(phone)

    # The room's page follows: reported and done, without reloading.
    expect(row).to_have_attribute("data-state", "done", timeout=20_000)
    expect(duty.locator("#progress-summary [data-count=done]")).to_have_text("1")
    duty.screenshot(path=PROGRESS_SHOT, full_page=True)
    loaded_cleanly(duty)
