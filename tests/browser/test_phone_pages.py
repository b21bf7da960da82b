"""The pages this round added, on a phone (390 px): the Chinese error pages a resident meets
(unknown tracking code, a form address opened directly, a missing page), the lookup limit's page
and the report form's police-only choice. Each fits the screen, runs under the CSP and says in
Chinese what to do next."""

import re
from typing import Any

from playwright.sync_api import Page, expect

from outpost.accounts.models import User
from outpost.core.access import log_access
from tests.browser.conftest import District
from tests.browser.test_map import sign_in

PHONE = {"width": 390, "height": 844}
CJK = re.compile(r"[\u4e00-\u9fff]")
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


def phone(people: Any) -> Page:
    page = people(viewport=PHONE, is_mobile=True, has_touch=True)
    page.context.add_init_script(WATCH)
    return page


def opens_on_a_phone(page: Page, url: str, status: int) -> None:
    answer = page.goto(url)
    assert answer is not None and answer.status == status, url
    expect(page.locator("h1")).to_have_text(CJK)
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, f"{url} is wider than the phone"
    assert page.evaluate("window.__violations") == [], url
    assert not [p for p in page.problems if p.startswith("script error")], page.problems


def test_it_shows_a_resident_the_error_pages_in_chinese_on_a_phone(
    gulou: District, people: Any
) -> None:
    resident = phone(people)
    opens_on_a_phone(resident, gulou.at("/status/NOSUCHC0DE/"), 404)
    expect(resident.locator("a[href='/status/']").first).to_be_visible()
    opens_on_a_phone(resident, gulou.at("/status/NOSUCHC0DE/rate/"), 405)
    expect(resident.locator("main")).to_contain_text("表单")
    opens_on_a_phone(resident, gulou.at("/no/such/page/"), 404)


def test_it_shows_a_grid_worker_the_lookup_limit_and_the_report_form_on_a_phone(
    gulou: District, people: Any, settings: Any
) -> None:
    settings.OUTPOST_NUMBER_LOOKUPS = 1
    worker = phone(people)
    sign_in(worker, gulou, "gridworker", gulou.password)
    opens_on_a_phone(worker, gulou.at("/registry/people/?q=13912345678"), 200)
    opens_on_a_phone(worker, gulou.at("/registry/people/?q=13912345679"), 429)
    expect(worker.locator("main")).to_contain_text("稍后再试")
    opens_on_a_phone(worker, gulou.at("/cases/report/"), 200)
    police_only = worker.locator("input[name=police_only]")
    expect(police_only).to_be_visible()
    box = police_only.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]


def test_it_shows_a_wide_table_as_cards_on_the_phone(gulou: District, people: Any) -> None:
    """The access log has the widest table: on a phone each row is a card, each value labelled
    with its column, and nothing scrolls sideways."""
    admin = phone(people)
    sign_in(admin, gulou, "admin", gulou.password)
    who = User.objects.get(username="admin")
    for n in range(3):  # rows as an unmask leaves them: a long key and a stated purpose
        log_access(
            actor=who,
            action="unmask",
            object_type="person",
            object_key=f"P{n:07d}-" + "A" * 40,
            purpose="核查群租线索，按派出所要求复核该户实际居住人员与登记信息是否一致",
        )
    opens_on_a_phone(admin, gulou.at("/audit/"), 200)
    table = admin.locator("main table").first
    expect(table).to_be_visible()
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth"), "no sideways scrolling"
    expect(table.locator("thead")).to_be_hidden()
    cell = table.locator("tbody tr").first.locator("td").nth(1)
    assert cell.get_attribute("data-label"), "each value says which column it is"


def test_it_shows_case_photos_as_thumbnails_that_open_full_screen(
    gulou: District, people: Any
) -> None:
    """A 4000 px photo used to make the case page 1,282 px wide and cover the 签收 button."""
    from outpost.cases.attachments import store
    from outpost.cases.models import AttachmentPurpose
    from outpost.geo.models import Grid
    from tests.cases.conftest import file_case
    from tests.cases.photos import phone_photo

    worker_user = User.objects.get(username="gridworker")
    home = Grid.objects.get(code=worker_user.assignments.get().scope_code)
    case = file_case(home, worker_user, "0603", title="井盖缺失")
    store(
        case,
        [("大图.jpg", phone_photo(2400, 1800))],
        actor=worker_user,
        purpose=AttachmentPurpose.REPORT,
    )
    worker = phone(people)
    sign_in(worker, gulou, "gridworker", gulou.password)
    opens_on_a_phone(worker, gulou.at(f"/cases/{case.number}/"), 200)
    thumb = worker.locator("#attachments img").first
    expect(thumb).to_be_visible()
    box = thumb.bounding_box()
    assert box is not None and box["width"] <= 110 and box["height"] <= 110
    thumb.click()
    viewer = worker.locator("#photo-viewer")
    expect(viewer).to_be_visible()
    shown = viewer.locator("img").bounding_box()
    assert shown is not None and shown["width"] <= PHONE["width"]
    worker.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    assert worker.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
