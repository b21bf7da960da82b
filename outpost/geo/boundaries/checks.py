"""Validation of a boundary batch against itself and what the database already holds."""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import shapely
from shapely.geometry.base import BaseGeometry

from outpost.core.names import name_problem
from outpost.geo.boundaries.problems import Problem
from outpost.geo.boundaries.reading import Batch, Record
from outpost.geo.geometry import area_m2, from_geojson_text, invalid_reason, to_metric
from outpost.geo.models import (
    Division,
    DivisionLevel,
    Grid,
    PoliceBeat,
    PoliceLevel,
    PoliceUnit,
)

DIVISION_PARENT = {
    "city": "province",
    "district": "city",
    "street": "district",
    "community": "street",
}
DIVISION_PREFIX = {"province": 2, "city": 4, "district": 6, "street": 9, "community": 12}
UNIT_PARENT = {"sub_bureau": "bureau", "station": "sub_bureau"}
LEVEL_LABELS = {**dict(DivisionLevel.choices), **dict(PoliceLevel.choices)}
CODE12 = re.compile(r"\d{12}")
CODE15 = re.compile(r"\d{15}")

# Neighbouring shapes in real boundary files overlap by rounding slivers (≤ 0.05% of a grid in
# the 鼓楼区 data); more than this share of the smaller shape is a drawing error.
OVERLAP_LIMIT = 0.01
OUTSIDE_LIMIT = 0.5


@dataclass
class Known:
    """Levels of every code the batch may refer to: the database overlaid with the batch."""

    divisions: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    outlines: dict[str, BaseGeometry] = field(default_factory=dict)


@dataclass
class CheckResult:
    problems: list[Problem]
    slivers: int  # neighbour pairs overlapping by less than the limit, accepted


def known_from(batch: Batch) -> Known:
    known = Known(
        divisions=dict(Division.objects.values_list("code", "level")),
        units=dict(PoliceUnit.objects.values_list("code", "level")),
    )
    for code, text in Division.objects.exclude(geometry="").values_list("code", "geometry"):
        known.outlines[code] = from_geojson_text(text)
    known.divisions.update({r.code: r.props.get("level", "") for r in batch.divisions})
    known.units.update({r.code: r.props.get("level", "") for r in batch.units})
    known.outlines.update({r.code: r.geometry for r in batch.outlines if r.geometry})
    return known


def check_batch(batch: Batch) -> CheckResult:
    known = known_from(batch)
    problems = list(batch.problems)
    for records in (batch.divisions, batch.outlines, batch.units, batch.grids, batch.beats):
        problems += _duplicates(records)
    problems += [p for r in batch.divisions for p in _check_division(r, known)]
    problems += [p for r in batch.outlines for p in _check_outline(r, known)]
    problems += [p for r in batch.units for p in _check_unit(r, known)]
    problems += [p for r in batch.grids for p in _check_grid(r, known)]
    problems += [p for r in batch.beats for p in _check_beat(r, known)]
    grid_overlaps, grid_slivers = _overlaps(batch.grids, _stored(Grid, batch.grids))
    beat_overlaps, beat_slivers = _overlaps(batch.beats, _stored(PoliceBeat, batch.beats))
    return CheckResult(problems + grid_overlaps + beat_overlaps, grid_slivers + beat_slivers)


def _duplicates(records: list[Record]) -> list[Problem]:
    counts = Counter(r.code for r in records if r.code)
    return [Problem.of(r.source, r.label, "duplicate_code") for r in records if counts[r.code] > 1]


def _named(record: Record) -> list[Problem]:
    name = record.props.get("name")
    if not name:
        return [Problem.of(record.source, record.label, "missing_name")]
    if name_problem(name) is not None:  # shown on every page and map: plain text, one line
        return [Problem.of(record.source, record.label, "bad_name")]
    return []


def _check_division(r: Record, known: Known) -> list[Problem]:
    level, parent = r.props.get("level", ""), r.props.get("parent_code", "")
    problems = _named(r)
    if not CODE12.fullmatch(r.code):
        return [*problems, Problem.of(r.source, r.label, "bad_division_code")]
    if level not in DIVISION_PREFIX:
        return [*problems, Problem.of(r.source, r.label, "bad_level")]
    if level == "province" and not parent:
        return problems
    return problems + _check_parent(
        r, parent, DIVISION_PARENT[level], known.divisions, DIVISION_PREFIX
    )


def _check_parent(
    r: Record, parent: str, expected: str, levels: dict[str, str], prefixes: dict[str, int]
) -> list[Problem]:
    if parent not in levels:
        return [Problem.of(r.source, r.label, "unknown_parent", parent=parent or "—")]
    if levels[parent] != expected:
        return [
            Problem.of(
                r.source,
                r.label,
                "wrong_parent_level",
                parent=parent,
                expected=LEVEL_LABELS[expected],
            )
        ]
    if not r.code.startswith(parent[: prefixes[expected]]):
        return [Problem.of(r.source, r.label, "code_outside_parent", parent=parent)]
    return []


def _check_outline(r: Record, known: Known) -> list[Problem]:
    problems = _geometry_problems(r)
    if r.code not in known.divisions:
        problems.append(Problem.of(r.source, r.label, "unknown_division", parent=r.code))
    return problems


def _check_unit(r: Record, known: Known) -> list[Problem]:
    level, parent = r.props.get("level", ""), r.props.get("parent_code", "")
    problems = _named(r)
    if not _is_police_code(r.code):
        return [*problems, Problem.of(r.source, r.label, "bad_police_code")]
    if level not in ("bureau", "sub_bureau", "station"):
        return [*problems, Problem.of(r.source, r.label, "bad_level")]
    if level == "bureau" and not parent:
        return problems
    street = r.props.get("street_code", "")
    if level == "station" and known.divisions.get(street) != "street":
        problems.append(Problem.of(r.source, r.label, "unknown_street", parent=street or "—"))
    return problems + _check_parent(
        r, parent, UNIT_PARENT[level], known.units, {"bureau": 4, "sub_bureau": 6}
    )


def _is_police_code(code: str) -> bool:
    return bool(CODE12.fullmatch(code)) and code[6] == "5"


def _check_grid(r: Record, known: Known) -> list[Problem]:
    community = r.props.get("community_code", "")
    problems = _named(r) + _geometry_problems(r)
    if not CODE15.fullmatch(r.code):
        problems.append(Problem.of(r.source, r.label, "bad_grid_code"))
    if known.divisions.get(community) != "community":
        problems.append(Problem.of(r.source, r.label, "unknown_community", parent=community))
    elif not r.code.startswith(community):
        problems.append(
            Problem.of(r.source, r.label, "grid_code_not_in_community", parent=community)
        )
    return problems + _outside_district(r, community[:6] + "000000", known)


def _check_beat(r: Record, known: Known) -> list[Problem]:
    station = r.props.get("station_code", "")
    problems = _named(r) + _geometry_problems(r)
    if not _is_police_code(r.code):
        problems.append(Problem.of(r.source, r.label, "bad_police_code"))
    if known.units.get(station) != "station":
        problems.append(Problem.of(r.source, r.label, "unknown_station", parent=station))
    elif r.code[:9] != station[:9]:
        problems.append(Problem.of(r.source, r.label, "beat_code_not_in_station", parent=station))
    return problems + _outside_district(r, station[:6] + "000000", known)


def _geometry_problems(r: Record) -> list[Problem]:
    if r.geometry is None:
        return []  # already reported as unreadable
    reason = invalid_reason(r.geometry)
    if reason is None:
        return []
    return [Problem(r.source, r.label, "invalid_geometry", reason)]


def _outside_district(r: Record, district: str, known: Known) -> list[Problem]:
    outline = known.outlines.get(district)
    if outline is None or r.geometry is None or invalid_reason(r.geometry):
        return []
    own = area_m2(r.geometry)
    inside = area_m2(r.geometry.intersection(outline)) if own else 0.0
    share_outside = 1 - inside / own if own else 1.0
    if share_outside <= OUTSIDE_LIMIT:
        return []
    return [
        Problem.of(
            r.source, r.label, "mostly_outside_district", share=share_outside, parent=district
        )
    ]


def _stored(model: type[Grid] | type[PoliceBeat], batch: list[Record]) -> list[Record]:
    """Shapes already stored that this batch does not replace, to check new ones against."""
    replaced = {r.code for r in batch}
    rows = model.objects.exclude(code__in=replaced).values_list("code", "geometry")
    return [Record("", 0, {"code": code}, from_geojson_text(text)) for code, text in rows]


def _overlaps(batch: list[Record], stored: list[Record]) -> tuple[list[Problem], int]:
    """Pairs whose overlap exceeds the limit (problems) and the sliver pairs below it."""
    shapes = [
        r
        for r in [*batch, *stored]
        if r.geometry is not None and invalid_reason(r.geometry) is None
    ]
    metric = [to_metric(r.geometry, lat0=32.0) for r in shapes if r.geometry is not None]
    tree = shapely.STRtree(metric)
    left, right = tree.query(metric, predicate="intersects")
    problems: list[Problem] = []
    slivers = 0
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j or (shapes[i].source == "" and shapes[j].source == ""):
            continue
        share = metric[i].intersection(metric[j]).area / min(metric[i].area, metric[j].area)
        if share > OVERLAP_LIMIT:
            problems.extend(_overlap_problems(shapes[i], shapes[j], share))
        elif share > 0:
            slivers += 1
    return problems, slivers


def _overlap_problems(a: Record, b: Record, share: float) -> Iterable[Problem]:
    for one, other in ((a, b), (b, a)):
        if one.source:
            yield Problem.of(
                one.source, one.label, "overlap", other=other.code, share=share, limit=OVERLAP_LIMIT
            )
