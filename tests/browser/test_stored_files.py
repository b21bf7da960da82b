"""Kept files in a real browser: photos still show on the case page although every stored file
is served as a sandboxed download, and a PDF is saved, never opened as a page of the site."""

from typing import Any

from playwright.sync_api import expect

from outpost.accounts.models import User
from outpost.cases import attachments
from outpost.geo.models import Grid
from tests.browser.conftest import District
from tests.browser.test_map import loaded_cleanly, sign_in
from tests.cases.conftest import file_case
from tests.cases.pdfs import one_page
from tests.cases.photos import phone_photo


def test_it_shows_photos_on_the_case_page_and_hands_pdfs_over_as_downloads(
    people: Any, gulou: District
) -> None:
    worker = User.objects.get(username="gridworker")
    home = Grid.objects.get(code=worker.assignments.get().scope_code)
    case = file_case(home, worker)
    files = [("现场.jpg", phone_photo()), ("调解协议.pdf", one_page())]
    attachments.store(case, files, actor=worker, purpose="evidence")
    page = people()
    sign_in(page, gulou, "gridworker", gulou.password)
    page.goto(gulou.at(f"/cases/{case.number}/"))
    photo = page.locator("#attachments img")
    expect(photo).to_have_count(1)
    photo.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 48", arg=photo.element_handle()
    )
    link = page.locator("#attachments a", has_text="调解协议.pdf")
    link.evaluate("a => a.removeAttribute('target')")  # follow it in this tab
    with page.expect_download() as saved:
        link.click()
    assert saved.value.suggested_filename == "调解协议.pdf"
    assert page.url == gulou.at(f"/cases/{case.number}/")  # the page stays; the file is saved
    loaded_cleanly(page)
