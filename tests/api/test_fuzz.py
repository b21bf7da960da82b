"""Schema-driven fuzzing of the whole API (schemathesis): for every operation in the OpenAPI
description, generated requests (valid and invalid) as a signed-in street commander with cases,
people and a subscription in the district. No answer may be a 5xx, and every answer must match
what the schema documents for its status code."""

import datetime as dt
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from outpost.accounts.models import ApiToken
from outpost.cases.taxonomy import load_taxonomy
from outpost.core.crypto import keyed_hash
from outpost.geo.models import Grid
from tests.cases.conftest import file_case
from tests.conftest import Persona

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """Like Django's test client: requests must not close the test's database connection (its
    transaction holds the test data)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded when the module is collected: the description needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
# The schema's own examples, the coverage phase (every boundary and every way to break each
# constraint the description states) and 30 random examples per operation, as the independent
# fuzzing run of issue 10 did; stateful sequences are left to the tests of each workflow.
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])


@pytest.fixture
def signed_in(home_grid: Grid, commander: Persona, grid_worker: Persona) -> dict[str, str]:
    """A token of the street commander, with a few cases of theirs to find."""
    load_taxonomy()
    for subtype in ("0101", "0603"):
        file_case(home_grid, grid_worker.user, subtype)
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=commander.user,
        token_hash=keyed_hash(token, purpose="api_token"),
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    return {"Authorization": f"Bearer {token}"}


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_it_answers_every_operation_as_documented(case: Any, signed_in: dict[str, str]) -> None:
    case.call_and_validate(headers=signed_in, checks=CHECKS)
