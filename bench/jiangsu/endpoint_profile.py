"""Profile, in one process, the three requests the mixed load makes: their queries and time.

    python bench/jiangsu/endpoint_profile.py [--cases 2000000] [--db jiangsu_profile] [--reuse]
                                             [--requests 200] [--profile intake|list|status]

Loads the fraction's districts as `mixed_load.py` does (with `--cases`, the rest in bulk) into
database --db, kept afterwards so later runs can `--reuse` it; then, through Django's test client
on production settings, a grid worker's report (POST /api/v1/cases with a bearer token), the
worker's list (GET /api/v1/cases?limit=20) and a resident's status page (/status/<code>/), each
--requests times: the queries of one request (with their SQL), the mean and p95 milliseconds, and
with --profile the cProfile of that request's calls. No load generator: this is the per-request
cost the load test multiplies.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a plain script

from bench.jiangsu.generate import generate  # noqa: E402
from bench.jiangsu.mixed_load import load, production_env, workers_and_codes  # noqa: E402
from bench.throwaway import database_url, django_on  # noqa: E402

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--fraction", type=float, default=0.01)
    parser.add_argument("--cases", type=int)
    parser.add_argument("--db", default="jiangsu_profile")
    parser.add_argument("--reuse", action="store_true", help="the database a run left")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", choices=["intake", "list", "status"])
    parser.add_argument("--show-sql", action="store_true")
    parser.add_argument("--pg-dsn", default=DEFAULT_DSN)
    return parser.parse_args(argv)


def build(args: argparse.Namespace, state: Path) -> None:
    import psycopg

    with psycopg.connect(args.pg_dsn, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {args.db} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {args.db}")
    with tempfile.TemporaryDirectory(prefix="jiangsu-") as tmp:
        manifest = generate(Path(tmp), 1.0, args.fraction, 2026, people=False)
        with django_on(database_url(args.pg_dsn, args.db)):
            from outpost.core.context import request_context

            with request_context("command"):
                cases = load(Path(tmp), manifest, args.cases)
                workers_and_codes(state.with_suffix(".data.json"))
    print(f"{cases:,} cases in {args.db}")


def measure(name: str, call: Callable[[], Any], args: argparse.Namespace) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        call()
    with CaptureQueriesContext(connection) as captured:
        response = call()
    queries = list(captured.captured_queries)  # the next request empties the log
    assert response.status_code in (200, 201), (name, response.status_code, response.content)
    took, cpu = [], time.process_time()
    for _ in range(args.requests):
        started = time.perf_counter()
        call()
        took.append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu) * 1000 / args.requests  # this process, not PostgreSQL
    p95 = statistics.quantiles(took, n=20)[-1]
    print(
        f"{name:<8}{len(queries):>4} queries  mean {statistics.mean(took):6.1f}"
        f" ms  p50 {statistics.median(took):6.1f}  p95 {p95:6.1f}  app CPU {cpu_ms:5.1f} ms"
    )
    if args.show_sql:
        for q in queries:
            print(f"    {q['time']:>6} {q['sql'][:400]}")
    if args.profile == name:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(50):
            call()
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(30)


def run(args: argparse.Namespace, data: dict[str, Any]) -> None:
    import random

    from django.test import Client

    rng = random.Random(1)
    worker = data["workers"][0]
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {worker['token']}")
    resident = Client(HTTP_HOST="localhost")
    body = {"subtype": data["subtypes"][0], "title": "楼道堆放杂物"}
    body |= {"lon": worker["point"][0], "lat": worker["point"][1]}

    def status() -> Any:
        code = rng.choice(data["tracking"])
        n = rng.randrange(1, 250)
        return resident.get(f"/status/{code}/", HTTP_X_FORWARDED_FOR=f"10.{n}.{n}.7")

    # The list first: the reports made after it would come first on its page.
    measure("list", lambda: client.get("/api/v1/cases?limit=20"), args)
    measure("status", status, args)
    measure("intake", lambda: client.post("/api/v1/cases", body, "application/json"), args)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    state = Path(tempfile.gettempdir()) / f"{args.db}.env.json"
    if not args.reuse:
        state.write_text(json.dumps(production_env(Path(tempfile.mkdtemp()) / "var")))
    os.environ.update(json.loads(state.read_text()))
    os.environ["OUTPOST_LOG_LEVEL"] = "WARNING"  # no line per request on the terminal
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    if not args.reuse:
        build(args, state)
    data = json.loads(state.with_suffix(".data.json").read_text())
    with django_on(database_url(args.pg_dsn, args.db)):
        run(args, data)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
