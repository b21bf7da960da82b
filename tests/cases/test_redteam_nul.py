"""A NUL character in a path segment, a query parameter or a JSON field is bad input like any
other: PostgreSQL refuses it in a query, so it must be answered before it gets there (404 or 400
as for any other unknown value), never with a 500. Residents reach /status/ with no account."""

import json

import pytest
from django.test import Client

from outpost.cases.models import Case
from outpost.geo.models import Grid
from tests.cases.conftest import file_case, point_in
from tests.conftest import Persona

pytestmark = pytest.mark.django_db


def test_it_answers_a_tracking_code_with_a_nul_as_an_unknown_one(anonymous: Client) -> None:
    for url in ("/status/AB%00CD/", "/status/?code=AB%00CD"):
        assert anonymous.get(url).status_code in (200, 400, 404), url
    rate = anonymous.post("/status/AB%00CD/rate/", {"rating": "satisfied"})
    assert rate.status_code in (400, 404)


def test_it_answers_a_case_number_with_a_nul_as_an_unknown_one(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    assert grid_worker.client.get("/cases/320106%00/").status_code in (400, 404)
    api = grid_worker.client.get("/api/v1/cases/320106%00")
    assert api.status_code in (400, 404) and "detail_en" in api.json()
    case = file_case(home_grid, grid_worker.user)
    url = f"/api/v1/cases/{case.number}/actions/reject"
    body = {"comment": "重复", "duplicate_of": "320106\u0000"}
    answer = commander.client.post(url, json.dumps(body), content_type="application/json")
    assert answer.status_code in (400, 404, 422), answer.status_code
    assert "NUL" in answer.json()["detail_en"] or "No such" in answer.json()["detail_en"]
    where = point_in(home_grid)
    titled = {"subtype": "0101", "title": "楼道\u0000堆物", "lon": where.x, "lat": where.y}
    report = grid_worker.client.post(
        "/api/v1/cases", json.dumps(titled), content_type="application/json"
    )
    # PostgreSQL refuses the NUL (400, nothing written); SQLite stores it (201).
    assert report.status_code in (201, 400, 422), report.status_code
    assert Case.objects.count() == (2 if report.status_code == 201 else 1)
    case.refresh_from_db()
    assert case.state == "reported"  # nothing half-written
    # Written as JSON escapes it, a backslash before "u0000" is text, not a NUL.
    text = {"comment": "路径 C:\\u0000 不是空字符", "duplicate_of": ""}
    fine = commander.client.post(url, json.dumps(text), content_type="application/json")
    assert fine.status_code == 200, fine.content


def test_it_answers_a_search_with_a_nul_as_a_search_that_finds_nothing(
    home_grid: Grid, commander: Persona
) -> None:
    for url in ("/registry/people/?q=%00", "/api/v1/registry/people?q=%00", "/cases/?tab=%00"):
        assert commander.client.get(url).status_code in (200, 400), url
