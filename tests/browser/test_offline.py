"""The field app with the network cut (issue 13, item 5): a grid worker opens the app once, loses
the network, opens it again from the phone's cache, walks a patrol with three check-ins, records a
visit and reports a case with a photo; the network returns and every record arrives exactly once,
also when the phone sends its whole queue a second time (an answer lost on the way)."""

import datetime as dt
import io
from typing import Any

from PIL import Image
from playwright.sync_api import Page, expect

from outpost.accounts.models import User
from outpost.cases.models import Case
from outpost.fieldwork.models import Patrol, SyncedRecord, Visit
from outpost.geo.models import Grid
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
        page.click("#app-checkin")
        queued(page, 1 + n)
    page.select_option("#report-type", "0101")
    page.fill("#report-title", "楼道堆物堵塞")
    page.set_input_files("#report-photo", big_photo())
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
    (photo,) = case.attachments.all()
    with photo.file.open("rb") as handle, Image.open(handle) as image:
        assert max(image.size) == 1600  # made smaller on the phone
        assert not image.getexif()
    assert SyncedRecord.objects.filter(user=worker, state="sent").count() == 7
