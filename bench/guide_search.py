"""Benchmark: recall of the service guides' Chinese search (一网通办 办事指南).

    python bench/guide_search.py [--pg-dsn postgresql://postgres@127.0.0.1:5432/postgres]

In a throwaway database (SQLite by default; PostgreSQL with --pg-dsn): migrate (the data
migration loads the shipped catalogue), then ask every resident query of
tests/guides/queries.json and print recall@1, recall@3 and the mean time per query of the
bigram search (also for the queries held out from tuning the matters' other names), beside an
anchor measured in the same run: a plain substring (`icontains`) search of the whole query over
the same matters' titles, descriptions and other names.
Exits 1 if recall@3 is under 90%.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script from anywhere

QUERIES = ROOT / "tests" / "guides" / "queries.json"
GOAL = 0.9
BENCH_DB = "outpost_bench_guides"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--pg-dsn", default="", help="PostgreSQL to create the database in")
    return parser.parse_args(argv)


@contextmanager
def throwaway_database(admin_dsn: str) -> Iterator[str]:
    """A fresh database (SQLite file, or BENCH_DB on PostgreSQL), migrated; dropped after."""
    with tempfile.TemporaryDirectory(prefix="outpost-bench-") as var:
        os.environ["OUTPOST_VAR_DIR"] = var
        os.environ["DJANGO_SETTINGS_MODULE"] = "outpost.settings"
        os.environ.setdefault("OUTPOST_DEBUG", "false")
        admin = None
        if admin_dsn:
            import psycopg
            from psycopg.conninfo import conninfo_to_dict

            admin = psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5)
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {BENCH_DB}")
            info = conninfo_to_dict(admin_dsn)
            user, host = info.get("user", "postgres"), info.get("host", "127.0.0.1")
            os.environ["DATABASE_URL"] = (
                f"postgres://{user}@{host}:{info.get('port', 5432)}/{BENCH_DB}"
            )
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{var}/bench.sqlite3"
        try:
            import django
            from django.core.management import call_command

            django.setup()
            call_command("migrate", verbosity=0)
            yield "postgresql" if admin_dsn else "sqlite"
        finally:
            from django.db import connections

            connections.close_all()
            if admin is not None:
                admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
                admin.close()


def measure(label: str, find: Callable[[str], list[Any]], rows: list[dict[str, str]]) -> float:
    first = top3 = 0
    started = time.perf_counter()
    misses = []
    for row in rows:
        codes = [m.code for m in find(row["query"])[:3]]
        first += codes[:1] == [row["expected"]]
        top3 += row["expected"] in codes
        if row["expected"] not in codes:
            misses.append(row["query"])
    ms = (time.perf_counter() - started) * 1000 / len(rows)
    n = len(rows)
    print(
        f"{label}: recall@1 {first / n:.0%}, recall@3 {top3 / n:.0%} "
        f"({top3}/{n}), {ms:.1f} ms per query"
    )
    if misses:
        print(f"  missed: {'、'.join(misses[:10])}{' …' if len(misses) > 10 else ''}")
    return top3 / n


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    rows = json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]
    with throwaway_database(args.pg_dsn) as vendor:
        from outpost.guides import queries
        from outpost.guides.models import Matter

        print(f"{vendor}: {Matter.objects.count()} matters, {len(rows)} resident queries")
        recall = measure("bigram search", lambda q: queries.search_matters(None, q), rows)
        held = [r for r in rows if r.get("held_out")]
        measure("  of which held out", lambda q: queries.search_matters(None, q), held)
        measure("anchor: substring (icontains)", queries.substring_matters, rows)
    ok = recall >= GOAL
    print(f"{'PASS' if ok else 'FAIL'}: recall@3 {recall:.0%} (goal ≥ {GOAL:.0%})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
