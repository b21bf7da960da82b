"""Request size limits and per-address limits that hold behind a reverse proxy."""

import json
from typing import Any

import pytest
from django.test import Client

from outpost.cases.models import Case
from tests.conftest import Persona

pytestmark = pytest.mark.django_db


def test_it_refuses_an_oversized_request_before_reading_it(
    grid_worker: Persona, settings: Any
) -> None:
    settings.OUTPOST_MAX_REQUEST_BYTES = 1024
    body = json.dumps({"subtype": "0603", "title": "x" * 2000, "lon": 118.77, "lat": 32.07})
    answer = grid_worker.client.post("/api/v1/cases", body, content_type="application/json")
    assert answer.status_code == 413
    assert answer.json() == {
        "detail": "请求过大：上限为 1 KB",
        "detail_en": "Request too large: the limit is 1 KB",
    }
    page = grid_worker.client.post("/cases/report/", {"title": "y" * 2000})
    assert page.status_code == 413 and "请求过大" in page.content.decode()
    assert not Case.objects.exists()
    small = grid_worker.client.get("/cases/")
    assert small.status_code == 200  # bodiless requests are never held up


def test_it_counts_status_lookups_per_client_behind_a_proxy(settings: Any) -> None:
    settings.OUTPOST_TRUSTED_PROXIES = 1
    settings.OUTPOST_STATUS_LOOKUPS_PER_MINUTE = 3
    settings.OUTPOST_STATUS_LOOKUP_WINDOW = 3600
    proxy = "10.0.0.1"  # every request reaches Outpost from the proxy's address
    first = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    for _ in range(3):
        assert first.get("/status/NOSUCHCODE/").status_code == 404
    assert first.get("/status/NOSUCHCODE/").status_code == 429
    # A client cannot dodge the limit by claiming another address in front of the real one.
    spoofed = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert spoofed.get("/status/NOSUCHCODE/").status_code == 429
    other = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert other.get("/status/NOSUCHCODE/").status_code == 404  # a different resident
