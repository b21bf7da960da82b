"""Benchmark: the early-warning scan (`outpost warnings scan`) over the demo district on
PostgreSQL.

    python bench/warnings_scan.py [--pg-dsn postgresql://postgres@127.0.0.1:5432/postgres]
                                  [--repeat 3]

In a throwaway PostgreSQL database: migrate, import the district's boundaries and registry
(data/gulou), the taxonomy, the staff roster, the demo's 90 days of cases (`generate_history`)
and of field work (`generate_fieldwork`). Then times the first scan (every rule, raising what it
finds, with its change records and inbox messages) and a repeated scan (nothing new: the cost of
running it in every round of the sweep loop), each rule separately. The anchor, in the same run:
a plain GROUP BY of the last 9 weeks' cases per grid and a count of the care subjects (the raw
reads the rules start from). Prints the numbers; no goal is set (the scan runs in the
background every sweep round, minutes apart).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script from anywhere

from bench.fieldwork_due import DATA, DEFAULT_DSN  # noqa: E402
from bench.throwaway import analyze, load_district_registry, throwaway_database  # noqa: E402

BENCH_DB = "outpost_bench_warnings"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--pg-dsn", default=DEFAULT_DSN, help="a database to connect to first")
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds; the best counts")
    return parser.parse_args(argv)


def load_demo() -> int:
    """The demo's district, registry, roster, 90 days of cases, then of field work (the history
    comes first: it is written only into an empty case table)."""
    from outpost.accounts.demo import create_staff_roster
    from outpost.cases.history import generate_history
    from outpost.core.context import request_context
    from outpost.fieldwork.demo import generate_fieldwork

    load_district_registry(DATA)
    with request_context("command"):
        cases = generate_history()
        create_staff_roster()
        generate_fieldwork()
    analyze()
    return cases


def anchor_ms() -> float:
    import datetime as dt

    from django.db.models import Count
    from django.utils import timezone

    from outpost.cases.models import Case
    from outpost.registry.models import Person

    started = time.perf_counter()
    since = timezone.now() - dt.timedelta(weeks=9)
    list(Case.objects.filter(reported_at__gte=since).values("grid_code").annotate(n=Count("id")))
    Person.objects.exclude(care_tags="").count()
    return (time.perf_counter() - started) * 1000


def per_rule_ms() -> dict[str, float]:
    from django.utils import timezone

    from outpost.warnings.rules import RULES_LIST

    now, found = timezone.now(), {}
    for rule in RULES_LIST:
        started = time.perf_counter()
        rule.finds(now)
        found[rule.code] = (time.perf_counter() - started) * 1000
    return found


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with throwaway_database(args.pg_dsn, BENCH_DB):
        from outpost.core.context import request_context
        from outpost.warnings.models import EarlyWarning
        from outpost.warnings.scan import scan

        print(f"demo loaded: {load_demo()} cases")
        started = time.perf_counter()
        with request_context("job"):
            raised = scan()
        first = (time.perf_counter() - started) * 1000
        print(f"first scan: {first:.0f} ms, raised {sum(raised.values())}: {raised}")
        again = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            with request_context("job"):
                assert sum(scan().values()) == 0
            again.append((time.perf_counter() - started) * 1000)
        anchor = min(anchor_ms() for _ in range(args.repeat))
        print(f"repeated scan (nothing new): best {min(again):.0f} ms of {args.repeat}")
        print(f"anchor (GROUP BY 9 weeks of cases per grid + care count): {anchor:.0f} ms")
        for code, ms in per_rule_ms().items():
            print(f"  {code}: {ms:.0f} ms")
        print(f"warnings stored: {EarlyWarning.objects.count()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
