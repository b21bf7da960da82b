"""The area pages (/areas/...) as people read them: in Chinese by default, scoped like the API.

The HTML is read back into tables, link lists and facts, and compared with what the database
says the user may see: the division tree, the overlay table and the role assignments.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from outpost.accounts.models import User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.geo.models import Division, Grid, GridBeatOverlap, PoliceBeat, PoliceUnit
from tests.conftest import Persona

CJK = re.compile(r"[\u4e00-\u9fff]")
DIVISION_LINK = re.compile(r"^/areas/divisions/(\d{12})/$")
STATION_LINK = re.compile(r"^/areas/stations/(\d{12})/$")
BEAT_LINK = re.compile(r"^/areas/beats/(\d{12})/$")
GRID_LINK = re.compile(r"^/areas/grids/(\d{15})/$")


# --- reading pages ---------------------------------------------------------------------------


@dataclass
class Row:
    cells: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    header: bool = False


class Page(HTMLParser):
    """Tables (rows of cell texts and links), definition-list facts, crumbs and error texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[Row]] = []
        self.facts: list[tuple[str, str]] = []
        self.crumbs: list[str] = []
        self.footers: list[Row] = []  # total rows, kept apart from the data rows
        self.errors: list[str] = []
        self.lang = ""
        self._row: Row | None = None
        self._text: list[str] | None = None
        self._closing: str = ""
        self._dt: str = ""
        self._in_crumbs = False
        self._in_footer = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        classes = (attr.get("class") or "").split()
        if tag == "html":
            self.lang = attr.get("lang") or ""
        elif tag == "table":
            self.tables.append([])
        elif tag == "tfoot":
            self._in_footer = True
        elif tag == "tr" and self.tables:
            self._row = Row()
            (self.footers if self._in_footer else self.tables[-1]).append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._row.header |= tag == "th"
            self._start_text(tag)
        elif tag in ("dt", "dd") or (tag == "p" and "error" in classes):
            self._start_text(tag)
        elif tag == "nav" and "crumbs" in classes:
            self._in_crumbs = True
        elif tag == "a":
            href = attr.get("href") or ""
            if self._row is not None:
                self._row.links.append(href)
            if self._in_crumbs:
                self.crumbs.append(href)

    def _start_text(self, tag: str) -> None:
        self._text, self._closing = [], tag

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_crumbs = False
        elif tag == "tfoot":
            self._in_footer = False
        elif tag == "tr":
            self._row = None
        if self._text is None or tag != self._closing:
            return
        text = " ".join("".join(self._text).split())
        self._text = None
        if tag in ("td", "th") and self._row is not None:
            self._row.cells.append(text)
        elif tag == "dt":
            self._dt = text
        elif tag == "dd":
            self.facts.append((self._dt, text))
        elif tag == "p":
            self.errors.append(text)

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def body_rows(self, table: int) -> list[Row]:
        return [r for r in self.tables[table] if not r.header]

    def headers(self, table: int) -> list[str]:
        return [c for r in self.tables[table] if r.header for c in r.cells]


def read(response: HttpResponse) -> Page:
    assert response.status_code == 200, response.status_code
    page = Page()
    page.feed(response.content.decode())
    return page


def linked(rows: list[Row], pattern: re.Pattern[str]) -> dict[str, list[str]]:
    """Rows keyed by the code in their first link that matches the pattern."""
    out: dict[str, list[str]] = {}
    for row in rows:
        for href in row.links:
            if m := pattern.match(href):
                out[m.group(1)] = row.cells
                break
    return out


def percent(share: float) -> str:
    """How the pages print a share: {% widthratio share 1 100 %}%."""
    return f"{round(share * 100)}%"


def names(text: str) -> set[str]:
    return set(text.split("、"))


def chain(division: Division) -> list[Division]:
    """The division and its ancestors up to the root."""
    out = []
    node: Division | None = division
    while node is not None:
        out.append(node)
        node = node.parent
    return out


def is_chinese(text: str) -> bool:
    return bool(CJK.search(text))


# --- language --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_speaks_chinese_by_default(admin: Persona) -> None:
    page = read(admin.client.get(reverse("geo:index")))

    assert page.lang == "zh-hans"
    headers = page.headers(0) + page.headers(1)
    assert headers
    assert all(is_chinese(h) for h in headers), headers
    assert "网格数" in headers


@pytest.mark.django_db
def test_it_speaks_english_when_the_user_chose_it(admin: Persona) -> None:
    admin.client.cookies["django_language"] = "en"

    page = read(admin.client.get(reverse("geo:index")))

    assert page.lang == "en"
    assert "Number of grids" in page.headers(0)
    assert not any(is_chinese(h) for h in page.headers(0))


# --- area index ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_every_street_with_grid_counts_summing_to_the_district(admin: Persona) -> None:
    district = Division.objects.get(level="district")
    streets = Division.objects.filter(parent=district, level="street")

    page = read(admin.client.get(reverse("geo:index")))

    rows = linked(page.body_rows(0), DIVISION_LINK)
    assert set(rows) == set(streets.values_list("code", flat=True))
    assert len(rows) == 13
    for street in streets:
        name, communities, grids = rows[street.code]
        assert name == street.name
        assert int(grids) == Grid.objects.filter(community__parent=street).count()
        assert int(communities) == street.children.filter(grids__isnull=False).distinct().count()
    assert sum(int(cells[2]) for cells in rows.values()) == 734
    assert sum(int(cells[1]) for cells in rows.values()) == 123
    assert page.footers[0].cells == ["合计", "123", "734"]
    assert page.footers[1].cells == ["合计", "91"]


@pytest.mark.django_db
def test_it_lists_every_station_with_its_beats_for_the_admin(admin: Persona) -> None:
    page = read(admin.client.get(reverse("geo:index")))

    rows = linked(page.body_rows(1), STATION_LINK)
    stations = PoliceUnit.objects.filter(level="station").select_related("street")
    assert set(rows) == set(stations.values_list("code", flat=True))
    for station in stations:
        name, street, beats = rows[station.code]
        assert name == station.name
        assert street == station.street.name
        assert int(beats) == station.beats.count()
    assert sum(int(cells[2]) for cells in rows.values()) == 91


@pytest.mark.django_db
def test_it_shows_a_grid_worker_only_their_own_street_with_one_grid(
    grid_worker: Persona, home_grid: Grid
) -> None:
    street = home_grid.community.parent
    overlay = PoliceBeat.objects.filter(grid_overlaps__grid=home_grid).select_related("station")

    page = read(grid_worker.client.get(reverse("geo:index")))

    assert linked(page.body_rows(0), DIVISION_LINK) == {street.code: [street.name, "1", "1"]}
    stations = linked(page.body_rows(1), STATION_LINK)
    expected: dict[str, int] = {}
    for beat in overlay:
        expected[beat.station.code] = expected.get(beat.station.code, 0) + 1
    assert {code: int(cells[2]) for code, cells in stations.items()} == expected


@pytest.mark.django_db
def test_it_walks_a_grid_worker_down_their_community_path_only(
    grid_worker: Persona, home_grid: Grid
) -> None:
    community = home_grid.community
    street = community.parent

    street_page = read(grid_worker.client.get(reverse("geo:division", args=[street.code])))
    community_page = read(grid_worker.client.get(reverse("geo:division", args=[community.code])))

    children = linked(street_page.body_rows(0), DIVISION_LINK)
    assert children == {community.code: [community.name, community.code, "1", "1"]}
    grids = linked(community_page.body_rows(0), GRID_LINK)
    assert set(grids) == {home_grid.code}


@pytest.mark.django_db
def test_it_lists_every_community_of_the_street_for_its_commander(
    commander: Persona, home_grid: Grid
) -> None:
    street = home_grid.community.parent

    page = read(commander.client.get(reverse("geo:division", args=[street.code])))

    rows = linked(page.body_rows(0), DIVISION_LINK)
    communities = Division.objects.filter(parent=street)
    assert set(rows) == set(communities.values_list("code", flat=True))
    for community in communities:
        assert int(rows[community.code][3]) == community.grids.count()


# --- out of scope ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_answers_404_to_an_outsider_on_every_page_of_the_home_grid(
    outsider: Persona, home_grid: Grid
) -> None:
    assert home_grid.main_beat is not None
    pages = [
        reverse("geo:grid", args=[home_grid.code]),
        reverse("geo:beat", args=[home_grid.main_beat.code]),
        reverse("geo:division", args=[home_grid.community.code]),
        reverse("geo:division", args=[home_grid.community.parent.code]),
        reverse("geo:station", args=[home_grid.main_beat.station.code]),
    ]

    for url in pages:
        response = outsider.client.get(url)
        assert response.status_code == 404, url
        assert home_grid.name not in response.content.decode()


@pytest.mark.django_db
def test_it_answers_a_hidden_grid_page_like_a_missing_one(
    outsider: Persona, home_grid: Grid
) -> None:
    hidden = outsider.client.get(reverse("geo:grid", args=[home_grid.code]))
    missing = outsider.client.get(reverse("geo:grid", args=["320106999999999"]))

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["geo:index", "geo:map", "geo:grid"])
def test_it_sends_anonymous_visitors_to_sign_in_and_back(
    anonymous: Client, home_grid: Grid, name: str
) -> None:
    url = reverse(name, args=[home_grid.code] if name == "geo:grid" else [])

    response = anonymous.get(url)

    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert target.path == reverse("login")
    assert parse_qs(target.query)["next"] == [url]


# --- grid, beat and station pages ------------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_the_beats_over_a_grid_with_their_share(
    grid_worker: Persona, home_grid: Grid
) -> None:
    overlay = GridBeatOverlap.objects.filter(grid=home_grid).select_related("beat")

    page = read(grid_worker.client.get(reverse("geo:grid", args=[home_grid.code])))

    rows = linked(page.body_rows(0), BEAT_LINK)
    assert rows == {o.beat.code: [o.beat.name, percent(o.grid_share)] for o in overlay}


@pytest.mark.django_db
def test_it_shows_the_path_from_the_district_to_the_grid(
    grid_worker: Persona, home_grid: Grid
) -> None:
    path = [d for d in reversed(chain(home_grid.community)) if d.level not in ("province", "city")]

    page = read(grid_worker.client.get(reverse("geo:grid", args=[home_grid.code])))

    codes = [m.group(1) for href in page.crumbs if (m := DIVISION_LINK.match(href))]
    assert codes == [d.code for d in path]


@pytest.mark.django_db
def test_it_names_every_grid_worker_and_the_officer_on_the_grid_page(
    grid_worker: Persona, officer: Persona, home_grid: Grid
) -> None:
    colleague = User.objects.create_user(username="colleague", password="x", display_name="王秀英")
    grant_role(colleague, Role.GRID_WORKER, home_grid.code, actor=None)

    page = read(grid_worker.client.get(reverse("geo:grid", args=[home_grid.code])))

    values = [names(value) for _, value in page.facts]
    assert {str(grid_worker.user), "王秀英"} in values
    assert {str(officer.user)} in values


@pytest.mark.django_db
def test_it_leaves_out_a_deactivated_grid_worker(grid_worker: Persona, home_grid: Grid) -> None:
    former = User.objects.create_user(username="former", password="x", display_name="离职者")
    grant_role(former, Role.GRID_WORKER, home_grid.code, actor=None)
    former.is_active = False
    former.save(update_fields=["is_active"])

    response = grid_worker.client.get(reverse("geo:grid", args=[home_grid.code]))

    assert {str(grid_worker.user)} in [names(value) for _, value in read(response).facts]
    assert "离职者" not in response.content.decode()


@pytest.mark.django_db
def test_it_shows_an_officer_every_grid_of_their_beat_with_both_shares(
    officer: Persona, home_grid: Grid
) -> None:
    beat = home_grid.main_beat
    assert beat is not None
    overlay = GridBeatOverlap.objects.filter(beat=beat).select_related("grid")

    page = read(officer.client.get(reverse("geo:beat", args=[beat.code])))

    rows = linked(page.body_rows(0), GRID_LINK)
    assert rows == {
        o.grid.code: [o.grid.name, percent(o.grid_share), percent(o.beat_share)] for o in overlay
    }


@pytest.mark.django_db
def test_it_counts_only_the_grids_a_worker_may_see_on_the_station_page(
    grid_worker: Persona, home_grid: Grid
) -> None:
    # The beat page says the worker sees one grid under their main beat; the station page must
    # not tell them how many more grids the beat covers (every count goes through the scope).
    beat = home_grid.main_beat
    assert beat is not None
    beat_page = read(grid_worker.client.get(reverse("geo:beat", args=[beat.code])))
    assert len(beat_page.body_rows(0)) == 1

    page = read(grid_worker.client.get(reverse("geo:station", args=[beat.station.code])))

    rows = linked(page.body_rows(0), BEAT_LINK)
    overlay = GridBeatOverlap.objects.filter(grid=home_grid, beat__station=beat.station)
    assert set(rows) == set(overlay.values_list("beat__code", flat=True))
    for cells in rows.values():
        assert cells[2] == "1"


# --- signing in ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_tells_a_wrong_password_in_chinese_and_keeps_the_visitor_out(
    anonymous: Client,
) -> None:
    User.objects.create_user(username="zhang", password="right-password-2026")

    response = anonymous.post(reverse("login"), {"username": "zhang", "password": "wrong-password"})

    page = read(response)
    assert page.errors
    assert all(is_chinese(e) for e in page.errors), page.errors
    assert "_auth_user_id" not in anonymous.session


@pytest.mark.django_db
def test_it_signs_in_with_the_right_password(anonymous: Client) -> None:
    User.objects.create_user(username="zhang", password="right-password-2026")

    response = anonymous.post(
        reverse("login"), {"username": "zhang", "password": "right-password-2026"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "_auth_user_id" in anonymous.session
