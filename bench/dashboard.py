"""Benchmark: the dashboards' charts for the district on PostgreSQL.

    python bench/dashboard.py [--pg-dsn postgresql://postgres@127.0.0.1:5432/postgres]
                              [--cases 200000] [--rounds 20]

In a throwaway PostgreSQL database, the same cases as bench/indicators.py (--cases over 2026-Q3,
spread over the district's 734 grids), then each chart's reading (`dashboard.queries`) as the
district's administrator sees it, for the month 2026-09: --rounds timed rounds each, printing the
median and the 95th percentile beside the anchor measured in the same run, a plain
`GROUP BY grid_code` count over the same month. The issue's goal (p95 < 300 ms at 5M cases)
needs pre-aggregated daily facts, not built yet: this prints where the scans stand.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script from anywhere

from bench.indicators import DEFAULT_DSN, write_cases  # noqa: E402
from bench.throwaway import analyze, throwaway_database  # noqa: E402

BENCH_DB = "outpost_bench_dashboard"
MONTH = "2026-09"
GOAL_MS = 300.0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--pg-dsn", default=DEFAULT_DSN, help="a database to connect to first")
    parser.add_argument("--cases", type=int, default=200_000, help="cases to write")
    parser.add_argument("--rounds", type=int, default=20, help="timed rounds per chart")
    return parser.parse_args(argv)


def timed(func: Callable[[], Any], rounds: int) -> tuple[float, float]:
    """(median, p95) in milliseconds."""
    func()  # warm: the scopes, the plan cache
    took = []
    for _ in range(rounds):
        started = time.perf_counter()
        func()
        took.append(1000 * (time.perf_counter() - started))
    took.sort()
    return statistics.median(took), took[min(len(took) - 1, round(0.95 * (len(took) - 1)))]


def anchor(window: Any) -> int:
    from django.db.models import Count

    from outpost.cases.models import Case

    rows = Case.objects.filter(reported_at__gte=window.starts_at, reported_at__lt=window.ends_at)
    return len(rows.order_by().values("grid_code").annotate(n=Count("pk")))


def charts(user: Any, window: Any) -> dict[str, Callable[[], Any]]:
    from outpost.dashboard import queries

    return {
        "summary (tiles)": lambda: queries.summary(user, window),
        "trend": lambda: queries.trend(user, window),
        "by category": lambda: queries.by_category(user, window),
        "by source": lambda: queries.by_source(user, window),
        "workload": lambda: queries.workload(user, window),
        "map: case_closure": lambda: queries.by_area(user, window, "case_closure"),
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with throwaway_database(args.pg_dsn, BENCH_DB):
        started = time.perf_counter()
        write_cases(args.cases)
        from outpost.accounts.models import User
        from outpost.accounts.roles import Role
        from outpost.accounts.services import grant_role
        from outpost.dashboard import windows

        analyze()
        print(f"wrote {args.cases} cases in {time.perf_counter() - started:.0f} s")
        admin = User.objects.create_user(username="bench_admin", password=None)
        grant_role(admin, Role.ADMIN, "320106000000", actor=None)
        window = windows.parse(MONTH)
        median, p95 = timed(lambda: anchor(window), args.rounds)
        print(f"anchor: GROUP BY grid_code over {MONTH}: median {median:.0f} ms, p95 {p95:.0f} ms")
        worst = 0.0
        for name, func in charts(admin, window).items():
            m, p = timed(func, args.rounds)
            worst = max(worst, p)
            print(f"  {name:20} median {m:6.0f} ms  p95 {p:6.0f} ms  ({p / p95:.1f}× anchor)")
        verdict = "PASS" if worst < GOAL_MS else "FAIL"
        if args.cases < 5_000_000:
            verdict = "not judged below 5M cases"
        print(f"slowest chart p95 {worst:.0f} ms at {args.cases} cases (goal < {GOAL_MS:.0f} ms "
              f"at 5M cases): {verdict}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
