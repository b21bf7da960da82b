"""One phone, two accounts: the field app page the phone kept for the grid worker, opened offline
after the worker signed out and a community officer signed in, must not send the worker's queue
under the officer's name when the network returns (nor lose it to a refusal)."""

from typing import Any

from playwright.sync_api import expect

from outpost.accounts.models import User
from outpost.fieldwork.models import Patrol, SyncedRecord
from outpost.geo.models import Grid
from tests.browser.conftest import District
from tests.browser.test_map import sign_in
from tests.browser.test_offline import QUEUE, queued
from tests.browser.test_phone_pages import PHONE
from tests.fieldwork.conftest import point_in


def test_it_never_sends_one_accounts_queue_as_another(gulou: District, people: Any) -> None:
    worker = User.objects.get(username="gridworker")
    grid = Grid.objects.get(code=worker.assignments.get().scope_code)
    inside = point_in(grid)
    page = people(
        viewport=PHONE,
        geolocation={"longitude": inside.x, "latitude": inside.y},
        permissions=["geolocation"],
    )
    context = page.context
    sign_in(page, gulou, "gridworker", gulou.password)
    page.goto(gulou.at("/fieldwork/app/"))
    expect(page.locator("#field-app")).to_have_attribute("data-ready", "true")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    context.set_offline(True)
    page.reload()  # the worker's page, from the phone's cache
    expect(page.locator("#field-app")).to_have_attribute("data-ready", "true")
    page.click("#app-start")
    queued(page, 1)
    page.close()

    context.set_offline(False)  # the worker signs out; the officer signs in on the same phone
    other = context.new_page()
    other.goto(gulou.at("/"))
    other.click("header.top form button[type=submit]")
    sign_in(other, gulou, "officer", gulou.password)
    context.set_offline(True)
    other.goto(gulou.at("/fieldwork/app/"))  # offline: the page kept for the worker
    expect(other.locator("#field-app")).to_have_attribute("data-user", "gridworker")
    expect(other.locator("#field-app")).to_have_attribute("data-ready", "true")

    context.set_offline(False)  # the network returns: the kept page tries to send
    other.click("#app-sync")
    expect(other.locator("#net-state")).to_contain_text("另一账号")
    expect(other.locator(f"{QUEUE}[data-state=waiting]")).to_have_count(1)
    assert not Patrol.objects.exists() and not SyncedRecord.objects.exists()
