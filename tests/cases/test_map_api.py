"""The map's case layer and heat map (GET /api/v1/map/cases, /api/v1/map/heat): what each
persona is shown, the filters, and the police-only points a civil role never gets."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from outpost.accounts.roles import Role
from outpost.cases.models import Case
from outpost.geo.models import Grid
from tests.cases.conftest import file_case
from tests.conftest import Persona, _persona

pytestmark = pytest.mark.django_db


def numbers(persona: Persona, query: str = "") -> set[str]:
    answer = persona.client.get(f"/api/v1/map/cases{query}")
    assert answer.status_code == 200, answer.content
    return {c["number"] for c in answer.json()["cases"]}


@pytest.fixture
def home_case(home_grid: Grid, grid_worker: Persona) -> Case:
    return file_case(home_grid, grid_worker.user, urgency="urgent")


def test_it_shows_the_owner_their_case_coloured_by_state_and_urgency(
    home_case: Case, grid_worker: Persona
) -> None:
    [point] = grid_worker.client.get("/api/v1/map/cases").json()["cases"]
    assert point["number"] == home_case.number
    assert (point["state"], point["urgency"], point["category"]) == ("reported", "urgent", "01")
    assert (point["lon"], point["lat"]) == (round(home_case.lon, 6), round(home_case.lat, 6))


def test_it_leaves_an_outsiders_map_without_the_home_case(
    home_case: Case, outsider: Persona, commander: Persona
) -> None:
    assert home_case.number not in numbers(outsider)
    assert home_case.number in numbers(commander)


def test_it_hides_the_case_layer_from_who_sees_no_cases(home_case: Case, nobody: Persona) -> None:
    auditor = _persona("auditor_p", Role.AUDITOR, home_case.grid_code[:9] + "000")
    assert nobody.client.get("/api/v1/map/cases").status_code == 404
    assert auditor.client.get("/api/v1/map/cases").status_code == 404


def test_it_filters_by_category_and_period(
    home_grid: Grid, grid_worker: Persona, home_case: Case
) -> None:
    fire = file_case(home_grid, grid_worker.user, subtype="0201")
    old = file_case(home_grid, grid_worker.user)
    Case.objects.filter(pk=old.pk).update(reported_at=timezone.now() - dt.timedelta(days=20))

    assert numbers(grid_worker, "?category=02") == {fire.number}
    assert numbers(grid_worker, "?category=01") == {home_case.number}
    assert numbers(grid_worker, "?period=30d&category=01") == {home_case.number, old.number}
    assert grid_worker.client.get("/api/v1/map/cases?period=2y").status_code == 422


def test_it_gives_a_police_only_point_to_the_police_and_reporter_only(
    home_grid: Grid, grid_worker: Persona, commander: Persona, officer: Persona
) -> None:
    clue = file_case(home_grid, grid_worker.user, subtype="0301")
    assert clue.sensitivity == "police"
    assert clue.number not in numbers(commander)
    assert clue.number in numbers(officer)
    assert clue.number in numbers(grid_worker)  # who reported it


def heat(persona: Persona, query: str = "") -> Any:
    return persona.client.get(f"/api/v1/map/heat{query}")


def test_it_gives_the_heat_map_to_street_and_station_commanders_only(
    home_case: Case,
    commander: Persona,
    duty_officer: Persona,
    grid_worker: Persona,
    officer: Persona,
    outsider: Persona,
    nobody: Persona,
) -> None:
    for leader in (commander, duty_officer):
        answer = heat(leader)
        assert answer.status_code == 200
        assert sum(cell[2] for cell in answer.json()["cells"]) == 1
        assert answer.json()["max"] == 1
    for follower in (grid_worker, officer, outsider):
        assert heat(follower).status_code == 403
    assert heat(nobody).status_code == 404


def test_it_counts_in_the_heat_map_only_the_commanders_area(
    home_case: Case, commander: Persona
) -> None:
    elsewhere = Grid.objects.exclude(code__startswith=home_case.grid_code[:9]).first()
    assert elsewhere is not None
    stranger = _persona("stranger_p", Role.GRID_WORKER, elsewhere.code)
    file_case(elsewhere, stranger.user)
    assert sum(cell[2] for cell in heat(commander).json()["cells"]) == 1
    assert sum(cell[2] for cell in heat(commander, "?category=02").json()["cells"]) == 0
