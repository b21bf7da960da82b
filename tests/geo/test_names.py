"""Names of places are plain text (issue 10, item 4): a grid renamed to markup, or a boundary file
whose names carry markup or control characters, is refused with the reason in both languages and
nothing changes. Ordinary names, punctuation included, still pass."""

import json
from pathlib import Path
from typing import Any

import pytest

from outpost.core.models import ChangeRecord
from outpost.geo.boundaries import BoundaryImportRefused, import_boundaries
from outpost.geo.models import Grid
from tests.conftest import GULOU, Persona
from tests.geo.test_api import grid_state, is_chinese, patch

pytestmark = pytest.mark.django_db

MARKUP = [
    '<img src=x onerror="alert(1)">',
    "网格<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "三号网格>",
]
# (A NUL never reaches the name rule: the whole request is refused first, tests/core/test_edges.)
CONTROL = ["网格\n二号", "网格\u202e号二", "网格\x07", "网格\u2028二号"]


@pytest.mark.parametrize("name", MARKUP + CONTROL)
def test_it_refuses_a_grid_name_with_markup_or_control_characters(
    commander: Persona, home_grid: Grid, name: str
) -> None:
    before = grid_state(home_grid.code)

    response = patch(commander.client, home_grid.code, {"name": name})

    assert response.status_code == 422
    body = response.json()
    assert is_chinese(body["detail"]) and "名称" in body["detail"]
    assert "name" in body["detail_en"].lower()
    assert grid_state(home_grid.code) == before
    assert not ChangeRecord.objects.filter(action="update_grid").exists()


@pytest.mark.parametrize("name", ["宁海路（一）网格", "A&B 网格", "网格·二号", 'Grid 3-A "east"'])
def test_it_still_accepts_ordinary_names(commander: Persona, home_grid: Grid, name: str) -> None:
    response = patch(commander.client, home_grid.code, {"name": name})

    assert response.status_code == 200, response.json()
    assert Grid.objects.get(code=home_grid.code).name == name


def _grid_feature(code: str) -> dict[str, Any]:
    features = json.loads((GULOU / "grids.geojson").read_text("utf-8"))["features"]
    return next(f for f in features if f["properties"]["code"] == code)


@pytest.mark.parametrize("name", ["<b>网格</b>", "网格\t一", "网" * 65])
def test_it_refuses_a_boundary_file_whose_name_is_not_plain_text(
    tmp_path: Path, home_grid: Grid, name: str
) -> None:
    feature = _grid_feature(home_grid.code)
    feature["properties"]["name"] = name
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), "utf-8")

    with pytest.raises(BoundaryImportRefused) as refused:
        import_boundaries(path)

    problems = refused.value.problems
    assert [(p.feature, p.key) for p in problems] == [(home_grid.code, "bad_name")]
    assert "名称" in problems[0].zh and "name" in problems[0].en
    assert Grid.objects.get(code=home_grid.code).name == home_grid.name
