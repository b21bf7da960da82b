"""Point → grid and beat through the stored boundaries: the district's addresses, the CLI."""

import csv
import json
import lzma
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from django.core.management import CommandError, call_command

from outpost.geo import locator
from outpost.geo.coords import from_wgs84, from_wgs84_array
from outpost.geo.geometry import from_geojson_text
from outpost.geo.locator import locate, locate_many
from outpost.geo.models import Grid, PoliceBeat
from tests.conftest import GULOU, HOME_GRID

pytestmark = pytest.mark.django_db


def _address_points() -> tuple[np.ndarray, np.ndarray]:
    with lzma.open(GULOU / "addresses.csv.xz", "rt", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 45_057
    return np.array([float(r["lon"]) for r in rows]), np.array([float(r["lat"]) for r in rows])


def _assert_each_point_lies_in_its_shape(
    model: type[Grid] | type[PoliceBeat],
    codes: list[str | None],
    lons: np.ndarray,
    lats: np.ndarray,
) -> None:
    shapes = {c: from_geojson_text(g) for c, g in model.objects.values_list("code", "geometry")}
    for code in set(codes):
        assert code is not None, "an address point resolved to no shape"
        mask = np.array([c == code for c in codes])
        inside = shapely.intersects_xy(shapes[code], lons[mask], lats[mask])
        assert inside.all(), f"{(~inside).sum()} points put in {code} lie outside it"


def test_every_address_point_resolves_to_the_grid_and_beat_that_hold_it() -> None:
    lons, lats = _address_points()
    grids, beats = locate_many(lons, lats)
    _assert_each_point_lies_in_its_shape(Grid, grids, lons, lats)
    _assert_each_point_lies_in_its_shape(PoliceBeat, beats, lons, lats)


def test_every_address_point_resolves_the_same_after_conversion_to_gcj02_and_bd09() -> None:
    lons, lats = _address_points()
    wgs_grids, wgs_beats = locate_many(lons, lats)
    for crs in ("gcj02", "bd09"):
        clons, clats = from_wgs84_array(lons, lats, crs)
        grids, beats = locate_many(clons, clats, crs)
        assert grids == wgs_grids and beats == wgs_beats


def test_it_puts_a_vertex_shared_by_neighbours_in_one_grid_every_time() -> None:
    ring = from_geojson_text(Grid.objects.get(code=HOME_GRID).geometry).exterior.coords
    for lon, lat in list(ring)[:-1]:
        first = locate(lon, lat).grid_code
        assert first is not None
        assert {locate(lon, lat).grid_code for _ in range(3)} == {first}
        assert locate_many(np.array([lon]), np.array([lat]))[0] == [first]


def test_the_locate_command_prints_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    home = from_geojson_text(Grid.objects.get(code=HOME_GRID).geometry).representative_point()
    lon, lat = from_wgs84(home.x, home.y, "gcj02")
    call_command("geo", "locate", str(lon), str(lat), "--crs", "gcj02")
    answer = json.loads(capsys.readouterr().out)
    grid = Grid.objects.select_related("community").get(code=HOME_GRID)
    beat = PoliceBeat.objects.get(code=answer["beat_code"])
    assert answer["grid_code"] == HOME_GRID and answer["grid_name"] == grid.name
    assert answer["community_code"] == grid.community.code
    assert answer["street_code"] == grid.community.parent.code
    assert answer["station_code"] == beat.station.code and answer["beat_name"] == beat.name
    assert from_geojson_text(beat.geometry).intersects(home)
    assert answer["lon"] == pytest.approx(home.x, abs=1e-6)


def test_the_locate_command_answers_nulls_outside_every_grid(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("geo", "locate", "116.4", "39.9")  # Beijing
    answer = json.loads(capsys.readouterr().out)
    assert answer["grid_code"] is None and answer["beat_code"] is None


def test_the_locate_file_command_writes_one_row_per_point(tmp_path: Path) -> None:
    home = from_geojson_text(Grid.objects.get(code=HOME_GRID).geometry).representative_point()
    source = tmp_path / "in.csv"
    source.write_text(f"id,lon,lat\na1,{home.x},{home.y}\nfar,116.4,39.9\n", "utf-8")
    call_command("geo", "locate-file", str(source), str(tmp_path / "out.csv"))
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert [r["id"] for r in rows] == ["a1", "far"]
    assert rows[0]["grid_code"] == HOME_GRID and rows[0]["beat_code"]
    assert rows[1]["grid_code"] == "" and rows[1]["beat_code"] == ""


def test_the_locate_file_command_names_a_bad_row_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,lon,lat\na1,118.77,32.13\na2,东经118,32.1\n", "utf-8")
    with pytest.raises(CommandError, match="第 3 行：lon"):
        call_command("geo", "locate-file", str(source), str(tmp_path / "out.csv"))
    assert not (tmp_path / "out.csv").exists()


def test_the_locate_file_command_requires_its_columns(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("name,x,y\na,1,2\n", "utf-8")
    with pytest.raises(CommandError, match="缺少列"):
        call_command("geo", "locate-file", str(source), str(tmp_path / "out.csv"))


def test_it_answers_a_batch_of_points_as_one_by_one_reading_names_once(
    django_assert_num_queries: Any,
) -> None:
    """A phone's queue of check-ins: the same places, the boundaries' token and each grid's and
    beat's name read once for the batch; a rename shows in the next batch."""
    grid = Grid.objects.get(code=HOME_GRID)
    where = from_geojson_text(grid.geometry).representative_point()
    alone = locate(where.x, where.y)
    with locator.batch():
        with django_assert_num_queries(3):  # token, grid name, beat name
            found = [locate(where.x, where.y) for _ in range(5)]
        Grid.objects.filter(pk=grid.pk).update(name="改名网格")
        assert locate(where.x, where.y).grid_name == alone.grid_name
    assert found == [alone] * 5
    assert locate(where.x, where.y).grid_name == "改名网格"
