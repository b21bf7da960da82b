"""User management on a phone (390×844): the administrator opens 用户管理 from the menu and adds a
grid worker, choosing the grid by typing part of its name (never its code)."""

from typing import Any

from playwright.sync_api import expect

from outpost.accounts.models import User
from outpost.geo.models import Grid
from tests.browser.conftest import District
from tests.browser.test_map import sign_in
from tests.browser.test_phone_pages import PHONE


def _a_grid_and_part_of_its_name() -> tuple[Grid, str]:
    """A grid and a few characters of its name that name no other area's grid."""
    for grid in Grid.objects.order_by("code")[:50]:
        part = grid.name[1:]
        if len(part) >= 2 and Grid.objects.filter(name__icontains=part).count() == 1:
            return grid, part
    raise AssertionError("no grid with a name of its own")


def test_it_lets_an_admin_add_a_user_choosing_the_area_by_name_on_a_phone(
    gulou: District, people: Any
) -> None:
    page = people(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(page, gulou, "admin", gulou.password)
    page.locator("header.top nav a", has_text="用户管理").click()
    form = page.locator("#add-user")
    expect(form.locator("select[name=role]")).to_have_value("")  # no default role
    form.locator("[name=username]").fill("newworker")
    form.locator("[name=display_name]").fill("王小明")
    form.locator("[name=password]").fill("Gulou-grid-2026!")
    form.locator("select[name=role]").select_option("grid_worker")
    grid, part = _a_grid_and_part_of_its_name()
    form.locator("[name=area]").fill(part)
    form.locator(f".area-results button[data-code='{grid.code}']").click()
    expect(form.locator("[name=area]")).to_have_value(grid.name)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    form.locator("button[type=submit]").click()
    expect(page.locator("#assignments")).to_contain_text(grid.name)
    [held] = User.objects.get(username="newworker").assignments.all()
    assert (held.role, held.scope_code) == ("grid_worker", grid.code)
    assert not [p for p in page.problems if p.startswith("script error")], page.problems
