"""Visits on the phone: the due list and a visit's record, by page and by API."""

import json

import pytest
from django.urls import reverse

from outpost.cases.models import Case
from outpost.fieldwork.models import Visit
from tests.conftest import Persona
from tests.fieldwork.conftest import Subjects

pytestmark = pytest.mark.django_db
API = "/api/v1/fieldwork"


def test_it_lists_the_visits_due_on_the_page(subjects: Subjects, grid_worker: Persona) -> None:
    page = grid_worker.client.get(reverse("fieldwork:visits")).content.decode()
    assert "王奶奶" in page and "金陵旅馆" in page and "个待走访" in page


def test_it_filters_the_list_by_worker(
    subjects: Subjects, commander: Persona, grid_worker: Persona, outsider: Persona
) -> None:
    mine = commander.client.get(f"{API}/visits/due?worker={grid_worker.user.username}").json()
    theirs = commander.client.get(f"{API}/visits/due?worker={outsider.user.username}").json()
    assert {i["key"] for i in mine["items"]} >= {"FW-P-1", "FW-H-1", "FW-U-1"}
    assert theirs["total"] == 0


def test_it_records_a_visit_on_the_page(subjects: Subjects, grid_worker: Persona) -> None:
    url = reverse("fieldwork:visit", args=["care", "FW-P-1"])
    answer = grid_worker.client.post(url, {"met": "王奶奶本人", "found": "身体良好"})
    assert answer.status_code == 302
    visit = Visit.objects.get()
    assert (visit.person, visit.met, visit.visitor) == (
        subjects.elder,
        "王奶奶本人",
        grid_worker.user,
    )


def test_it_opens_a_case_from_a_visit_by_api(subjects: Subjects, grid_worker: Persona) -> None:
    body = {
        "kind": "key_unit",
        "key": "FW-U-1",
        "met": "店长",
        "found": "消防通道堵塞",
        "case_subtype": "0101",
        "case_title": "旅馆消防通道堵塞",
    }
    answer = grid_worker.client.post(f"{API}/visits", json.dumps(body), "application/json")
    assert answer.status_code == 201, answer.content
    case = Case.objects.get(number=answer.json()["case"])
    assert case.title == "旅馆消防通道堵塞" and case.address == subjects.address


def test_it_answers_404_outside_and_403_to_readers(
    subjects: Subjects, outsider: Persona, commander: Persona
) -> None:
    body = json.dumps({"kind": "care", "key": "FW-P-1", "met": "本人"})
    assert outsider.client.post(f"{API}/visits", body, "application/json").status_code == 404
    assert commander.client.post(f"{API}/visits", body, "application/json").status_code == 403
    url = reverse("fieldwork:visit", args=["care", "FW-P-1"])
    assert outsider.client.get(url).status_code == 404
    assert commander.client.get(url).status_code == 200
    assert not Visit.objects.exists()


def test_it_refuses_a_visit_to_someone_needing_none(
    subjects: Subjects, grid_worker: Persona
) -> None:
    body = json.dumps({"kind": "care", "key": "FW-P-2", "met": "本人"})
    answer = grid_worker.client.post(f"{API}/visits", body, "application/json")
    assert answer.status_code == 422 and "关怀对象" in answer.json()["detail"]
