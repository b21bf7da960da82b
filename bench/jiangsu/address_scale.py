"""Benchmark: the address matcher over 1/10 江苏's standard addresses (3.5M at fraction 1).

    python bench/jiangsu/address_scale.py [--fraction 0.05] [--queries 3000] [--strict]

Generates the province at --fraction, reads every district's addresses.csv into the matcher's
records and builds one AddressMatcher over all of them (as each app process does), measuring the
build time and the memory the records and the index take (resident set size before and after).
Then matches messy queries written from randomly drawn rooms the ways people type them (the kinds
of data/gulou/address_queries_sample.csv: spaces, full-width digits, Chinese numerals, dash
notation, 幢 and 号楼, 附近 noise, province left out) and queries for doors and rooms that do not
exist (the right answer: no match). Roads repeat across districts at this scale, so every query
names its city or district, as a resident reporting in one city would. Prints right (of matchable),
wrong (of all), queries/s beside the anchor (a dict lookup of the NFKC full text), memory per
process projected to 3.5M addresses, and PASS/FAIL against the goals of bench/address_match.py.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a plain script

from bench.jiangsu.generate import TARGET, generate  # noqa: E402
from outpost.registry.matching import (  # noqa: E402
    AddressMatcher,
    AddressRecord,
    load_division_names,
    load_records,
)

GOAL_RIGHT, GOAL_WRONG, GOAL_QPS = 0.98, 0.01, 5_000
CN = "零一二三四五六七八九"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--fraction", type=float, default=0.05)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--queries", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal fails")
    return parser.parse_args(argv)


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def to_cn(n: int) -> str:
    if n < 10:
        return CN[n]
    if n < 100:
        return ("" if n // 10 == 1 else CN[n // 10]) + "十" + (CN[n % 10] if n % 10 else "")
    return "".join(CN[int(c)] for c in str(n))


class Writer:
    """Messy text for a room, from its components; city and district names from the codes."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def region(self, r: AddressRecord) -> tuple[str, str]:
        code = r.community_code
        return self.names[code[:4] + "00000000"], self.names[code[:6] + "000000"]

    def tail(self, r: AddressRecord, b: str = "栋", u: str = "单元", room: str = "室") -> str:
        return f"{digits(r.building)}{b}{digits(r.unit)}{u}{digits(r.room)}{room}"

    def variants(self, r: AddressRecord) -> dict[str, str]:
        city, district = self.region(r)
        door = digits(r.door_no)
        full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in door)
        return {
            "drop_province": r.full_text.removeprefix("江苏省"),
            "district_only": f"{district}{r.road}{r.door_no}{self.tail(r)}",
            "spaces": f"{city} {district} {r.road} {door} 号 "
            + " ".join([digits(r.building), "栋", digits(r.unit), "单元", digits(r.room), "室"]),
            "fullwidth": f"{city}{district}{r.road}{full_width}号{self.tail(r)}",
            "cn_numerals": f"{district}{r.road}{to_cn(int(door))}号{self.tail(r)}",
            "dash": f"{city}{district}{r.road}{r.door_no}"
            f"{digits(r.building)}-{digits(r.unit)}-{digits(r.room)}",
            "zhuang": f"{district}{r.road}{r.door_no}{r.compound}{self.tail(r, b='幢', room='')}",
            "haolou": f"{city}{district}{r.road}{r.door_no}{self.tail(r, b='号楼')}",
            "noise": f"{city[:-1]}{district[:-1]}{r.road}{r.door_no}{self.tail(r)}附近",
        }

    def nonexistent(self, r: AddressRecord) -> dict[str, str]:
        city, district = self.region(r)
        return {
            "nonexistent_door": f"{city}{district}{r.road}{int(digits(r.door_no)) + 5000}号"
            f"{self.tail(r)}",
            "nonexistent_room": f"{city}{district}{r.road}{r.door_no}{digits(r.building)}栋"
            f"{digits(r.unit)}单元9{digits(r.room)[-2:]}室",
        }


def queries(
    records: list[AddressRecord],
    names: dict[str, str],
    n: int,
    seed: int,
) -> list[tuple[str, str, str]]:
    """(text, kind, expected id or '') for n/10 rooms drawn with the seed."""
    rooms = [r for r in records if r.level == "户室"]
    writer, rng, out = Writer(names), random.Random(seed), []
    for r in rng.sample(rooms, min(len(rooms), max(1, n // 11))):
        out += [(text, kind, r.addr_id) for kind, text in writer.variants(r).items()]
        out += [(text, kind, "") for kind, text in writer.nonexistent(r).items()]
    return out


def best_rate(fn: Callable[[list[str]], object], texts: list[str], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - started)
    return len(texts) / best


def score(rows: list[tuple[str, str, str]], got: list[str | None]) -> tuple[float, float]:
    per_kind: dict[str, Counter[str]] = {}
    for (_, kind, expected), answer in zip(rows, got, strict=True):
        c = per_kind.setdefault(kind, Counter())
        c["rows"] += 1
        c["right" if answer == (expected or None) else "missed" if answer is None else "wrong"] += 1
    print(f"{'kind':<20}{'rows':>6}{'right':>7}{'wrong':>7}{'no-match':>10}")
    for kind, c in sorted(per_kind.items()):
        print(f"{kind:<20}{c['rows']:>6}{c['right']:>7}{c['wrong']:>7}{c['missed']:>10}")
    matchable = [(e, a) for (_, _, e), a in zip(rows, got, strict=True) if e]
    right = sum(a == e for e, a in matchable) / max(len(matchable), 1)
    wrong = sum(a is not None and a != (e or None) for (_, _, e), a in zip(rows, got, strict=True))
    return right, wrong / max(len(rows), 1)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="jiangsu-") as tmp:
        folder = Path(tmp)
        generate(folder, args.scale, args.fraction, args.seed)
        gc.collect()
        base = rss_mb()
        started = time.perf_counter()
        records = [r for p in sorted((folder / "addresses").glob("*.csv")) for r in load_records(p)]
        names = load_division_names(folder / "boundaries" / "divisions.csv")
    read_s, after_records = time.perf_counter() - started, rss_mb()
    started = time.perf_counter()
    matcher = AddressMatcher(records, names)
    build_s, after_index = time.perf_counter() - started, rss_mb()
    n = len(records)
    per_million = (after_index - base) / n * 1e6
    full = TARGET["addresses"] * args.scale
    print(f"{n:,} standard addresses in {len(names):,} divisions (fraction {args.fraction})")
    print(
        f"read in {read_s:.1f} s; index built in {build_s:.1f} s "
        f"(projected to {full:,.0f}: {build_s * full / n:.0f} s)"
    )
    print(
        f"memory: records {after_records - base:,.0f} MB + index {after_index - after_records:,.0f}"
        f" MB = {per_million:,.0f} MB per million addresses; projected to {full:,.0f}: "
        f"{per_million * full / 1e6 / 1024:.1f} GB per process"
    )
    rows = queries(records, names, args.queries, args.seed)
    texts = [t for t, _, _ in rows]
    got = [m.addr_id for m in matcher.match_many(texts)]
    right, wrong = score(rows, got)
    qps = best_rate(matcher.match_many, texts)
    lookup = {
        "".join(unicodedata.normalize("NFKC", r.full_text).split()): r.addr_id for r in records
    }
    base_qps = best_rate(
        lambda ts: [lookup.get("".join(unicodedata.normalize("NFKC", t).split())) for t in ts],
        texts,
    )
    print(
        f"matcher: {qps:,.0f} queries/s on one thread; anchor dict lookup of the NFKC full text"
        f" {base_qps:,.0f} queries/s"
    )
    goals = [
        (f"matchable rows right >= {GOAL_RIGHT:.0%} ({right:.2%})", right >= GOAL_RIGHT),
        (f"all rows wrong <= {GOAL_WRONG:.0%} ({wrong:.2%})", wrong <= GOAL_WRONG),
        (f"queries/s >= {GOAL_QPS:,} ({qps:,.0f})", qps >= GOAL_QPS),
    ]
    for label, ok in goals:
        print(f"GOAL {label}: {'PASS' if ok else 'FAIL'}")
    return 1 if args.strict and not all(ok for _, ok in goals) else 0


if __name__ == "__main__":
    sys.exit(main())
