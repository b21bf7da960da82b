"""Reading boundary files into plain records: divisions.csv, police_units.csv and GeoJSON."""

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.errors import GEOSException
from shapely.geometry.base import BaseGeometry

from outpost.geo.boundaries.problems import Problem
from outpost.geo.geometry import parse_geometry

DIRECTORY_FILES = (
    "divisions.csv",
    "district.geojson",
    "police_units.csv",
    "grids.geojson",
    "police_beats.geojson",
)


@dataclass
class Record:
    """One row or feature: its properties and, for a feature, its shape."""

    source: str
    position: int  # 1-based data row or feature number, for messages
    props: dict[str, str]
    geometry: BaseGeometry | None = None

    @property
    def code(self) -> str:
        return self.props.get("code", "")

    @property
    def label(self) -> str:
        return self.code or f"#{self.position}"


@dataclass
class Batch:
    divisions: list[Record] = field(default_factory=list)
    outlines: list[Record] = field(default_factory=list)
    units: list[Record] = field(default_factory=list)
    grids: list[Record] = field(default_factory=list)
    beats: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_path(path: Path) -> Batch:
    batch = Batch()
    if path.is_dir():
        found = [path / name for name in DIRECTORY_FILES if (path / name).exists()]
        if not found:
            batch.problems.append(Problem.of(path.name, "", "no_boundary_files"))
        for file in found:
            read_file(file, batch)
    else:
        read_file(path, batch)
    return batch


def read_file(path: Path, batch: Batch) -> None:
    if not path.exists():
        batch.problems.append(Problem.of(path.name, "", "file_missing"))
    elif path.suffix.lower() == ".csv":
        _read_csv(path, batch)
    elif path.suffix.lower() in (".geojson", ".json"):
        _read_geojson(path, batch)
    else:
        batch.problems.append(Problem.of(path.name, "", "unknown_file_kind"))


def _read_csv(path: Path, batch: Batch) -> None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or ())
        rows = [
            Record(path.name, n, {k: (v or "").strip() for k, v in row.items() if k})
            for n, row in enumerate(reader, start=2)  # row 1 is the header
        ]
    if {"level", "code", "name", "parent_code", "street_code"} <= columns:
        batch.units.extend(rows)
    elif {"level", "code", "name", "parent_code"} <= columns:
        batch.divisions.extend(rows)
    else:
        batch.problems.append(Problem.of(path.name, "", "unknown_columns"))


def _read_geojson(path: Path, batch: Batch) -> None:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        features = data["features"]
    except (ValueError, KeyError, TypeError):
        batch.problems.append(Problem.of(path.name, "", "not_geojson"))
        return
    records = [_feature_record(path.name, n, f, batch) for n, f in enumerate(features, start=1)]
    for record in records:
        _sort_feature(record, batch)


def _feature_record(source: str, n: int, feature: Any, batch: Batch) -> Record:
    props = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
    record = Record(source, n, {k: str(v).strip() for k, v in props.items() if v is not None})
    try:
        record.geometry = parse_geometry(feature["geometry"])
    except (KeyError, TypeError, ValueError, AttributeError, GEOSException):
        batch.problems.append(Problem.of(source, record.label, "geometry_unreadable"))
    return record


def _sort_feature(record: Record, batch: Batch) -> None:
    props = record.props
    if "community_code" in props:
        batch.grids.append(record)
    elif "station_code" in props:
        batch.beats.append(record)
    elif "code" in props:
        batch.outlines.append(record)
    else:
        batch.problems.append(Problem.of(record.source, record.label, "unknown_feature"))
