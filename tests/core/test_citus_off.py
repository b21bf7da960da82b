"""Without Citus (SQLite, plain PostgreSQL) `outpost migrate` distributes nothing: the
post-migrate step finds no extension and leaves the schema alone."""

import pytest

from outpost.core.citus import citus_present, distribute_district_schema

pytestmark = pytest.mark.django_db


def test_it_leaves_a_database_without_citus_alone() -> None:
    assert not citus_present()
    assert distribute_district_schema() == ""
