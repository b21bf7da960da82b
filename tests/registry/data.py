"""The registry test data as the files have it: the 鼓楼区 demo files, the dirty import samples,
and the part of them the session loads (every address; the people, houses and organisations of
the home grid's and the outsider's communities, plus the residents the dirty sample repeats)."""

import csv
import io
import json
import lzma
from dataclasses import dataclass
from typing import Any

from tests.conftest import GULOU, HOME_GRID, OTHER_GRID

SAMPLES = GULOU / "import_samples"
DIRTY_CSV = SAMPLES / "persons_dirty_gbk.csv"
DIRTY_XLSX = SAMPLES / "persons_dirty.xlsx"
# A community code is the first 12 digits of its grids' codes (GB/T 30428.1).
COMMUNITIES = (HOME_GRID[:12], OTHER_GRID[:12])


def read_xz(name: str) -> str:
    return lzma.decompress((GULOU / name).read_bytes()).decode("utf-8")


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def as_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def dirty_rows() -> list[dict[str, str]]:
    return rows_of(DIRTY_CSV.read_bytes().decode("gbk"))


def dirty_expected() -> dict[str, int]:
    return json.loads((SAMPLES / "persons_dirty_expected.json").read_text("utf-8"))


@dataclass(frozen=True)
class RegistryData:
    """What the session put in the database, as the files have it."""

    addresses_csv: bytes
    addresses: dict[str, dict[str, str]]  # addr_id → row, the whole district
    persons: dict[str, dict[str, str]]  # person_id → row, the loaded ones
    houses: dict[str, dict[str, str]]  # house_id → row
    units: dict[str, dict[str, str]]  # unit_id → row
    counts: dict[str, dict[str, int]]  # kind → import counts
    seconds: float  # how long the registry part of the session setup took

    def people_at(self, addr_id: str) -> list[dict[str, str]]:
        return [p for p in self.persons.values() if p["addr_id"] == addr_id]


def select_rows() -> dict[str, Any]:
    text = read_xz("addresses.csv.xz")
    addresses = {row["addr_id"]: row for row in rows_of(text)}
    local = {code for code, row in addresses.items() if row["community_code"] in COMMUNITIES}
    repeated = {row["id_number"] for row in dirty_rows()}
    persons = [
        row
        for row in rows_of(read_xz("persons.csv.xz"))
        if row["addr_id"] in local or row["id_number"] in repeated
    ]
    known = {row["person_id"] for row in persons}
    houses = [
        # An owner outside the subset would be rejected as unknown: keep the house, not the link.
        {
            **row,
            "owner_person_id": row["owner_person_id"] if row["owner_person_id"] in known else "",
        }
        for row in rows_of(read_xz("houses.csv.xz"))
        if row["addr_id"] in local
    ]
    units = [row for row in rows_of(read_xz("units.csv.xz")) if row["addr_id"] in local]
    return {
        "addresses_csv": text.encode("utf-8"),
        "addresses": addresses,
        "persons": persons,
        "houses": houses,
        "units": units,
    }
