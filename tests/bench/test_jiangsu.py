"""The 1/10 江苏 generator (bench/jiangsu): a tiny fraction makes real-looking codes and valid ID
numbers, the same seed makes the same files, and the product's importers take a slice of what it
writes without rejecting a row."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import pytest

from bench.jiangsu.generate import IdMaker, generate
from bench.jiangsu.places import ELSEWHERE, districts
from outpost.core.context import request_context
from outpost.geo.boundaries import import_boundaries
from outpost.registry.imports import run_import
from outpost.registry.models import Person, StandardAddress
from outpost.registry.validators import area_codes, parse_id_number

FRACTION = 0.0006  # 6 grids, one district, ~2,000 addresses, ~5,000 people
SLICE = 400


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("jiangsu")
    generate(out, 1.0, FRACTION, 7)
    return out


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_it_uses_only_real_gb2260_codes_for_districts_and_birth_places() -> None:
    known = area_codes()
    assert len(districts()) == 95
    assert [c for c, *_ in districts() if c not in known] == []
    assert [c for c in ELSEWHERE if c not in known] == []


def test_it_writes_valid_unique_id_numbers_that_agree_with_birth_date_and_gender(
    made: Path,
) -> None:
    people = [r for p in (made / "persons").glob("*.csv") for r in rows(p)]
    assert len(people) > 1000
    for person in people:
        idn = parse_id_number(person["id_number"])
        assert idn.birth_date.isoformat() == person["birth_date"]
        assert idn.gender == person["gender"]
    assert len({p["id_number"] for p in people}) == len(people)


def test_it_never_makes_the_same_id_number_twice_over_many_people() -> None:
    maker = IdMaker([c for c, *_ in districts()], 100_000, 3)
    numbers = {maker.make(k, k % 3 == 0)[0] for k in range(100_000)}
    assert len(numbers) == 100_000


def test_it_writes_the_same_files_for_the_same_seed(made: Path, tmp_path: Path) -> None:
    generate(tmp_path, 1.0, FRACTION, 7)
    for name in ("boundaries/grids.geojson", "manifest.json", "access_log.csv"):
        assert (tmp_path / name).read_bytes() == (made / name).read_bytes()
    for kind in ("addresses", "persons"):
        for path in (made / kind).glob("*.csv"):
            assert (tmp_path / kind / path.name).read_bytes() == path.read_bytes()


@pytest.mark.django_db
def test_it_is_accepted_by_the_products_importers_without_a_reject(made: Path) -> None:
    manifest = json.loads((made / "manifest.json").read_text())
    with request_context("command"):
        report = import_boundaries(made / "boundaries")
        assert report.counts["grid_created"] == manifest["grids"]
        assert report.counts["beat_created"] == manifest["beats"]
        addresses = next((made / "addresses").glob("*.csv"))
        lines = addresses.read_bytes().splitlines(keepends=True)
        head = b"".join(lines[: SLICE + 1])
        result = run_import("addresses", head, addresses.name)
        assert result.counts["rejected"] == 0
        assert StandardAddress.objects.exclude(grid_code="").count() == SLICE
        rooms = {r["addr_id"] for r in rows(addresses)[:SLICE] if r["level"] == "户室"}
        persons = next((made / "persons").glob("*.csv"))
        lines = persons.read_bytes().splitlines(keepends=True)
        living = [line for line in lines[1:] if line.split(b",")[8].decode() in rooms]
        result = run_import(
            "persons", b"".join([lines[0], *itertools.islice(living, SLICE)]), persons.name
        )
        assert result.counts["rejected"] == 0
        assert Person.objects.count() == min(SLICE, len(living)) > 100
