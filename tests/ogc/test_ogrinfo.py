"""A real client: GDAL's `ogrinfo` (Debian gdal-bin) on its OAPIF driver against the live server
lists the collections as layers and reads their features, anonymously and with a bearer token."""

import os
import re
import shutil
import subprocess
from typing import Any

import pytest
from django.test import Client

from outpost.cases.taxonomy import load_taxonomy
from outpost.geo.boundaries import import_boundaries
from outpost.geo.models import Grid
from tests.cases.conftest import file_case
from tests.conftest import GULOU, HOME_GRID, _persona
from tests.ogc.conftest import bearer

pytestmark = [pytest.mark.client, pytest.mark.django_db(transaction=True)]
OGRINFO = shutil.which("ogrinfo")


def ogrinfo(*args: str, headers: str = "") -> str:
    if OGRINFO is None:
        pytest.fail(
            "ogrinfo is missing: the OGC client test drives GDAL's. Install Debian's gdal-bin "
            "(`bash .ci/system-packages` does).",
            pytrace=False,
        )
    env = {**os.environ, "GDAL_HTTP_TIMEOUT": "60", "CPL_DEBUG": "OFF"}
    if headers:
        env["GDAL_HTTP_HEADERS"] = headers
    done = subprocess.run(
        [OGRINFO, "-ro", *args], capture_output=True, text=True, timeout=300, env=env, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def served(live_server: Any) -> str:
    """鼓楼区 and one case of each of two kinds in the live server's (flushed) database."""
    import_boundaries(GULOU)
    load_taxonomy()
    return f"OAPIF:{live_server.url}/ogc/"


def test_it_lists_the_collections_as_layers(served: str) -> None:
    out = ogrinfo(served)
    for layer in ("grids", "beats", "divisions", "cases"):
        assert re.search(rf"^\d+: {layer}\b", out, re.M), out
    assert re.search(r"^\d+: divisions .*\(Multi Polygon\)$", out, re.M), out


def test_it_reads_every_grid_with_its_properties(served: str) -> None:
    summary = ogrinfo("-al", "-so", served, "grids")
    assert f"Feature Count: {Grid.objects.count()}" in summary, summary
    assert "Extent: (118." in summary
    assert re.search(r"^code: String", summary, re.M), summary
    box = ["118.76", "32.05", "118.78", "32.07"]
    within = ogrinfo("-al", "-so", "-spat", *box, served, "grids")
    matched = Client().get(f"/ogc/collections/grids/items?bbox={','.join(box)}").json()
    assert 5 < matched["numberMatched"] < Grid.objects.count()
    assert f"Feature Count: {matched['numberMatched']}" in within, within
    features = ogrinfo("-al", "-q", served, "grids", "-where", f"code = '{HOME_GRID}'")
    assert f"code (String) = {HOME_GRID}" in features
    assert "POLYGON" in features


def test_it_reads_case_points_in_the_token_holders_scope(served: str) -> None:
    grid = Grid.objects.get(code=HOME_GRID)
    worker = _persona("ogr_worker", "grid_worker", HOME_GRID).user
    public, registry = file_case(grid, worker, "0603"), file_case(grid, worker, "0401")
    anonymous = ogrinfo("-al", "-q", served, "cases")
    assert public.number in anonymous and registry.number not in anonymous
    assert "POINT (118." in anonymous
    token = bearer(worker)["HTTP_AUTHORIZATION"]
    theirs = ogrinfo("-al", "-q", served, "cases", headers=f"Authorization: {token}")
    assert public.number in theirs and registry.number in theirs
