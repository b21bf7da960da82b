"""A grid worker adds a person on the phone (390×844): finds the room by typing words of its
address, chooses it, fills the person in and saves; the page fits the screen, runs under the CSP
and answers in Chinese that the record awaits the officer."""

from typing import Any

import pytest
from playwright.sync_api import expect

from outpost.accounts.models import User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.geo.boundaries import import_boundaries
from outpost.registry.imports import run_import
from outpost.registry.models import Person, StandardAddress
from tests.browser.conftest import District
from tests.browser.test_map import sign_in
from tests.browser.test_phone_pages import PHONE, opens_on_a_phone, phone
from tests.conftest import GULOU, HOME_GRID
from tests.registry.data import as_csv, read_xz, rows_of
from tests.registry.test_field_entries import id_number

PASSWORD = "field-registry-1"


@pytest.fixture
def district(live_server: Any, settings: Any) -> District:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    import_boundaries(GULOU)
    rows = [
        r for r in rows_of(read_xz("addresses.csv.xz")) if r["community_code"] == HOME_GRID[:12]
    ]
    assert run_import("addresses", as_csv(rows), "addresses.csv").counts["rejected"] == 0
    user = User.objects.create_user(username="field_w", password=PASSWORD, display_name="网格员")
    grant_role(user, Role.GRID_WORKER, HOME_GRID, actor=None)
    return District(url=live_server.url, password=PASSWORD)


def test_it_lets_a_grid_worker_add_a_person_on_the_phone(district: District, people: Any) -> None:
    room = StandardAddress.objects.filter(grid_code=HOME_GRID, level="room").order_by("code")[0]
    worker = phone(people)
    sign_in(worker, district, "field_w", PASSWORD)
    opens_on_a_phone(worker, district.at("/registry/people/new/"), 200)

    worker.fill("input[name=name]", "王小明")
    worker.fill("input[name=address_q]", room.full_text[-12:])  # words of it, no code
    worker.click("button[name=find]")  # before the ID number: the form's own check waits
    choice = worker.locator(f"input[name=address][value='{room.code}']")
    expect(choice).to_be_visible()
    box = choice.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    assert worker.input_value("input[name=name]") == "王小明"  # kept across the Find
    expect(worker.locator(".errorlist")).to_have_count(0)
    worker.fill("input[name=id_number]", id_number(777))
    worker.fill("input[name=phone]", "13912340007")
    choice.check()
    worker.click("button[name=save]")

    expect(worker.locator("main")).to_contain_text("待民警核实")
    assert worker.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert worker.evaluate("window.__violations") == []
    person = Person.objects.by_id_number(id_number(777)).get()
    assert (person.address, person.state) == (room, "pending")
