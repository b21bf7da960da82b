"""Benchmark: the persons import at 1/10 江苏 against a raw COPY of the same rows.

    python bench/jiangsu/persons_import.py [--fraction 0.01] [--repeat 2] [--pg-dsn DSN]
                                           [--strict]

Generates the province at --fraction, loads boundaries and standard addresses into a throwaway
PostgreSQL database (`jiangsu_persons`, dropped after), then times ``run_import("persons", …)``
of every district's file into an empty person table, and a raw ``COPY`` of the rows it wrote
(read back, the tables emptied; same table, same indexes, one transaction) - the way
`bench/registry_import.py` does for 鼓楼区. Taken in turn --repeat times, the best of each counts.
Prints rows/s of both, the ratio and PASS/FAIL against the goal (import ≥ 50% of raw COPY).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a plain script

from bench.jiangsu.generate import generate  # noqa: E402
from bench.registry_import import (  # noqa: E402
    Timing,
    empty_person_tables,
    faster,
    person_rows,
    raw_insert,
    timed,
)
from bench.throwaway import throwaway_database  # noqa: E402

GOAL_RATIO = 0.50
DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_NAME = "jiangsu_persons"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--fraction", type=float, default=0.01)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--pg-dsn", default=DEFAULT_DSN)
    parser.add_argument("--strict", action="store_true", help="exit 1 unless the goal is PASS")
    return parser.parse_args(argv)


def import_all(folder: Path, kind: str, checking: list[float] | None = None) -> float | None:
    """Every district's file through run_import; stops at the first rejected row. Adds to
    `checking` the seconds each file spent until its last progress report: for people, when
    the rows had been read and what they name looked up (the rest - checking the rows' own
    fields, deciding and writing - runs in one pass), for the other kinds when every row had
    been decided."""
    from outpost.registry.imports import run_import

    for path in sorted((folder / kind).glob("*.csv")):
        checked: list[float] = []

        def progress(done: int, total: int, checked: list[float] = checked) -> None:
            checked[:] = [time.perf_counter()]

        started = time.perf_counter()
        result = run_import(kind, path.read_bytes(), path.name, progress=progress)
        if result.counts["rejected"]:
            raise SystemExit(f"{kind} import of {path.name}: {result.counts}")
        if checking is not None and checked:
            checking.append(checked[0] - started)
    return None


def measure(folder: Path, repeat: int) -> tuple[int, Timing, Timing]:
    from outpost.geo.boundaries import import_boundaries
    from outpost.registry.models import Person

    import_boundaries(folder / "boundaries")
    started = time.perf_counter()
    import_all(folder, "addresses")
    print(
        f"setup: boundaries and addresses imported ({time.perf_counter() - started:.1f} s "
        "for the addresses)",
        flush=True,
    )
    best_import, best_raw = Timing(), Timing()
    written: tuple[list[str], list[tuple[Any, ...]]] | None = None
    for _ in range(max(repeat, 1)):
        checking: list[float] = []
        done = timed(partial(import_all, folder, "persons", checking), empty_person_tables)
        done.checked = sum(checking)
        rows = Person.objects.count()
        written = written or person_rows()
        raw = timed(partial(raw_insert, *written), empty_person_tables)
        if Person.objects.count() != rows:
            raise SystemExit("raw COPY: row count differs from the import's")
        best_import, best_raw = faster(best_import, done), faster(best_raw, raw)
        print(
            f"  round: import {done.wall:.2f} s (rows read and looked up in {done.checked:.2f} s,"
            f" checked and written in {done.wall - done.checked:.2f} s), raw COPY {raw.wall:.2f} s",
            flush=True,
        )
    return rows, best_import, best_raw


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="jiangsu-") as tmp:
        manifest = generate(Path(tmp), args.scale, args.fraction, args.seed)
        print(
            f"fraction {args.fraction}: {manifest['persons']:,} people on "
            f"{manifest['addresses']:,} addresses in {len(manifest['districts'])} districts"
        )
        with throwaway_database(args.pg_dsn, DB_NAME):
            from outpost.core.context import request_context

            with request_context("command"):
                rows, done, raw = measure(Path(tmp), args.repeat)
    ratio = raw.wall / done.wall
    print(
        f"persons import: {rows:,} rows in {done.wall:.2f} s = {rows / done.wall:,.0f} rows/s"
        f" (CPU here {done.cpu:.2f} s; read and looked up in {done.checked:.2f} s, checked and"
        f" written in {done.wall - done.checked:.2f} s)"
    )
    print(f"anchor raw COPY: {rows:,} rows in {raw.wall:.2f} s = {rows / raw.wall:,.0f} rows/s")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    verdict = "PASS" if ratio >= GOAL_RATIO else "FAIL"
    print(f"GOAL import >= {GOAL_RATIO:.0%} of raw COPY ({ratio:.1%}): {verdict}")
    return 1 if args.strict and verdict != "PASS" else 0


if __name__ == "__main__":
    sys.exit(main())
