"""Outpost on a Citus cluster (`make test-citus`, .ci/citus; docs/scale.md "Citus").

These tests run against the coordinator's database as `.ci/citus` left it: district 320106's
schema (`d320106`, first on the connection's search_path) migrated, distributed and loaded with
the 鼓楼区 demo, and a second district's schema (`OUTPOST_CITUS_OTHER_SCHEMA`) migrated with its
map. pytest-django's test database is not made: a fresh database would lack the cluster's
nodes. Nor is each test wrapped in a transaction that rolls back: the writes commit as in
production, so they reach the workers and threads race on real connections. Every account a
test makes has a new name; the cluster is thrown away afterwards.
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

from outpost.accounts.models import User
from outpost.accounts.services import grant_role
from outpost.core.citus import citus_present, district_schema
from tests.conftest import Persona

HOME = "d320106"
OTHER = os.environ.get("OUTPOST_CITUS_OTHER_SCHEMA", "d320104")


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker: pytest.FixtureRequest) -> None:
    """The cluster's database as it is, or every test here skipped."""
    with django_db_blocker.unblock():
        if not citus_present() or district_schema() != HOME:
            pytest.skip(f"needs a Citus coordinator with schema {HOME} first (make test-citus)")


@pytest.fixture
def live(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    """Database access that commits, as a request in production does."""
    with django_db_blocker.unblock():
        yield
        connection.close()


def persona(role: str | None, scope: str | None, prefix: str = "citus") -> Persona:
    """An account with a new name, holding `role` over `scope` (granted by the real service)."""
    user = User.objects.create_user(
        username=f"{prefix}_{uuid.uuid4().hex[:10]}", password="x", display_name=prefix
    )
    if role and scope:
        grant_role(user, role, scope, actor=None)
    client = Client()
    client.force_login(user)
    return Persona(user, client)


@contextmanager
def in_schema(schema: str) -> Iterator[None]:
    """The connection reads and writes another district's schema meanwhile (as that
    district's own deployment would, with its own search_path)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('search_path', %s, false)", [schema])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET search_path")
