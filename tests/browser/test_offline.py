"""The field app with the network cut (issue 13, item 5): a grid worker opens the app once, loses
the network, opens it again from the phone's cache, walks a patrol with three check-ins, records a
visit and reports a case at the last check-in (with its photo); the network returns and every
record arrives exactly once, also when the phone sends its whole queue a second time (an answer
lost on the way). Then one record refused (the reason shown) and two visits that crossed someone
else's (one sent anyway, one dropped)."""

import datetime as dt
import io
from typing import Any

from PIL import Image
from playwright.sync_api import Page, expect

from outpost.accounts.models import User
from outpost.cases.models import Case
from outpost.fieldwork import services
from outpost.fieldwork.models import Patrol, SyncedRecord, Visit
from outpost.geo.models import Grid
from outpost.guides.catalogue import load
from outpost.guides.models import Matter, MatterTerm, ServiceRequest
from tests.browser.conftest import District
from tests.browser.test_map import sign_in
from tests.browser.test_patrol import fits, thumb_sized
from tests.browser.test_phone_pages import PHONE, WATCH
from tests.fieldwork.conftest import care_subject, point_in

QUEUE = "#queue li"


def big_photo() -> dict[str, Any]:
    """A 3200×2400 camera photo: the phone sends it at 1600 pixels at most."""
    out = io.BytesIO()
    Image.new("RGB", (3200, 2400), (180, 90, 40)).save(out, format="JPEG", quality=95)
    return {"name": "camera.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def states(page: Page) -> list[str]:
    return page.eval_on_selector_all(QUEUE, "rows => rows.map(r => r.dataset.state)")


def queued(page: Page, count: int) -> None:
    expect(page.locator(f"{QUEUE}[data-state=waiting]")).to_have_count(count)


def test_it_keeps_the_work_done_offline_and_sends_it_once(gulou: District, people: Any) -> None:
    worker = User.objects.get(username="gridworker")
    grid = Grid.objects.get(code=worker.assignments.get().scope_code)
    care_subject(grid, "OFF", "陈爷爷", dt.date(1938, 6, 1), "32010619380601001")
    inside = point_in(grid)
    page = people(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        geolocation={"longitude": inside.x, "latitude": inside.y},
        permissions=["geolocation"],
    )
    page.context.add_init_script(WATCH)
    sign_in(page, gulou, "gridworker", gulou.password)
    page.goto(gulou.at("/fieldwork/app/"))
    expect(page.locator("#field-app")).to_have_attribute("data-ready", "true")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    expect(page.locator("#due-list")).to_contain_text("陈爷爷")
    fits(page)

    page.context.set_offline(True)
    page.reload()  # from the phone's cache: the page and today's tasks
    expect(page.locator("#field-app")).to_have_attribute("data-ready", "true")
    expect(page.locator("#net-state")).to_contain_text("离线")
    expect(page.locator("#due-list")).to_contain_text("陈爷爷")
    assert page.evaluate("navigator.serviceWorker.controller !== null")  # the phone's copy

    thumb_sized(page, "#app-start")
    page.click("#app-start")
    expect(page.locator("#patrol-where")).to_contain_text(grid.name)
    for n in range(1, 4):
        if n == 3:
            page.set_input_files("#checkin-photo", big_photo())
        page.click("#app-checkin")
        queued(page, 1 + n)
    # On the patrol a report takes the last check-in's place and photos (as the patrol page).
    expect(page.locator("#report-photo")).to_be_hidden()
    expect(page.locator("#report-where")).to_be_visible()
    page.select_option("#report-type", "0101")
    page.fill("#report-title", "楼道堆物堵塞")
    page.click("#app-report-send")
    queued(page, 5)
    page.click("#app-end")
    queued(page, 6)
    page.click("[data-visit='care:OFF-P']")
    page.fill("#visit-met", "陈爷爷本人")
    page.fill("#visit-found", "身体尚好，需要代购药品")
    page.click("#app-visit-save")
    queued(page, 7)
    expect(page.locator("#due-list")).not_to_contain_text("陈爷爷")
    fits(page)
    assert not Patrol.objects.exists() and not Visit.objects.exists()
    assert not Case.objects.exists()

    page.context.set_offline(False)  # the phone sends its queue by itself
    expect(page.locator(f"{QUEUE}[data-state=sent]")).to_have_count(7)
    expect(page.locator("#net-state")).to_contain_text("在线")
    arrived_once(worker, grid)

    # The answer was lost: the phone still thinks all seven wait, and sends them again.
    page.evaluate(
        """() => new Promise((resolve, reject) => {
          const open = indexedDB.open("outpost-field");
          open.onsuccess = () => {
            const tx = open.result.transaction("records", "readwrite");
            const rows = tx.objectStore("records");
            rows.getAll().onsuccess = (e) => e.target.result.forEach(
              (row) => rows.put({ ...row, state: "waiting" }));
            tx.oncomplete = () => resolve(true);
            tx.onerror = () => reject(tx.error);
          };
        })"""
    )
    page.reload()
    expect(page.locator(f"{QUEUE}[data-state=sent]")).to_have_count(7)
    assert states(page) == ["sent"] * 7
    arrived_once(worker, grid)
    fits(page)


def arrived_once(worker: User, grid: Grid) -> None:
    patrol = Patrol.objects.get(worker=worker)
    assert patrol.grid == grid and patrol.ended_at is not None
    assert [c.inside for c in patrol.checkins.all()] == [True, True, True]
    visit = Visit.objects.get()
    assert (visit.person.person_no, visit.met) == ("OFF-P", "陈爷爷本人")
    case = Case.objects.get()
    assert case.title == "楼道堆物堵塞" and case.grid_code == grid.code
    assert list(patrol.cases.all()) == [case]  # reported while the patrol was under way
    last = patrol.checkins.order_by("-at").first()
    assert last is not None and (case.lon, case.lat) == (last.lon, last.lat)
    assert last.photos.count() == 1  # the check-in's photo, given to the case too
    (photo,) = case.attachments.all()
    with photo.file.open("rb") as handle, Image.open(handle) as image:
        assert max(image.size) == 1600  # made smaller on the phone
        assert not image.getexif()
    assert SyncedRecord.objects.filter(user=worker, state="sent").count() == 7


def visit_offline(page: Page, key: str, met: str, phone: str = "") -> None:
    page.click(f"[data-visit='care:{key}']")
    page.fill("#visit-met", met)
    if phone:  # and a service request (代办) for the resident
        page.select_option("#visit-matter", "senior-card")
        page.select_option("#visit-mode", "on_behalf")
        page.fill("#visit-phone", phone)
    page.click("#app-visit-save")


def row(page: Page, label: str) -> Any:
    return page.locator(QUEUE, has_text=label)


def test_it_shows_a_refused_record_and_lets_the_worker_settle_conflicts(
    gulou: District, people: Any
) -> None:
    """Offline, three visits: one whose service request has a wrong phone number (refused, the
    reason in Chinese) and two to people someone else visited meanwhile (conflicts): one is
    sent anyway, with its service request; the other dropped."""
    load(Matter, MatterTerm)  # a live server's database is flushed between tests
    worker, leader = User.objects.get(username="gridworker"), User.objects.get(username="leader")
    grid = Grid.objects.get(code=worker.assignments.get().scope_code)
    elders = {
        "CFA": care_subject(grid, "CFA", "周奶奶", dt.date(1939, 2, 1), "32010619390201002"),
        "CFB": care_subject(grid, "CFB", "吴爷爷", dt.date(1937, 3, 1), "32010619370301003"),
        "CFC": care_subject(grid, "CFC", "郑奶奶", dt.date(1936, 4, 1), "32010619360401004"),
    }
    page = people(viewport=PHONE, is_mobile=True, has_touch=True)
    page.context.add_init_script(WATCH)
    sign_in(page, gulou, "gridworker", gulou.password)
    page.goto(gulou.at("/fieldwork/app/"))
    expect(page.locator("#field-app")).to_have_attribute("data-ready", "true")
    expect(page.locator("#due-list")).to_contain_text("郑奶奶")

    page.context.set_offline(True)
    visit_offline(page, "CFA-P", "周奶奶本人", phone="13912345678")
    visit_offline(page, "CFB-P", "吴爷爷本人")
    visit_offline(page, "CFC-P", "郑奶奶本人", phone="123")
    queued(page, 3)
    fits(page)
    for key in ("CFA", "CFB"):  # the grid leader visited them meanwhile
        services.record_visit(elders[key], services.NewVisit("本人"), actor=leader)

    page.context.set_offline(False)
    expect(row(page, "郑奶奶")).to_have_attribute("data-state", "refused")
    expect(row(page, "郑奶奶").locator(".why")).to_contain_text("不是有效的电话号码")
    expect(row(page, "周奶奶")).to_have_attribute("data-state", "conflict")
    expect(row(page, "吴爷爷")).to_have_attribute("data-state", "conflict")
    expect(row(page, "吴爷爷").locator(".why")).to_contain_text("走访（晚于您的清单更新时间）")
    expect(page.locator("#queue")).to_contain_text("被退回")
    fits(page)

    row(page, "周奶奶").get_by_role("button", name="仍然发送").click()
    expect(row(page, "周奶奶")).to_have_attribute("data-state", "sent")
    row(page, "吴爷爷").get_by_role("button", name="放弃").click()
    expect(row(page, "吴爷爷")).to_have_count(0)
    row(page, "郑奶奶").get_by_role("button", name="放弃").click()
    expect(page.locator(QUEUE)).to_have_count(1)
    fits(page)

    mine = Visit.objects.filter(visitor=worker)
    assert [v.person.person_no for v in mine] == ["CFA-P"]  # sent anyway; the others dropped
    (request,) = ServiceRequest.objects.all()
    assert mine.get().service_request == request and request.resident_name == "周奶奶"
    assert Visit.objects.filter(visitor=leader).count() == 2  # theirs untouched
    refused = SyncedRecord.objects.get(user=worker, state="refused")
    assert refused.kind == "visit"
