"""The diversion desk must not tell a civil dispatcher whether a place outside their area is a
standard address of the district: the reason is the same as for a place that matches nothing,
as the address-matching API answers (the rest of the district is not probed)."""

import json
from typing import Any

import pytest

from outpost.accounts.roles import Role
from outpost.geo.models import Grid
from tests.calls.conftest import OTHER_GRID, call_at
from tests.conftest import Persona, _persona

pytestmark = pytest.mark.django_db


def divert(persona: Persona, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = ("call_id", "received_at", "caller_phone", "location_text", "content")
    body = [{k: r[k] for k in keys} for r in rows]
    answer = persona.client.post(
        "/api/v1/calls/divert", json.dumps(body), content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    return answer.json()


def test_it_answers_an_address_outside_the_leaders_area_as_one_that_matches_nothing(
    home_grid: Grid,
) -> None:
    leader = _persona("leader_probe", Role.GRID_LEADER, home_grid.community.code)
    real = call_at(OTHER_GRID, "probe-1")
    made_up = {**call_at(OTHER_GRID, "probe-2"), "location_text": "火星路999号"}
    outside, nowhere = divert(leader, [real, made_up])
    assert outside["decision"] == nowhere["decision"] == "police"
    assert (outside["reason"], outside["addr_id"], outside["grid_code"]) == (
        nowhere["reason"],
        nowhere["addr_id"],
        nowhere["grid_code"],
    )
    # Asked again (stored now), the answers still agree.
    again = divert(leader, [real, made_up])
    assert again[0]["reason"] == again[1]["reason"]
