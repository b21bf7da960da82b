"""Benchmark: the visits due/overdue list (走访到期清单) on PostgreSQL with the demo data.

    python bench/fieldwork_due.py [--pg-dsn postgresql://postgres@127.0.0.1:5432/postgres]
                                  [--repeat 5] [--db NAME] [--keep]

The goal (issue 13): the due list of a street of ≈ 60 grids with 10k care and rental subjects
answers in < 200 ms on PostgreSQL with the demo data. The demo district (鼓楼区) has no such
street (its 13 streets hold 550-1,400 such subjects each), so the benchmark builds a stand-in
(`bench/fieldwork_street.py`): its largest street, topped up to 10,000 care subjects and rented
houses through the registry's own importers (new rooms in the street's buildings, a rented
house in each, care subjects living in them), before the demo's field work is generated so they
are visited as the demo's subjects are.

In a throwaway PostgreSQL database: migrate, import the district's boundaries and registry
(data/gulou), top the street up, load the staff roster and the demo's ninety days of field work
(`generate_fieldwork`), then time `queries.due_visits` for a street commander of that street
(the goal), for a district commander (every grid: the district's ~12k subjects plus the
street's new ones), and for a real street left as the demo has it. Before timing, VACUUM ANALYZE:
what autovacuum does soon after a load this size (the planner's statistics, and the visibility
map the last-visit lookups read instead of the table). Beside each, an anchor
measured in the same run: a plain count of the same subjects through the same scope. The best
of --repeat runs counts (the machine is shared); the spread (best-worst) is printed too.
Prints the times and PASS/FAIL against the goal (the street's list under 200 ms); exits 1 if
the goal is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script from anywhere

from bench import fieldwork_street  # noqa: E402
from bench.throwaway import load_district_registry, throwaway_database  # noqa: E402

DATA = ROOT / "data" / "gulou"
GOAL_MS = 200.0
BENCH_DB = "outpost_bench_fieldwork"
DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--pg-dsn", default=DEFAULT_DSN, help="a database to connect to first")
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds; the best counts")
    parser.add_argument("--db", default=BENCH_DB, help="the throwaway database's name")
    parser.add_argument("--keep", action="store_true", help="keep the database (to profile)")
    parser.add_argument(
        "--reuse", action="store_true", help="time again on a database a --keep run left"
    )
    return parser.parse_args(argv)


def load_demo() -> tuple[dict[str, int], dict[str, Any]]:
    from outpost.accounts.demo import create_staff_roster
    from outpost.core.context import request_context
    from outpost.fieldwork.demo import generate_fieldwork

    load_district_registry(DATA)
    street = fieldwork_street.top_up(DATA)
    with request_context("command"):
        create_staff_roster()
        made = generate_fieldwork()
    vacuum_analyze()
    return made, street


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def reused(args: argparse.Namespace) -> Any:
    from bench.throwaway import database_url, django_on

    return django_on(database_url(args.pg_dsn, args.db))


def loaded() -> tuple[dict[str, int], dict[str, Any]]:
    """What a --keep run loaded (the street already topped up)."""
    street = fieldwork_street.goal_street()
    after = fieldwork_street.street_subjects(street)
    grids = fieldwork_street.street_grids(street)
    return {"reused": 1}, {"street": street, "grids": grids, "before": "?", "after": after}


def commander(username: str, scope: str) -> Any:
    from outpost.accounts.models import User
    from outpost.accounts.roles import Role
    from outpost.accounts.services import grant_role

    found = User.objects.filter(username=username).first()
    if found is not None:  # a reused database
        return found
    user = User.objects.create_user(username=username, password=None)
    grant_role(user, Role.STREET_COMMANDER, scope, actor=None)
    return user


def best_ms(func: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """The best and the worst of `repeat` runs (ms), and the answer."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - started) * 1000)
    return min(times), max(times), result


def anchor(user: Any) -> int:
    """A plain count of the same subjects through the same scope (what any list pays)."""
    from outpost.registry.models import HouseUse
    from outpost.registry.queries import houses_for, organisations_for, people_for

    care = people_for(user).exclude(care_tags="").count()
    rented = houses_for(user).filter(use=HouseUse.RENTED).count()
    return care + rented + organisations_for(user).filter(is_key_unit=True).count()


def measure(label: str, user: Any, repeat: int) -> float:
    from django.utils import timezone

    from outpost.fieldwork.queries import due_visits

    due_ms, worst, due = best_ms(lambda: due_visits(user), repeat)
    anchor_ms, _, count = best_ms(lambda: anchor(user), repeat)
    overdue = sum(1 for d in due if d.overdue(timezone.localdate()))
    print(
        f"{label}: {len(due)} subjects due ({overdue} overdue) in {due_ms:.0f} ms "
        f"(worst of {repeat}: {worst:.0f} ms); "
        f"anchor: count of the {count} subjects in {anchor_ms:.0f} ms "
        f"(list/anchor {due_ms / max(anchor_ms, 0.001):.1f}x)"
    )
    return due_ms


def real_street(topped: str) -> str:
    """The street with the most rented houses of those left as the demo has them."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from outpost.registry.models import House

    rented = House.objects.filter(use="出租").exclude(grid_code__startswith=topped)
    rows = rented.annotate(street=Substr("grid_code", 1, 9)).values("street")
    top = rows.annotate(n=Count("id")).order_by("-n").first()
    assert top is not None
    return str(top["street"])


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f} at start")
    with reused(args) if args.reuse else throwaway_database(args.pg_dsn, args.db, keep=args.keep):
        started = time.monotonic()
        made, topped = loaded() if args.reuse else load_demo()
        print(f"demo data loaded in {time.monotonic() - started:.0f} s: {made}")
        street = topped["street"]
        print(
            f"the goal's street (stand-in): street {street}, {topped['grids']} grids, topped up "
            f"from {topped['before']} to {topped['after']} care subjects and rented houses "
            "through the registry importers"
        )
        goal_ms = measure(
            f"street {street} (stand-in)", commander("bench_street", f"{street}000"), args.repeat
        )
        measure("district (all grids)", commander("bench_district", "320106000000"), args.repeat)
        other = real_street(street)
        measure(f"street {other} (as the demo has it)", commander("bench_real", f"{other}000"),
                args.repeat)  # fmt: skip
    ok = goal_ms < GOAL_MS
    print(f"load {os.getloadavg()[0]:.2f} at end")
    print(f"{'PASS' if ok else 'FAIL'}: street due list {goal_ms:.0f} ms (goal < {GOAL_MS:.0f} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
