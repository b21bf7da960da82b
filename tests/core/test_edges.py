"""No 500s at the edge: every reproduction of issue 10 item 11 answers a clean 4xx (or, for a
stored value, the pages that show it still render), on SQLite and PostgreSQL alike."""

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.test.client import encode_multipart
from django.utils import timezone

from outpost.cases.taxonomy import load_taxonomy
from outpost.cases.workflow import State
from outpost.geo.models import CommandRoom, Grid
from tests.cases.conftest import file_case
from tests.conftest import Persona
from tests.instructions.conftest import API as INSTRUCTIONS
from tests.instructions.conftest import post_json, send

pytestmark = pytest.mark.django_db
HUGE = "9" * 40


@pytest.fixture(autouse=True)
def taxonomy(db: None) -> None:
    load_taxonomy()


@pytest.fixture
def room(home_grid: Grid) -> CommandRoom:
    assert home_grid.main_beat is not None
    return CommandRoom.objects.get(station=home_grid.main_beat.station)


def _no_raise(persona: Persona) -> Client:
    """The persona's session on a client that answers a server error as a 500 (as a browser
    sees it) instead of raising it into the test."""
    client = Client(raise_request_exception=False)
    client.cookies = persona.client.cookies
    return client


def assert_refused(answer: Any, status: int = 422) -> None:
    assert answer.status_code == status, (answer.status_code, answer.content[:300])
    if answer["Content-Type"].startswith("application/json"):
        data = answer.json()
        assert data["detail"] and data["detail_en"]


def test_it_refuses_a_dispatch_target_without_kind_or_code(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user)
    url = f"/api/v1/cases/{case.number}/actions"
    assert post_json(commander.client, f"{url}/accept", {}).status_code == 200
    for targets in ([{}], [{"kind": "grid"}], [{"code": home_grid.code}], ["grid"]):
        answer = post_json(_no_raise(commander), f"{url}/dispatch", {"targets": targets})
        assert_refused(answer)
    case.refresh_from_db()
    assert case.state == State.ACCEPTED and not case.assignments.exists()  # nothing written


def test_it_refuses_a_huge_or_malformed_case_cursor(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    file_case(home_grid, grid_worker.user)
    client = _no_raise(commander)
    for cursor in (f"{HUGE}-1", f"1-{HUGE}", f"-{HUGE}-1", "1-2-3", "x"):
        assert_refused(client.get("/api/v1/cases", {"after": cursor}))
    assert client.get("/api/v1/cases", {"after": "1-1"}).status_code == 200


def test_it_refuses_a_huge_offset_or_id(room: CommandRoom, commander: Persona) -> None:
    client = _no_raise(commander)
    assert_refused(client.get(INSTRUCTIONS, {"offset": HUGE}))
    assert_refused(client.get(INSTRUCTIONS, {"offset": 2**63}))
    assert client.get(INSTRUCTIONS, {"offset": 1000}).status_code == 200
    for path in (f"{INSTRUCTIONS}/{HUGE}", f"{INSTRUCTIONS}/{2**63}/progress"):
        assert client.get(path).status_code in (404, 422)


def test_it_refuses_a_webhook_host_label_of_300_characters(commander: Persona) -> None:
    url = f"https://{'a' * 300}.example.com/hook"
    answer = post_json(_no_raise(commander), "/api/v1/webhooks", {"url": url})
    assert_refused(answer)


def test_it_shows_the_access_log_for_dates_at_the_end_of_time(admin: Persona) -> None:
    client = _no_raise(admin)
    for since, until in (("9999-12-31", ""), ("", "9999-12-31"), ("0001-01-01", "0001-01-01")):
        answer = client.get("/audit/", {"since": since, "until": until})
        assert answer.status_code == 200, answer.status_code
        assert answer.context["form"].errors  # refused as a date outside the accepted range
    export = client.get("/audit/access-log.xlsx", {"until": "9999-12-31"})
    assert export.status_code in (200, 400)


def test_it_refuses_an_instruction_deadline_at_the_end_of_time(
    room: CommandRoom, home_grid: Grid, commander: Persona
) -> None:
    client = _no_raise(commander)
    for deadline in ("9999-12-31T23:59:00+08:00", "9999-12-31T23:59:59", "0001-01-01T00:00:00"):
        body = {
            "room": room.station.code,
            "title": "清查辖区电动车违规充电",
            "deadline": deadline,
            "recipients": [{"kind": "grid", "code": home_grid.code}],
        }
        assert_refused(post_json(client, INSTRUCTIONS, body))
    page = client.post(
        "/instructions/new/",
        {
            "room": room.pk,
            "title": "清查辖区电动车违规充电",
            "deadline": "9999-12-31T23:59",
            "priority": "normal",
            "grids": [home_grid.code],
        },
    )
    assert page.status_code == 200 and page.context["form"].errors["deadline"]
    assert client.get("/instructions/").status_code == 200


def test_it_renders_an_instruction_whose_deadline_is_the_last_accepted_day(
    room: CommandRoom, home_grid: Grid, commander: Persona, grid_worker: Persona
) -> None:
    from outpost.core.bounds import LAST_DAY

    instruction = send(room, commander.user, [("grid", home_grid.code)])
    last = timezone.make_aware(dt.datetime.combine(LAST_DAY, dt.time(23, 59)))
    type(instruction).objects.filter(pk=instruction.pk).update(deadline=last)
    for persona in (commander, grid_worker):
        client = _no_raise(persona)
        assert client.get("/instructions/").status_code == 200
        assert client.get(f"/instructions/{instruction.pk}/").status_code == 200
        assert client.get(INSTRUCTIONS).status_code == 200


MULTIPART_ODDITIES = {
    "no boundary": ("multipart/form-data", b"--x\r\nContent-Disposition: form-data\r\n\r\n"),
    "bad boundary": ("multipart/form-data; boundary=", b"garbage"),
    "odd field name": (
        "multipart/form-data; boundary=BoUnDaRy",
        b'--BoUnDaRy\r\nContent-Disposition: form-data; name="\x00\xff"; filename="\xff"\r\n'
        b"\r\nx\r\n--BoUnDaRy--\r\n",
    ),
    "no name": (
        "multipart/form-data; boundary=BoUnDaRy",
        b"--BoUnDaRy\r\nContent-Disposition: form-data\r\n\r\nx\r\n--BoUnDaRy--\r\n",
    ),
    "truncated": ("multipart/form-data; boundary=BoUnDaRy", b"--BoUnDaRy\r\nContent-Dispo"),
}


@pytest.mark.parametrize("oddity", sorted(MULTIPART_ODDITIES))
def test_it_refuses_a_malformed_multipart_body_in_both_languages(
    oddity: str, home_grid: Grid, grid_worker: Persona, commander: Persona, room: CommandRoom
) -> None:
    case = file_case(home_grid, grid_worker.user)
    instruction = send(room, commander.user, [("grid", home_grid.code)])
    rid = instruction.recipients.get().pk
    content_type, payload = MULTIPART_ODDITIES[oddity]
    client = _no_raise(commander)
    for url in (
        f"/api/v1/cases/{case.number}/attachments",
        f"{INSTRUCTIONS}/{instruction.pk}/recipients/{rid}/feedback",
        "/api/v1/registry/imports",
    ):
        answer = client.post(url, payload, content_type=content_type)
        assert answer.status_code in (400, 422), (url, answer.status_code, answer.content[:200])
        assert answer.json()["detail"] and answer.json()["detail_en"]
    page = client.post(f"/cases/{case.number}/act/accept/", payload, content_type=content_type)
    assert page.status_code in (200, 302, 400), page.status_code


def test_it_still_accepts_a_wellformed_multipart_upload(commander: Persona) -> None:
    body = encode_multipart("BoUnDaRy", {"kind": "persons"})
    answer = _no_raise(commander).post(
        "/api/v1/registry/imports", body, content_type="multipart/form-data; boundary=BoUnDaRy"
    )
    assert answer.status_code == 422 and json.loads(answer.content)["detail"]


def test_it_refuses_a_nul_character_anywhere_in_a_request(
    room: CommandRoom, commander: Persona
) -> None:
    client = _no_raise(commander)
    board = f"/command/{room.station.code}/board/"
    assert client.get(board, {"grid": "3201\x00"}).status_code == 400  # 500 on PostgreSQL before
    assert client.post(f"/command/{room.station.code}/duty/", {"note": "a\x00"}).status_code == 400
    answer = post_json(client, "/api/v1/webhooks", {"url": "https://example.org/\x00"})
    assert_refused(answer, 400)
    assert client.get(board, {"grid": "3201"}).status_code == 200


def test_it_goes_back_to_its_own_page_when_next_is_not_a_path(
    room: CommandRoom, commander: Persona
) -> None:
    answer = _no_raise(commander).post(f"/command/{room.station.code}/dispatch/", {"next": "x"})
    assert answer.status_code == 302  # redirect("x") looked for a view named "x": 500
    assert answer["Location"] == f"/command/{room.station.code}/board/"
