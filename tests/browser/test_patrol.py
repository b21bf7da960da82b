"""Field work on a phone (390×844). A grid worker's patrol: start it, check in where the phone
says it is (inside the grid, then outside: flagged), end it. An officer's visit and inspection.
Each page fits the screen, its buttons are thumb-sized and it runs under the CSP."""

import datetime as dt
from typing import Any

from playwright.sync_api import Page, expect

from outpost.accounts.models import Department, User
from outpost.fieldwork import checklists
from outpost.fieldwork.models import Checklist, Patrol
from outpost.geo.models import Grid
from outpost.guides.catalogue import load
from outpost.guides.models import Matter, MatterTerm, ServiceRequest
from outpost.registry.models import House, HouseUse
from tests.browser.conftest import District
from tests.browser.test_map import sign_in
from tests.browser.test_phone_pages import PHONE, WATCH
from tests.conftest import OTHER_GRID
from tests.fieldwork.conftest import care_subject, point_in


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate("window.__violations") == []
    assert not page.problems, page.problems


def thumb_sized(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= PHONE["width"]


def test_it_walks_a_patrol_on_a_phone(gulou: District, people: Any) -> None:
    worker = User.objects.get(username="gridworker")
    grid = Grid.objects.get(code=worker.assignments.get().scope_code)
    inside, outside = point_in(grid), point_in(Grid.objects.get(code=OTHER_GRID))
    page = people(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        geolocation={"longitude": inside.x, "latitude": inside.y},
        permissions=["geolocation"],
    )
    page.context.add_init_script(WATCH)
    sign_in(page, gulou, "gridworker", gulou.password)
    page.goto(gulou.at("/fieldwork/"))
    fits(page)
    thumb_sized(page, "#start-patrol")
    page.click("#start-patrol")
    expect(page.locator("#patrol-now")).to_contain_text(grid.name)
    thumb_sized(page, "#check-in")
    page.click("#check-in")
    expect(page.locator(".message.success")).to_contain_text("已签到")
    page.context.set_geolocation({"longitude": outside.x, "latitude": outside.y})
    page.click("#check-in")
    expect(page.locator(".message.warning")).to_contain_text("已标记")
    fits(page)
    page.click("#end-patrol")
    expect(page.locator("#outside-warning")).to_contain_text("1 个签到点在巡查网格之外")
    fits(page)
    patrol = Patrol.objects.get(worker=worker)
    assert patrol.ended_at is not None
    assert [c.inside for c in patrol.checkins.order_by("at")] == [True, False]


def test_it_records_a_visit_and_an_inspection_on_a_phone(gulou: District, people: Any) -> None:
    """The visits due, a care visit, and an inspection of a rented house with a failed item:
    each page fits the phone."""
    officer = User.objects.get(username="officer")
    beat = officer.assignments.get().scope_code
    grid = Grid.objects.filter(main_beat__code=beat).order_by("code").first()
    assert grid is not None
    checklists.load(Checklist, Department)
    elder = care_subject(grid, "BR", "王奶奶", dt.date(1940, 3, 1), "32010619400301002")
    place = {"grid_code": grid.code, "beat_code": beat}
    address = elder.address
    House.objects.create(house_no="BR-H-1", address=address, use=HouseUse.RENTED, **place)
    page = people(viewport=PHONE, is_mobile=True, has_touch=True)
    page.context.add_init_script(WATCH)
    sign_in(page, gulou, "officer", gulou.password)
    page.goto(gulou.at("/fieldwork/visits/"))
    fits(page)
    page.click("text=王奶奶")
    page.fill("#id_met", "王奶奶本人")
    page.click("#visit-form button[type=submit]")
    expect(page.locator(".message.success")).to_contain_text("走访已登记")
    page.goto(gulou.at("/fieldwork/inspections/new/house/BR-H-1/"))
    fits(page)
    page.click("#inspection-start button[type=submit]")
    for code in ("R1", "R3", "R4"):
        page.check(f"input[name=item_{code}][value=pass]")
    page.check("input[name=item_R2][value=fail]")
    fits(page)
    page.click("#results-form button[type=submit]")
    expect(page.locator("#hazards")).to_contain_text("待复查")
    fits(page)


def test_it_opens_a_service_request_from_a_visit_on_a_phone(gulou: District, people: Any) -> None:
    """The grid worker visits a care subject and asks for help on her behalf (代办): the request
    is on the service requests list and linked from the visit's history."""
    load(Matter, MatterTerm)  # a live server's database is flushed between tests
    worker = User.objects.get(username="gridworker")
    grid = Grid.objects.get(code=worker.assignments.get().scope_code)
    care_subject(grid, "SR", "李奶奶", dt.date(1941, 5, 1), "32010619410501002")
    page = people(viewport=PHONE, is_mobile=True, has_touch=True)
    page.context.add_init_script(WATCH)
    sign_in(page, gulou, "gridworker", gulou.password)
    page.goto(gulou.at("/fieldwork/visits/care/SR-P/"))
    page.fill("#id_met", "李奶奶本人")
    page.select_option("#id_service_matter", "senior-card")
    page.select_option("#id_service_mode", "on_behalf")
    page.fill("#id_service_phone", "13912345678")
    page.fill("#id_service_note", "腿脚不便，代办老年证")
    fits(page)
    page.click("#visit-form button[type=submit]")
    expect(page.locator(".message.success").last).to_contain_text("已提出服务申请")
    request = ServiceRequest.objects.get()
    page.goto(gulou.at("/fieldwork/visits/care/SR-P/"))
    page.click(f"[data-service-request='{request.code}']")
    expect(page.locator("body")).to_contain_text("李奶奶")
    fits(page)
    page.goto(gulou.at("/guides/requests/?show=mine"))
    expect(page.locator(f"[data-request='{request.code}']")).to_contain_text("李奶奶")
    fits(page)
