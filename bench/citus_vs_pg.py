"""Benchmark: the same mixed load on one PostgreSQL and on the 3-node Citus cluster.

    python bench/citus_vs_pg.py [--pg-dsn postgresql://postgres@127.0.0.1:5432/postgres]
        [--citus-dsn postgresql://postgres@127.0.0.1:5433/outpost] [--cases 5000] [--ops 400]
        [--threads 2]

Each target gets the same data loaded the same way into a place of its own: on PostgreSQL a
throwaway database, on Citus a throwaway district schema (`dbench`) on the coordinator, which
`outpost migrate` distributes as it does a deployment's (docs/scale.md, "Citus"). The data:
鼓楼区's boundaries, addresses and people, the taxonomy and --cases cases of the last 90 days.
Then --ops requests in one fixed random mix, from --threads threads, through the API and pages
as signed-in staff (Django's test client, in process): a case by number, the worker's case
list, a case reported, a person's page (which appends to the access log's hash chain) and an
indicator per street over 90 days. Prints, per target, throughput and p50/p95 per kind, and the
anchors measured in the same run: a `SELECT 1` round trip and one case read by key. On Citus
each kind's statements are then EXPLAINed on the coordinator: a statement whose plan has more
than one task went multi-shard. Needs the cluster up: `OUTPOST_CITUS_KEEP=1 make test-citus`
leaves it running (`../shared/vendor/citus/cluster.sh stop` stops it).

On one machine the three Citus servers share the cores the single server has alone: this
measures what routing through the coordinator costs per request, not what more machines gain.
A request that raises is listed among the failures; Django's test client hears exceptions
through a process-wide signal, so one thread's may surface in the other's next request.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script from anywhere

from bench.throwaway import database_url, django_on, throwaway_database  # noqa: E402

DATA = ROOT / "data" / "gulou"
PG_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
CITUS_DSN = "postgresql://postgres@127.0.0.1:5433/outpost"
PG_DB = "outpost_bench_citus_vs_pg"
SCHEMA = "dbench"
HOME_GRID = "320106001003001"
API = "/api/v1"
MIX = {"case": 40, "list": 20, "report": 10, "person": 20, "indicator": 10}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--pg-dsn", default=PG_DSN)
    parser.add_argument("--citus-dsn", default=CITUS_DSN, help="the coordinator's database")
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--ops", type=int, default=400)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--target", choices=["pg", "citus"], help=argparse.SUPPRESS)
    return parser.parse_args(argv)


@contextmanager
def throwaway_schema(admin_dsn: str, schema: str) -> Iterator[None]:
    """A fresh district schema on the coordinator, Django pointed at it and migrated (which
    distributes it); dropped afterwards."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.execute(f"CREATE SCHEMA {schema}")
        dbname = conninfo_to_dict(admin_dsn)["dbname"]
        url = database_url(admin_dsn, dbname, f"?options=-c%20search_path%3D{schema}")
        try:
            with django_on(url):
                yield
        finally:
            admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def load(cases: int) -> None:
    """The district's map, addresses and people, the taxonomy and `cases` cases."""
    from outpost.cases.history import generate_history
    from outpost.cases.taxonomy import load_taxonomy
    from outpost.core.context import request_context
    from outpost.demo.management.commands.demo import _read_demo_file
    from outpost.geo.boundaries import import_boundaries
    from outpost.registry.imports import run_import

    with request_context("command"):
        import_boundaries(DATA)
        for kind in ("addresses", "persons"):
            run_import(kind, *_read_demo_file(DATA, kind))
        load_taxonomy()
        generate_history(count=cases)


class Load:
    """The personas, what they ask for, and one request of each kind."""

    def __init__(self) -> None:
        from django.conf import settings

        from outpost.accounts.models import User
        from outpost.accounts.roles import Role
        from outpost.accounts.services import grant_role
        from outpost.assessment import periods
        from outpost.cases.models import Case
        from outpost.geo.models import Grid
        from outpost.registry.models import Person

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        self.users = {}
        grid = Grid.objects.select_related("community").get(code=HOME_GRID)
        for name, role, scope in (
            ("bench_admin", Role.ADMIN, "320106000000"),
            ("bench_worker", Role.GRID_WORKER, HOME_GRID),
        ):
            user = User.objects.create_user(username=name, password="x", display_name=name)
            grant_role(user, role, scope, actor=None)
            self.users[name] = user
        self.where = _point_in(grid)
        self.numbers = list(Case.objects.values_list("number", flat=True)[:2000])
        self.people = list(
            Person.objects.filter(grid_code=HOME_GRID).values_list("person_no", flat=True)[:200]
        )
        today = time.strftime("%Y-%m-%d")
        first = time.strftime("%Y-%m-%d", time.localtime(time.time() - 89 * 86400))
        self.period = periods.parse(f"{first}_{today}").key

    def clients(self) -> dict[str, Any]:
        from django.test import Client

        made = {}
        for name, user in self.users.items():
            client = Client()
            client.force_login(user)
            made[name] = client
        return made

    def run(self, kind: str, clients: dict[str, Any], rng: random.Random) -> int:
        admin, worker = clients["bench_admin"], clients["bench_worker"]
        if kind == "case":
            return admin.get(f"{API}/cases/{rng.choice(self.numbers)}").status_code
        if kind == "list":
            return worker.get(f"{API}/cases?limit=20").status_code
        if kind == "report":
            body = {
                "subtype": "9901",
                "title": "压测上报",
                "lon": self.where[0],
                "lat": self.where[1],
            }
            return worker.post(
                f"{API}/cases", json.dumps(body), content_type="application/json"
            ).status_code
        if kind == "person":
            return worker.get(f"/registry/people/{rng.choice(self.people)}/").status_code
        url = f"{API}/assessment/indicators/case_closure/values"
        return admin.get(url, {"unit": "street", "period": self.period}).status_code


def _point_in(grid: Any) -> tuple[float, float]:
    from outpost.geo.geometry import from_geojson_text

    point = from_geojson_text(grid.geometry).representative_point()
    return point.x, point.y


def timed_run(work: Load, ops: int, threads: int) -> dict[str, Any]:
    """`ops` requests of the mix from `threads` threads; latencies per kind."""
    from django.db import connection

    plan = random.Random(2026).choices(list(MIX), weights=list(MIX.values()), k=ops)
    shares = [plan[i::threads] for i in range(threads)]
    seconds: dict[str, list[float]] = defaultdict(list)
    failures: list[str] = []

    def worker(kinds: list[str], seed: int) -> None:
        clients, rng = work.clients(), random.Random(seed)
        for kind in kinds:
            started = time.perf_counter()
            try:
                status = work.run(kind, clients, rng)
            except Exception as error:  # a request that raised: counted, shown, not timed
                failures.append(f"{kind}: {error!r}"[:300])
                continue
            seconds[kind].append(time.perf_counter() - started)
            if status >= 400:
                failures.append(f"{kind}: {status}")
        connection.close()

    pool = [threading.Thread(target=worker, args=(s, i)) for i, s in enumerate(shares)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - started
    return {"wall": wall, "seconds": dict(seconds), "failures": failures[:5]}


def anchors() -> dict[str, float]:
    """Medians of 200 round trips, in ms: `SELECT 1` (answered where the client connects) and
    one case by primary key (on Citus: routed to the worker holding the district)."""
    from django.db import connection

    from outpost.cases.models import Case

    ids = list(Case.objects.values_list("pk", flat=True)[:200])
    found = {}
    with connection.cursor() as cursor:
        for name, sql in (
            ("select_1", "SELECT 1"),
            ("by_key", "SELECT id FROM cases_case WHERE id = %s"),
        ):
            times = []
            for pk in ids:
                started = time.perf_counter()
                cursor.execute(sql, [pk] if "%s" in sql else None)
                cursor.fetchone()
                times.append(time.perf_counter() - started)
            found[name] = statistics.median(times) * 1000
    return found


TASKS = re.compile(r"Task Count: (\d+)")
EXPLAINABLE = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


def shard_tasks(work: Load) -> dict[str, dict[str, int]]:
    """Per kind: the statements one request runs, how many Citus routes to one shard, how many
    to several (multi-shard), and how many stay on the coordinator (no Citus plan)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clients, rng, found = work.clients(), random.Random(7), {}
    for kind in MIX:
        with CaptureQueriesContext(connection) as captured:
            work.run(kind, clients, rng)
        counts = {"statements": 0, "one_shard": 0, "multi_shard": 0, "coordinator": 0}
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(EXPLAINABLE):
                continue
            counts["statements"] += 1
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN {sql}")
                plan = "\n".join(r[0] for r in cursor.fetchall())
            tasks = [int(n) for n in TASKS.findall(plan)]
            key = "coordinator" if not tasks else "multi_shard" if max(tasks) > 1 else "one_shard"
            counts[key] += 1
        found[kind] = counts
    return found


def measure(target: str, args: argparse.Namespace) -> dict[str, Any]:
    place = (
        throwaway_database(args.pg_dsn, PG_DB)
        if target == "pg"
        else throwaway_schema(args.citus_dsn, SCHEMA)
    )
    with place:
        started = time.perf_counter()
        load(args.cases)
        loaded = time.perf_counter() - started
        work = Load()
        result = {
            "load_s": loaded,
            **anchors(),
            **timed_run(work, args.ops, args.threads),
        }
        if target == "citus":
            result["shards"] = shard_tasks(work)
        return result


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))] * 1000


def report(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> None:
    print(f"mixed load: {args.ops} requests, {args.threads} threads, {args.cases} cases, mix {MIX}")
    for target, r in results.items():
        total = sum(len(v) for v in r["seconds"].values())
        print(
            f"\n{target}: load {r['load_s']:.0f} s; anchors: SELECT 1 {r['select_1']:.2f} ms, "
            f"a case by key {r['by_key']:.2f} ms; {total / r['wall']:.1f} requests/s"
        )
        for kind, values in r["seconds"].items():
            print(
                f"  {kind:<10} n={len(values):<4} p50 {percentile(values, 0.5):7.1f} ms  "
                f"p95 {percentile(values, 0.95):7.1f} ms"
            )
        everything = [v for values in r["seconds"].values() for v in values]
        print(f"  {'all':<10} n={len(everything):<4} p95 {percentile(everything, 0.95):7.1f} ms")
        if r["failures"]:
            print(f"  failures: {r['failures']}")
    shards = results.get("citus", {}).get("shards", {})
    if shards:
        print(
            "\nCitus plans of one request of each kind (statements: one shard / multi-shard / "
            "coordinator only):"
        )
        for kind, c in shards.items():
            print(
                f"  {kind:<10} {c['statements']:>3}: {c['one_shard']} / {c['multi_shard']} / "
                f"{c['coordinator']}"
            )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.target:
        print(json.dumps(measure(args.target, args)))
        return 0
    results = {}
    for target in ("pg", "citus"):
        command = [sys.executable, __file__, "--target", target, *sys.argv[1:]]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            print(done.stdout[-2000:], done.stderr[-4000:], file=sys.stderr)
            return 1
        results[target] = json.loads(done.stdout.strip().splitlines()[-1])
    report(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
