"""Citus (distributed PostgreSQL): one district, one distributed schema.

An Outpost deployment serves one district (`OUTPOST_DISTRICT_CODE`). On a Citus cluster each
district keeps all its tables in a schema of its own (the first on the connection's
`search_path`, e.g. `d320106`); after `outpost migrate` that schema is made a *distributed
schema* (Citus schema-based sharding): every table in it becomes a single-shard table, all of
them co-located on one worker, so each of the district's queries, joins, foreign keys,
sequences and transactions runs whole on that worker, unchanged. docs/scale.md ("Citus") says
why this model and not row-based distribution.

On SQLite, on plain PostgreSQL and on a Citus coordinator whose schema is `public` (which Citus
cannot distribute) nothing changes.
"""

import sys
from typing import Any

from django.db import connections
from django.utils.translation import gettext as _

DISTRIBUTE = "SELECT citus_schema_distribute(%s::regnamespace)"


def citus_present(using: str = "default") -> bool:
    """Whether the database is a Citus node (the extension is installed in it)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'")
        return cursor.fetchone() is not None


def district_schema(using: str = "default") -> str:
    """The schema the connection creates its tables in."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        row = cursor.fetchone()
    return str(row[0]) if row else "public"


def is_distributed(schema: str, using: str = "default") -> bool:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_dist_schema WHERE schemaid = to_regnamespace(%s)", [schema]
        )
        return cursor.fetchone() is not None


def distribute_district_schema(using: str = "default") -> str:
    """Make the district's schema a distributed schema, once. Answers what it did: `""` (not
    Citus), `"public"` (left on the coordinator), `"distributed"` or `"already"`."""
    if not citus_present(using):
        return ""
    schema = district_schema(using)
    if schema == "public":
        return "public"
    if is_distributed(schema, using):
        return "already"
    with connections[using].cursor() as cursor:
        cursor.execute(DISTRIBUTE, [schema])
    return "distributed"


def after_migrate(sender: Any, using: str = "default", verbosity: int = 1, **kwargs: Any) -> None:
    """post_migrate: tables made by this run's migrations are in place; distribute them.
    Tables that later migrations add to a distributed schema are distributed by Citus as they
    are created, so this runs only once per district."""
    done = distribute_district_schema(using)
    out = kwargs.get("stdout") or sys.stdout
    if verbosity and done == "distributed":
        schema = district_schema(using)
        out.write(_("Citus: schema %(schema)s distributed (one shard group)") % {"schema": schema})
        out.write("\n")
    elif verbosity and done == "public":
        out.write(
            _(
                "Citus: the tables are in schema public, which Citus cannot distribute; they "
                "stay on the coordinator. Give the district a schema of its own (docs/scale.md)."
            )
            + "\n"
        )
