"""The public API: search the catalogue; ask for help without an account (201 with the tracking
code, 422 in both languages for bad input, 429 past the limit per client address)."""

import json

import pytest
from django.test import Client

from outpost.geo.models import Grid
from outpost.guides.models import ServiceRequest
from tests.conftest import Persona

pytestmark = pytest.mark.django_db
URL = "/api/v1/guides/requests"


def _body(grid: Grid, **more: str) -> dict[str, str]:
    return {
        "matter": "residence-permit",
        "mode": "assist",
        "resident_name": "李师傅",
        "phone": "13800001111",
        "grid": grid.code,
        "address": "湖南路1号",
    } | more


def _post(client: Client, body: dict[str, str]) -> object:
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_it_searches_the_catalogue(anonymous: Client) -> None:
    found = anonymous.get("/api/v1/guides/matters", {"q": "孩子出生了怎么上户口"}).json()
    assert found[0]["code"] == "newborn-hukou" and found[0]["police"] is True
    assert "出生医学证明" in found[0]["documents"]


def test_it_takes_a_request_without_an_account(
    anonymous: Client, home_grid: Grid, officer: Persona
) -> None:
    answer = _post(anonymous, _body(home_grid))
    assert answer.status_code == 201  # type: ignore[attr-defined]
    data = answer.json()  # type: ignore[attr-defined]
    req = ServiceRequest.objects.get(code=data["code"])
    assert (req.assignee, data["handled_by"]) == (officer.user, "police")
    assert data["url"] == f"/guides/track/{req.code}/"


def test_it_refuses_bad_input_in_both_languages(anonymous: Client, home_grid: Grid) -> None:
    answer = _post(anonymous, _body(home_grid, phone="abc"))
    assert answer.status_code == 422  # type: ignore[attr-defined]
    data = answer.json()  # type: ignore[attr-defined]
    assert "电话号码" in data["detail"] and "phone number" in data["detail_en"]
    assert _post(anonymous, _body(home_grid, matter="nope")).status_code == 404  # type: ignore[attr-defined]
    assert not ServiceRequest.objects.exists()


def test_it_limits_requests_per_client_address(
    anonymous: Client, home_grid: Grid, settings: object
) -> None:
    settings.OUTPOST_GUIDE_REQUESTS = 1  # type: ignore[attr-defined]
    assert _post(anonymous, _body(home_grid)).status_code == 201  # type: ignore[attr-defined]
    refused = _post(anonymous, _body(home_grid))
    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert "请求过多" in refused.json()["detail"]  # type: ignore[attr-defined]
    assert ServiceRequest.objects.count() == 1
