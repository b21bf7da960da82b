"""The replica router's rules, without a replica (tests/deploy/test_replica.py runs a real one):
only allowed reads go there, never who may do what, never after the request wrote."""

from collections.abc import Iterator

import pytest
from django.contrib.sessions.models import Session

from outpost.accounts.models import RoleAssignment, User
from outpost.cases.models import Case
from outpost.core import replica
from outpost.core.models import AccessLogEntry

router = replica.PrimaryReplicaRouter()


@pytest.fixture
def reading() -> Iterator[None]:
    token = replica._reading.set(True)
    wrote = replica._wrote.set(False)
    yield
    replica._reading.reset(token)
    replica._wrote.reset(wrote)


def test_it_reads_lists_from_the_replica_but_roles_and_sessions_from_the_primary(
    reading: None,
) -> None:
    assert router.db_for_read(Case) == "replica"
    for model in (User, RoleAssignment, Session, AccessLogEntry):
        assert router.db_for_read(model) == "default"


def test_it_reads_from_the_primary_once_the_request_has_written(reading: None) -> None:
    assert router.db_for_write(Session) == "default"  # bookkeeping: still the replica
    assert router.db_for_write(AccessLogEntry) == "default"
    assert router.db_for_read(Case) == "replica"
    assert router.db_for_write(Case) == "default"
    assert router.db_for_read(Case) == "default"


def test_it_never_migrates_the_replica() -> None:
    assert router.allow_migrate("default", "cases")
    assert not router.allow_migrate("replica", "cases")


def test_it_uses_the_primary_when_no_replica_is_configured(client: object, db: None) -> None:
    assert not replica.configured()
    assert router.db_for_read(Case) == "default"
