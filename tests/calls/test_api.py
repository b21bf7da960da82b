"""The diversion API: POST /api/v1/calls/divert and GET /api/v1/calls/{call_id}, scoped."""

import json
from typing import Any

import pytest
from django.test import Client

from outpost.accounts.scope import scope_for
from outpost.calls.models import Call
from outpost.cases.models import Case
from outpost.geo.models import Grid
from outpost.registry.models import StandardAddress
from tests.calls.conftest import INPUT_COLUMNS, OTHER_GRID, call_at, rows_in, sample
from tests.conftest import Persona

pytestmark = pytest.mark.django_db
API = "/api/v1/calls"


def divert(client: Client, rows: list[dict[str, Any]]) -> Any:
    body = [{c: r[c] for c in INPUT_COLUMNS if c in r} for r in rows]
    return client.post(f"{API}/divert", json.dumps(body), content_type="application/json")


def rows_of_station(user: Any) -> list[dict[str, Any]]:
    """Non-police sample calls at addresses in the beats of the user's police units."""
    prefixes = scope_for(user, "dispatch").police
    beats = dict(StandardAddress.objects.values_list("code", "beat_code"))
    return [
        r for r in sample() if r["label"] != "POLICE" and beats[r["addr_id"]].startswith(prefixes)
    ]


def test_it_diverts_calls_for_a_duty_officer_in_the_stations_area(duty_officer: Persona) -> None:
    rows = rows_of_station(duty_officer.user)[:3]
    assert rows
    answer = divert(duty_officer.client, rows)
    assert answer.status_code == 200, answer.content
    outcomes = answer.json()
    assert [o["call_id"] for o in outcomes] == [r["call_id"] for r in rows]
    for outcome, row in zip(outcomes, rows, strict=True):
        assert (outcome["decision"], outcome["subtype"]) == ("divert", row["label"])
        assert outcome["addr_id"] == row["addr_id"] and outcome["case_number"]
        case = Case.objects.get(number=outcome["case_number"])
        assert (case.source, case.state, case.grid_code) == (
            "110",
            "dispatched",
            outcome["grid_code"],
        )


def test_it_answers_the_stored_outcome_when_the_same_calls_come_again(
    commander: Persona, home_grid: Grid
) -> None:
    rows = rows_in(home_grid.code[:9])[:5]
    first = divert(commander.client, rows).json()
    cases = Case.objects.count()
    again = divert(commander.client, [*rows, rows[0]]).json()
    assert again == [*first, {**first[0], "row": len(rows) + 1}]
    assert Case.objects.count() == cases and Call.objects.count() == len(rows)


def test_it_names_a_bad_row_and_keeps_the_others(commander: Persona, home_grid: Grid) -> None:
    good = rows_in(home_grid.code[:9])[:1]
    answer = divert(commander.client, [{**good[0], "call_id": "坏 编号"}, *good])
    assert answer.status_code == 200
    bad, fine = answer.json()
    assert (bad["decision"], bad["field"]) == ("police", "call_id")
    assert bad["error"].startswith("call_id（警情编号）：格式不对")
    assert fine["call_id"] == good[0]["call_id"] and not fine["error"]
    assert list(Call.objects.values_list("call_id", flat=True)) == [good[0]["call_id"]]


def test_it_keeps_calls_outside_the_users_area_with_the_police(
    commander: Persona, home_grid: Grid
) -> None:
    row = next(r for r in rows_in(OTHER_GRID[:9]) if r["label"] != "POLICE")
    (outcome,) = divert(commander.client, [row]).json()
    assert (outcome["decision"], outcome["addr_id"], outcome["case_number"]) == ("police", "", "")
    assert outcome["reason"].startswith("地址不在您的辖区内，留给公安")
    assert not Case.objects.exists()


def test_it_refuses_the_divert_to_those_who_do_not_dispatch(
    grid_worker: Persona, anonymous: Client, home_grid: Grid
) -> None:
    rows = rows_in(home_grid.code[:9])[:1]
    assert divert(grid_worker.client, rows).status_code == 403
    assert divert(anonymous, rows).status_code == 401
    assert not Call.objects.exists()


def test_it_shows_a_call_only_inside_the_users_area(
    commander: Persona,
    grid_worker: Persona,
    outsider: Persona,
    other_commander: Persona,
    home_grid: Grid,
) -> None:
    row = call_at(home_grid.code, "110-T-00001")
    divert(commander.client, [row])
    url = f"{API}/{row['call_id']}"
    shown = commander.client.get(url)
    assert shown.status_code == 200
    body = shown.json()
    assert (body["addr_id"], body["decision"]) == (row["addr_id"], "divert")
    assert (
        body["caller_phone"] != row["caller_phone"]
        and body["caller_phone"][-4:] == row["caller_phone"][-4:]
    )
    assert grid_worker.client.get(url).status_code == 403
    for persona in (outsider, other_commander):
        missing = persona.client.get(url)
        assert missing.status_code == 404 and missing.json()["detail_en"].startswith("Not found")
