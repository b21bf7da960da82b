"""The map's own base and its case layer in a real browser: place names at their zoom levels,
roads drawn through the district's door plates, organisations, cases clustered and coloured by
state and urgency, the filters, and the heat map only for who commands a street or station.
"""

import datetime as dt
import lzma
import re
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from outpost.accounts.models import User
from outpost.cases.history import generate_history
from outpost.cases.models import Case, Sensitivity
from outpost.geo.models import Division, Grid
from outpost.registry.imports import run_import
from tests.browser.conftest import District
from tests.browser.test_map import CJK, loaded_cleanly, sign_in
from tests.conftest import GULOU

BASE_SHOT = "/tmp/outpost_map_base.png"
GRIDS_SHOT = "/tmp/outpost_map_grid_labels.png"
PHONE_SHOT = "/tmp/outpost_map_phone.png"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)


@pytest.fixture
def mapped(gulou: District) -> District:
    """The district's standard addresses and organisations, and a week of cases on them."""
    for kind, name in (("addresses", "addresses.csv"), ("units", "units.csv")):
        run_import(kind, lzma.decompress((GULOU / f"{name}.xz").read_bytes()), name)
    generate_history(count=1500, days=7)
    return gulou


def open_map(page: Page, district: District) -> None:
    page.goto(district.at("/areas/map/"))
    expect(page.locator("#map")).to_have_attribute("data-base", "ready")
    loaded_cleanly(page)


def api(page: Page, path: str) -> Any:
    return page.evaluate(
        """async (path) => {
            const response = await fetch(path, { credentials: "same-origin" });
            if (!response.ok) throw new Error(path + " " + response.status);
            return response.json();
        }""",
        path,
    )


def zoom_to(page: Page, zoom: int) -> None:
    page.evaluate("(z) => window.OutpostMap.map.setZoom(z, { animate: false })", zoom)
    expect(page.locator("#map")).to_have_attribute("data-zoom", str(zoom))


def label_texts(page: Page, kind: str) -> list[str]:
    return page.locator(f"#map .outpost-label-{kind} .text").all_inner_texts()


def test_it_draws_a_labelled_base_and_coloured_case_clusters_for_the_commander(
    page: Page, mapped: District
) -> None:
    sign_in(page, mapped, "commander", mapped.password)
    open_map(page, mapped)
    street = Division.objects.get(code=home_street())

    # From afar: the street's name, not the grids'.
    zoom_to(page, 14)
    assert street.name in label_texts(page, "street")
    assert label_texts(page, "grid") == []
    roads = api(page, "/api/v1/map/roads")["roads"]
    drawn = [r for r in roads if len(r["line"]) > 1]
    assert drawn, "the street has roads with door plates"
    expect(page.locator("#map path.outpost-road")).to_have_count(len(drawn))
    names = page.locator("#map path.outpost-road").evaluate_all(
        "(ps) => ps.map((p) => p.dataset.name)"
    )
    assert set(names) == {r["name"] for r in drawn}

    # Cases: clusters (and single points) coloured by the state most of their cases are in.
    cases = api(page, "/api/v1/map/cases?period=7d")["cases"]
    assert page.locator("#map").get_attribute("data-cases") == str(len(cases))
    clusters = page.locator("#map .outpost-cluster")
    assert clusters.count() > 0
    colour = clusters.first.evaluate("(c) => getComputedStyle(c).backgroundColor")
    assert colour in {
        "rgb(245, 158, 11)",
        "rgb(37, 99, 235)",
        "rgb(22, 163, 74)",
        "rgb(148, 163, 184)",
    }
    shown = (
        sum(int(t) for t in clusters.all_inner_texts())
        + page.locator("#map path.outpost-case").count()
    )
    in_view = page.evaluate(
        """(cs) => { const b = window.OutpostMap.map.getBounds().pad(0.25);
                    return cs.filter((c) => b.contains([c.lat, c.lon])).length; }""",
        cases,
    )
    assert shown == in_view
    page.screenshot(path=BASE_SHOT)

    # Closer: the community names, then the grids', roads named and organisations as points.
    community = Grid.objects.filter(code__startswith=street.prefix).first().community
    zoom_to(page, 16)
    assert community.name in label_texts(page, "community")
    assert label_texts(page, "street") == []
    assert set(label_texts(page, "road")) >= {r["name"] for r in drawn}
    assert page.locator("#map path.outpost-org").count() > 0
    zoom_to(page, 18)
    grids = label_texts(page, "grid")
    assert grids and all(CJK.search(g) for g in grids)
    assert page.locator("#map path.outpost-case, #map .outpost-cluster").count() > 0
    page.screenshot(path=GRIDS_SHOT)

    # Leaflet's controls speak Chinese and carry no attribution flag.
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "放大"
    assert page.locator(".leaflet-control-zoom-out").get_attribute("title") == "缩小"
    expect(page.locator(".leaflet-control-attribution")).to_have_count(0)

    # The heat map, for a street commander.
    heat = page.locator(".leaflet-control-layers-overlays label", has_text="热力图").locator(
        "input"
    )
    heat.check()
    expect(page.locator("#map")).to_have_attribute("data-heat-cells", re.compile(r"^[1-9]\d*$"))
    assert page.locator("#map path.outpost-heat").count() > 0
    loaded_cleanly(page)


def home_street() -> str:
    """The commander's street, as the demo places it (around the first grid)."""
    grid = Grid.objects.select_related("community").order_by("code").first()
    assert grid is not None
    return grid.community.code[:9] + "000"


def test_it_filters_cases_by_category_and_period(page: Page, mapped: District) -> None:
    sign_in(page, mapped, "commander", mapped.password)
    open_map(page, mapped)
    week = int(page.locator("#map").get_attribute("data-cases") or 0)
    # A category of the cases the map draws (the week's first cases by day may be older than
    # the map's 7 × 24 hours, or outside the commander's street).
    drawn = api(page, "/api/v1/map/cases?period=7d")["cases"]
    category = Counter(c["category"] for c in drawn).most_common(1)[0][0]

    page.select_option("#map-filters select[name=category]", category)
    answer = api(page, f"/api/v1/map/cases?period=7d&category={category}")["cases"]
    expect(page.locator("#map")).to_have_attribute("data-cases", str(len(answer)))
    assert 0 < len(answer) < week
    assert {c["category"] for c in answer} == {category}

    page.select_option("#map-filters select[name=period]", "1d")
    day = api(page, f"/api/v1/map/cases?period=1d&category={category}")["cases"]
    expect(page.locator("#map")).to_have_attribute("data-cases", str(len(day)))
    assert len(day) <= len(answer)
    loaded_cleanly(page)


def test_it_shows_a_grid_worker_only_their_grid_and_no_heat_map(
    page: Page, mapped: District
) -> None:
    sign_in(page, mapped, "gridworker", mapped.password)
    open_map(page, mapped)
    # The map's default period is the last 7 × 24 hours (the history's week is by days, so its
    # first cases may be older); police-only cases (治安线索) are not drawn for a grid worker.
    week = timezone.now() - dt.timedelta(days=7)
    in_grid = Case.objects.filter(grid_code=home_grid_of("gridworker"), reported_at__gte=week)
    mine = in_grid.exclude(sensitivity=Sensitivity.POLICE_ONLY).count()

    assert page.locator("#map").get_attribute("data-cases") == str(mine)
    expect(page.locator(".leaflet-control-layers-overlays label", has_text="热力图")).to_have_count(
        0
    )
    zoom_to(page, 18)
    grid = Grid.objects.get(code=home_grid_of("gridworker"))
    assert label_texts(page, "grid") == [grid.name]
    loaded_cleanly(page)


def home_grid_of(username: str) -> str:
    return User.objects.get(username=username).assignments.get().scope_code


def test_it_lets_a_configured_tile_server_replace_the_drawn_roads(
    page: Page, mapped: District, settings: Any
) -> None:
    settings.OUTPOST_MAP_TILE_URL = mapped.at("/tiles/{z}/{x}/{y}.png")
    settings.OUTPOST_MAP_TILE_ATTRIBUTION = "天地图"
    page.route(
        "**/tiles/**", lambda route: route.fulfill(status=200, content_type="image/png", body=PNG)
    )
    sign_in(page, mapped, "commander", mapped.password)
    open_map(page, mapped)

    assert page.locator("#map img.leaflet-tile").count() > 0
    expect(page.locator("#map path.outpost-road")).to_have_count(0)
    expect(page.locator(".leaflet-control-attribution")).to_have_text("天地图")
    assert label_texts(page, "street")  # the district's own names stay over the tiles
    loaded_cleanly(page)


def test_it_fits_the_map_and_its_filters_on_a_phone(people: Any, mapped: District) -> None:
    page = people(viewport={"width": 390, "height": 844})
    sign_in(page, mapped, "commander", mapped.password)
    open_map(page, mapped)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    expect(page.locator("#map-filters select[name=period]")).to_be_visible()
    expect(page.locator(".leaflet-control-layers-toggle")).to_be_visible()
    page.screenshot(path=PHONE_SHOT)
    loaded_cleanly(page)
