"""Case points: what anyone sees, what a signed-in user or a token's holder adds from their own
scope, and that no feature carries anything personal."""

import json

import pytest
from django.test import Client

from outpost.cases.models import Case
from outpost.core.masking import mask_phone
from tests.conftest import Persona
from tests.ogc.conftest import DESCRIPTION, PHONE, REPORTER, TITLE, bearer

pytestmark = pytest.mark.django_db
ITEMS = "/ogc/collections/cases/items"


def ids(client: Client, query: str = "", **headers: str) -> list[str]:
    answer = client.get(f"{ITEMS}?limit=1000{query}", **headers)
    assert answer.status_code == 200, answer.content
    return [f["id"] for f in answer.json()["features"]]


def test_it_shows_anyone_only_the_public_case(client: Client, cases: dict[str, Case]) -> None:
    assert ids(client) == [cases["public"].number]
    for kind in ("police", "registry", "care"):
        answer = client.get(f"{ITEMS}/{cases[kind].number}")
        assert answer.status_code == 404, kind


def test_it_carries_no_personal_data(client: Client, cases: dict[str, Case]) -> None:
    answer = client.get(f"{ITEMS}/{cases['public'].number}")
    assert answer["Content-Type"] == "application/geo+json"
    text = answer.content.decode()
    for secret in (REPORTER, PHONE, mask_phone(PHONE), TITLE, DESCRIPTION, "王五"):
        assert secret not in text
    feature = json.loads(text)
    assert set(feature["properties"]) == {
        "number",
        "category",
        "category_name",
        "subtype",
        "subtype_name",
        "status",
        "reported_at",
        "closed_at",
        "grid_code",
    }
    assert feature["properties"]["category"] == "06"
    assert feature["properties"]["status"] == "open"
    assert feature["properties"]["reported_at"] == "2026-03-10T08:00:00Z"


def test_it_rounds_the_point_to_about_100_metres(client: Client, cases: dict[str, Case]) -> None:
    case = cases["public"]
    assert case.lon is not None and case.lat is not None
    feature = client.get(f"{ITEMS}/{case.number}").json()
    assert feature["geometry"] == {
        "type": "Point",
        "coordinates": [round(case.lon, 3), round(case.lat, 3)],
    }


def test_it_finds_a_case_by_its_rounded_point_only(client: Client, cases: dict[str, Case]) -> None:
    case = cases["public"]
    assert case.lon is not None and case.lat is not None
    x, y = round(case.lon, 3), round(case.lat, 3)
    cell = f"&bbox={x - 0.0004},{y - 0.0004},{x + 0.0004},{y + 0.0004}"
    assert ids(client, cell) == [case.number]
    # A small box around the exact point that leaves out the rounded one finds nothing, so
    # boxes cannot home in on where the case really is.
    d = max(abs(case.lon - x), abs(case.lat - y)) / 2
    assert d > 1e-7
    tight = f"&bbox={case.lon - d},{case.lat - d},{case.lon + d},{case.lat + d}"
    assert ids(client, tight) == []
    assert ids(client, "&bbox=0,0,1,1") == []


def test_it_selects_by_datetime_instant_interval_and_open_ends(
    client: Client, cases: dict[str, Case], commander: Persona
) -> None:
    c = commander.client  # sees the public (10 March) and registry (8 March) cases
    everything = ids(c)
    assert everything == [cases["public"].number, cases["registry"].number]
    assert ids(c, "&datetime=2026-03-10T08:00:00Z") == [cases["public"].number]
    assert ids(c, "&datetime=2026-03-10T08:00:01Z") == []
    assert ids(c, "&datetime=2026-03-08") == [cases["registry"].number]
    span = "&datetime=2026-03-07T00:00:00Z/2026-03-09T00:00:00Z"
    assert ids(c, span) == [cases["registry"].number]
    assert ids(c, "&datetime=2026-03-09T00:00:00Z/..") == [cases["public"].number]
    assert ids(c, "&datetime=2026-03-09T00:00:00Z/") == [cases["public"].number]
    assert ids(c, "&datetime=../2026-03-09T00:00:00%2B08:00") == [cases["registry"].number]
    assert ids(c, "&datetime=/2026-03-01T00:00:00Z") == []


def test_it_adds_the_cases_in_a_signed_in_users_scope(
    cases: dict[str, Case], grid_worker: Persona, outsider: Persona
) -> None:
    mine = ids(grid_worker.client)
    assert mine == [cases["public"].number, cases["registry"].number]  # never police or care
    assert ids(outsider.client) == [cases["public"].number]
    registry = f"{ITEMS}/{cases['registry'].number}"
    assert grid_worker.client.get(registry).status_code == 200
    assert outsider.client.get(registry).status_code == 404


def test_it_takes_a_bearer_token_for_the_holders_scope(
    client: Client, cases: dict[str, Case], grid_worker: Persona, outsider: Persona
) -> None:
    assert ids(client, **bearer(grid_worker.user)) == [
        cases["public"].number,
        cases["registry"].number,
    ]
    assert ids(client, **bearer(outsider.user)) == [cases["public"].number]


def test_it_refuses_a_bad_token_instead_of_answering_as_anyone(
    client: Client, cases: dict[str, Case]
) -> None:
    answer = client.get(ITEMS, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith("Bearer")
    assert answer.json()["code"] == "InvalidToken"


def test_it_gives_the_case_collection_the_extent_of_what_the_user_sees(
    client: Client, cases: dict[str, Case], grid_worker: Persona
) -> None:
    public = client.get("/ogc/collections/cases").json()["extent"]
    assert public["temporal"]["interval"] == [["2026-03-10T08:00:00Z", "2026-03-10T08:00:00Z"]]
    theirs = grid_worker.client.get("/ogc/collections/cases").json()["extent"]
    assert theirs["temporal"]["interval"] == [["2026-03-08T08:00:00Z", "2026-03-10T08:00:00Z"]]
    west, south, east, north = public["spatial"]["bbox"][0]
    assert west == east and south == north  # one point, rounded


def test_it_gives_an_empty_case_collection_the_districts_extent(client: Client) -> None:
    cases = client.get("/ogc/collections/cases").json()["extent"]
    grids = client.get("/ogc/collections/grids").json()["extent"]
    assert cases["spatial"]["bbox"] == grids["spatial"]["bbox"]
    assert cases["temporal"]["interval"] == [[None, None]]
