"""Benchmark: the free-text address matcher on the district's query files.

    python bench/address_match.py [--data D] [--queries PATH ...] [--timed 20000] [--strict]

Builds AddressMatcher from addresses.csv.xz and divisions.csv (build time printed apart from
reading the files) and matches every row of each query file (text,kind,expected_addr_id; by
default address_queries_sample.csv, the messy typed sample, and address_queries_spoken.csv, the
spoken forms). For each file it prints per kind the rows answered right, wrong (a wrong id, or an
id where no match is right) and with no match where there was one; then the share of matchable
rows right, of all rows wrong and of matchable rows without a match, and single-thread queries/s
over at least --timed queries (the file repeated). As an anchor for this machine it also times a
trivial baseline: an exact dict lookup of the NFKC-normalised full text. Prints PASS/FAIL against
the goals for the first file; exits 0 unless --strict is given and a goal fails.
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
from dataclasses import dataclass
from pathlib import Path

# Run as a plain script from anywhere: make the repository root importable.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from outpost.registry.matching import (  # noqa: E402
    AddressMatcher,
    MatchResult,
    load_division_names,
    load_records,
)

GOAL_RIGHT = 0.98  # of matchable rows
GOAL_WRONG = 0.01  # of all rows
GOAL_QPS = 5_000
GOAL_BUILD_S = 5.0  # informational: "a few seconds at most"
REPEATS = 3  # timing runs; the best is reported
QUERY_FILES = ("address_queries_sample.csv", "address_queries_spoken.csv")


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


@dataclass
class Score:
    right: float  # of matchable rows
    wrong: float  # of all rows
    qps: float


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def tally(rows: list[dict[str, str]], results: list[MatchResult]) -> dict[str, Counter[str]]:
    """Per kind: rows, matchable, right, matchable_right, missed (no match where there was one),
    wrong (a wrong id, or an id where no match is right)."""
    per_kind: dict[str, Counter[str]] = {}
    for row, res in zip(rows, results, strict=True):
        expected = row["expected_addr_id"] or None
        c = per_kind.setdefault(row["kind"], Counter())
        c["rows"] += 1
        c["matchable"] += expected is not None
        if res.addr_id == expected:
            c["right"] += 1
            c["matchable_right"] += expected is not None
        elif res.addr_id is None:
            c["missed"] += 1
        else:
            c["wrong"] += 1
    return per_kind


def report(name: str, rows: list[dict[str, str]], results: list[MatchResult]) -> Score:
    per_kind = tally(rows, results)
    total = sum(per_kind.values(), Counter())
    print(f"\n{name}: {total['rows']} rows, {total['matchable']} matchable")
    print(f"{'kind':<24}{'rows':>6}{'right':>7}{'wrong':>7}{'no-match':>10}")
    for kind in sorted(per_kind):
        c = per_kind[kind]
        print(f"{kind:<24}{c['rows']:>6}{c['right']:>7}{c['wrong']:>7}{c['missed']:>10}")
    right = total["matchable_right"] / max(total["matchable"], 1)
    wrong = total["wrong"] / max(total["rows"], 1)
    missed = total["missed"] / max(total["matchable"], 1)
    print(
        f"matchable rows right: {right:.2%}   all rows wrong: {wrong:.2%}"
        f"   matchable rows without a match: {missed:.2%}"
    )
    pairs = list(zip(rows, results, strict=True))
    for row, res in [
        (r, x) for r, x in pairs if x.addr_id not in (r["expected_addr_id"] or None, None)
    ][:10]:
        print(
            f"  WRONG {row['kind']}: {row['text']} expected {row['expected_addr_id'] or '-'}"
            f" got {res.addr_id}"
        )
    for row, _ in [(r, x) for r, x in pairs if r["expected_addr_id"] and x.addr_id is None][:10]:
        print(f"  missed {row['kind']}: {row['text']} expected {row['expected_addr_id']}")
    return Score(right, wrong, 0.0)


def timed(matcher: AddressMatcher, rows: list[dict[str, str]], at_least: int) -> float:
    texts = [r["text"] for r in rows]
    return best_rate(matcher.match_many, texts * -(-at_least // len(texts)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "gulou")
    parser.add_argument(
        "--queries", type=Path, action="append", help="a query file (repeatable); default: both"
    )
    parser.add_argument("--timed", type=int, default=20_000, help="at least this many timed")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal fails")
    args = parser.parse_args(argv)
    files = args.queries or [args.data / name for name in QUERY_FILES]

    start = time.perf_counter()
    records = load_records(args.data / "addresses.csv.xz")
    names = load_division_names(args.data / "divisions.csv")
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    matcher = AddressMatcher(records, names)
    build_s = time.perf_counter() - start
    print(f"records: {len(records):,}; read {read_s:.2f} s, index built in {build_s:.2f} s")

    scores = []
    for path in files:
        rows = read_rows(path)
        score = report(path.name, rows, matcher.match_many([r["text"] for r in rows]))
        score.qps = timed(matcher, rows, args.timed)
        scores.append(score)

    lookup = {baseline_key(r.full_text): r.addr_id for r in records}
    texts = [r["text"] for r in read_rows(files[0])]
    texts = texts * -(-args.timed // len(texts))
    base_qps = best_rate(lambda ts: [lookup.get(baseline_key(t)) for t in ts], texts)
    print(f"\nspeed, one thread, best of {REPEATS}, at least {args.timed:,} queries per file:")
    for path, score in zip(files, scores, strict=True):
        print(f"  matcher on {path.name:<32}{score.qps:>10,.0f} queries/s")
    print(
        f"  anchor: dict lookup of NFKC full text {base_qps:>12,.0f} queries/s"
        f"  (matcher = 1/{base_qps / scores[0].qps:.0f} of it)"
    )

    first = scores[0]
    goals = [
        (
            f"matchable rows right >= {GOAL_RIGHT:.0%}",
            first.right >= GOAL_RIGHT,
            f"{first.right:.2%}",
        ),
        (f"all rows wrong <= {GOAL_WRONG:.0%}", first.wrong <= GOAL_WRONG, f"{first.wrong:.2%}"),
        (f"queries/s >= {GOAL_QPS:,}", first.qps >= GOAL_QPS, f"{first.qps:,.0f}"),
    ]
    print(f"\ngoals on {files[0].name}:")
    for label, ok, value in goals:
        print(f"{'PASS' if ok else 'FAIL'}  {label}: {value}")
    build_ok = build_s <= GOAL_BUILD_S
    print(f"({'ok' if build_ok else 'slow'}: index build {build_s:.2f} s, a few seconds at most)")
    failed = not all(ok for _, ok, _ in goals)
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
