"""The diversion desk (/calls/): dispatchers of an area upload calls and see their area's calls;
others are refused (403), and calls outside one's area are missing (404, not in the list)."""

import base64
import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from outpost.accounts.roles import Role
from outpost.calls.models import Call
from outpost.geo.models import Grid
from tests.calls.conftest import OTHER_GRID, as_input, call_at, rows_in
from tests.conftest import Persona, _persona

pytestmark = pytest.mark.django_db
DESK = "/calls/"


def upload(client: Client, rows: list[dict[str, Any]], name: str = "calls.csv") -> Any:
    return client.post(DESK, {"file": SimpleUploadedFile(name, as_input(rows), "text/csv")})


def street(grid: Grid | str) -> str:
    return (grid if isinstance(grid, str) else grid.code)[:9]


def test_it_sends_the_anonymous_to_sign_in(anonymous: Client) -> None:
    answer = anonymous.get(DESK)
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")


def test_it_refuses_those_who_do_not_dispatch(grid_worker: Persona, nobody: Persona) -> None:
    for persona in (grid_worker, nobody):
        assert persona.client.get(DESK).status_code == 403
        assert upload(persona.client, rows_in(street(OTHER_GRID))[:1]).status_code == 403
    assert not Call.objects.exists()


def test_it_shows_the_desk_in_the_header_only_to_dispatchers(
    commander: Persona, grid_worker: Persona
) -> None:
    assert 'href="/calls/"' in commander.client.get("/cases/").content.decode()
    assert 'href="/calls/"' not in grid_worker.client.get("/cases/").content.decode()


def test_it_diverts_an_upload_and_offers_the_outcome_file(
    commander: Persona, home_grid: Grid
) -> None:
    mine = rows_in(street(home_grid))
    elsewhere = rows_in(street(OTHER_GRID))[:3]
    answer = upload(commander.client, mine + elsewhere)
    assert answer.status_code == 200
    outcomes = answer.context["outcomes"]
    assert [o.call_id for o in outcomes] == [r["call_id"] for r in mine + elsewhere]
    diverted = [o for o in outcomes if o.diverted]
    assert diverted and all(o.grid_code.startswith(street(home_grid)) for o in diverted)
    page = answer.content.decode()
    for o in diverted:
        assert f'href="/cases/{o.case_number}/"' in page
    outside = outcomes[len(mine) :]
    assert all(o.decision == "police" and o.addr_id == o.grid_code == "" for o in outside)
    assert all(not o.case_number for o in outside)
    encoded = answer.context["download"].split("base64,", 1)[1]
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(encoded).decode("utf-8"))))
    assert [r["call_id"] for r in rows] == [o.call_id for o in outcomes]
    assert [r["decision"] for r in rows] == [o.decision for o in outcomes]


def test_it_lists_only_calls_in_the_users_area(
    commander: Persona, other_commander: Persona, home_grid: Grid
) -> None:
    mine, theirs = rows_in(street(home_grid))[:4], rows_in(street(OTHER_GRID))[:4]
    upload(commander.client, mine)
    upload(other_commander.client, theirs)
    listed = commander.client.get(DESK).context["page"].object_list
    assert {c.call_id for c in listed} == {r["call_id"] for r in mine}
    listed = other_commander.client.get(DESK).context["page"].object_list
    assert {c.call_id for c in listed} == {r["call_id"] for r in theirs}


def test_it_shows_a_call_to_its_area_and_hides_it_from_others(
    commander: Persona,
    other_commander: Persona,
    outsider: Persona,
    grid_worker: Persona,
    home_grid: Grid,
) -> None:
    row = call_at(home_grid.code, "110-T-00002")
    upload(commander.client, [row])
    url = f"{DESK}{row['call_id']}/"
    shown = commander.client.get(url)
    assert shown.status_code == 200 and row["content"] in shown.content.decode()
    assert row["caller_phone"] not in shown.content.decode()  # masked
    assert grid_worker.client.get(url).status_code == 403  # sees the area, may not dispatch
    assert other_commander.client.get(url).status_code == 404
    assert outsider.client.get(url).status_code == 404
    assert commander.client.get(f"{DESK}110-NO-SUCH/").status_code == 404


def test_it_says_what_is_wrong_with_an_unreadable_file(commander: Persona) -> None:
    answer = commander.client.post(
        DESK, {"file": SimpleUploadedFile("calls.csv", b"a,b\n1,2\n", "text/csv")}
    )
    assert answer.status_code == 200 and answer.context["outcomes"] is None
    assert "表头" in answer.context["form"].errors["file"][0]


def test_it_keeps_calls_left_with_the_police_from_civil_roles(
    commander: Persona, officer: Persona, home_grid: Grid
) -> None:
    noise = call_at(home_grid.code, "110-T-CIVIL")
    knife = call_at(home_grid.code, "110-T-POLICE", content="邻居拿刀威胁我，快来人")
    upload(commander.client, [noise, knife])
    assert Call.objects.get(call_id="110-T-POLICE").decision == "police"
    leader = _persona("community_leader", Role.GRID_LEADER, home_grid.community.code)
    assert leader.client.get(f"{DESK}110-T-CIVIL/").status_code == 200
    assert leader.client.get(f"{DESK}110-T-POLICE/").status_code == 404
    assert leader.client.get("/api/v1/calls/110-T-POLICE").status_code == 404
    listed = {c.call_id for c in leader.client.get(DESK).context["page"].object_list}
    assert listed == {"110-T-CIVIL"}
    beat_api = officer.client.get("/api/v1/calls/110-T-POLICE")
    assert beat_api.status_code == 403  # the beat sees the call is there; only dispatchers read it
