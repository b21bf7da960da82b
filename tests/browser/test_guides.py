"""一网通办 on a phone (390×844): a resident finds the senior card's guide by asking in their own
words, asks for it to be done on their behalf (代办) without an account, and gets a tracking
page; the grid worker of their grid sees it on the start page under 待办服务, opens it and
accepts it; the resident's page says so. Every page fits the screen and runs under the CSP."""

from typing import Any

from playwright.sync_api import expect

from outpost.accounts.models import User
from outpost.guides.catalogue import load
from outpost.guides.models import Matter, MatterTerm, ServiceRequest
from tests.browser.conftest import District
from tests.browser.test_map import sign_in
from tests.browser.test_patrol import fits, thumb_sized
from tests.browser.test_phone_pages import PHONE, WATCH


def test_it_takes_a_residents_request_to_the_grid_worker(gulou: District, people: Any) -> None:
    load(Matter, MatterTerm)  # a live server's database is flushed between tests
    worker = User.objects.get(username="gridworker")
    grid_code = worker.assignments.get().scope_code

    resident = people(viewport=PHONE, is_mobile=True, has_touch=True)
    resident.context.add_init_script(WATCH)
    resident.goto(gulou.at("/guides/"))
    resident.fill("#id_q", "老人乘车卡怎么办")
    resident.click("#guide-search button[type=submit]")
    first = resident.locator("#guide-list li a").first
    expect(first).to_have_attribute("data-matter", "senior-card")
    fits(resident)
    first.click()
    expect(resident.locator("h1")).to_contain_text("老年人优待证")
    resident.check("input[name=mode][value=on_behalf]")
    resident.fill("#id_resident_name", "王阿姨")
    resident.fill("#id_phone", "13912345678")
    resident.select_option("#id_grid", grid_code)
    resident.fill("#id_address", "中山路83号102室")
    resident.fill("#id_note", "腿脚不便，请帮忙代办")
    thumb_sized(resident, "#ask-form button[type=submit]")
    fits(resident)
    resident.click("#ask-form button[type=submit]")
    expect(resident.locator("#request-state")).to_have_text("已提交")
    req = ServiceRequest.objects.get()
    expect(resident.locator("#tracking-code")).to_have_text(req.code)
    assert (req.mode, req.assignee) == ("on_behalf", worker)
    fits(resident)

    staff = people(viewport=PHONE, is_mobile=True, has_touch=True)
    staff.context.add_init_script(WATCH)
    sign_in(staff, gulou, "gridworker", gulou.password)
    staff.goto(gulou.at("/"))
    section = staff.locator("#work-services")
    expect(section.locator("h2")).to_have_text("待办服务")
    expect(section.locator("[data-tile=services] .n")).to_have_text("1")
    fits(staff)
    section.locator(f"[data-request='{req.code}']").click()
    expect(staff.locator("#phone")).to_have_text("139****5678")
    thumb_sized(staff, "#accept")
    fits(staff)
    staff.click("#accept")
    expect(staff.locator("#request-state")).to_have_text("已受理")
    req.refresh_from_db()
    assert (req.state, req.assignee) == ("accepted", worker)
    staff.click("#reveal-form button")  # to call the resident back (written to the access log)
    expect(staff.locator("#phone")).to_have_attribute("href", "tel:13912345678")
    fits(staff)

    resident.reload()
    expect(resident.locator("#request-state")).to_have_text("已受理")
