"""Who opens the dashboards and what their counts hold: a street commander their street, a
station's duty officer (派出所) their station, the district's administrator the district; other
roles are refused (403), someone who sees no cases at all finds nothing (404)."""

import json

import pytest
from django.test import Client

from tests.conftest import Persona
from tests.dashboard.conftest import World

pytestmark = pytest.mark.django_db

API = "/api/v1/dashboard"
ENDPOINTS = ("summary", "categories", "sources", "workload", "areas")


def new_today(client: Client) -> int:
    found = client.get(f"{API}/summary", {"period": "today"}).json()
    return next(t["value"] for t in found["tiles"] if t["key"] == "new")


def test_it_counts_only_the_commanders_street(
    world: World, commander: Persona, far_commander: Persona
) -> None:
    assert new_today(commander.client) == 3  # a b f, not h in the other street
    assert new_today(far_commander.client) == 1  # h only
    far = far_commander.client.get(f"{API}/areas", {"period": "today"}).json()
    assert {a["code"] for a in far["areas"]} == {world.other.code}
    units = far_commander.client.get(f"{API}/workload", {"period": "7d"}).json()["bars"]
    assert units == []  # the home grid's units are not the far commander's


def test_it_shows_a_station_leader_their_station(world: World, duty_officer: Persona) -> None:
    assert new_today(duty_officer.client) == 3  # a b f: the home grid's beat is in the station
    found = duty_officer.client.get(f"{API}/areas", {"period": "7d"}).json()
    # The station's grids (its street's, through the overlay): the home grid, not the other.
    codes = {a["code"] for a in found["areas"]}
    assert found["kind"] == "grid" and world.home.code in codes and world.other.code not in codes


def test_it_shows_the_administrator_the_district(world: World, admin: Persona) -> None:
    assert new_today(admin.client) == 4


@pytest.mark.parametrize("persona", ["officer", "grid_worker", "outsider"])
def test_it_refuses_roles_that_command_nothing(
    world: World, persona: str, request: pytest.FixtureRequest
) -> None:
    client = request.getfixturevalue(persona).client
    for endpoint in ENDPOINTS:
        assert client.get(f"{API}/{endpoint}").status_code == 403, endpoint
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/dashboard/wall/").status_code == 403


def test_it_finds_nothing_for_who_sees_no_cases(world: World, nobody: Persona) -> None:
    for endpoint in ENDPOINTS:
        assert nobody.client.get(f"{API}/{endpoint}").status_code == 404, endpoint
    assert nobody.client.get("/dashboard/").status_code == 404


def test_it_sends_strangers_to_sign_in(world: World, anonymous: Client) -> None:
    assert anonymous.get(f"{API}/summary").status_code == 401
    assert anonymous.get("/dashboard/").status_code == 302
    assert anonymous.get("/dashboard/wall/").status_code == 302


def test_it_counts_a_police_only_case_but_never_shows_it(world: World, commander: Persona) -> None:
    """The commander (a civil role) counts the 110 police-only case by its state and source, as
    the queue lists it; no answer names it."""
    police_only = world.cases["f"]
    sources = commander.client.get(f"{API}/sources", {"period": "today"}).json()["bars"]
    assert next(b["count"] for b in sources if b["code"] == "110") == 2
    for endpoint in ENDPOINTS:
        text = json.dumps(commander.client.get(f"{API}/{endpoint}").json(), ensure_ascii=False)
        assert police_only.title not in text and police_only.number not in text
    page = commander.client.get("/dashboard/").content.decode()
    assert police_only.title not in page


def test_it_writes_the_figures_into_the_page(world: World, commander: Persona) -> None:
    page = commander.client.get("/dashboard/", {"period": "today"})
    assert page.status_code == 200
    assert page.context["areas"] == [commander.user.assignments.get().scope_name]
    tiles = {t.key: t for t, _label in page.context["tiles"]}
    assert tiles["new"].value == 3
    assert f'href="{tiles["new"].url.replace("&", "&amp;")}"' in page.content.decode()
    wall = commander.client.get("/dashboard/wall/", {"every": "1"})
    assert wall.status_code == 200 and wall.context["every"] == 2  # no faster than 2 s
    assert 'data-every="2"' in wall.content.decode()
    assert commander.client.get("/dashboard/wall/", {"every": "soon"}).context["every"] == 30


def test_it_falls_back_to_the_default_for_a_bad_period(world: World, commander: Persona) -> None:
    page = commander.client.get("/dashboard/", {"period": "never"})
    assert page.status_code == 200 and page.context["bad_period"]
    assert page.context["window"].key == "30d"
