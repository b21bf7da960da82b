"""Scope in the loop, tried as an outsider with a real account: reporting at a point, dispatching
to a unit and naming the original of a duplicate answer inside the caller's area only, and
outside it exactly as for something that does not exist."""

import json
from typing import Any

import pytest
from django.test import Client

from outpost.accounts.roles import Role
from outpost.cases import services
from outpost.cases.models import Case
from outpost.cases.workflow import State
from outpost.geo.models import Grid
from tests.cases.conftest import file_case, point_in
from tests.conftest import OTHER_GRID, Persona, _persona

pytestmark = pytest.mark.django_db
API = "/api/v1/cases"
NOWHERE = {"lon": 0.5, "lat": 0.5}  # in the sea: no grid of the district


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def other_reporter(db: None) -> Persona:
    """One of the 8大员 of the outsider's grid, in another street."""
    return _persona("other_reporter_p", Role.REPORTER, OTHER_GRID)


def test_it_answers_a_point_outside_the_reporters_area_as_one_outside_the_district(
    home_grid: Grid, outsider: Persona, other_reporter: Persona
) -> None:
    where = point_in(home_grid)
    for persona in (outsider, other_reporter):
        report = {"subtype": "0603", "title": "楼道口垃圾堆放"}
        inside = post(persona.client, API, {**report, "lon": where.x, "lat": where.y})
        nowhere = post(persona.client, API, {**report, **NOWHERE})
        assert inside.status_code == 422, inside.content  # no 201 naming the grid and beat
        assert inside.content == nowhere.content
        assert home_grid.code not in inside.content.decode()
    assert not Case.objects.exists()


def test_it_refuses_the_point_on_the_report_page_too(
    home_grid: Grid, outsider: Persona, grid_worker: Persona
) -> None:
    where = point_in(home_grid)
    form = {"subtype": "0603", "title": "楼道口垃圾堆放", "urgency": "normal"}
    answer = outsider.client.post("/cases/report/", {**form, "lon": where.x, "lat": where.y})
    assert answer.status_code == 200 and "该位置不在您的辖区内" in answer.content.decode()
    assert not Case.objects.exists()
    mine = grid_worker.client.post("/cases/report/", {**form, "lon": where.x, "lat": where.y})
    assert mine.status_code == 302 and Case.objects.get().grid_code == home_grid.code


def test_it_dispatches_through_the_api_only_to_the_units_the_form_offers(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    case = services.act(file_case(home_grid, grid_worker.user), "accept", actor=commander.user)
    url = f"{API}/{case.number}/actions/dispatch"

    def dispatch_to(kind: str, code: str) -> Any:
        return post(
            commander.client, url, {"targets": [{"kind": kind, "code": code, "lead": True}]}
        )

    elsewhere = dispatch_to("grid", OTHER_GRID)  # a real grid of the district, not on offer
    missing = dispatch_to("grid", "320106999999999")
    assert elsewhere.status_code == missing.status_code == 422, elsewhere.content
    assert elsewhere.json()["detail_en"] == f"No such unit to dispatch to: grid {OTHER_GRID}"
    case.refresh_from_db()
    assert case.state == State.ACCEPTED and not case.assignments.exists()
    offered = dispatch_to("grid", home_grid.code)
    assert offered.json()["state"] == "dispatched" and offered.json()["units"] == [home_grid.name]


def test_it_names_an_original_outside_the_area_as_one_that_does_not_exist(
    home_grid: Grid, grid_worker: Persona, commander: Persona, outsider: Persona
) -> None:
    theirs = file_case(Grid.objects.get(code=OTHER_GRID), outsider.user)
    ours = file_case(home_grid, grid_worker.user)
    original = file_case(home_grid, grid_worker.user, title="同一处堆物")
    url = f"{API}/{ours.number}/actions/reject"
    missing_number = theirs.number[:-4] + "9999"

    def reject_as_duplicate_of(number: str) -> Any:
        return post(commander.client, url, {"comment": "重复上报", "duplicate_of": number})

    outside = reject_as_duplicate_of(theirs.number)
    missing = reject_as_duplicate_of(missing_number)
    assert outside.status_code == missing.status_code == 422, outside.content
    assert outside.json()["detail"].replace(theirs.number, "N") == missing.json()["detail"].replace(
        missing_number, "N"
    )
    assert Case.objects.get(pk=ours.pk).state == State.REPORTED
    done = reject_as_duplicate_of(original.number)
    assert done.json()["state"] == "rejected"
    assert Case.objects.get(pk=ours.pk).duplicate_of == original
