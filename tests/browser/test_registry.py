"""The registry in a real browser (issue 3, "Done when"): a grid worker searches a resident of
their grid by name and sees them with the ID and phone numbers masked; a grid worker of another
street searching the same name finds nobody, and the resident's page answers them 404.

The live server's database is flushed after each test, so this test loads its own district: the
boundaries, then the standard addresses and the people of the two grids' communities through the
real importer (which leaves alone what an earlier test may have left), and two grid workers.
"""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from outpost.accounts.models import User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.geo.boundaries import import_boundaries
from outpost.registry.imports import run_import
from outpost.registry.models import Person, StandardAddress
from tests.browser.conftest import District
from tests.browser.test_map import loaded_cleanly, sign_in
from tests.conftest import GULOU, HOME_GRID, OTHER_GRID
from tests.registry.data import COMMUNITIES, as_csv, read_xz, rows_of

SHOT = "/tmp/outpost_registry_people.png"
PASSWORD = "registry-browser-1"


@pytest.fixture
def district(live_server: Any, settings: Any) -> District:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    import_boundaries(GULOU)
    return District(url=live_server.url, password=PASSWORD)


def _load_registry() -> dict[str, dict[str, str]]:
    """The addresses of the two communities, then the people living in the two grids."""
    addresses = [
        row for row in rows_of(read_xz("addresses.csv.xz")) if row["community_code"] in COMMUNITIES
    ]
    result = run_import("addresses", as_csv(addresses), "addresses.csv")
    assert result.counts["rejected"] == 0
    rooms = set(
        StandardAddress.objects.filter(grid_code__in=[HOME_GRID, OTHER_GRID]).values_list(
            "code", flat=True
        )
    )
    people = [row for row in rows_of(read_xz("persons.csv.xz")) if row["addr_id"] in rooms]
    result = run_import("persons", as_csv(people), "persons.csv")
    # Run after the registry tests, the database may still hold their session's records.
    assert result.counts["created"] + result.counts["unchanged"] == len(people)
    assert result.counts["rejected"] == 0
    return {row["person_id"]: row for row in people}


def _worker(username: str, grid: str, password: str) -> User:
    user = User.objects.create_user(username=username, password=password, display_name=username)
    grant_role(user, Role.GRID_WORKER, grid, actor=None)
    return user


def _search(page: Page, site: District, name: str) -> None:
    page.goto(site.at("/registry/people/"))
    box = page.locator("form.search input[name=q]")
    box.fill(name)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/registry/people/\?q="))
    expect(page.locator("form.search input[name=q]")).to_have_value(name)


def test_it_finds_a_resident_for_their_grid_worker_masked_and_nobody_for_an_outsider(
    page: Page, district: District
) -> None:
    people = _load_registry()
    home = Person.objects.filter(grid_code=HOME_GRID).order_by("person_no")
    resident = next(p for p in home if Person.objects.filter(name=p.name).count() == 1)
    row = people[resident.person_no]
    _worker("worker_b", HOME_GRID, district.password)
    _worker("outsider_b", OTHER_GRID, district.password)

    sign_in(page, district, "worker_b", district.password)
    _search(page, district, resident.name)

    rows = page.locator("table#people tbody tr")
    expect(rows).to_have_count(1)
    cells = rows.first.locator("td")
    expect(cells.nth(0)).to_have_text(resident.name)
    masked_id = "*" * 16 + row["id_number"][-2:]
    expect(cells.nth(1)).to_have_text(masked_id)
    if row["phone"]:
        expect(cells.nth(2)).to_have_text(row["phone"][:3] + "****" + row["phone"][-4:])
    html = page.content()
    assert row["id_number"] not in html and (not row["phone"] or row["phone"] not in html)
    page.screenshot(path=SHOT)
    cells.nth(0).locator("a").click()
    expect(page.locator("h1")).to_contain_text(resident.name)
    expect(page.locator("#id-number")).to_have_text(masked_id)
    loaded_cleanly(page)
    detail = page.url

    page.context.clear_cookies()
    sign_in(page, district, "outsider_b", district.password)
    _search(page, district, resident.name)

    expect(page.locator("table#people tbody tr td a")).to_have_count(0)
    expect(page.locator("table#people tbody")).not_to_contain_text(resident.name)
    loaded_cleanly(page)
    answer = page.request.get(detail)
    assert answer.status == 404
    assert resident.name not in answer.text()
