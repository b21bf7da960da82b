"""One phone, two accounts: the field app page the phone kept for the grid worker, opened offline
after the worker signed out and a community officer signed in, must not send the worker's queue
under the officer's name when the network returns (nor lose it to a refusal)."""

import datetime as dt
from typing import Any

from playwright.sync_api import Error, expect

from outpost.accounts.models import User
from outpost.fieldwork.models import Patrol, PatrolPlan, SyncedRecord
from outpost.geo.models import Grid
from outpost.registry.models import Person
from tests.browser.conftest import District
from tests.browser.test_map import sign_in
from tests.browser.test_offline import QUEUE, queued
from tests.browser.test_phone_pages import PHONE
from tests.fieldwork.conftest import care_subject, point_in


def elder(grid: Grid) -> Person:
    return care_subject(grid, "OFF", "陈爷爷", dt.date(1938, 6, 1), "32010619380601001")


def switch_account(context: Any, district: District, username: str) -> None:
    def token() -> str:
        return next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")

    context.request.post(district.at("/accounts/logout/"), form={"csrfmiddlewaretoken": token()})
    context.request.get(district.at("/accounts/login/"))
    signed = context.request.post(
        district.at("/accounts/login/"),
        form={"csrfmiddlewaretoken": token(), "username": username, "password": district.password},
    )
    assert signed.ok and "/accounts/login/" not in signed.url


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
    # Only once the page knows it is offline: a page that still thinks it is online sends the
    # start at once, rightly as the worker (CI saw that race once, on a busy machine).
    expect(page.locator("#net-state")).to_contain_text("离线")
    page.click("#app-start")
    queued(page, 1)
    page.close()
    assert not Patrol.objects.exists()  # nothing sent yet, as anyone

    context.set_offline(False)  # the worker's session ends; the officer signs in on the phone
    switch_account(context, gulou, "officer")  # (not through the sign-in page, which forgets)
    context.set_offline(True)
    other = context.new_page()
    other.goto(gulou.at("/fieldwork/app/"))  # offline: the page kept for the worker
    expect(other.locator("#field-app")).to_have_attribute("data-user", "gridworker")
    expect(other.locator("#field-app")).to_have_attribute("data-ready", "true")

    context.set_offline(False)  # the network returns: the kept page tries to send
    other.click("#app-sync")
    expect(other.locator("#net-state")).to_contain_text("另一账号")
    expect(other.locator(f"{QUEUE}[data-state=waiting]")).to_have_count(1)
    assert not Patrol.objects.exists() and not SyncedRecord.objects.exists()


KEPT_NAMES = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("outpost-field");
  open.onsuccess = () => {
    const db = open.result;
    const done = (store) => new Promise((ok) => {
      db.transaction(store).objectStore(store).getAllKeys().onsuccess = (e) => ok(e.target.result);
    });
    Promise.all([done("kept"), done("records")]).then(([kept, records]) => {
      db.close();
      resolve({ kept: kept, records: records.length });
    });
  };
  open.onerror = () => reject(open.error);
})"""


FORGOTTEN = """async () => {
  for (const name of await caches.keys()) {
    if (await (await caches.open(name)).match("/fieldwork/app/")) return false;
  }
  const kept = await new Promise((resolve) => {
    const open = indexedDB.open("outpost-field");
    open.onsuccess = () => {
      open.result.transaction("kept").objectStore("kept").getAllKeys().onsuccess = (e) => {
        open.result.close();
        resolve(e.target.result);
      };
    };
  });
  return !kept.some((name) => name.startsWith("today:"));
}"""


def test_it_forgets_the_tasks_kept_on_the_phone_when_signed_out(
    gulou: District, people: Any
) -> None:
    """The page and today's tasks (the names of the people due a visit) are not shown offline to
    whoever holds the phone after the worker signed out; records still waiting stay."""
    worker = User.objects.get(username="gridworker")
    grid = Grid.objects.get(code=worker.assignments.get().scope_code)
    elder(grid)
    page = people(viewport=PHONE)
    context = page.context
    sign_in(page, gulou, "gridworker", gulou.password)
    page.goto(gulou.at("/fieldwork/app/"))
    expect(page.locator("#field-app")).to_have_attribute("data-ready", "true")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    expect(page.locator("#due-list")).to_contain_text("陈爷爷")
    context.set_offline(True)
    page.click("#app-start")  # a record waiting to be sent
    queued(page, 1)
    context.set_offline(False)

    page.click("header.top form button[type=submit]")  # sign out: the sign-in page
    expect(page.locator("input[name=username]")).to_be_visible()
    for _ in range(50):
        if page.evaluate(FORGOTTEN):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(FORGOTTEN)
    assert page.evaluate(KEPT_NAMES)["records"] == 1  # the waiting record stays

    context.set_offline(True)
    try:
        page.goto(gulou.at("/fieldwork/app/"))
    except Error:
        return  # nothing kept to show offline
    expect(page.locator("#field-app")).to_have_attribute("data-ready", "true")
    expect(page.locator("#due-list")).not_to_contain_text("陈爷爷")


def test_it_shows_markup_in_stored_names_as_text(gulou: District, people: Any) -> None:
    """Names typed by others (a person, a plan) are drawn by the script as text, never parsed."""
    worker = User.objects.get(username="gridworker")
    grid = Grid.objects.get(code=worker.assignments.get().scope_code)
    person = elder(grid)
    person.name = "<img src=x id=pwned>陈爷爷"
    person.save(update_fields=["name"])
    plan = PatrolPlan.objects.create(grid=grid, name="<b id=bold>早班</b>", per_week=2)
    plan.workers.add(worker)
    page = people(viewport=PHONE)
    sign_in(page, gulou, "gridworker", gulou.password)
    page.goto(gulou.at("/fieldwork/app/"))
    expect(page.locator("#field-app")).to_have_attribute("data-ready", "true")
    expect(page.locator("#due-list")).to_contain_text("<img src=x id=pwned>陈爷爷")
    expect(page.locator("#patrol-plan")).to_contain_text("<b id=bold>早班</b>")
    assert page.locator("#pwned, #bold").count() == 0
