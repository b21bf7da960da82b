"""Benchmark: the address matcher over 1/10 江苏's standard addresses (3.5M at fraction 1).

    python bench/jiangsu/address_scale.py [--fraction 0.05] [--queries 3000] [--single] [--strict]

Generates the province at --fraction and builds what each app process builds: one matcher per
district (区县) and the router over every district's names (outpost/registry/matching/
districts.py), measuring each district's build time and the memory its records and index take
(resident set size before and after), the router's, and a worker holding --hold districts.
With --single it also builds the old single AddressMatcher over every address (its index on top
of the records already read). Then matches messy queries written from randomly drawn rooms the ways
people type them (the kinds of data/gulou/address_queries_sample.csv: spaces, full-width digits,
Chinese numerals, dash notation, 幢 and 号楼, 附近 noise, province left out) and queries for doors
and rooms that do not exist (the right answer: no match), through the router. Roads repeat across
districts at this scale, so every query names its city or district, as a resident reporting in
one city would. Prints right (of matchable), wrong (of all), queries/s beside the anchor (a dict
lookup of the NFKC full text), memory and build time measured and projected to 3.5M addresses in
95 districts, and PASS/FAIL against the goals of bench/address_match.py and the memory goal.
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
    MatchResult,
    load_division_names,
    load_records,
)
from outpost.registry.matching.districts import (  # noqa: E402
    DistrictRouter,
    RoutedMatcher,
    district_names,
    district_of,
)

GOAL_RIGHT, GOAL_WRONG, GOAL_QPS = 0.98, 0.01, 5_000
GOAL_WORKER_GB = 2.0  # five workers in at most 10 of the machine's 24 GiB
PROVINCE_DISTRICTS = 95
CN = "零一二三四五六七八九"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--fraction", type=float, default=0.05)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--queries", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--hold", type=int, default=12, help="districts a worker holds")
    parser.add_argument("--single", action="store_true", help="also the one-matcher figures")
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


def bare_queries(
    records: list[AddressRecord], names: dict[str, str], n: int, seed: int
) -> list[tuple[str, str, str]]:
    """The same rooms written with no city or district at all: the right answer is the room when
    its road and door number are in one district only, else no match (it could be either)."""
    doors = Counter((r.road, r.door_no) for r in records if r.level == "门牌")
    rooms = [r for r in records if r.level == "户室"]
    writer, rng, out = Writer(names), random.Random(seed), []
    for r in rng.sample(rooms, min(len(rooms), max(1, n // 11))):
        unique = doors[(r.road, r.door_no)] == 1
        out.append((f"{r.road}{r.door_no}{writer.tail(r)}", "no_region", r.addr_id * unique))
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


def _counts(counter: Counter[int]) -> str:
    return ", ".join(f"{k} district(s): {m}" for k, m in sorted(counter.items()))


class Shard:
    def __init__(self, path: Path, names: dict[str, str]) -> None:
        gc.collect()
        before = rss_mb()
        self.records = load_records(path)
        self.district = district_of(self.records[0].community_code)
        started = time.perf_counter()
        self.matcher = AddressMatcher(self.records, district_names(names, self.district))
        self.build_s = time.perf_counter() - started
        self.mb = rss_mb() - before

    def names(self) -> tuple[set[str], set[str]]:
        doors = [r for r in self.records if r.level == "门牌"]
        return {r.road for r in doors}, {r.compound for r in doors if r.compound}


def run_and_score(
    label: str,
    match_many: Callable[[list[str]], list[MatchResult]],
    rows: list[tuple[str, str, str]],
) -> tuple[float, float]:
    print(f"-- {label}")
    return score(rows, [m.addr_id for m in match_many([t for t, _, _ in rows])])


def single_matcher(records: list[AddressRecord], names: dict[str, str]) -> AddressMatcher:
    """The old way: one matcher over every address (its index only: the records are shared)."""
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    matcher = AddressMatcher(records, names)
    build_s, index_mb = time.perf_counter() - started, rss_mb() - before
    print(f"single matcher: built in {build_s:.1f} s, index {index_mb:,.0f} MB (+ the records)")
    return matcher


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="jiangsu-") as tmp:
        folder = Path(tmp)
        generate(folder, args.scale, args.fraction, args.seed)
        names = load_division_names(folder / "boundaries" / "divisions.csv")
        shards = [Shard(p, names) for p in sorted((folder / "addresses").glob("*.csv"))]
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    router = DistrictRouter({s.district: s.names() for s in shards}, names)
    router_s, router_mb = time.perf_counter() - started, rss_mb() - before
    records = [r for s in shards for r in s.records]
    n, k, full = len(records), len(shards), TARGET["addresses"] * args.scale
    print(f"{n:,} standard addresses in {k} districts, {len(names):,} divisions")
    print(f"{'district':<10}{'addresses':>10}{'build s':>9}{'MB':>7}")
    for s in shards:
        print(f"{s.district:<10}{len(s.records):>10,}{s.build_s:>9.2f}{s.mb:>7.0f}")
    mean_s = sum(s.build_s for s in shards) / k
    mean_mb = sum(s.mb for s in shards) / k
    per_district = n / k
    router_full_mb = router_mb * PROVINCE_DISTRICTS / k
    hold = min(args.hold, PROVINCE_DISTRICTS)
    worker_mb = hold * mean_mb + router_full_mb
    print(
        f"per district (mean of {k}, {per_district:,.0f} addresses): built in {mean_s:.2f} s,"
        f" {mean_mb:,.0f} MB (records + index) = {mean_mb / per_district * 1e6:,.0f} MB per"
        f" million addresses"
    )
    print(
        f"router over {k} districts' names: built in {router_s:.1f} s, {router_mb:,.0f} MB"
        f" (projected to {PROVINCE_DISTRICTS} districts: {router_full_mb:,.0f} MB)"
    )
    print(
        f"a worker holding all {k} districts measured: {sum(s.mb for s in shards) + router_mb:,.0f}"
        f" MB; projected to {full:,.0f} addresses in {PROVINCE_DISTRICTS} districts: holding"
        f" {hold} districts {worker_mb:,.0f} MB, all {PROVINCE_DISTRICTS}"
        f" {(PROVINCE_DISTRICTS * mean_mb + router_full_mb) / 1024:.1f} GB; building all"
        f" {PROVINCE_DISTRICTS} {PROVINCE_DISTRICTS * mean_s:.0f} s, one district {mean_s:.1f} s"
    )
    matchers = {s.district: s.matcher for s in shards}
    routed = RoutedMatcher(router, matchers.__getitem__, max_districts=hold)
    rows = queries(records, names, args.queries, args.seed)
    bare = bare_queries(records, names, args.queries, args.seed)
    texts = [t for t, _, _ in rows]
    for label, some in (("named", texts), ("no city or district", [t for t, _, _ in bare])):
        fanout = Counter(len(routed.districts_for(t)) for t in some)
        print(f"districts asked per query, {label}: " + _counts(fanout))
    right, wrong = run_and_score("through the district router", routed.match_many, rows)
    run_and_score("through the district router, no city or district", routed.match_many, bare)
    single = single_matcher(records, names) if args.single else None
    if single is not None:
        run_and_score("one matcher over every address", single.match_many, rows)
        run_and_score("one matcher, no city or district", single.match_many, bare)
    lookup = {
        "".join(unicodedata.normalize("NFKC", r.full_text).split()): r.addr_id for r in records
    }
    base_qps = best_rate(
        lambda ts: [lookup.get("".join(unicodedata.normalize("NFKC", t).split())) for t in ts],
        texts,
    )
    # Best of three, the two matchers taking turns, so both see the same load.
    qps = single_qps = 0.0
    for _ in range(3):
        qps = max(qps, best_rate(routed.match_many, texts, repeat=1))
        if single is not None:
            single_qps = max(single_qps, best_rate(single.match_many, texts, repeat=1))
    print(
        f"routed matcher: {qps:,.0f} queries/s on one thread; anchor dict lookup of the NFKC full"
        f" text {base_qps:,.0f} queries/s"
    )
    if single is not None:
        print(f"single matcher, taking turns with it: {single_qps:,.0f} queries/s")
    goals = [
        (f"matchable rows right >= {GOAL_RIGHT:.0%} ({right:.2%})", right >= GOAL_RIGHT),
        (f"all rows wrong <= {GOAL_WRONG:.0%} ({wrong:.2%})", wrong <= GOAL_WRONG),
        (f"queries/s >= {GOAL_QPS:,} ({qps:,.0f})", qps >= GOAL_QPS),
        (
            f"a worker holding {hold} districts, projected, <= {GOAL_WORKER_GB} GB"
            f" ({worker_mb / 1024:.2f} GB)",
            worker_mb / 1024 <= GOAL_WORKER_GB,
        ),
    ]
    for label, ok in goals:
        print(f"GOAL {label}: {'PASS' if ok else 'FAIL'}")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    return 1 if args.strict and not all(ok for _, ok in goals) else 0


if __name__ == "__main__":
    sys.exit(main())
