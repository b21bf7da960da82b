"""Benchmark: every indicator computed per grid for a quarter on PostgreSQL.

    python bench/indicators.py [--pg-dsn postgresql://postgres@127.0.0.1:5432/postgres]
                               [--cases 1000000] [--repeat 3]

In a throwaway PostgreSQL database: migrate, import the district's boundaries (734 grids) and
the case taxonomy, then write --cases cases over one quarter, spread over the grids, in the
states a quarter leaves behind (about four in five done, with a sign-on, a completion, a rating;
some reopened). Then time `assessment.queries.compute` for every indicator per grid for the
quarter as the whole installation sees it (all units in one GROUP BY each), and, as the anchor
measured in the same run, a plain `GROUP BY grid_code` count over the same quarter's cases.
The best of --repeat rounds counts (the machine is shared).
Prints the times and PASS/FAIL against the goal (all indicators under 60 s); exits 1 if missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script from anywhere

from bench.throwaway import analyze, throwaway_database  # noqa: E402

DATA = ROOT / "data" / "gulou"
GOAL_S = 60.0
BENCH_DB = "outpost_bench_indicators"
DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
QUARTER = "2026-Q3"
BATCH = 10_000


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--pg-dsn", default=DEFAULT_DSN, help="a database to connect to first")
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases to write")
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds; the best counts")
    return parser.parse_args(argv)


def write_cases(total: int) -> int:
    """`total` cases over the quarter with their assignment and completion rows."""
    from outpost.assessment import periods
    from outpost.cases.models import Case, CaseAssignment, SubType, TimelineEntry
    from outpost.cases.taxonomy import load_taxonomy
    from outpost.geo.boundaries import import_boundaries
    from outpost.geo.models import Grid

    import_boundaries(DATA)
    load_taxonomy()
    grids = list(Grid.objects.values_list("code", "main_beat__code"))
    subtypes = list(SubType.objects.all())
    quarter = periods.parse(QUARTER)
    seconds = int((quarter.ends_at - quarter.starts_at).total_seconds())
    rng = random.Random(15)
    for start in range(0, total, BATCH):
        drafts = [_draft(n, rng, grids, subtypes, quarter.starts_at, seconds) for n in
                  range(start, min(total, start + BATCH))]  # fmt: skip
        cases = Case.objects.bulk_create([d[0] for d in drafts])
        assignments, completions = [], []
        for case, (_draft_case, signed, completed) in zip(cases, drafts, strict=True):
            if signed:
                assignments.append(_assignment(case, signed))
            if completed:
                completions.append(_completion(case, completed))
        CaseAssignment.objects.bulk_create(assignments)
        TimelineEntry.objects.bulk_create(completions)
    return total


def _draft(n: int, rng: random.Random, grids: list, subtypes: list, t0: Any, span: int) -> Any:
    from outpost.cases.models import Case

    grid, beat = rng.choice(grids)
    reported = t0 + dt.timedelta(seconds=rng.randrange(span))
    done = rng.random() < 0.8
    signed = reported + dt.timedelta(hours=rng.uniform(0.2, 30)) if rng.random() < 0.9 else None
    completed = signed + dt.timedelta(hours=rng.uniform(2, 200)) if done and signed else None
    state = "closed" if completed else ("handling" if signed else "accepted")
    case = Case(
        number=f"B{n:010d}",
        tracking_code=f"K{n:010d}",
        source="grid_patrol",
        subtype=rng.choice(subtypes),
        title="bench",
        grid_code=grid,
        beat_code=beat or "",
        state=state,
        reported_at=reported,
        handle_started=signed,
        handle_due=signed + dt.timedelta(hours=120) if signed else None,
        rating=rng.choice(("satisfied", "basically_satisfied", "unsatisfied")) if completed else "",
        rework_count=1 if completed and rng.random() < 0.05 else 0,
        result="调解成功" if completed and rng.random() < 0.7 else "",
    )
    return case, signed, completed


def _assignment(case: Any, signed: Any) -> Any:
    from outpost.cases.models import CaseAssignment

    return CaseAssignment(
        case=case, unit_kind="grid", unit_code=case.grid_code, unit_name="g",
        assigned_at=case.reported_at, signed_on_at=signed,
    )  # fmt: skip


def _completion(case: Any, completed: Any) -> Any:
    from outpost.cases.models import TimelineEntry

    return TimelineEntry(
        case=case, at=completed, actor_name="bench", action="complete",
        from_state="handling", to_state="completed",
    )  # fmt: skip


def best_s(func: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - started)
    return best, result


def anchor() -> int:
    from django.db.models import Count

    from outpost.assessment import periods
    from outpost.cases.models import Case

    quarter = periods.parse(QUARTER)
    rows = Case.objects.filter(reported_at__gte=quarter.starts_at, reported_at__lt=quarter.ends_at)
    return len(rows.order_by().values("grid_code").annotate(n=Count("pk")))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with throwaway_database(args.pg_dsn, BENCH_DB):
        started = time.perf_counter()
        write_cases(args.cases)
        analyze()
        print(f"wrote {args.cases} cases in {time.perf_counter() - started:.0f} s")
        anchor_s, grids = best_s(anchor, args.repeat)
        print(f"anchor: GROUP BY grid_code over the quarter: {anchor_s:.2f} s ({grids} grids)")
        total = 0.0
        from outpost.assessment import periods, queries
        from outpost.assessment.catalogue import INDICATORS

        quarter = periods.parse(QUARTER)
        for code, indicator in INDICATORS.items():
            kind = (
                "grid" if "grid" in indicator.source.units else next(iter(indicator.source.units))
            )
            took, found = best_s(
                lambda i=indicator, k=kind: queries.compute(i, k, quarter, queries.everything),
                args.repeat,
            )
            total += took
            print(
                f"  {code:24} {took:7.2f} s  {len(found):5} units  ({took / anchor_s:.1f}× anchor)"
            )
        verdict = "PASS" if total < GOAL_S else "FAIL"
        goal = f"(goal < {GOAL_S:.0f} s) {verdict}"
        print(f"all {len(INDICATORS)} indicators per grid: {total:.1f} s {goal}")
    return 0 if total < GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
