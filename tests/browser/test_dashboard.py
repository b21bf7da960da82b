"""The dashboards in a real browser: a street commander and a station's duty officer open their
dashboard from the menu, the charts are drawn, and a figure clicked lands on exactly its rows;
the command room's wall screen at 1920×1080 shows a new case without being reloaded."""

import re

from playwright.sync_api import Page, expect

from outpost.geo.models import Grid
from tests.browser.conftest import District
from tests.browser.test_map import loaded_cleanly, sign_in
from tests.dashboard.conftest import days_ago, make_case

NUMBER = re.compile(r"\d+")


def first_grid() -> Grid:
    """The demo accounts' grid (the commander's street, the duty officer's station)."""
    grid = Grid.objects.select_related("main_beat").order_by("code").first()
    assert grid is not None
    return grid


def some_cases(grid: Grid) -> None:
    make_case(grid, days_ago(0), "reported")
    make_case(grid, days_ago(1), "handling", source="110", overdue=True, unit=True)
    make_case(grid, days_ago(2), "closed", source="resident", subtype="0201", rating="satisfied")


def tile(page: Page, key: str) -> int:
    return int(page.locator(f"[data-tile={key}] .dash-value").inner_text())


def watch_console(page: Page) -> None:
    """Console errors (a style or script the Content-Security-Policy refused) are problems too."""
    page.on(
        "console",
        lambda m: page.problems.append(f"console: {m.text}") if m.type == "error" else None,
    )


def charts_drawn(page: Page) -> None:
    expect(page.locator("#dashboard")).to_have_attribute("data-loaded", NUMBER)
    for chart in ("trend", "categories", "sources", "workload", "map"):
        expect(page.locator(f"[data-chart={chart}] canvas")).to_have_count(1)
    # A tooltip is drawn without a style the policy refuses.
    page.locator("[data-chart=categories]").hover()
    page.locator("[data-chart=trend]").hover()
    page.wait_for_timeout(300)
    loaded_cleanly(page)


def click_through(page: Page, key: str) -> None:
    """Click a figure: the case queue opens and counts the same rows."""
    expected = tile(page, key)
    page.locator(f"[data-tile={key}]").click()
    expect(page).to_have_url(re.compile(r"/cases/\?"))
    count = page.locator("#queue-count").inner_text()
    assert int(NUMBER.findall(count)[0]) == expected, count
    assert page.locator("table tbody tr").count() == expected
    loaded_cleanly(page)


def open_dashboard(page: Page, gulou: District, username: str) -> None:
    watch_console(page)
    sign_in(page, gulou, username, gulou.password)
    page.locator("header.top nav a[href$='/dashboard/']").click()
    expect(page.locator("h1")).to_have_text(re.compile(r"^数据看板 · "))
    charts_drawn(page)


def test_it_takes_a_street_commander_from_a_figure_to_its_rows(page: Page, gulou: District) -> None:
    some_cases(first_grid())
    open_dashboard(page, gulou, "commander")
    assert tile(page, "new") == 3 and tile(page, "overdue") == 1
    expect(page.locator("#dash-worst li a").first).to_be_visible()
    page.screenshot(path="/tmp/outpost_dashboard_commander.png", full_page=True)
    click_through(page, "open")


def test_it_takes_a_station_leader_from_a_figure_to_its_rows(page: Page, gulou: District) -> None:
    some_cases(first_grid())
    open_dashboard(page, gulou, "duty")
    assert tile(page, "new") == 3
    click_through(page, "overdue")


def test_it_stacks_the_charts_on_a_phone(page: Page, gulou: District) -> None:
    some_cases(first_grid())
    page.set_viewport_size({"width": 390, "height": 844})
    open_dashboard(page, gulou, "commander")
    widths = page.evaluate(
        "[...document.querySelectorAll('.dash-panel')].map((p) => p.getBoundingClientRect().width)"
    )
    assert widths and all(w <= 390 for w in widths)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="/tmp/outpost_dashboard_phone.png", full_page=True)


def test_it_refreshes_the_wall_without_reloading(page: Page, gulou: District) -> None:
    grid = first_grid()
    some_cases(grid)
    page.set_viewport_size({"width": 1920, "height": 1080})
    watch_console(page)
    sign_in(page, gulou, "commander", gulou.password)
    page.goto(gulou.at("/dashboard/wall/?every=2"))
    charts_drawn(page)
    assert tile(page, "new") == 1  # the wall shows today: one of the three cases
    page.evaluate("window.notReloaded = true")
    make_case(grid, days_ago(0), "reported", source="12345")
    expect(page.locator("[data-tile=new] .dash-value")).to_have_text("2", timeout=10_000)
    assert page.evaluate("window.notReloaded === true")
    size = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    assert size == [1920, 1080]
    page.screenshot(path="/tmp/outpost_dashboard_wall.png")
    loaded_cleanly(page)
