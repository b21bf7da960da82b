"""Inspections on the phone, by API and page: start, results, sign-off, re-check."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from outpost.fieldwork.models import Hazard, Inspection
from tests.conftest import Persona
from tests.fieldwork.conftest import Subjects

pytestmark = pytest.mark.django_db
API = "/api/v1/fieldwork/inspections"


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def started(subjects: Subjects, officer: Persona, market_handler: Persona) -> dict[str, Any]:
    body = {"kind": "organisation", "key": "FW-U-1", "checklist": "hotel", "departments": ["SJ"]}
    answer = post(officer.client, API, body)
    assert answer.status_code == 201, answer.content
    return answer.json()


def test_it_runs_a_joint_inspection_by_api(
    started: dict[str, Any], officer: Persona, market_handler: Persona, grid_worker: Persona
) -> None:
    pk = started["id"]
    assert [p["department"] for p in started["parties"]] == ["SJ"]
    results = {"H1": False, "H2": True, "H3": True, "H4": True}
    done = post(officer.client, f"{API}/{pk}/results", {"results": results, "rectify_days": 5})
    assert done.status_code == 200, done.content
    [hazard] = done.json()["hazards"]
    assert hazard["recheck_passed"] is None
    assert post(grid_worker.client, f"{API}/{pk}/parties/SJ/sign", {}).status_code == 403
    signed = post(market_handler.client, f"{API}/{pk}/parties/SJ/sign", {})
    assert signed.status_code == 200 and signed.json()["parties"][0]["signed_by"] == "market_p"
    rechecked = post(officer.client, f"{API}/hazards/{hazard['id']}/recheck", {"passed": True})
    assert rechecked.status_code == 200 and rechecked.json()["recheck_passed"] is True


def test_it_answers_outsiders_404_and_readers_403(
    started: dict[str, Any], outsider: Persona, commander: Persona, subjects: Subjects
) -> None:
    pk = started["id"]
    assert outsider.client.get(f"{API}/{pk}").status_code == 404
    assert commander.client.get(f"{API}/{pk}").status_code == 200
    results = {"H1": True, "H2": True, "H3": True, "H4": True}
    assert post(commander.client, f"{API}/{pk}/results", {"results": results}).status_code == 403
    assert post(outsider.client, f"{API}/{pk}/results", {"results": results}).status_code == 404
    body = {"kind": "organisation", "key": "FW-U-1", "checklist": "fire"}
    assert post(commander.client, API, body).status_code == 403
    assert post(outsider.client, API, body).status_code == 404
    assert Inspection.objects.get(pk=pk).completed_at is None


def test_it_runs_an_inspection_on_the_pages(
    subjects: Subjects, officer: Persona, checklists_loaded: None
) -> None:
    client = officer.client
    url = reverse("fieldwork:new_inspection", args=["house", "FW-H-1"])
    assert "出租房屋安全检查" in client.get(url).content.decode()
    started = client.post(url, {"checklist": "rental"})
    assert started.status_code == 302
    found = Inspection.objects.get()
    form = {"item_R1": "pass", "item_R2": "fail", "item_R3": "pass", "item_R4": "pass"}
    page = reverse("fieldwork:inspection", args=[found.pk])
    client.post(page, {**form, "rectify_days": 7})
    hazard = Hazard.objects.get()
    assert hazard.item_code == "R2" and hazard.case.subtype.code == "0304"
    client.post(reverse("fieldwork:recheck", args=[hazard.pk]), {"passed": "0", "note": "仍群租"})
    hazard.refresh_from_db()
    assert hazard.recheck_passed is False
    html = client.get(page).content.decode()
    assert "复查未通过" in html and hazard.case.number in html
