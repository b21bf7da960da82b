"""The second, third and fourth held-out call sets (data/eval/calls_110_unseen2.csv, …unseen3.csv,
…unseen4.csv): their shape only. (The first set's shape: tests/calls/test_unseen_set.py.)

Reads no row's content beyond counting and comparing: the set is for measuring, never tuning
(data/eval/README.md).
"""

import csv
import json
import lzma
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Each set and the month its calls were dated in.
SETS = {
    "calls_110_unseen2.csv": "2026-12-",
    "calls_110_unseen3.csv": "2027-01-",
    "calls_110_unseen4.csv": "2027-02-",
    "calls_110_unseen5.csv": "2027-03-",
    "calls_110_unseen6.csv": "2027-04-",
    "calls_110_unseen7.csv": "2027-05-",
    "calls_110_unseen8.csv": "2027-06-",
    "calls_110_unseen9.csv": "2027-07-",
    "calls_110_unseen10.csv": "2027-08-",
    "calls_110_unseen11.csv": "2027-09-",
    "calls_110_unseen12.csv": "2027-10-",
}
HEADER = ["call_id", "received_at", "caller_phone", "location_text", "content", "label", "addr_id"]
MIN_PER_LABEL = {"POLICE": 200} | {f"090{i}": 40 for i in range(1, 9)}


@pytest.fixture(scope="module", params=sorted(SETS))
def held_out(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def rows(held_out: str) -> list[dict[str, str]]:
    with (ROOT / "data" / "eval" / held_out).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == HEADER
        return list(reader)


def _diversion_codes() -> set[str]:
    taxonomy = json.loads(
        (ROOT / "outpost" / "cases" / "data" / "taxonomy.json").read_text("utf-8")
    )
    category = next(c for c in taxonomy["categories"] if c["code"] == "09")
    return {s["code"] for s in category["subtypes"]}


def test_it_has_the_header_and_at_least_600_calls(rows: list[dict[str, str]]) -> None:
    assert len(rows) >= 600


def test_it_has_unique_call_ids_and_unique_contents(rows: list[dict[str, str]]) -> None:
    assert len({r["call_id"] for r in rows}) == len(rows)
    assert len({r["content"].strip() for r in rows}) == len(rows)
    assert all(r["content"].strip() and r["location_text"].strip() for r in rows)


def test_it_labels_only_police_or_a_diversion_subtype(rows: list[dict[str, str]]) -> None:
    allowed = _diversion_codes() | {"POLICE"}
    assert set(MIN_PER_LABEL) == allowed
    assert {r["label"] for r in rows} <= allowed


def test_it_has_enough_calls_of_every_label(rows: list[dict[str, str]]) -> None:
    counts = Counter(r["label"] for r in rows)
    short = {
        label: counts[label] for label, least in MIN_PER_LABEL.items() if counts[label] < least
    }
    assert short == {}


def test_it_points_every_call_at_a_distinct_real_address(rows: list[dict[str, str]]) -> None:
    with lzma.open(ROOT / "data" / "gulou" / "addresses.csv.xz", "rt", encoding="utf-8") as fh:
        known = {r["addr_id"] for r in csv.DictReader(fh)}
    ids = [r["addr_id"] for r in rows]
    assert set(ids) <= known
    assert len(set(ids)) == len(ids)


def test_it_dates_calls_in_its_month_from_mobile_numbers(
    held_out: str, rows: list[dict[str, str]]
) -> None:
    month = SETS[held_out]
    assert all(
        r["received_at"].startswith(month) and r["received_at"].endswith("+08:00") for r in rows
    )
    assert all(len(r["caller_phone"]) == 11 and r["caller_phone"].startswith("1") for r in rows)
