"""Patrol coverage on the map in a real browser: the street commander shows the 7-day layer and
the grid walked by its plan is drawn in its share's colour, with the figures in its tooltip; the
grid's page shows the same share and links to the coverage page."""

from playwright.sync_api import Page, expect

from outpost.accounts.models import User
from outpost.fieldwork import services
from outpost.geo.models import Grid
from tests.browser.conftest import District
from tests.browser.test_map import loaded_cleanly, sign_in
from tests.fieldwork.conftest import point_in


def test_it_colours_grids_by_patrol_coverage(page: Page, gulou: District) -> None:
    worker, leader = User.objects.get(username="gridworker"), User.objects.get(username="leader")
    grid = Grid.objects.get(code=worker.assignments.get().scope_code)
    plan = services.create_plan(services.NewPlan(grid, "日常巡查", 2, [worker]), actor=leader)
    walk = services.start_patrol(grid, actor=worker, plan=plan)
    where = point_in(grid)
    services.check_in(walk, where.x, where.y, actor=worker)
    services.end_patrol(walk, actor=worker)

    sign_in(page, gulou, "commander", gulou.password)
    page.goto(gulou.at("/areas/map/"))
    expect(page.locator("#map")).to_have_attribute("data-base", "ready")
    layer = page.locator(".leaflet-control-layers-overlays label", has_text="巡查覆盖率（近7天）")
    layer.locator("input").check()
    expect(page.locator("#map")).to_have_attribute("data-coverage7d", "1")
    shape = page.locator(f"#map path.outpost-coverage[data-code='{grid.code}']")
    expect(shape).to_have_attribute("data-share", "0.5")
    expect(shape).to_have_attribute("fill", "hsl(60, 75%, 42%)")  # half done: amber
    loaded_cleanly(page)

    page.goto(gulou.at(f"/areas/grids/{grid.code}/"))
    expect(page.locator("#grid-coverage")).to_contain_text("50%")
    page.click("#grid-coverage-link")
    expect(page.locator("#coverage")).to_contain_text(grid.name)
    loaded_cleanly(page)
