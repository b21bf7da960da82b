"""Benchmark: the visits due/overdue list (走访到期清单) on PostgreSQL with the demo data.

    python bench/fieldwork_due.py [--pg-dsn postgresql://postgres@127.0.0.1:5432/postgres]
                                  [--repeat 5]

In a throwaway PostgreSQL database: migrate, import the district's boundaries and registry
(data/gulou), the staff roster and the demo's ninety days of field work (`generate_fieldwork`),
then time `queries.due_visits` for a commander over the whole district - every grid, ~12k care
subjects and rented houses: the size of the goal's street (≈ 60 grids, 10k subjects; the demo's
streets hold ~1.4k each) - and for the demo's largest street. Beside each, an anchor measured in
the same run: a plain count of the same subjects through the same scope. The best of --repeat
runs counts (the machine is shared).
Prints the times and PASS/FAIL against the goal (the district's list under 200 ms); exits 1 if
the goal is missed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script from anywhere

from bench.throwaway import analyze, load_district_registry, throwaway_database  # noqa: E402

DATA = ROOT / "data" / "gulou"
GOAL_MS = 200.0
BENCH_DB = "outpost_bench_fieldwork"
DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--pg-dsn", default=DEFAULT_DSN, help="a database to connect to first")
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds; the best counts")
    return parser.parse_args(argv)


def load_demo() -> dict[str, int]:
    from outpost.accounts.demo import create_staff_roster
    from outpost.core.context import request_context
    from outpost.fieldwork.demo import generate_fieldwork

    load_district_registry(DATA)
    with request_context("command"):
        create_staff_roster()
        made = generate_fieldwork()
    analyze()
    return made


def commander(username: str, scope: str) -> Any:
    from outpost.accounts.models import User
    from outpost.accounts.roles import Role
    from outpost.accounts.services import grant_role

    user = User.objects.create_user(username=username, password=None)
    grant_role(user, Role.STREET_COMMANDER, scope, actor=None)
    return user


def largest_street() -> str:
    from django.db.models import Count
    from django.db.models.functions import Substr

    from outpost.registry.models import House

    rented = House.objects.filter(use="出租").annotate(street=Substr("grid_code", 1, 9))
    top = rented.values("street").annotate(n=Count("id")).order_by("-n").first()
    assert top is not None
    return f"{top['street']}000"


def best_ms(func: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        best = min(best, (time.perf_counter() - started) * 1000)
    return best, result


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

    due_ms, due = best_ms(lambda: due_visits(user), repeat)
    anchor_ms, count = best_ms(lambda: anchor(user), repeat)
    overdue = sum(1 for d in due if d.overdue(timezone.localdate()))
    print(
        f"{label}: {len(due)} subjects due ({overdue} overdue) in {due_ms:.0f} ms; "
        f"anchor: count of the {count} subjects in {anchor_ms:.0f} ms "
        f"(list/anchor {due_ms / max(anchor_ms, 0.001):.1f}x)"
    )
    return due_ms


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with throwaway_database(args.pg_dsn, BENCH_DB):
        started = time.monotonic()
        made = load_demo()
        print(f"demo data loaded in {time.monotonic() - started:.0f} s: {made}")
        district = commander("bench_district", "320106000000")
        street = largest_street()
        district_ms = measure("district (all grids)", district, args.repeat)
        measure(f"street {street}", commander("bench_street", street), args.repeat)
    ok = district_ms < GOAL_MS
    print(f"{'PASS' if ok else 'FAIL'}: due list {district_ms:.0f} ms (goal < {GOAL_MS:.0f} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
