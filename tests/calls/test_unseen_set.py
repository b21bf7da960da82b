"""The held-out 110 call set (data/eval/calls_110_unseen.csv): its shape only, never its contents.

Nobody tunes a classifier by reading this file; these checks only keep it well formed.
"""

import csv
import json
import lzma
from collections import Counter
from pathlib import Path

from tests.conftest import GULOU

EVAL = GULOU.parent / "eval" / "calls_110_unseen.csv"
TAXONOMY = Path(__file__).resolve().parents[2] / "outpost" / "cases" / "data" / "taxonomy.json"
HEADER = ["call_id", "received_at", "caller_phone", "location_text", "content", "label", "addr_id"]
MINIMUM = {"POLICE": 180, "0901": 45, "0902": 45, "0903": 45, "0904": 45, "0905": 45}
MINIMUM |= {"0906": 40, "0907": 40, "0908": 40}


def _read() -> tuple[list[str], list[dict[str, str]]]:
    with EVAL.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [dict(zip(header, values, strict=True)) for values in reader]
    return header, rows


def _diversion_codes() -> set[str]:
    categories = json.loads(TAXONOMY.read_text(encoding="utf-8"))["categories"]
    diversion = next(c for c in categories if c["code"] == "09")
    return {s["code"] for s in diversion["subtypes"]}


def test_it_has_the_agreed_header_and_enough_rows() -> None:
    header, rows = _read()
    assert header == HEADER
    assert len(rows) >= 600


def test_it_never_repeats_a_call_id_or_a_content() -> None:
    _, rows = _read()
    assert len({r["call_id"] for r in rows}) == len(rows)
    assert len({r["content"].strip() for r in rows}) == len(rows)
    assert all(r["content"].strip() and r["location_text"].strip() for r in rows)


def test_it_labels_each_call_police_or_a_diversion_subtype() -> None:
    _, rows = _read()
    allowed = _diversion_codes() | {"POLICE"}
    assert allowed == set(MINIMUM)
    assert {r["label"] for r in rows} <= allowed


def test_it_holds_enough_calls_of_every_label() -> None:
    _, rows = _read()
    counts = Counter(r["label"] for r in rows)
    short = {label: counts[label] for label, least in MINIMUM.items() if counts[label] < least}
    assert short == {}


def test_it_points_every_call_at_a_known_address() -> None:
    _, rows = _read()
    with lzma.open(GULOU / "addresses.csv.xz", "rt", encoding="utf-8") as handle:
        known = {a["addr_id"] for a in csv.DictReader(handle)}
    assert {r["addr_id"] for r in rows} - known == set()
