"""Benchmark: the persons.csv registry import against a raw insert of the same rows.

    python bench/registry_import.py [--backend sqlite|postgresql|both] [--repeat 2]
                                    [--pg-dsn postgresql://postgres@127.0.0.1:5432/postgres]
                                    [--strict]

For each database, in a subprocess of its own (Django settings are per process): migrate a new
database (SQLite in a temporary file; PostgreSQL in a throwaway database created and dropped
here), import the district's boundaries and standard addresses, then time
``run_import("persons", …)`` of data/gulou/persons.csv into an empty person table, and the
same import again (every row unchanged). Then the rows the import wrote are read back, the
tables emptied, and the same final values inserted raw into the same table with the same
indexes - ``executemany`` on SQLite, ``COPY`` on PostgreSQL - in one transaction, as the import
does. The three are taken in turn --repeat times and the best of each counts: the machine is
shared, and other work on it slows the Python of the import more than the database's own work.
Prints rows/s of both, the ratio and PASS/FAIL against the goal (import ≥ 30% of raw); exits 0
unless --strict is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import lzma
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script from anywhere

DATA = ROOT / "data" / "gulou"
GOAL_RATIO = 0.30
BENCH_DB = "outpost_bench_registry"
DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgresql")
RESULT_PREFIX = "BENCH-RESULT "


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both")
    parser.add_argument("--pg-dsn", default=DEFAULT_DSN, help="a database to connect to first")
    parser.add_argument("--repeat", type=int, default=2, help="timed rounds; the best counts")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--strict", action="store_true", help="exit 1 unless every goal is PASS")
    return parser.parse_args(argv)


@dataclass
class Timing:
    wall: float = math.inf
    cpu: float = math.inf  # this process only: SQLite's work is in it, PostgreSQL's is not
    checked: float = 0.0  # an import: wall time until its last row had been checked


def timed(func: Callable[[], float | None], before: Callable[[], Any] | None = None) -> Timing:
    """Wall and CPU time of func (`before` runs untimed first); func may return the
    perf_counter() moment its checking ended."""
    if before is not None:
        before()
    start, start_cpu = time.perf_counter(), time.process_time()
    checked = func()
    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    return Timing(wall, cpu, checked - start if checked else 0.0)


def faster(a: Timing, b: Timing) -> Timing:
    return a if a.wall <= b.wall else b


def load_line(when: str) -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {when}: {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


# --- one backend, in a child process ---------------------------------------------------------


@contextmanager
def throwaway_database(admin_dsn: str) -> Iterator[str]:
    """Create BENCH_DB, yield its URL, and drop it afterwards whatever happened."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
        try:
            info = conninfo_to_dict(admin_dsn)
            user, host = info.get("user", "postgres"), info.get("host", "127.0.0.1")
            yield f"postgres://{user}@{host}:{info.get('port', 5432)}/{BENCH_DB}"
        finally:
            from django.db import connections

            connections.close_all()
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


@contextmanager
def database(backend: str, admin_dsn: str) -> Iterator[None]:
    """Point Django at a new, empty database of the given kind, and set it up."""
    with tempfile.TemporaryDirectory(prefix="outpost-bench-") as var:
        os.environ["OUTPOST_VAR_DIR"] = var
        os.environ["DJANGO_SETTINGS_MODULE"] = "outpost.settings"
        os.environ.setdefault("OUTPOST_DEBUG", "false")  # no per-query log, as in production
        if backend == "sqlite":
            os.environ["DATABASE_URL"] = f"sqlite:///{var}/bench.sqlite3"
            django_setup()
            yield
        else:
            with throwaway_database(admin_dsn) as url:
                os.environ["DATABASE_URL"] = url
                django_setup()
                yield


def django_setup() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def read_data(name: str) -> bytes:
    return lzma.decompress((DATA / f"{name}.xz").read_bytes())


def import_persons(data: bytes, expect: str) -> float:
    """Import persons.csv, check every row came out as `expect`; returns the moment the last
    row had been checked (the rest is writing)."""
    from outpost.registry.imports import run_import

    checked: list[float] = []

    def progress(done: int, total: int) -> None:
        if done == total:
            checked.append(time.perf_counter())

    result = run_import("persons", data, "persons.csv", progress=progress)
    counts = result.counts
    if counts[expect] != len(result.outcomes):
        raise SystemExit(f"persons import: expected every row {expect}, got {counts}")
    return checked[0]


def empty_person_tables() -> None:
    """Remove every person (and their residences) so the next insert starts from empty, with
    earlier writes flushed so that the timed step does not pay for them."""
    from django.db import connection

    from outpost.registry.models import Person, Residence

    person, residence = Person._meta.db_table, Residence._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {residence}, {person} CASCADE")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute(f"DELETE FROM {residence}")
            cursor.execute(f"DELETE FROM {person}")
            cursor.execute("VACUUM")  # no free pages to reuse: the same file growth as before
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def person_rows() -> tuple[list[str], list[tuple[Any, ...]]]:
    """The person table as written, every value already in the database's own form (text
    for dates and JSON), so the raw insert pays for nothing but the insert."""
    from django.db import connection

    from outpost.registry.models import Person

    columns = [f.column for f in Person._meta.concrete_fields]
    cast = "::text" if connection.vendor == "postgresql" else ""
    quoted = [connection.ops.quote_name(c) for c in columns]
    select = ", ".join(f"{q}{cast}" for q in quoted)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM {Person._meta.db_table} ORDER BY id")
        rows = [tuple(_db_text(v) for v in row) for row in cursor.fetchall()]
    return quoted, rows


def _db_text(value: Any) -> Any:
    # Django's sqlite3 connection converts declared date and datetime columns to objects: give
    # them back as SQLite stores them (naive ISO text with a space, as Django writes them).
    return str(value) if isinstance(value, dt.date) else value


def raw_insert(columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """executemany (SQLite) or COPY (PostgreSQL) of the rows, in one transaction."""
    from django.db import connection, transaction

    from outpost.registry.models import Person

    table, names = Person._meta.db_table, ", ".join(columns)
    with transaction.atomic():
        raw = connection.connection.cursor()  # the driver's own cursor, no Django wrapper
        if connection.vendor == "postgresql":
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        raw.close()


def setup_registry() -> float:
    """Boundaries and standard addresses, as `make demo` loads them; returns the addresses' s."""
    from outpost.geo.boundaries import import_boundaries
    from outpost.registry.imports import run_import

    import_boundaries(DATA)
    data = read_data("addresses.csv")
    start = time.perf_counter()
    run_import("addresses", data, "addresses.csv")
    return time.perf_counter() - start


def measure(repeat: int) -> dict[str, Any]:
    """Import, re-run and raw insert, taken in turn `repeat` times (the best of each counts),
    so that a change in the machine's load falls on all three alike."""
    from outpost.registry.models import Person

    addresses_s = setup_registry()
    data = read_data("persons.csv")
    best = {"import": Timing(), "rerun": Timing(), "raw": Timing()}
    written: tuple[list[str], list[tuple[Any, ...]]] | None = None
    for _ in range(max(repeat, 1)):
        done = timed(lambda: import_persons(data, "created"), empty_person_tables)
        rows = Person.objects.count()
        again = timed(lambda: import_persons(data, "unchanged"))
        written = written or person_rows()  # the values the first import wrote
        raw = timed(partial(raw_insert, *written), empty_person_tables)
        if Person.objects.count() != rows:
            raise SystemExit("raw insert: row count differs from the import's")
        for name, timing in (("import", done), ("rerun", again), ("raw", raw)):
            best[name] = faster(best[name], timing)
    return {"rows": rows, "addresses_s": addresses_s, **{k: asdict(v) for k, v in best.items()}}


def run_child(backend: str, args: argparse.Namespace) -> None:
    started = load_line("at start")
    with database(backend, args.pg_dsn):
        found = measure(args.repeat)
    found.update(backend=backend, load_start=started, load_end=load_line("at end"))
    print(RESULT_PREFIX + json.dumps(found), flush=True)


# --- the top level: one subprocess per backend -------------------------------------------------


def spawn(backend: str, args: argparse.Namespace) -> dict[str, Any] | None:
    command = [sys.executable, __file__, "--child", "--backend", backend]
    command += ["--repeat", str(args.repeat), "--pg-dsn", args.pg_dsn]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])  # type: ignore[no-any-return]
    print(f"{backend}: failed (exit {done.returncode})\n{done.stderr[-3000:]}")
    return None


def report(found: dict[str, Any]) -> bool:
    rows = found["rows"]
    done, again, raw = (Timing(**found[k]) for k in ("import", "rerun", "raw"))
    ratio = raw.wall / done.wall
    print(f"\n== {found['backend']} ({found['load_start']}; {found['load_end']})")
    print(f"  standard addresses import (setup): {found['addresses_s']:.1f} s")
    print(_rate_line("persons import", rows, done))
    written = done.wall - done.checked
    print(f"{'':24}(rows read and checked in {done.checked:.2f} s, written in {written:.2f} s)")
    print(_rate_line("raw insert", rows, raw))
    print(_rate_line("re-run (unchanged)", rows, again))
    verdict = "PASS" if ratio >= GOAL_RATIO else "FAIL"
    print(f"  import / raw = {ratio:.1%} (goal ≥ {GOAL_RATIO:.0%}): {verdict}")
    return ratio >= GOAL_RATIO


def _rate_line(label: str, rows: int, timing: Timing) -> str:
    rate = rows / timing.wall
    return (
        f"  {label + ':':<21} {rows:,} rows in {timing.wall:6.2f} s = {rate:>7,.0f} rows/s"
        f"  (CPU here {timing.cpu:.2f} s)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        run_child(args.backend, args)
        return 0
    print(load_line("at start") + " - a shared machine: other work there slows every timing")
    backends = BACKENDS if args.backend == "both" else (args.backend,)
    verdicts = []
    for backend in backends:
        found = spawn(backend, args)
        verdicts.append(found is not None and report(found))
    print("\n" + load_line("at end"))
    return 1 if args.strict and not all(verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
