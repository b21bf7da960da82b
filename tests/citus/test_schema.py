"""The distribution model on the cluster: a district's schema is one distributed schema, every
table of it a single-shard table in one co-location group on one worker; `outpost migrate`
again changes nothing."""

import pytest
from django.core.management import call_command
from django.db import connection

from outpost.core.citus import distribute_district_schema
from tests.citus.conftest import HOME, OTHER

pytestmark = pytest.mark.citus

COORDINATOR_PORT = 5433

PLACEMENT = """
SELECT count(*), count(p.logicalrelid), count(DISTINCT p.colocationid),
       array_agg(DISTINCT p.partmethod), array_agg(DISTINCT s.nodeport)
FROM pg_tables t
LEFT JOIN pg_dist_partition p
       ON p.logicalrelid = format('%%I.%%I', t.schemaname, t.tablename)::regclass
LEFT JOIN pg_dist_shard d ON d.logicalrelid = p.logicalrelid
LEFT JOIN pg_dist_shard_placement s ON s.shardid = d.shardid
WHERE t.schemaname = %s
"""


def _placement(schema: str) -> tuple[int, int, int, list[str], list[int]]:
    with connection.cursor() as cursor:
        cursor.execute(PLACEMENT, [schema])
        row = cursor.fetchone()
    assert row is not None
    return row


@pytest.mark.parametrize("schema", [HOME, OTHER])
def test_it_keeps_every_table_of_a_district_together_on_one_worker(live: None, schema: str) -> None:
    tables, distributed, groups, methods, nodes = _placement(schema)
    assert tables > 90 and distributed == tables  # every table, django_migrations included
    assert groups == 1 and methods == ["n"]  # one co-location group, no distribution column
    assert len(nodes) == 1 and nodes[0] != COORDINATOR_PORT


def test_the_two_districts_are_two_distributed_schemas(live: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT schema_name::text FROM public.citus_schemas ORDER BY 1")
        schemas = [r[0] for r in cursor.fetchall()]
    assert {HOME, OTHER} <= set(schemas)
    assert _placement(HOME)[2:4] == _placement(OTHER)[2:4]  # same shape, each its own group


def test_migrating_again_distributes_nothing_twice(live: None) -> None:
    before = _placement(HOME)
    call_command("migrate", verbosity=0)
    assert distribute_district_schema() == "already"
    assert _placement(HOME) == before
