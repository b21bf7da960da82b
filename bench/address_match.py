"""Benchmark: the free-text address matcher on the district's sample of messy queries.

    python bench/address_match.py [--data data/gulou] [--queries 20000] [--strict]

Builds AddressMatcher from addresses.csv.xz and divisions.csv (build time printed apart from
reading the files), matches every row of address_queries_sample.csv, and prints the share of
matchable rows answered right, the share of all rows answered wrongly (a wrong id, or an id where
the address does not exist), a per-kind breakdown, and single-thread queries/s over at least
--queries queries (the sample repeated). As an anchor for this machine it also times a trivial
baseline: an exact dict lookup of the NFKC-normalised full text. Prints PASS/FAIL against the
goals; exits 0 unless --strict is given and a goal fails.
"""

from __future__ import annotations

import argparse
import csv
import gc
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

# Run as a plain script from anywhere: make the repository root importable.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from outpost.registry.matching import (  # noqa: E402
    AddressMatcher,
    load_division_names,
    load_records,
)

GOAL_RIGHT = 0.98  # of matchable rows
GOAL_WRONG = 0.01  # of all rows
GOAL_QPS = 5_000
GOAL_BUILD_S = 5.0  # informational: "a few seconds at most"
REPEATS = 3  # timing runs; the best is reported


def best_rate(fn: Callable[[Sequence[str]], object], texts: Sequence[str]) -> float:
    """Queries per second of the fastest of REPEATS runs over `texts`."""
    best = float("inf")
    for _ in range(REPEATS):
        gc.collect()
        start = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def baseline_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "gulou")
    parser.add_argument("--queries", type=int, default=20_000, help="at least this many timed")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal fails")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    records = load_records(args.data / "addresses.csv.xz")
    names = load_division_names(args.data / "divisions.csv")
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    matcher = AddressMatcher(records, names)
    build_s = time.perf_counter() - start
    print(f"records: {len(records):,}; read {read_s:.2f} s, index built in {build_s:.2f} s")

    with open(args.data / "address_queries_sample.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    results = matcher.match_many([r["text"] for r in rows])

    per_kind: dict[str, Counter[str]] = {}
    wrong_rows = []
    for row, res in zip(rows, results, strict=True):
        expected = row["expected_addr_id"] or None
        c = per_kind.setdefault(row["kind"], Counter())
        c["rows"] += 1
        if expected is not None:
            c["matchable"] += 1
        if res.addr_id == expected:
            c["right"] += 1
            if expected is not None:
                c["matchable_right"] += 1
        elif res.addr_id is None:
            c["missed"] += 1  # no answer where there was one: not wrong, but not right
        else:
            c["wrong"] += 1
            wrong_rows.append((row, res))
    total = sum(per_kind.values(), Counter())
    right_share = total["matchable_right"] / max(total["matchable"], 1)
    wrong_share = total["wrong"] / max(total["rows"], 1)

    print(f"\nsample: {total['rows']} rows, {total['matchable']} matchable")
    print(f"{'kind':<18}{'rows':>6}{'right':>7}{'missed':>8}{'wrong':>7}")
    for kind in sorted(per_kind):
        c = per_kind[kind]
        print(f"{kind:<18}{c['rows']:>6}{c['right']:>7}{c['missed']:>8}{c['wrong']:>7}")
    print(f"matchable rows right: {right_share:.2%}   all rows wrong: {wrong_share:.2%}")
    for row, res in wrong_rows[:10]:
        print(
            f"  WRONG {row['kind']}: {row['text']} expected {row['expected_addr_id'] or '-'}"
            f" got {res.addr_id}"
        )
    missed = [
        (r, x)
        for r, x in zip(rows, results, strict=True)
        if r["expected_addr_id"] and x.addr_id is None
    ]
    for row, _ in missed[:10]:
        print(f"  missed {row['kind']}: {row['text']} expected {row['expected_addr_id']}")

    texts = [r["text"] for r in rows]
    texts = texts * -(-args.queries // len(texts))
    qps = best_rate(matcher.match_many, texts)
    lookup = {baseline_key(r.full_text): r.addr_id for r in records}
    base_qps = best_rate(lambda ts: [lookup.get(baseline_key(t)) for t in ts], texts)
    print(f"\nspeed over {len(texts):,} queries, one thread, best of {REPEATS}:")
    print(f"  matcher            {qps:>12,.0f} queries/s")
    print(
        f"  anchor: dict lookup of NFKC full text {base_qps:>12,.0f} queries/s"
        f"  (matcher = 1/{base_qps / qps:.0f} of it)"
    )

    goals = [
        (
            f"matchable rows right >= {GOAL_RIGHT:.0%}",
            right_share >= GOAL_RIGHT,
            f"{right_share:.2%}",
        ),
        (f"all rows wrong <= {GOAL_WRONG:.0%}", wrong_share <= GOAL_WRONG, f"{wrong_share:.2%}"),
        (f"queries/s >= {GOAL_QPS:,}", qps >= GOAL_QPS, f"{qps:,.0f}"),
    ]
    print()
    for label, ok, value in goals:
        print(f"{'PASS' if ok else 'FAIL'}  {label}: {value}")
    build_ok = build_s <= GOAL_BUILD_S
    print(f"({'ok' if build_ok else 'slow'}: index build {build_s:.2f} s, a few seconds at most)")
    failed = not all(ok for _, ok, _ in goals)
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
