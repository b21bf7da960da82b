"""Load a generated 1/10 江苏 folder through the product's own importers, timing each step.

    python bench/jiangsu/load.py [--fraction 0.01] [--data DIR] [--pg-dsn DSN] [--keep]
                                 [--without-people]

Generates the data first (unless --data names a folder `generate.py` wrote), then in a throwaway
PostgreSQL database `jiangsu_load` (dropped afterwards unless --keep): boundaries through
`import_boundaries` (what `outpost geo import` runs), standard addresses and people one district
file at a time through `run_import` (what `outpost registry import` runs), a year of cases
through the case-history generator the demo uses (cases walked through the workflow table and
written in bulk, one district at a time: no faster product path exists), and the access-log rows
chained with the log's own hash and written in bulk. With --without-people the people step is
left out: nothing later needs them, and at fraction 1 it is the longest step (three quarters of
an hour), so the cases and the access log can be measured at full size on their own. Prints rows,
seconds and rows/s per step (and the first and last district file's rate: whether an import
slows down as its tables fill) and every rejected row; then the bytes per row of the big tables
(pg_total_relation_size over the row count) and those sizes projected to the province.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a plain script

from bench.jiangsu.generate import generate  # noqa: E402
from bench.throwaway import throwaway_database  # noqa: E402

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_NAME = "jiangsu_load"
ACCESS_BATCH = 20_000
# The province (the paper's figures) for the size projection: rows per table.
PROVINCE = {
    "geo_grid": 105_000,
    "registry_standardaddress": 35_000_000,
    "registry_person": 85_000_000,
    "registry_residence": 85_000_000,
    "cases_case": 10_000_000,
    "cases_timelineentry": None,  # per case, as measured
    "cases_caseassignment": None,
    "core_accesslogentry": 40_000_000,
}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="a folder generate.py wrote (else generate)")
    parser.add_argument("--fraction", type=float, default=0.01)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pg-dsn", default=DEFAULT_DSN, help="a database to connect to first")
    parser.add_argument("--keep", action="store_true", help="leave the database for inspection")
    parser.add_argument(
        "--without-people", action="store_true", help="leave out the people step (the longest)"
    )
    return parser.parse_args(argv)


class Steps:
    """Each step's rows and seconds, printed as it ends."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, int, float, int]] = []

    def done(self, name: str, rows: int, started: float, rejected: int = 0) -> None:
        took = time.perf_counter() - started
        self.rows.append((name, rows, took, rejected))
        rate = rows / took if took else 0
        print(
            f"  {name:<28}{rows:>11,} rows {took:8.1f} s {rate:>10,.0f} rows/s"
            f"  rejected {rejected}",
            flush=True,
        )


def load_boundaries(folder: Path, steps: Steps) -> None:
    from outpost.geo.boundaries import import_boundaries

    started = time.perf_counter()
    report = import_boundaries(folder / "boundaries")
    c = report.counts
    steps.done("boundaries (grids + beats)", c["grid_created"] + c["beat_created"], started)


def load_registry(folder: Path, kind: str, steps: Steps) -> None:
    """Every district's file of this kind through run_import, as the command line does."""
    from outpost.registry.imports import run_import

    started, rows, rejected, rates = time.perf_counter(), 0, 0, []
    for path in sorted((folder / kind).glob("*.csv")):
        began = time.perf_counter()
        result = run_import(kind, path.read_bytes(), path.name)
        rates.append(len(result.outcomes) / (time.perf_counter() - began))
        rows += len(result.outcomes)
        bad = [o for o in result.outcomes if o.outcome == "rejected"]
        rejected += len(bad)
        for outcome in bad[:5]:
            print(f"    REJECTED {path.name} {outcome}")
    steps.done(kind, rows, started, rejected)
    if len(rates) > 1:  # a file's rate should not fall with the rows stored before it
        print(f"    per file: first {rates[0]:,.0f} rows/s, last {rates[-1]:,.0f} rows/s")


def load_cases(districts: list[str], count: int, seed: int, steps: Steps) -> None:
    """A year of cases, one district at a time (case numbers run per district and day)."""
    from django.db import transaction
    from django.utils import timezone

    from outpost.cases.history import _draft, _World, _write
    from outpost.cases.taxonomy import load_taxonomy
    from outpost.geo.models import Grid

    started = time.perf_counter()
    load_taxonomy()
    now, made = timezone.now(), 0
    for i, district in enumerate(districts):
        share = count // len(districts) + (i < count % len(districts))
        grids = list(Grid.objects.filter(code__startswith=district).values_list("code", flat=True))
        world = _World.load(grids)
        if not world.places or not share:
            continue
        rng = random.Random(f"{seed}-{district}")
        with transaction.atomic():
            _write([_draft(rng, world, now, 365) for _ in range(share)])
        made += share
    steps.done("cases (a year)", made, started)


def access_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def load_access_log(folder: Path, steps: Steps) -> None:
    """The rows chained with the log's own hash (as log_access does) and written in bulk."""
    from django.db import transaction

    from outpost.core.access import chained_fields, row_digest
    from outpost.core.bulk import insert_rows
    from outpost.core.models import AccessLogEntry, AccessLogHead

    started, n = time.perf_counter(), 0
    columns = [
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
    with transaction.atomic():
        head, _ = AccessLogHead.objects.select_for_update().get_or_create(pk=1)
        last, batch = head.last_hash, []
        for row in access_rows(folder / "access_log.csv"):
            entry = AccessLogEntry(
                at=dt.datetime.fromisoformat(row["at"]),
                request_id=f"gen-{n}",
                prev_hash=last,
                **{k: row[k] for k in columns[1:6] if k in row},
                civil_code=row["civil_code"],
                police_code=row["police_code"],
            )
            entry.row_hash = last = row_digest(last, chained_fields(entry))
            batch.append([getattr(entry, c) for c in columns])
            n += 1
            if len(batch) == ACCESS_BATCH:
                insert_rows(AccessLogEntry, columns, batch)
                batch = []
        insert_rows(AccessLogEntry, columns, batch)
        head.last_hash = last
        head.save(update_fields=["last_hash"])
    steps.done("access log (chained)", n, started)


def verify_access_log(steps: Steps) -> None:
    from outpost.core.access import verify_chain

    started = time.perf_counter()
    report = verify_chain()
    steps.done(f"access log verify ({'ok' if report.ok else 'BROKEN'})", report.rows, started)


def sizes() -> list[dict[str, Any]]:
    """Bytes per row of the big tables (heap, indexes and TOAST) and the province projection."""
    from django.db import connection

    found = []
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cases = 0
        for table, province in PROVINCE.items():
            cursor.execute(f"SELECT count(*), pg_total_relation_size('{table}') FROM {table}")
            rows, size = cursor.fetchone()
            if table == "cases_case":
                cases = rows
            if province is None and cases:
                province = round(10_000_000 * rows / cases)  # the same rows per case
            per_row = size / rows if rows else 0
            found.append(
                {
                    "table": table,
                    "rows": rows,
                    "bytes": size,
                    "per_row": per_row,
                    "province_rows": province,
                    "province_gb": per_row * (province or 0) / 1e9,
                }
            )
    print("\nsizes (pg_total_relation_size / rows; projected to the province):")
    for s in found:
        print(
            f"  {s['table']:<28}{s['rows']:>10,} rows {s['per_row']:>7,.0f} B/row"
            f"  → {s['province_rows'] or 0:>12,} rows ≈ {s['province_gb']:7.1f} GB"
        )
    print(f"  total projected: {sum(s['province_gb'] for s in found):.0f} GB")
    return found


def run(folder: Path, args: argparse.Namespace) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    steps = Steps()
    with throwaway_database(args.pg_dsn, DB_NAME, keep=args.keep):
        from outpost.core.context import request_context

        print(f"loading {folder} ({os.getloadavg()[0]:.2f} load average at start)")
        with request_context("command"):
            load_boundaries(folder, steps)
            load_registry(folder, "addresses", steps)
            if not args.without_people:
                load_registry(folder, "persons", steps)
            load_cases(manifest["districts"], manifest["cases"], manifest["seed"], steps)
            load_access_log(folder, steps)
            verify_access_log(steps)
        sizes()
    total = sum(s[2] for s in steps.rows)
    rejected = sum(s[3] for s in steps.rows)
    print(
        f"\nload total {total:.1f} s, {rejected} rows rejected"
        f" ({os.getloadavg()[0]:.2f} load average at end)"
    )
    print(f"GOAL every generated row accepted: {'PASS' if rejected == 0 else 'FAIL'}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.data:
        run(args.data, args)
        return 0
    with tempfile.TemporaryDirectory(prefix="jiangsu-") as tmp:
        started = time.perf_counter()
        manifest = generate(Path(tmp), args.scale, args.fraction, args.seed)
        print(
            f"generated fraction {args.fraction} of scale {args.scale} in "
            f"{time.perf_counter() - started:.1f} s: {manifest['addresses']:,} addresses, "
            f"{manifest['persons']:,} people, {manifest['grids']:,} grids"
        )
        run(Path(tmp), args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
