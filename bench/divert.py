"""Benchmark: the 110 non-police call classifier on the district's labelled sample of calls.

    python bench/divert.py [CSV] [--data data/gulou] [--calls 20000] [--strict]

Classifies every row of the sample (default data/gulou/calls_110_sample.csv) and prints how many
POLICE calls were diverted (the goal is none), the share of non-police calls diverted to the right
sub-type, how many were kept with the police or sent to a wrong sub-type, a confusion summary
(label by decision) and single-thread calls/s over at least --calls calls (the sample repeated).
Then the calls' locations: the share whose location_text the address matcher (built from
--data's addresses.csv.xz and divisions.csv, no database) matches to the sample's addr_id. The
matcher on messy queries in general is benchmarked in bench/address_match.py. Prints PASS/FAIL
against the goals; exits 0 unless --strict is given and a goal fails.
"""

from __future__ import annotations

import argparse
import csv
import gc
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

# Run as a plain script from anywhere: make the repository root importable.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from outpost.calls.classify import classify_call  # noqa: E402
from outpost.registry.matching import (  # noqa: E402
    AddressMatcher,
    load_division_names,
    load_records,
)

GOAL_POLICE_DIVERTED = 0  # hard requirement
GOAL_RIGHT = 0.90  # of non-police rows
GOAL_MATCHED = 0.95  # of all rows: location_text matched to the row's addr_id
REPEATS = 3  # timing runs; the best is reported
POLICE_LABEL = "POLICE"


def best_rate(texts: Sequence[str]) -> float:
    """Calls per second of the fastest of REPEATS runs over `texts`."""
    best = float("inf")
    for _ in range(REPEATS):
        gc.collect()
        start = time.perf_counter()
        for text in texts:
            classify_call(text)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def print_confusion(confusion: Counter[tuple[str, str]]) -> None:
    """Rows: the label; columns: what the classifier answered."""
    labels = sorted({label for label, _ in confusion})
    answers = sorted({answer for _, answer in confusion})
    print(
        f"\nconfusion (rows: label, columns: answer):\n{'':<8}"
        + "".join(f"{a:>8}" for a in answers)
    )
    for label in labels:
        print(f"{label:<8}" + "".join(f"{confusion[label, a]:>8}" for a in answers))


def tally(rows: Sequence[dict[str, str]]) -> tuple[Counter[tuple[str, str]], list[str]]:
    """Count (label, answer) pairs and describe each mistake in one line."""
    confusion: Counter[tuple[str, str]] = Counter()
    mistakes = []
    for row in rows:
        decision = classify_call(row["content"])
        answer = decision.subtype or POLICE_LABEL
        confusion[row["label"], answer] += 1
        if answer != row["label"]:
            mistakes.append(f"{row['label']} -> {answer}: {row['content']}  [{decision.reason}]")
    return confusion, mistakes


def summarise(confusion: Counter[tuple[str, str]]) -> dict[str, int]:
    """The counts the goals are about."""
    counts: Counter[str] = Counter()
    for (label, answer), n in confusion.items():
        counts["rows"] += n
        if label == POLICE_LABEL:
            counts["police"] += n
            counts["police_diverted"] += n * (answer != POLICE_LABEL)
        elif answer == label:
            counts["right"] += n
        elif answer == POLICE_LABEL:
            counts["kept"] += n
        else:
            counts["wrong"] += n
    counts["other"] = counts["rows"] - counts["police"]
    return dict(counts)


def address_share(rows: Sequence[dict[str, str]], data: Path) -> float:
    """The share of rows whose location_text matches to their addr_id; prints the misses."""
    start = time.perf_counter()
    matcher = AddressMatcher(
        load_records(data / "addresses.csv.xz"), load_division_names(data / "divisions.csv")
    )
    built = time.perf_counter() - start
    results = matcher.match_many([row["location_text"] for row in rows])
    misses = [
        (row, found.addr_id)
        for row, found in zip(rows, results, strict=True)
        if found.addr_id != row["addr_id"]
    ]
    share = 1 - len(misses) / max(len(rows), 1)
    print(f"\naddresses (matcher built in {built:.2f} s from {data}):")
    right = len(rows) - len(misses)
    print(f"location_text matched to addr_id:      {share:.2%} ({right}/{len(rows)})")
    for row, got in misses[:10]:
        print(f"  {row['location_text']} expected {row['addr_id'] or '-'} got {got or '-'}")
    return share


def print_goals(police_diverted: int, right_share: float, matched_share: float) -> bool:
    """Print PASS/FAIL per goal; True when all pass."""
    goals = [
        (f"POLICE calls diverted = {GOAL_POLICE_DIVERTED}", police_diverted == 0, police_diverted),
        (f"non-police right >= {GOAL_RIGHT:.0%}", right_share >= GOAL_RIGHT, f"{right_share:.2%}"),
        (
            f"addresses matched >= {GOAL_MATCHED:.0%}",
            matched_share >= GOAL_MATCHED,
            f"{matched_share:.2%}",
        ),
    ]
    print()
    for label, ok, value in goals:
        print(f"{'PASS' if ok else 'FAIL'}  {label}: {value}")
    return all(ok for _, ok, _ in goals)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = ROOT / "data" / "gulou" / "calls_110_sample.csv"
    parser.add_argument("csv", type=Path, nargs="?", default=default)
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "gulou")
    parser.add_argument("--calls", type=int, default=20_000, help="at least this many timed")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal fails")
    args = parser.parse_args(argv)
    with open(args.csv, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))

    confusion, mistakes = tally(rows)
    c = Counter(summarise(confusion))
    right_share = c["right"] / max(c["other"], 1)
    print(f"rows: {c['rows']} ({c['police']} POLICE, {c['other']} non-police) from {args.csv}")
    print(f"POLICE calls diverted:                 {c['police_diverted']}")
    print(f"non-police diverted to right sub-type: {right_share:.2%} ({c['right']}/{c['other']})")
    print(f"non-police kept with the police:       {c['kept']}")
    print(f"non-police sent to a wrong sub-type:   {c['wrong']}")
    print_confusion(confusion)
    for line in mistakes[:15]:
        print(f"  {line}")

    texts = [r["content"] for r in rows] or [""]
    texts = texts * -(-args.calls // len(texts))
    rate = best_rate(texts)
    print(f"\nspeed over {len(texts):,} calls, one thread, best of {REPEATS}: {rate:,.0f} calls/s")
    matched_share = address_share(rows, args.data)
    ok = print_goals(c["police_diverted"], right_share, matched_share)
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
