"""The stations' API: one station's day, a visit logged at its window."""

import pytest
from django.utils import timezone

from outpost.geo.models import OutpostStation
from outpost.registry.models import StandardAddress
from outpost.stations import services
from outpost.stations.models import StationStaff, WindowEntry
from tests.conftest import Persona

pytestmark = pytest.mark.django_db
API = "/api/v1/stations"


def test_it_answers_the_stations_day(staffed: OutpostStation, grid_worker: Persona) -> None:
    worker = StationStaff.objects.get(station=staffed, user=grid_worker.user)
    services.book_duty(staffed, worker, timezone.localdate(), "afternoon", actor=None)
    new = services.NewWindowEntry("张大爷", "consultation", "咨询低保", "answered", "13912345678")
    services.record_window_visit(staffed, new, actor=grid_worker.user)
    body = grid_worker.client.get(f"{API}/{staffed.pk}").json()
    assert body["community"] == staffed.community.code and body["open_now"] is False
    assert body["on_duty"] == [
        {"shift": "afternoon", "user": "worker_p", "name": "worker_p", "post": "grid_worker"}
    ]
    assert [(e["visitor_name"], e["visitor_phone"]) for e in body["window_today"]] == [
        ("张大爷", "139****5678")
    ]


def test_it_logs_a_window_visit_that_opens_a_case(
    staffed: OutpostStation, grid_worker: Persona, address: StandardAddress
) -> None:
    body = {
        "visitor_name": "李先生",
        "kind": "dispute",
        "matter": "楼道堆物引发纠纷",
        "handling": "case",
        "case_subtype": "0101",
        "case_address": address.code,
    }
    answer = grid_worker.client.post(f"{API}/{staffed.pk}/window", body, "application/json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["case"] == WindowEntry.objects.get().case.number  # type: ignore[union-attr]


def test_it_refuses_in_both_languages(
    staffed: OutpostStation, grid_worker: Persona, commander: Persona, outsider: Persona
) -> None:
    body = {"visitor_name": "李", "kind": "other", "matter": "问路", "handling": "answered"}
    url = f"{API}/{staffed.pk}/window"
    assert outsider.client.post(url, body, "application/json").status_code == 404
    assert commander.client.post(url, body, "application/json").status_code == 403
    bad = grid_worker.client.post(url, body | {"visitor_phone": "123"}, "application/json")
    assert bad.status_code == 422
    assert "不是有效的电话号码" in bad.json()["detail"]
    assert "Not a phone number" in bad.json()["detail_en"]
    assert not WindowEntry.objects.exists()
