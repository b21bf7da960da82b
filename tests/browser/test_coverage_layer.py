"""Patrol coverage on the map in a real browser: the street commander shows the 7-day layer and
the grid walked by its plan is drawn in its share's colour, with the figures in its tooltip; the
grid's page shows the same share and links to the coverage page. On a phone, the chooser colours
one worker's grids by that worker's own share."""

from playwright.sync_api import Page, expect

from outpost.accounts.models import User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
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


def test_it_colours_one_workers_grids_by_their_share_on_a_phone(
    page: Page, gulou: District
) -> None:
    """Two workers share a plan of 2 a week (1 each); one walked once: theirs is all done
    (green), the other's none (red), the grid's half (amber)."""
    worker, leader = User.objects.get(username="gridworker"), User.objects.get(username="leader")
    grid = Grid.objects.get(code=worker.assignments.get().scope_code)
    other = User.objects.create_user(username="gridworker2", password=gulou.password)
    other.display_name = "第二网格员"
    other.save()
    grant_role(other, Role.GRID_WORKER, grid.code, actor=None)
    new = services.NewPlan(grid, "日常巡查", 2, [worker, other])
    plan = services.create_plan(new, actor=leader)
    walk = services.start_patrol(grid, actor=worker, plan=plan)
    services.end_patrol(walk, actor=worker)

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, gulou, "commander", gulou.password)
    page.goto(gulou.at("/areas/map/"))
    expect(page.locator("#map")).to_have_attribute("data-base", "ready")
    page.locator(".leaflet-control-layers").hover()
    layer = page.locator(".leaflet-control-layers-overlays label", has_text="巡查覆盖率（近7天）")
    layer.locator("input").check()
    shape = page.locator(f"#map path.outpost-coverage[data-code='{grid.code}']")
    expect(shape).to_have_attribute("data-share", "0.5")
    chooser = page.locator("#coverage-worker")
    expect(chooser).to_be_visible()
    chooser.select_option("gridworker")
    expect(page.locator("#map")).to_have_attribute("data-coverage-worker", "gridworker")
    expect(shape).to_have_attribute("data-share", "1")
    expect(shape).to_have_attribute("fill", "hsl(120, 75%, 42%)")  # all of theirs done: green
    chooser.select_option("gridworker2")
    expect(page.locator("#map")).to_have_attribute("data-coverage-worker", "gridworker2")
    expect(shape).to_have_attribute("data-share", "0")
    expect(shape).to_have_attribute("fill", "hsl(0, 75%, 42%)")
    chooser.select_option("")
    expect(shape).to_have_attribute("data-share", "0.5")
    loaded_cleanly(page)
