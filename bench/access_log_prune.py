"""Benchmark: pruning the access log (访问日志) at 1/10 江苏 while people's records are read.

    python bench/access_log_prune.py [--per-month 333333] [--months 3] [--pg-dsn DSN] [--strict]

Writes --months months of --per-month chained access-log rows each (the 1/10 province writes
about 4M a year, 333k a month) into a throwaway PostgreSQL database: fewer months than the
retention's 36, to keep the set-up short, since the prune's cost is the month it removes. Then
runs `prune_before` on the oldest month (what `outpost audit prune`, run monthly, removes once
the retention is reached) while another connection appends a row with `log_access` every
20 ms, as opening a person's page does. Every append waits for the log's head row, so what
users notice is the longest append during the prune. Prints the prune's time, the appends'
p50 and longest during it, and beside them the anchor: dropping a table holding the same rows
(what removing a month would cost if the log were partitioned by month). Goal: no append waits
1 s or more; if one does, the log needs batched pruning or monthly partitions (issue 16, 5).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script

from bench.throwaway import analyze, throwaway_database  # noqa: E402

GOAL_WAIT_S = 1.0
DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_NAME = "bench_access_prune"
BATCH = 20_000
COLUMNS = [
    "at",
    "actor_name",
    "action",
    "object_type",
    "object_key",
    "purpose",
    "request_id",
    "civil_code",
    "police_code",
    "prev_hash",
    "row_hash",
]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--per-month", type=int, default=333_333)
    parser.add_argument("--months", type=int, default=3, help="months of rows stored")
    parser.add_argument("--pg-dsn", default=DEFAULT_DSN)
    parser.add_argument("--strict", action="store_true", help="exit 1 unless the goal is PASS")
    return parser.parse_args(argv)


def write_rows(total: int, start: dt.datetime, span: dt.timedelta) -> None:
    """`total` rows chained with the log's own hash, evenly from `start` over `span`."""
    from django.db import transaction

    from outpost.core.access import chained_fields, row_digest
    from outpost.core.bulk import insert_rows
    from outpost.core.models import AccessLogEntry, AccessLogHead

    step = span / total
    with transaction.atomic():
        head, _ = AccessLogHead.objects.select_for_update().get_or_create(pk=1)
        last, batch = head.last_hash, []
        for n in range(total):
            entry = SimpleNamespace(  # chained_fields reads attributes only: no model overhead
                actor_id=None,
                client_ip=None,
                at=start + step * n,
                actor_name=f"worker{n % 900}",
                action="view_person",
                object_type="person",
                object_key=str(100_000 + n % 850_000),
                purpose="走访核实",
                request_id=f"gen-{n}",
                civil_code=f"32010600{n % 9 + 1}00{n % 7 + 1}",
                police_code=f"3201060{n % 5 + 1}",
                prev_hash=last,
            )
            entry.row_hash = last = row_digest(last, chained_fields(entry))  # type: ignore[arg-type]
            batch.append([getattr(entry, c) for c in COLUMNS])
            if len(batch) == BATCH:
                insert_rows(AccessLogEntry, COLUMNS, batch)
                batch = []
        insert_rows(AccessLogEntry, COLUMNS, batch)
        head.last_hash = last
        head.save(update_fields=["last_hash"])


class Reader(threading.Thread):
    """Appends a row every 20 ms on its own connection, timing each append, until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.waits: list[tuple[float, float]] = []  # (started, seconds)
        self.stop = threading.Event()

    def run(self) -> None:
        from django.db import connection, transaction

        from outpost.core.access import log_access
        from outpost.core.context import request_context

        try:
            with request_context("command"):
                self._loop(transaction, log_access)
        finally:
            connection.close()

    def _loop(self, transaction: Any, log_access: Any) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            with transaction.atomic():
                log_access(actor=None, action="view_person", object_type="person", object_key="1")
            self.waits.append((started, time.perf_counter() - started))
            time.sleep(0.02)


def drop_anchor(rows: int) -> float:
    """Seconds to drop a table holding `rows` access-log rows (a month's partition)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_month AS SELECT * FROM core_accesslogentry ORDER BY id LIMIT %s",
            [rows],
        )
        started = time.perf_counter()
        cursor.execute("DROP TABLE bench_month")
        return time.perf_counter() - started


def prune_under_reads(cutoff: dt.datetime) -> tuple[int, float, list[float]]:
    from outpost.core.access import prune_before

    reader = Reader()
    reader.start()
    time.sleep(1.0)  # a few appends before, for the baseline
    started = time.perf_counter()
    removed = prune_before(cutoff)
    took = time.perf_counter() - started
    time.sleep(0.5)
    reader.stop.set()
    reader.join()
    during = [w for s, w in reader.waits if started - 0.05 <= s <= started + took]
    return removed, took, during or [0.0]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    span = dt.timedelta(days=30.44 * args.months)
    start, rows = now - span, args.per_month * args.months
    with throwaway_database(args.pg_dsn, DB_NAME):
        from outpost.core.access import verify_chain
        from outpost.core.context import request_context

        with request_context("command"):
            t0 = time.perf_counter()
            write_rows(rows, start, span)
            analyze()
            print(
                f"setup: {rows:,} chained rows over {args.months} months written in "
                f"{time.perf_counter() - t0:.1f} s",
                flush=True,
            )
            month = args.per_month
            anchor = drop_anchor(month)
            removed, took, waits = prune_under_reads(start + dt.timedelta(days=30.44))
            ok = verify_chain().ok
    longest = max(waits)
    print(f"prune of the oldest month: {removed:,} rows in {took:.2f} s; chain intact after: {ok}")
    print(
        f"appends during it: {len(waits)}, p50 {statistics.median(waits) * 1000:.0f} ms, "
        f"longest {longest * 1000:.0f} ms"
    )
    print(f"anchor: DROP TABLE of {month:,} rows (a monthly partition) {anchor * 1000:.1f} ms")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    verdict = "PASS" if longest < GOAL_WAIT_S and ok else "FAIL"
    print(
        f"GOAL longest append during the prune < {GOAL_WAIT_S:.0f} s ({longest:.2f} s): {verdict}"
    )
    return 1 if args.strict and verdict != "PASS" else 0


if __name__ == "__main__":
    sys.exit(main())
