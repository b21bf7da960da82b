"""A PostgreSQL database for one benchmark run: created, Django pointed at it and migrated,
dropped afterwards whatever happened. Shared by the benchmarks that need Django on PostgreSQL."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def django_on(database_url: str) -> Iterator[None]:
    """Django set up on `database_url` (a scratch var folder, no per-query log) and migrated;
    its connections closed after."""
    with tempfile.TemporaryDirectory(prefix="outpost-bench-") as var:
        os.environ["DATABASE_URL"] = database_url
        os.environ["OUTPOST_VAR_DIR"] = var
        os.environ["DJANGO_SETTINGS_MODULE"] = "outpost.settings"
        os.environ.setdefault("OUTPOST_DEBUG", "false")  # no per-query log
        import django
        from django.core.management import call_command

        try:
            django.setup()
            call_command("migrate", verbosity=0)
            yield
        finally:
            from django.db import connections

            connections.close_all()


def database_url(admin_dsn: str, name: str, options: str = "") -> str:
    """The URL of database `name` on the server `admin_dsn` reaches, as the same user."""
    from psycopg.conninfo import conninfo_to_dict

    info = conninfo_to_dict(admin_dsn)
    user, host = info.get("user", "postgres"), info.get("host", "127.0.0.1")
    return f"postgres://{user}@{host}:{info.get('port', 5432)}/{name}{options}"


@contextmanager
def throwaway_database(admin_dsn: str, name: str, keep: bool = False) -> Iterator[None]:
    """Create database `name` through `admin_dsn`, set Django up on it, migrate; drop it after
    (unless `keep`)."""
    import psycopg

    with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
        try:
            with django_on(database_url(admin_dsn, name)):
                yield
        finally:
            if not keep:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def load_district_registry(data: Path) -> None:
    """The district's boundaries and its 一标三实 registry (addresses, people, houses, units)
    through the product's importers, then the taxonomy. Call inside `throwaway_database`."""
    import lzma

    from outpost.cases.taxonomy import load_taxonomy
    from outpost.core.context import request_context
    from outpost.geo.boundaries import import_boundaries
    from outpost.registry.imports import run_import

    with request_context("command"):
        import_boundaries(data)
        for kind in ("addresses", "persons", "houses", "units"):
            name = f"{kind}.csv"
            run_import(kind, lzma.decompress((data / f"{name}.xz").read_bytes()), name)
        load_taxonomy()


def analyze() -> None:
    """What autovacuum does soon after a load this size: the planner's statistics."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
