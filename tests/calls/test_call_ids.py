"""110 call ids belong to whoever imports them (the station, a civil area, the command line): a
civil role cannot reserve the station's ids ahead of its real calls, and a call stored for
another area answers exactly as an id never seen before."""

import json
from typing import Any

import pytest
from django.test import Client

from outpost.accounts.roles import Role
from outpost.calls.models import Call
from outpost.calls.services import divert_calls
from outpost.cases.models import Case
from outpost.geo.models import Grid
from outpost.registry.tabular import TableRow
from tests.calls.conftest import INPUT_COLUMNS, OTHER_GRID, call_at
from tests.conftest import Persona, _persona

pytestmark = pytest.mark.django_db
API = "/api/v1/calls"


def divert(client: Client, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    body = [{c: r[c] for c in INPUT_COLUMNS if c in r} for r in rows]
    answer = client.post(f"{API}/divert", json.dumps(body), content_type="application/json")
    assert answer.status_code == 200, answer.content
    return answer.json()


@pytest.fixture
def grid_leader(home_grid: Grid) -> Persona:
    return _persona("leader_p", Role.GRID_LEADER, home_grid.community.code)


def test_it_keeps_a_grid_leaders_ids_from_taking_the_stations_calls(
    grid_leader: Persona, duty_officer: Persona, home_grid: Grid
) -> None:
    ids = [f"110-20261204-{n:04d}" for n in range(1, 4)]
    # Sequential ids registered ahead, at a place the leader may not divert: kept with police.
    ahead = [call_at(OTHER_GRID, call_id) for call_id in ids]
    assert {o["decision"] for o in divert(grid_leader.client, ahead)} == {"police"}
    real = [call_at(home_grid.code, call_id) for call_id in ids]
    outcomes = divert(duty_officer.client, real)
    assert [(o["decision"], o["subtype"]) for o in outcomes] == [("divert", "0901")] * 3
    assert all(o["case_number"] for o in outcomes)
    assert Case.objects.filter(source="110").count() == 3


def test_it_keeps_a_grid_leaders_ids_from_the_command_lines_import_too(
    grid_leader: Persona, home_grid: Grid
) -> None:
    divert(grid_leader.client, [call_at(OTHER_GRID, "110-20261204-0009")])
    row = call_at(home_grid.code, "110-20261204-0009")
    (outcome,) = divert_calls([TableRow(number=1, values=row)], actor=None)
    assert outcome.decision == "divert" and outcome.case_number


def test_it_answers_a_call_of_another_area_as_an_unknown_one(
    duty_officer: Persona, other_commander: Persona, home_grid: Grid
) -> None:
    stored = call_at(home_grid.code, "110-20261204-0100")
    (theirs,) = divert(duty_officer.client, [stored])
    assert theirs["decision"] == "divert"
    (known,) = divert(other_commander.client, [{**stored, "content": "门口有只流浪狗"}])
    fresh = {**stored, "call_id": "110-20261204-0101", "content": "门口有只流浪狗"}
    (unknown,) = divert(other_commander.client, [fresh])
    assert {**known, "call_id": "?"} == {**unknown, "call_id": "?"}
    assert known["subtype"] != theirs["subtype"] and "辖区" in known["reason"]
    # The station's own record is untouched and still answers the station.
    station_call = Call.objects.get(call_id=stored["call_id"], imported_by=duty_officer.user)
    assert station_call.decision == "divert" and station_call.case is not None
    (again,) = divert(duty_officer.client, [stored])
    assert again == theirs


def test_it_answers_the_command_lines_call_to_the_station_that_sees_it(
    duty_officer: Persona, other_commander: Persona, home_grid: Grid
) -> None:
    row = call_at(home_grid.code, "110-20261204-0200")
    (fed,) = divert_calls([TableRow(number=1, values=row)], actor=None)
    assert fed.decision == "divert" and fed.case_number
    (uploaded,) = divert(duty_officer.client, [row])  # the same call, uploaded at the station
    assert (uploaded["decision"], uploaded["case_number"]) == ("divert", fed.case_number)
    (outside,) = divert(other_commander.client, [row])  # not on their desk: a call never seen
    fresh = {**row, "call_id": "110-20261204-0201"}
    (unknown,) = divert(other_commander.client, [fresh])
    assert {**outside, "call_id": "?"} == {**unknown, "call_id": "?"}
    assert Case.objects.filter(source="110").count() == 1
