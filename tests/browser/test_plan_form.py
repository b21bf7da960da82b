"""Patrol plans on a phone (390×844): the grid leader makes a plan (grid, then its terms:
workers and route points found with the search boxes), edits it and deactivates it. Each page
fits the screen and runs under the CSP."""

from typing import Any

from playwright.sync_api import expect

from outpost.accounts.models import User
from outpost.fieldwork.models import PatrolPlan
from outpost.geo.models import Grid
from outpost.registry.models import AddressLevel, StandardAddress
from tests.browser.conftest import District
from tests.browser.test_map import sign_in
from tests.browser.test_patrol import fits, thumb_sized
from tests.browser.test_phone_pages import PHONE, WATCH
from tests.fieldwork.conftest import point_in


def _doors(grid: Grid) -> None:
    where = point_in(grid)
    for i, door in enumerate(("81号", "83号", "120号")):
        StandardAddress.objects.create(
            code=f"BR-PLAN-{i}",
            level=AddressLevel.DOOR,
            community_code=grid.community.code,
            road="中山路" if i < 2 else "北京西路",
            door_no=door,
            full_text=("中山路" if i < 2 else "北京西路") + door,
            lon=where.x,
            lat=where.y,
            grid_code=grid.code,
        )


def test_it_plans_patrols_on_a_phone(gulou: District, people: Any) -> None:
    worker = User.objects.get(username="gridworker")
    grid = Grid.objects.select_related("community").get(code=worker.assignments.get().scope_code)
    _doors(grid)
    page = people(viewport=PHONE, is_mobile=True, has_touch=True)
    page.context.add_init_script(WATCH)
    sign_in(page, gulou, "leader", gulou.password)
    page.goto(gulou.at("/fieldwork/plans/"))
    fits(page)
    page.click("#new-plan")
    page.select_option("#id_grid", grid.code)
    page.click("#plan-grid button[type=submit]")
    # The terms form is a new page: measure it once it is there, not mid-navigation (CI saw
    # document.documentElement null here).
    expect(page.locator("#id_name")).to_be_visible()
    fits(page)
    page.fill("#id_name", "夜间巡查")
    page.fill("#id_per_week", "4")
    page.fill("#search-workers", "网格员")
    page.get_by_label("网格员", exact=True).check()
    page.fill("#search-points", "北京西路")
    expect(page.get_by_label("中山路81号")).to_be_hidden()
    page.get_by_label("北京西路120号").check()
    fits(page)
    thumb_sized(page, "#plan-form button[type=submit]")
    page.click("#plan-form button[type=submit]")
    expect(page.locator(".message.success")).to_contain_text("夜间巡查")
    plan = PatrolPlan.objects.get(name="夜间巡查")
    assert [w.username for w in plan.workers.all()] == ["gridworker"]
    assert [a.code for a in plan.points.all()] == ["BR-PLAN-2"]
    expect(page.locator("#plans")).to_contain_text("夜间巡查")
    fits(page)
    page.goto(gulou.at(f"/fieldwork/plans/{plan.pk}/edit/"))
    fits(page)
    page.fill("#id_per_week", "0")
    page.click("#plan-form button[type=submit]")
    expect(page.locator("#id_per_week_error")).to_contain_text("确保该值大于或等于1")
    page.goto(gulou.at("/fieldwork/plans/"))
    page.get_by_role("button", name="停用").click()
    expect(page.locator(".message.success")).to_contain_text("已停用")
    plan.refresh_from_db()
    assert not plan.active and plan.per_week == 4
