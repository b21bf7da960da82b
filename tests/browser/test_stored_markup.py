"""Stored markup never runs (issue 10, item 4): markup is stored in every name and text a user can
set (grid, beat and community names, a case's title and description, an instruction's title and
text and a recipient's report, a virtual group, a person, an organisation, a handover note and
staff display names), then every page that shows them is opened, the district administrator's
first. On each page no injected script runs (window.__xss stays unset), the Content-Security-
Policy is never violated (a violation would mean markup reached the page as HTML and only the
policy stopped it, or that our own code needs what the policy refuses), no request fails (an
injected <img src=x> would ask for /…/x) and the markup shows as the text it is.

Names that validation now refuses are written straight to the database, as data stored before
the rule existed would be.
"""

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from outpost.accounts.models import User
from outpost.command import duty as roster
from outpost.command.services import dispatch_on_route
from outpost.geo.models import CommandRoom, Division, Grid, PoliceBeat
from outpost.instructions import groups, services
from outpost.instructions.models import VirtualGroup
from outpost.registry.imports import run_import
from outpost.registry.models import Organisation, Person
from tests.browser.conftest import District
from tests.browser.test_map import sign_in
from tests.cases.conftest import file_case
from tests.registry.data import as_csv, read_xz, rows_of

IMG = "<img src=x onerror=__xss=1>"
SVG = '"><svg onload=__xss=1>'
SCRIPT = "<script>__xss=1</script>"
NAME = IMG + SVG  # 49 characters: fits every name column (50 and more)
TEXT = IMG + SVG + SCRIPT

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${where}`);
});
"""


def _registry(grid: Grid) -> tuple[Person, Organisation]:
    """The first door of the demo community with its buildings and rooms, one resident and one
    organisation there, through the real importer; then markup as their names."""
    addresses = rows_of(read_xz("addresses.csv.xz"))[:199]  # A0000200 starts the next door
    assert run_import("addresses", as_csv(addresses), "addresses.csv").counts["rejected"] == 0
    here = {a["addr_id"] for a in addresses}
    person = next(p for p in rows_of(read_xz("persons.csv.xz")) if p["addr_id"] in here)
    unit = next(u for u in rows_of(read_xz("units.csv.xz")) if u["addr_id"] in here)
    assert run_import("persons", as_csv([person]), "persons.csv").counts["rejected"] == 0
    assert run_import("units", as_csv([unit]), "units.csv").counts["rejected"] == 0
    Person.objects.filter(person_no=person["person_id"]).update(name=NAME)
    Organisation.objects.filter(uscc=unit["uscc"]).update(name="单位" + TEXT)
    return Person.objects.get(person_no=person["person_id"]), Organisation.objects.get(
        uscc=unit["uscc"]
    )


def _store_markup(grid: Grid) -> dict[str, Any]:
    worker = User.objects.get(username="gridworker")
    duty_user = User.objects.get(username="duty")
    assert grid.main_beat is not None
    room = CommandRoom.objects.get(station=grid.main_beat.station)
    person, organisation = _registry(grid)

    # Names of places and people, as legacy data (validation refuses them now).
    Grid.objects.filter(pk=grid.pk).update(name="网格" + NAME)
    PoliceBeat.objects.filter(pk=grid.main_beat.pk).update(name="警务区" + NAME)
    Division.objects.filter(code=grid.community.code).update(name="社区" + NAME)
    User.objects.filter(pk=worker.pk).update(display_name="网格员" + NAME)
    User.objects.filter(pk=duty_user.pk).update(display_name="值班员" + NAME)

    # Texts, through the real services.
    waiting = file_case(grid, worker, "0603", title="待派" + TEXT, description="描述" + TEXT)
    sent = file_case(grid, worker, "0603", title="已派" + TEXT, description="描述" + TEXT)
    dispatch_on_route(room, [sent.number], actor=duty_user)
    new = services.NewInstruction(
        title="指令" + TEXT,
        body="正文" + TEXT,
        deadline=timezone.now() + dt.timedelta(days=1),
        targets=[("grid", grid.code)],
    )
    instruction = services.send_instruction(room, new, actor=duty_user)
    row = next(r for r in instruction.recipients.all() if r.key == f"grid:{grid.code}")
    services.sign_on(row, actor=worker)
    services.report_back(row, actor=worker, text="反馈" + TEXT)
    group = groups.create_group(
        actor=None, unit_types=[organisation.unit_type], area_code=grid.community.code[:9] + "000"
    )
    VirtualGroup.objects.filter(pk=group.pk).update(name="群组" + NAME)
    member = roster.add_member(room, "duty", "police_duty", actor=None)
    now = timezone.now()
    shift = roster.add_shift(
        member, now - dt.timedelta(hours=1), now + dt.timedelta(hours=7), actor=None
    )
    roster.hand_over(shift, "交班" + TEXT, actor=duty_user)
    return {
        "waiting": waiting,
        "sent": sent,
        "instruction": instruction,
        "group": group,
        "person": person,
        "organisation": organisation,
        "station": room.station.code,
    }


def _watch(page: Page) -> Page:
    page.context.add_init_script(WATCH)
    console: list[str] = []
    page.on(
        "console",
        lambda m: console.append(m.text) if m.type in ("error", "warning") else None,
    )
    page.console = console  # type: ignore[attr-defined]
    return page


def _clean(page: Page, where: str) -> None:
    assert page.evaluate("window.__xss") is None, f"injected script ran on {where}"
    assert page.evaluate("window.__violations") == [], f"CSP violations on {where}"
    policy = [m for m in page.console if "Policy" in m]  # type: ignore[attr-defined]
    assert policy == [], f"policy errors on {where}: {policy}"
    assert page.problems == [], f"problems on {where}: {page.problems}"  # type: ignore[attr-defined]


def _visit(page: Page, district: District, path: str, *shown: str) -> None:
    response = page.goto(district.at(path))
    assert response is not None and response.status == 200, (path, response)
    assert "script-src 'self'" in response.headers.get("content-security-policy", ""), path
    page.wait_for_load_state("load")
    body = page.locator("body")
    for text in shown:
        expect(body).to_contain_text(text)
    _clean(page, path)


def _hover(page: Page, selector: str, text: str, where: str) -> None:
    """Open a Leaflet tooltip: it must show the stored markup as text."""
    page.locator(selector).first.dispatch_event("mouseover")
    expect(page.locator(".leaflet-tooltip").last).to_contain_text(text)
    page.wait_for_timeout(300)  # an injected <img> would have errored by now
    _clean(page, where)


def test_it_shows_stored_markup_as_text_on_every_page(people: Any, loop_district: District) -> None:
    district = loop_district
    grid = Grid.objects.select_related("community", "main_beat__station").get(
        code=User.objects.get(username="gridworker").assignments.get().scope_code
    )
    made = _store_markup(grid)
    case, sent = made["waiting"], made["sent"]

    admin = _watch(people())
    sign_in(admin, district, "admin", district.password)

    # The case page: the grid's name in the pin's tooltip (the reported hole), title, text.
    _visit(admin, district, f"/cases/{case.number}/", "待派" + TEXT, "描述" + TEXT)
    expect(admin.locator("#case-map path.leaflet-interactive")).to_have_count(1)  # the pin
    _hover(admin, "#case-map path.leaflet-interactive", "网格" + NAME, "case page")
    _visit(admin, district, f"/cases/{sent.number}/", "已派" + TEXT)
    _visit(admin, district, "/cases/", "待派" + TEXT)

    # The area map: tooltip and popup of the grid, the beat's tooltip.
    _visit(admin, district, "/areas/map/")
    expect(admin.locator("#map")).to_have_attribute("data-grids", re.compile(r"^\d+$"))
    grid_path = f"#map path.outpost-grid[data-code='{grid.code}']"
    _hover(admin, grid_path, "网格" + NAME, "map (grid tooltip)")
    admin.locator(grid_path).dispatch_event("click")
    popup = admin.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("网格" + NAME)
    expect(popup).to_contain_text("社区" + NAME)
    expect(popup).to_contain_text("网格员" + NAME)
    expect(popup.locator("a")).to_have_count(1)  # only the grid page's link, nothing injected
    _clean(admin, "map (popup)")
    beat = f"#map path.outpost-beat[data-code='{grid.main_beat.code}']"
    _hover(admin, beat, "警务区" + NAME, "map (beat tooltip)")
    _visit(admin, district, f"/areas/grids/{grid.code}/", "网格" + NAME, "网格员" + NAME)
    _visit(admin, district, f"/areas/divisions/{grid.community.code}/", "社区" + NAME)

    # Instructions, feedback, virtual groups.
    instruction = made["instruction"]
    _visit(admin, district, "/instructions/", "指令" + TEXT)
    _visit(
        admin,
        district,
        f"/instructions/{instruction.pk}/",
        "指令" + TEXT,
        "正文" + TEXT,
        "反馈" + TEXT,
        "网格" + NAME,
    )
    _visit(admin, district, "/instructions/groups/", "群组" + NAME)
    _visit(admin, district, f"/instructions/groups/{made['group'].pk}/", "单位" + TEXT)

    # The registry: the person and the organisation.
    person = made["person"]
    _visit(admin, district, "/registry/people/", NAME)
    _visit(admin, district, f"/registry/people/{person.person_no}/", NAME)
    _visit(admin, district, "/registry/organisations/", "单位" + TEXT)
    _visit(admin, district, "/inbox/")

    # The API's own page runs under the same policy, from our own files.
    admin.goto(district.at("/api/v1/docs"))
    expect(admin.locator(".swagger-ui .info .title")).to_contain_text("Outpost API")
    _clean(admin, "/api/v1/docs")

    # The report page (the other reported hole) and the inbox, as the grid worker.
    worker = _watch(people())
    sign_in(worker, district, "gridworker", district.password)
    _visit(worker, district, "/cases/report/")
    expect(worker.locator("#pick-map")).to_have_attribute("data-grids", "1")
    _hover(worker, f"#pick-map path[data-code='{grid.code}']", "网格" + NAME, "report page")
    _visit(worker, district, "/inbox/", "已派" + TEXT)
    _visit(worker, district, f"/instructions/{instruction.pk}/", "指令" + TEXT)

    # The command room (the administrator may not open it): board (queue, map tooltip, names on
    # duty) and the duty roster, as the duty officer.
    room = _watch(people())
    sign_in(room, district, "duty", district.password)
    station = made["station"]
    _visit(room, district, f"/command/{station}/board/", "待派" + TEXT, "值班员" + NAME)
    pin = "#board-map path.leaflet-interactive"
    expect(room.locator(pin)).to_have_count(1)
    _hover(room, pin, "待派" + TEXT, "board")
    _visit(room, district, f"/command/{station}/duty/", "交班" + TEXT, "值班员" + NAME)
    # The sender's progress table refreshes itself from the progress feed.
    _visit(room, district, f"/instructions/{instruction.pk}/", "反馈" + TEXT, "网格" + NAME)
    expect(room.locator("#progress")).to_have_attribute(
        "data-refreshed", re.compile(r"^\d{4}-"), timeout=15_000
    )
    _clean(room, "instruction progress")
    # site.js draws the progress bar from data-width (no style attribute in the markup)...
    expect(room.locator("#progress-bar span")).to_have_attribute("style", re.compile(r"width: 0%"))
    # ...and sends the language switch's form when it changes (no inline handler).
    room.locator("select[name=language]").select_option("en")
    expect(room.locator("html")).to_have_attribute("lang", "en")
    expect(room.locator("body")).to_contain_text("反馈" + TEXT)
    _clean(room, "instruction page in English")
