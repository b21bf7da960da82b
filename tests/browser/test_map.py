"""The area map in a real browser: who signs in sees which grids and beats, drawn and clickable.

Every page is requested in Chinese (the context's locale is zh-CN), so the labels the map shows
come from the server's translations carried on #map's data-label-* attributes.
"""

import re

from playwright.sync_api import Page, expect

from outpost.accounts.models import User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.geo.models import Grid
from tests.browser.conftest import District
from tests.conftest import HOME_GRID, OTHER_GRID

CJK = re.compile(r"[\u4e00-\u9fff]")
ADMIN_SHOT = "/tmp/outpost_map_admin.png"
POPUP_SHOT = "/tmp/outpost_map_popup.png"


def sign_in(page: Page, district: District, username: str, password: str) -> None:
    """Through the real sign-in form, checking that it is the Chinese page."""
    page.goto(district.at("/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^zh"))
    button = page.locator("form button[type=submit]")
    expect(button).to_have_text(CJK)
    assert button.inner_text().strip() != "Sign in"
    expect(page.locator("h1")).to_have_text(CJK)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    button.click()
    expect(page.locator("header.top nav")).to_be_visible()


def open_map(page: Page) -> None:
    """Follow the nav's map link and wait until both layers are drawn."""
    page.locator("header.top nav a[href$='/areas/map/']").click()
    expect(page).to_have_url(re.compile(r"/areas/map/$"))
    page.wait_for_load_state("load")
    loaded_cleanly(page)
    expect(page.locator("#map")).to_have_attribute("data-beats", re.compile(r"^\d+$"))
    loaded_cleanly(page)
    assert page.locator("#map-status").inner_text() == ""


def loaded_cleanly(page: Page) -> None:
    """No script error and no failed request so far (see the `page` fixture)."""
    assert page.problems == [], "the pages had problems:\n" + "\n".join(page.problems)


def api_codes(page: Page, path: str) -> list[str]:
    """What the API answers this user, fetched in the page with the page's session."""
    return page.evaluate(
        """async (path) => {
            const response = await fetch(path, { credentials: "same-origin" });
            if (!response.ok) throw new Error(path + " " + response.status);
            return (await response.json()).features.map((f) => f.properties.code);
        }""",
        path,
    )


def drawn(page: Page, kind: str) -> int:
    return page.locator(f"#map path.outpost-{kind}").count()


def point_inside(page: Page, selector: str) -> tuple[float, float]:
    """A point where the polygon itself is the topmost element: not its bounding box's centre,
    which for a concave grid may lie outside it or under a beat's outline."""
    point = page.eval_on_selector(
        selector,
        """(path) => {
            const box = path.getBoundingClientRect();
            for (let n = 2; n <= 32; n *= 2) {
                for (let i = 1; i < n; i++) {
                    for (let j = 1; j < n; j++) {
                        const x = box.left + (box.width * i) / n;
                        const y = box.top + (box.height * j) / n;
                        if (document.elementFromPoint(x, y) === path) return [x, y];
                    }
                }
            }
            return null;
        }""",
    )
    assert point is not None, f"no visible point inside {selector}"
    return point[0], point[1]


def test_it_draws_a_grid_workers_grid_and_opens_its_popup(
    page: Page, gulou: District, staff_roster: int
) -> None:
    worker = User.objects.get(username="gridworker")
    home = Grid.objects.select_related("main_beat").get(code=worker.assignments.get().scope_code)

    sign_in(page, gulou, "gridworker", gulou.password)
    open_map(page)

    codes = api_codes(page, "/api/v1/geo/grids")
    assert len(codes) >= 1
    assert home.code in codes
    assert drawn(page, "grid") == len(codes)
    assert page.locator("#map").get_attribute("data-grids") == str(len(codes))
    assert drawn(page, "beat") == len(api_codes(page, "/api/v1/geo/beats"))

    page.mouse.click(*point_inside(page, f"path.outpost-grid[data-code='{home.code}']"))
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_be_visible()
    # Leaflet fades popups in; wait for the end so the screenshot shows it as people see it.
    # (Read through the locator: the page's CSP refuses the eval a string predicate needs.)
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    expect(popup).to_contain_text(home.name)
    expect(popup).to_contain_text(home.code)

    labels = page.locator("#map")
    people = {}
    for key in ("data-label-code", "data-label-workers", "data-label-officers"):
        text = labels.get_attribute(key)
        assert text and CJK.search(text), f"{key} is not translated: {text!r}"
        row = popup.locator("tr").filter(has=page.locator("th", has_text=text))
        expect(row).to_have_count(1)
        people[key] = row.locator("td").inner_text()
    # The demo's grid worker and community officer, and the roster's, work exactly here.
    assert str(worker) in people["data-label-workers"]
    assert User.objects.get(username=f"gw{home.code}").display_name in people["data-label-workers"]
    assert str(User.objects.get(username="officer")) in people["data-label-officers"]
    assert home.main_beat is not None
    roster_officer = User.objects.get(username=f"po{home.main_beat.code}")
    assert roster_officer.display_name in people["data-label-officers"]
    page.screenshot(path=POPUP_SHOT)
    loaded_cleanly(page)


def test_it_draws_the_whole_district_for_the_admin_and_toggles_beats(
    page: Page, gulou: District
) -> None:
    sign_in(page, gulou, "admin", gulou.password)
    open_map(page)

    assert drawn(page, "grid") == 734
    assert drawn(page, "beat") == 91
    page.screenshot(path=ADMIN_SHOT)

    # Hovering a grid names it in a tooltip.
    grid = Grid.objects.get(code=HOME_GRID)
    page.mouse.move(*point_inside(page, f"path.outpost-grid[data-code='{HOME_GRID}']"))
    expect(page.locator(".leaflet-tooltip")).to_have_text(grid.name)

    control = page.locator(".leaflet-control-layers-overlays")
    beats_label = page.locator("#map").get_attribute("data-label-beats")
    assert beats_label and CJK.search(beats_label)
    beats = control.locator("label", has_text=beats_label).locator("input[type=checkbox]")
    expect(beats).to_be_checked()
    beats.uncheck()
    expect(page.locator("path.outpost-beat")).to_have_count(0)
    assert drawn(page, "grid") == 734
    beats.check()
    expect(page.locator("path.outpost-beat")).to_have_count(91)
    loaded_cleanly(page)


def test_it_does_not_draw_the_home_grid_for_an_outsider(page: Page, gulou: District) -> None:
    outsider = User.objects.create_user(
        username="outsider_b", password=gulou.password, display_name="外街道网格员"
    )
    grant_role(outsider, Role.GRID_WORKER, OTHER_GRID, actor=None)

    sign_in(page, gulou, "outsider_b", gulou.password)
    open_map(page)

    codes = api_codes(page, "/api/v1/geo/grids")
    assert HOME_GRID not in codes
    assert OTHER_GRID in codes
    assert drawn(page, "grid") == len(codes)
    expect(page.locator(f"path.outpost-grid[data-code='{OTHER_GRID}']")).to_have_count(1)
    expect(page.locator(f"path.outpost-grid[data-code='{HOME_GRID}']")).to_have_count(0)
    loaded_cleanly(page)
