"""Read the district's reference files (addresses.csv[.xz], divisions.csv) into the matcher's
inputs. Used by the tests and the benchmark; Django code builds the records from the database."""

from __future__ import annotations

import csv
import lzma
from dataclasses import fields
from pathlib import Path

from .records import AddressRecord

_FIELDS = tuple(f.name for f in fields(AddressRecord))


def load_records(path: str | Path) -> list[AddressRecord]:
    """addresses.csv or addresses.csv.xz (UTF-8, header row); extra columns are ignored."""
    path = Path(path)
    opener = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return [AddressRecord(**{k: row[k] or "" for k in _FIELDS}) for row in csv.DictReader(f)]


def load_division_names(path: str | Path) -> dict[str, str]:
    """divisions.csv → {code: name}."""
    with open(path, encoding="utf-8", newline="") as f:
        return {row["code"]: row["name"] for row in csv.DictReader(f)}
