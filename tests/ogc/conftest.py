"""OGC API: the taxonomy loaded, cases of each kind in the home grid, and bearer tokens."""

import datetime as dt
import secrets
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from outpost.accounts.models import ApiToken, User
from outpost.cases.models import Case, Sensitivity
from outpost.cases.taxonomy import load_taxonomy
from outpost.core.crypto import keyed_hash
from outpost.geo.models import Grid
from tests.cases.conftest import chief, file_case
from tests.conftest import Persona

__all__ = ["chief"]
REPORTER = "张三丰"
PHONE = "13912345678"
TITLE = "王五家门口垃圾堆放"
DESCRIPTION = "王五说垃圾堆了三天"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_taxonomy()


def reported(case: Case, at: dt.datetime) -> Case:
    Case.objects.filter(pk=case.pk).update(reported_at=at)
    case.refresh_from_db()
    return case


@pytest.fixture
def cases(home_grid: Grid, grid_worker: Persona, chief: User) -> dict[str, Case]:
    """One case of each kind the feed must tell apart, reported a day apart (newest first:
    public, police, registry, care)."""
    worker = grid_worker.user
    made = {
        "public": file_case(
            home_grid,
            worker,
            "0603",
            title=TITLE,
            description=DESCRIPTION,
            reporter_name=REPORTER,
            reporter_phone=PHONE,
        ),
        "police": file_case(home_grid, worker, "0301"),
        "registry": file_case(home_grid, worker, "0401"),
        "care": file_case(home_grid, chief, "0501"),  # 关怀帮扶: designated roles report it
    }
    start = dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC)
    for days, case in enumerate(made.values()):
        reported(case, start - dt.timedelta(days=days))
    assert made["police"].sensitivity == Sensitivity.POLICE_ONLY
    return made


def bearer(user: User) -> dict[str, str]:
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        token_hash=keyed_hash(token, purpose="api_token"),
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def client() -> Client:
    return Client()
