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
    expect(page.locator("#map")).to_have_attribute("data-beats", re.compile(r"^\d+$"))
    assert page.js_errors == []
    assert page.locator("#map-status").inner_text() == ""


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


def click_inside(page: Page, selector: str) -> None:
    """Click a point where the polygon itself is the topmost element (not its bounding box's
    centre, which for a concave grid may lie outside it or under a beat's outline)."""
    point = page.eval_on_selector(
        selector,
        """(path) => {
            path.scrollIntoView({ block: "center" });
            const box = path.getBoundingClientRect();
            for (let n = 2; n <= 24; n *= 2) {
                for (let i = 1; i < n; i++) {
                    for (let j = 1; j < n; j++) {
                        const x = box.left + (box.width * i) / n, y = box.top + (box.height * j) / n;
                        if (document.elementFromPoint(x, y) === path) return { x, y };
                    }
                }
            }
            return null;
        }""",
    )
    assert point is not None, f"no visible point inside {selector}"
    page.mouse.click(point["x"], point["y"])


def test_it_draws_a_grid_workers_grid_and_opens_its_popup(page: Page, gulou: District) -> None:
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

    click_inside(page, f"path.outpost-grid[data-code='{home.code}']")
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_be_visible()
    expect(popup).to_contain_text(home.name)
    expect(popup).to_contain_text(home.code)

    labels = page.locator("#map")
    for key in ("data-label-workers", "data-label-officers", "data-label-code"):
        text = labels.get_attribute(key)
        assert text and CJK.search(text), f"{key} is not translated: {text!r}"
        expect(popup.locator("th", has_text=text)).to_have_count(1)
    # The demo's grid worker and community officer work exactly here, so they are named.
    expect(popup.locator("tr", has_text=labels.get_attribute("data-label-workers"))).to_contain_text(
        "网格员"
    )
    expect(
        popup.locator("tr", has_text=labels.get_attribute("data-label-officers"))
    ).to_contain_text("社区民警")
    page.screenshot(path=POPUP_SHOT)


def test_it_draws_the_whole_district_for_the_admin_and_toggles_beats(
    page: Page, gulou: District
) -> None:
    sign_in(page, gulou, "admin", gulou.password)
    open_map(page)

    assert drawn(page, "grid") == 734
    assert drawn(page, "beat") == 91
    page.screenshot(path=ADMIN_SHOT)

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
