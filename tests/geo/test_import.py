"""Boundary import: the whole district, re-runs, versioned reshapes and every refusal."""

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from shapely import affinity
from shapely.geometry import mapping, shape

from outpost.core.models import ChangeRecord
from outpost.geo.boundaries import BoundaryImportRefused, import_boundaries
from outpost.geo.geometry import from_geojson_text
from outpost.geo.locator import locate
from outpost.geo.models import (
    BoundaryState,
    BoundaryVersion,
    CommandRoom,
    Division,
    Grid,
    GridBeatOverlap,
    OutpostStation,
    PoliceBeat,
    PoliceUnit,
)
from tests.conftest import GULOU, HOME_GRID

pytestmark = pytest.mark.django_db


def _features(name: str) -> list[dict[str, Any]]:
    return json.loads((GULOU / name).read_text(encoding="utf-8"))["features"]


def _write_features(path: Path, features: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def _grid_feature(code: str) -> dict[str, Any]:
    return next(f for f in _features("grids.geojson") if f["properties"]["code"] == code)


def _refusal(path: Path) -> list[Any]:
    with pytest.raises(BoundaryImportRefused) as refused:
        import_boundaries(path)
    return refused.value.problems


def test_it_imports_the_whole_district_with_companions() -> None:
    assert Grid.objects.count() == 734
    assert PoliceBeat.objects.count() == 91
    assert PoliceUnit.objects.filter(level="station").count() == 13
    communities = Division.objects.filter(level="community")
    assert OutpostStation.objects.count() == communities.count() == 123
    assert CommandRoom.objects.count() == 13
    assert not Grid.objects.filter(main_beat__isnull=True).exists()


def test_it_does_nothing_when_the_same_folder_is_imported_again() -> None:
    token = BoundaryState.objects.get(pk=1).token
    records = ChangeRecord.objects.count()
    report = import_boundaries(GULOU)
    assert not report.changed
    assert report.counts["grid_unchanged"] == 734 and report.counts["beat_unchanged"] == 91
    assert BoundaryState.objects.get(pk=1).token == token
    assert ChangeRecord.objects.count() == records
    assert BoundaryVersion.objects.count() == 0


def test_it_reports_slivers_between_neighbours_without_refusing() -> None:
    report = import_boundaries(GULOU, dry_run=True)
    assert report.slivers > 0  # the README: 486 grid pairs touch with a sliver of overlap


def test_it_keeps_the_old_boundary_with_its_end_date_when_a_grid_is_reshaped(
    tmp_path: Path,
) -> None:
    feature = _grid_feature(HOME_GRID)
    old = shape(feature["geometry"])
    smaller = affinity.scale(old, 0.9, 0.9, origin="centroid")
    feature["geometry"] = mapping(smaller)
    day = dt.date(2026, 12, 1)
    before = Grid.objects.get(code=HOME_GRID)
    token = BoundaryState.objects.get(pk=1).token

    report = import_boundaries(_write_features(tmp_path / "grids.geojson", [feature]), today=day)

    assert report.counts["grid_updated"] == 1
    history = BoundaryVersion.objects.get(kind="grid", code=HOME_GRID)
    assert history.valid_to == day and history.valid_from == before.boundary_since
    assert from_geojson_text(history.geometry).equals_exact(old, 1e-6)
    grid = Grid.objects.get(code=HOME_GRID)
    assert grid.boundary_since == day and grid.area_m2 < before.area_m2
    assert BoundaryState.objects.get(pk=1).token != token
    # The index is rebuilt: a point in the cut-off rim no longer lies in this grid.
    rim = old.difference(affinity.scale(old, 0.95, 0.95, origin="centroid"))
    point = rim.representative_point()
    assert locate(point.x, point.y).grid_code != HOME_GRID


def test_it_refuses_a_self_intersecting_polygon_and_names_it(tmp_path: Path) -> None:
    feature = _grid_feature(HOME_GRID)
    ring = feature["geometry"]["coordinates"][0]
    ring[1], ring[2] = ring[2], ring[1]  # swap two corners: the outline crosses itself
    assert not shape(feature["geometry"]).is_valid
    problems = _refusal(_write_features(tmp_path / "grids.geojson", [feature]))
    assert [(p.feature, p.key) for p in problems] == [(HOME_GRID, "invalid_geometry")]
    assert "自相交" in problems[0].zh
    assert Grid.objects.get(code=HOME_GRID).geometry != json.dumps(feature["geometry"])


def test_it_refuses_a_grid_whose_code_is_not_under_its_community(tmp_path: Path) -> None:
    feature = _grid_feature(HOME_GRID)
    feature["properties"]["community_code"] = "320106001004"
    problems = _refusal(_write_features(tmp_path / "grids.geojson", [feature]))
    assert [p.key for p in problems] == ["grid_code_not_in_community"]
    assert "320106001004" in problems[0].zh


def test_it_refuses_unknown_parents_in_every_file(tmp_path: Path) -> None:
    grid = _grid_feature(HOME_GRID)
    grid["properties"].update(code="320106999001001", community_code="320106999001")
    beat = _features("police_beats.geojson")[0]
    beat["properties"].update(code="320106599001", station_code="320106599000")
    _write_features(tmp_path / "grids.geojson", [grid])
    _write_features(tmp_path / "police_beats.geojson", [beat])
    (tmp_path / "divisions.csv").write_text(
        "level,code,name,parent_code\ncommunity,320106998001,新社区,320106998000\n", "utf-8"
    )
    keys = {(p.feature, p.key) for p in _refusal(tmp_path)}
    assert ("320106999001001", "unknown_community") in keys
    assert ("320106599001", "unknown_station") in keys
    assert ("320106998001", "unknown_parent") in keys


def test_it_refuses_duplicate_codes(tmp_path: Path) -> None:
    feature = _grid_feature(HOME_GRID)
    problems = _refusal(_write_features(tmp_path / "grids.geojson", [feature, feature]))
    assert {p.key for p in problems} >= {"duplicate_code"}
    assert all(p.feature == HOME_GRID for p in problems)


def test_it_refuses_a_grid_lying_mostly_outside_its_district(tmp_path: Path) -> None:
    feature = _grid_feature(HOME_GRID)
    feature["geometry"] = mapping(affinity.translate(shape(feature["geometry"]), xoff=0.5))
    problems = _refusal(_write_features(tmp_path / "grids.geojson", [feature]))
    assert "mostly_outside_district" in {p.key for p in problems}
    assert "之外" in next(p.zh for p in problems if p.key == "mostly_outside_district")


def test_it_refuses_a_new_grid_overlapping_an_existing_one(tmp_path: Path) -> None:
    feature = _grid_feature(HOME_GRID)
    feature["properties"]["code"] = HOME_GRID[:12] + "900"
    problems = _refusal(_write_features(tmp_path / "grids.geojson", [feature]))
    overlap = [p for p in problems if p.key == "overlap"]
    assert overlap and overlap[0].feature == HOME_GRID[:12] + "900"
    assert HOME_GRID in overlap[0].zh and "重叠" in overlap[0].zh


def test_it_writes_nothing_when_any_feature_is_refused(tmp_path: Path) -> None:
    (tmp_path / "divisions.csv").write_text(
        "level,code,name,parent_code\ncommunity,320106001901,新建社区,320106001000\n", "utf-8"
    )
    good = _grid_feature(HOME_GRID)
    bad = _grid_feature(HOME_GRID[:12] + "002")
    bad["geometry"]["coordinates"][0] = bad["geometry"]["coordinates"][0][:2]
    _write_features(tmp_path / "grids.geojson", [good, bad])
    problems = {(p.source, p.key) for p in _refusal(tmp_path)}
    assert ("grids.geojson", "geometry_unreadable") in problems
    assert not Division.objects.filter(code="320106001901").exists()


def test_it_rolls_back_everything_when_writing_fails_midway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feature = _grid_feature(HOME_GRID)
    feature["geometry"] = mapping(affinity.scale(shape(feature["geometry"]), 0.9, 0.9))
    stored = Grid.objects.get(code=HOME_GRID).geometry

    def crash() -> int:
        raise RuntimeError("power cut")

    monkeypatch.setattr("outpost.geo.boundaries.rebuild_overlay", crash)
    with pytest.raises(RuntimeError):
        import_boundaries(_write_features(tmp_path / "grids.geojson", [feature]))
    assert Grid.objects.get(code=HOME_GRID).geometry == stored
    assert not BoundaryVersion.objects.exists()


def test_it_keeps_the_overlay_consistent_with_the_shapes() -> None:
    grid = Grid.objects.get(code=HOME_GRID)
    shares = list(GridBeatOverlap.objects.filter(grid=grid).order_by("-grid_share"))
    assert sum(o.grid_share for o in shares) == pytest.approx(1.0, abs=0.02)
    assert grid.main_beat_id == shares[0].beat_id
    shape_ = from_geojson_text(grid.geometry)
    for overlap in shares:
        beat = from_geojson_text(overlap.beat.geometry)
        expected = shape_.intersection(beat).area / shape_.area
        assert overlap.grid_share == pytest.approx(expected, abs=0.01)


def test_the_command_names_the_feature_and_reason_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feature = _grid_feature(HOME_GRID)
    feature["properties"]["code"] = "32010600100300X"
    path = _write_features(tmp_path / "grids.geojson", [feature])
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("geo", "import", str(path))
    err = capsys.readouterr().err
    assert "grids.geojson 32010600100300X" in err and "网格编码应为15位数字" in err


def test_the_command_imports_single_files_and_prints_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("geo", "import", str(GULOU / "police_units.csv"), "--json")
    counts = json.loads(capsys.readouterr().out)["counts"]
    assert counts == {"unit_unchanged": 15}


def test_it_refuses_a_police_code_without_the_police_digit(tmp_path: Path) -> None:
    rows = list(csv.DictReader((GULOU / "police_units.csv").open(encoding="utf-8")))
    rows[-1]["code"] = "320106013000"  # the street's code, not a police code
    path = tmp_path / "police_units.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    problems = _refusal(path)
    assert [(p.feature, p.key) for p in problems] == [("320106013000", "bad_police_code")]


def test_an_unreadable_file_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "grids.geojson"
    path.write_text("{not json", "utf-8")
    assert [p.key for p in _refusal(path)] == ["not_geojson"]
