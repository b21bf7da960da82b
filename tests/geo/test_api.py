"""The area API (/api/v1/geo/...): locate, GeoJSON boundaries, grid and beat details, renaming.

Every answer goes through the scope function: outside the caller's area the API answers 404 with
the same body as for a code that does not exist, a read-only caller gets 403 on writes, and an
owner gets the data. Expectations are derived from the database (the overlay table, the division
tree) and from shapely, never typed in.
"""

import json
import re
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from shapely.geometry import Point, shape

from outpost.accounts.models import User
from outpost.core.models import ChangeRecord
from outpost.geo.coords import from_wgs84
from outpost.geo.models import Grid, GridBeatOverlap, PoliceBeat
from tests.conftest import Persona

API = "/api/v1/geo"
CJK = re.compile(r"[\u4e00-\u9fff]")
NO_SUCH_GRID = "320106999999999"
NO_SUCH_BEAT = "320106599999"


# --- helpers ---------------------------------------------------------------------------------


def inside(grid: Grid) -> Point:
    """A point certainly inside the grid's polygon."""
    return shape(json.loads(grid.geometry)).representative_point()


def beats_covering(point: Point) -> list[str]:
    """Codes of the beats whose polygon covers the point, smallest first (the index's tie rule)."""
    return sorted(
        code
        for code, geometry in PoliceBeat.objects.values_list("code", "geometry")
        if shape(json.loads(geometry)).covers(point)
    )


def overlay_beats(grid: Grid) -> dict[str, float]:
    return dict(GridBeatOverlap.objects.filter(grid=grid).values_list("beat__code", "grid_share"))


def overlay_grids(beat: PoliceBeat) -> dict[str, float]:
    return dict(GridBeatOverlap.objects.filter(beat=beat).values_list("grid__code", "grid_share"))


def scope_code(persona: Persona) -> str:
    return persona.user.assignments.get().scope_code


def locate(client: Client, lon: object, lat: object, crs: str | None = None) -> HttpResponse:
    params: dict[str, Any] = {"lon": lon, "lat": lat}
    if crs:
        params["crs"] = crs
    return client.get(f"{API}/locate", params)


def patch(client: Client, code: str, body: dict[str, Any]) -> HttpResponse:
    return client.patch(
        f"{API}/grids/{code}", data=json.dumps(body), content_type="application/json"
    )


def feature_codes(response: HttpResponse) -> set[str]:
    body = response.json()
    assert body["type"] == "FeatureCollection"
    return {f["properties"]["code"] for f in body["features"]}


def feature(response: HttpResponse, code: str) -> dict[str, Any]:
    return next(f for f in response.json()["features"] if f["properties"]["code"] == code)


def quiet_client(user: User) -> Client:
    """A client that turns a server error into a 500 answer instead of raising it in the test."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def is_chinese(text: str) -> bool:
    return bool(CJK.search(text))


def is_english(text: str) -> bool:
    return text.isascii() and bool(re.search(r"[A-Za-z]{3}", text))


def grid_state(code: str) -> tuple[str, str]:
    name, grid_type = Grid.objects.values_list("name", "grid_type").get(code=code)
    return name, grid_type


# --- authentication --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/locate?lon=118.77&lat=32.06",
        "/grids",
        "/beats",
        "/grids/{grid}",
        "/beats/{beat}",
    ],
)
def test_it_asks_anonymous_callers_to_sign_in_in_chinese_and_english(
    anonymous: Client, home_grid: Grid, path: str
) -> None:
    assert home_grid.main_beat is not None
    url = API + path.format(grid=home_grid.code, beat=home_grid.main_beat.code)

    response = anonymous.get(url)

    assert response.status_code == 401
    body = response.json()
    assert is_chinese(body["detail"])
    assert is_english(body["detail_en"])


@pytest.mark.django_db
def test_it_refuses_an_anonymous_rename_and_keeps_the_grid(
    anonymous: Client, home_grid: Grid
) -> None:
    before = grid_state(home_grid.code)

    response = patch(anonymous, home_grid.code, {"name": "匿名改名"})

    assert response.status_code == 401
    assert is_chinese(response.json()["detail"])
    assert grid_state(home_grid.code) == before
    assert not ChangeRecord.objects.filter(action="update_grid").exists()


@pytest.mark.django_db
def test_it_refuses_a_session_rename_without_a_csrf_token(
    commander: Persona, home_grid: Grid
) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(commander.user)
    before = grid_state(home_grid.code)

    response = patch(browser, home_grid.code, {"name": "跨站改名"})

    assert response.status_code == 403
    assert grid_state(home_grid.code) == before
    assert not ChangeRecord.objects.filter(action="update_grid").exists()


@pytest.mark.django_db
def test_it_explains_a_csrf_refusal_in_chinese_and_english(
    commander: Persona, home_grid: Grid
) -> None:
    # Every other API error carries `detail` (Chinese) and `detail_en`; a client that shows
    # `detail` to the user must not get an English-only text here.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(commander.user)

    body = patch(browser, home_grid.code, {"name": "跨站改名"}).json()

    assert is_chinese(body["detail"])
    assert is_english(body.get("detail_en", ""))


# --- locate ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_locates_a_point_of_the_workers_own_grid_with_every_field(
    grid_worker: Persona, home_grid: Grid
) -> None:
    point = inside(home_grid)
    covering = beats_covering(point)
    assert covering, "the data should put every point of a grid in some beat"
    beat = PoliceBeat.objects.select_related("station").get(code=covering[0])

    response = locate(grid_worker.client, point.x, point.y)

    assert response.status_code == 200
    body = response.json()
    assert body["grid_code"] == home_grid.code
    assert body["grid_name"] == home_grid.name
    assert body["community_code"] == home_grid.community.code
    assert body["street_code"] == home_grid.community.parent.code
    assert body["beat_code"] == beat.code
    assert body["beat_name"] == beat.name
    assert body["station_code"] == beat.station.code
    assert body["lon"] == pytest.approx(point.x, abs=1e-6)
    assert body["lat"] == pytest.approx(point.y, abs=1e-6)


@pytest.mark.django_db
def test_it_answers_404_to_an_outsider_locating_a_point_of_another_street(
    outsider: Persona, home_grid: Grid
) -> None:
    point = inside(home_grid)

    response = locate(outsider.client, point.x, point.y)

    assert response.status_code == 404
    body = response.json()
    assert is_chinese(body["detail"])
    assert home_grid.code not in response.content.decode()


@pytest.mark.django_db
def test_it_finds_the_same_grid_for_the_point_given_in_gcj02(
    grid_worker: Persona, home_grid: Grid
) -> None:
    point = inside(home_grid)
    lon, lat = from_wgs84(point.x, point.y, "gcj02")
    assert (lon, lat) != pytest.approx((point.x, point.y), abs=1e-4), "GCJ-02 shifts Nanjing"

    response = locate(grid_worker.client, lon, lat, crs="gcj02")

    assert response.status_code == 200
    body = response.json()
    assert body["grid_code"] == home_grid.code
    assert body["lon"] == pytest.approx(point.x, abs=1e-6)
    assert body["lat"] == pytest.approx(point.y, abs=1e-6)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lon", "lat", "field"),
    [("abc", "32.06", "lon"), ("500", "32.06", "lon"), ("118.77", "95", "lat")],
)
def test_it_rejects_an_invalid_coordinate_naming_the_field_in_chinese(
    grid_worker: Persona, lon: str, lat: str, field: str
) -> None:
    response = locate(grid_worker.client, lon, lat)

    assert response.status_code == 422
    body = response.json()
    assert is_chinese(body["detail"])
    assert field in body["detail"]
    assert field in [e["field"] for e in body["errors"]]


@pytest.mark.django_db
def test_it_rejects_a_locate_without_longitude_naming_the_field(grid_worker: Persona) -> None:
    response = quiet_client(grid_worker.user).get(f"{API}/locate", {"lat": "32.06"})

    assert response.status_code == 422
    assert "lon" in response.json()["detail"]


@pytest.mark.django_db
def test_it_rejects_an_unknown_coordinate_system_naming_it(grid_worker: Persona) -> None:
    response = locate(grid_worker.client, "118.77", "32.06", crs="utm")

    assert response.status_code == 422
    assert "crs" in response.json()["detail"]


@pytest.mark.django_db
def test_it_never_names_a_grid_through_locate_that_the_caller_cannot_open(
    grid_worker: Persona, home_grid: Grid
) -> None:
    # A neighbouring grid under one of the beats over the worker's grid: the worker may see the
    # beat, but the neighbour's detail is 404 to them, so locate must not reveal its code or name.
    beats = set(overlay_beats(home_grid))
    widest = (
        GridBeatOverlap.objects.filter(beat__code__in=beats)
        .exclude(grid=home_grid)
        .select_related("grid")
        .order_by("-grid_share", "grid__code")
        .first()
    )
    assert widest is not None
    neighbour = widest.grid
    point = inside(neighbour)
    assert beats_covering(point)[0] in beats, "the point lies under a beat the worker can see"
    assert grid_worker.client.get(f"{API}/grids/{neighbour.code}").status_code == 404

    response = locate(grid_worker.client, point.x, point.y)

    if response.status_code == 200:
        assert response.json()["grid_code"] in (None, "")
        assert neighbour.name not in response.content.decode()
    else:
        assert response.status_code == 404


# --- GeoJSON ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_gives_the_admin_every_grid_and_beat_of_the_district(admin: Persona) -> None:
    grids = admin.client.get(f"{API}/grids")
    beats = admin.client.get(f"{API}/beats")

    assert feature_codes(grids) == set(Grid.objects.values_list("code", flat=True))
    assert len(grids.json()["features"]) == 734
    assert feature_codes(beats) == set(PoliceBeat.objects.values_list("code", flat=True))
    assert len(beats.json()["features"]) == 91
    some = grids.json()["features"][0]
    assert some["geometry"]["type"] in ("Polygon", "MultiPolygon")


@pytest.mark.django_db
def test_it_gives_a_grid_worker_their_grid_and_exactly_the_beats_over_it(
    grid_worker: Persona, officer: Persona, home_grid: Grid
) -> None:
    grids = grid_worker.client.get(f"{API}/grids")
    beats = grid_worker.client.get(f"{API}/beats")

    assert feature_codes(grids) == {home_grid.code}
    assert feature_codes(beats) == set(overlay_beats(home_grid))
    props = feature(grids, home_grid.code)["properties"]
    assert props["name"] == home_grid.name
    assert props["grid_workers"] == [str(grid_worker.user)]
    assert props["officers"] == [str(officer.user)]
    assert home_grid.main_beat is not None
    main = feature(beats, home_grid.main_beat.code)["properties"]
    assert main["officers"] == [str(officer.user)]


@pytest.mark.django_db
def test_it_gives_an_officer_exactly_the_grids_the_overlay_links_to_their_beat(
    officer: Persona, home_grid: Grid
) -> None:
    beat = home_grid.main_beat
    assert beat is not None

    grids = officer.client.get(f"{API}/grids")
    beats = officer.client.get(f"{API}/beats")

    assert feature_codes(grids) == set(overlay_grids(beat))
    assert feature_codes(beats) == {beat.code}
    for f in grids.json()["features"]:
        assert isinstance(f["properties"]["grid_workers"], list)
        assert isinstance(f["properties"]["officers"], list)


@pytest.mark.django_db
def test_it_shows_an_outsider_none_of_the_home_grids_features(
    outsider: Persona, home_grid: Grid
) -> None:
    own = Grid.objects.get(code=scope_code(outsider))

    grids = feature_codes(outsider.client.get(f"{API}/grids"))
    beats = feature_codes(outsider.client.get(f"{API}/beats"))

    assert grids == {own.code}
    assert beats == set(overlay_beats(own))
    assert home_grid.code not in grids
    assert beats.isdisjoint(overlay_beats(home_grid))


@pytest.mark.django_db
def test_it_gives_a_user_without_a_role_an_empty_map(nobody: Persona) -> None:
    assert feature_codes(nobody.client.get(f"{API}/grids")) == set()
    assert feature_codes(nobody.client.get(f"{API}/beats")) == set()


# --- grid detail -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_the_beats_over_a_grid_with_the_overlay_shares(
    grid_worker: Persona, home_grid: Grid
) -> None:
    expected = overlay_beats(home_grid)

    response = grid_worker.client.get(f"{API}/grids/{home_grid.code}")

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == home_grid.code
    assert body["community_code"] == home_grid.community.code
    assert {b["code"]: b["share"] for b in body["beats"]} == pytest.approx(expected)
    assert body["main_beat_code"] == max(expected, key=expected.__getitem__)
    assert body["grid_workers"] == [str(grid_worker.user)]


@pytest.mark.django_db
def test_it_answers_an_out_of_scope_grid_exactly_like_a_missing_one(
    outsider: Persona, home_grid: Grid
) -> None:
    hidden = outsider.client.get(f"{API}/grids/{home_grid.code}")
    missing = outsider.client.get(f"{API}/grids/{NO_SUCH_GRID}")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert is_chinese(hidden.json()["detail"])
    assert home_grid.name not in hidden.content.decode()


# --- renaming a grid -------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_forbids_a_read_only_grid_worker_to_rename_their_grid(
    grid_worker: Persona, home_grid: Grid
) -> None:
    before = grid_state(home_grid.code)

    response = patch(grid_worker.client, home_grid.code, {"name": "我的网格"})

    assert response.status_code == 403
    assert is_chinese(response.json()["detail"])
    assert grid_state(home_grid.code) == before
    assert not ChangeRecord.objects.filter(action="update_grid").exists()


@pytest.mark.django_db
def test_it_answers_404_to_an_outsider_renaming_a_grid(outsider: Persona, home_grid: Grid) -> None:
    before = grid_state(home_grid.code)

    response = patch(outsider.client, home_grid.code, {"name": "别人的网格"})

    assert response.status_code == 404
    assert response.json() == outsider.client.get(f"{API}/grids/{NO_SUCH_GRID}").json()
    assert grid_state(home_grid.code) == before


@pytest.mark.django_db
def test_it_lets_the_street_commander_rename_a_grid_and_records_the_change(
    commander: Persona, home_grid: Grid
) -> None:
    old_name = home_grid.name
    new_name = f"{old_name}（更名）"

    response = patch(commander.client, home_grid.code, {"name": new_name})

    assert response.status_code == 200
    assert response.json()["name"] == new_name
    assert Grid.objects.get(code=home_grid.code).name == new_name
    record = ChangeRecord.objects.get(action="update_grid", object_key=home_grid.code)
    assert record.actor == commander.user
    assert record.object_type == "grid"
    assert record.before is not None and record.after is not None
    assert record.before["name"] == old_name
    assert record.after["name"] == new_name
    assert record.origin == "api"
    assert record.request_id == response["X-Request-ID"]


@pytest.mark.django_db
def test_it_keeps_the_grid_type_when_a_rename_does_not_mention_it(
    commander: Persona, home_grid: Grid
) -> None:
    assert home_grid.grid_type, "the demo grid has a type to lose"

    response = patch(commander.client, home_grid.code, {"name": f"{home_grid.name}（更名）"})

    assert response.status_code == 200
    assert Grid.objects.get(code=home_grid.code).grid_type == home_grid.grid_type
    assert response.json()["grid_type"] == home_grid.grid_type


@pytest.mark.django_db
def test_it_answers_locate_with_the_new_name_after_a_rename(
    commander: Persona, home_grid: Grid
) -> None:
    point = inside(home_grid)
    assert locate(commander.client, point.x, point.y).json()["grid_name"] == home_grid.name
    new_name = f"{home_grid.name}（更名）"

    assert patch(commander.client, home_grid.code, {"name": new_name}).status_code == 200

    assert locate(commander.client, point.x, point.y).json()["grid_name"] == new_name


@pytest.mark.django_db
def test_it_rejects_an_empty_name_and_keeps_the_grid(commander: Persona, home_grid: Grid) -> None:
    before = grid_state(home_grid.code)

    response = patch(commander.client, home_grid.code, {"name": ""})

    assert response.status_code == 422
    assert is_chinese(response.json()["detail"])
    assert "name" in response.json()["detail"]
    assert grid_state(home_grid.code) == before
    assert not ChangeRecord.objects.filter(action="update_grid").exists()


@pytest.mark.django_db
def test_it_rejects_a_blank_name_in_chinese_and_english_and_keeps_the_grid(
    commander: Persona, home_grid: Grid
) -> None:
    before = grid_state(home_grid.code)

    response = patch(commander.client, home_grid.code, {"name": "   "})

    assert response.status_code == 422
    body = response.json()
    assert is_chinese(body["detail"])
    assert is_english(body["detail_en"])
    assert grid_state(home_grid.code) == before
    assert not ChangeRecord.objects.filter(action="update_grid").exists()


# --- beat detail -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_every_grid_of_a_beat_with_the_overlay_shares(
    officer: Persona, home_grid: Grid
) -> None:
    beat = home_grid.main_beat
    assert beat is not None

    response = officer.client.get(f"{API}/beats/{beat.code}")

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == beat.code
    assert body["station_code"] == beat.station.code
    assert {g["code"]: g["share"] for g in body["grids"]} == pytest.approx(overlay_grids(beat))
    assert body["officers"] == [str(officer.user)]


@pytest.mark.django_db
def test_it_shows_a_grid_worker_only_their_own_grid_under_a_beat(
    grid_worker: Persona, home_grid: Grid
) -> None:
    beat = home_grid.main_beat
    assert beat is not None
    assert len(overlay_grids(beat)) > 1, "the beat covers other grids too"

    response = grid_worker.client.get(f"{API}/beats/{beat.code}")

    assert response.status_code == 200
    assert [g["code"] for g in response.json()["grids"]] == [home_grid.code]


@pytest.mark.django_db
def test_it_answers_an_out_of_scope_beat_exactly_like_a_missing_one(
    outsider: Persona, home_grid: Grid
) -> None:
    beat = home_grid.main_beat
    assert beat is not None

    hidden = outsider.client.get(f"{API}/beats/{beat.code}")
    missing = outsider.client.get(f"{API}/beats/{NO_SUCH_BEAT}")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert beat.name not in hidden.content.decode()


# --- OpenAPI ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_documents_the_area_endpoints_in_openapi(admin: Persona) -> None:
    response = quiet_client(admin.user).get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/geo/locate", "/api/v1/geo/grids", "/api/v1/geo/beats"):
        assert path in paths
    params = {p["name"] for p in paths["/api/v1/geo/locate"]["get"]["parameters"]}
    assert {"lon", "lat", "crs"} <= params
