"""While the database cannot be reached (a restart, a failover), pages and the API answer 503 with
Retry-After and a message in Chinese (and English in the API), never the generic 500; other
failures stay 500. tests/deploy/test_faults.py stops a real PostgreSQL under the running app."""

from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client

from tests.conftest import Persona


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first query a request makes (its session) finds no database."""

    def refuse(self: Any) -> Any:
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    monkeypatch.setattr(SessionStore, "load", refuse)


def _quiet(client: Client) -> Client:
    client.raise_request_exception = False
    return client


def test_it_answers_pages_with_503_while_the_database_is_unreachable(
    grid_worker: Persona, database_down: None
) -> None:
    page = _quiet(grid_worker.client).get("/cases/")
    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    assert "系统正忙" in page.content.decode()


def test_it_answers_the_api_with_503_in_both_languages(
    grid_worker: Persona, database_down: None
) -> None:
    answer = _quiet(grid_worker.client).get("/api/v1/cases")
    assert answer.status_code == 503
    assert answer["Retry-After"] == "30"
    assert answer.json()["detail"] == "暂时无法访问数据，请稍后再试"
    assert answer.json()["detail_en"] == "The records cannot be reached right now; try again soon"


def test_it_keeps_other_failures_a_500(
    grid_worker: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Any) -> Any:
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr(SessionStore, "load", broken)
    page = _quiet(grid_worker.client).get("/cases/")
    assert page.status_code == 500
    assert "Retry-After" not in page
