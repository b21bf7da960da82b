"""Items of the area collections: paging, bbox, datetime, the errors, one feature."""

from typing import Any

import pytest
import shapely
from django.test import Client

from outpost.geo.geometry import from_geojson_text
from outpost.geo.models import Division, Grid, PoliceBeat

pytestmark = pytest.mark.django_db
GEOJSON = "application/geo+json"
# A box over the middle of 鼓楼区 (a few dozen grids).
BOX = (118.76, 32.05, 118.78, 32.07)


def rels(doc: dict[str, Any]) -> dict[str, str]:
    return {link["rel"]: link["href"] for link in doc["links"]}


def test_it_answers_a_geojson_page_of_ten_grids_with_counts_and_a_time_stamp(
    client: Client,
) -> None:
    answer = client.get("/ogc/collections/grids/items")
    assert answer.status_code == 200
    assert answer["Content-Type"] == GEOJSON
    page = answer.json()
    assert page["type"] == "FeatureCollection"
    assert page["numberMatched"] == Grid.objects.count()
    assert page["numberReturned"] == len(page["features"]) == 10
    assert page["timeStamp"].endswith("Z")
    first = page["features"][0]
    assert first["type"] == "Feature"
    assert first["id"] == Grid.objects.order_by("code").first().code  # type: ignore[union-attr]
    assert first["geometry"]["type"] in ("Polygon", "MultiPolygon")
    lon, lat = shapely.geometry.shape(first["geometry"]).representative_point().coords[0]
    assert 118 < lon < 119 and 31 < lat < 33  # longitude first (CRS84)
    assert first["properties"]["community_code"] == first["id"][:12]
    assert "next" in rels(page) and "prev" not in rels(page)


def test_it_answers_plain_json_to_a_client_that_accepts_only_that(client: Client) -> None:
    answer = client.get("/ogc/collections/beats/items", HTTP_ACCEPT="application/json")
    assert answer["Content-Type"] == "application/json"
    preferred = client.get(
        "/ogc/collections/beats/items", HTTP_ACCEPT="application/geo+json, application/json;q=0.9"
    )
    assert preferred["Content-Type"] == GEOJSON
    assert client.get("/ogc/collections/beats/items?f=json")["Content-Type"] == GEOJSON


def test_it_pages_through_every_beat_by_following_next_links(client: Client) -> None:
    seen: list[str] = []
    url: str | None = "/ogc/collections/beats/items?limit=25"
    pages = 0
    while url:
        page = client.get(url).json()
        seen += [f["id"] for f in page["features"]]
        assert page["numberReturned"] == len(page["features"]) <= 25
        url = rels(page).get("next")
        pages += 1
        if pages > 1:
            assert "prev" in rels(page)
    codes = list(PoliceBeat.objects.order_by("code").values_list("code", flat=True))
    assert seen == codes
    assert pages == -(-len(codes) // 25)


def test_it_clamps_a_limit_above_the_maximum(client: Client) -> None:
    page = client.get("/ogc/collections/grids/items?limit=5000").json()
    assert page["numberReturned"] == 1000 if Grid.objects.count() > 1000 else Grid.objects.count()
    assert page["numberMatched"] == Grid.objects.count()


def test_it_answers_an_empty_page_past_the_end(client: Client) -> None:
    page = client.get("/ogc/collections/beats/items?offset=100000").json()
    assert page["features"] == [] and page["numberReturned"] == 0
    assert "next" not in rels(page) and "prev" in rels(page)


def test_it_selects_the_grids_whose_outline_meets_the_bbox(client: Client) -> None:
    box = shapely.box(*BOX)
    expected = sorted(
        code
        for code, text in Grid.objects.values_list("code", "geometry")
        if from_geojson_text(text).intersects(box)
    )
    bbox = ",".join(map(str, BOX))
    page = client.get(f"/ogc/collections/grids/items?bbox={bbox}&limit=1000").json()
    assert 5 < page["numberMatched"] == len(expected) < Grid.objects.count()
    assert [f["id"] for f in page["features"]] == expected
    # six numbers: heights are ignored
    six = f"{BOX[0]},{BOX[1]},-10,{BOX[2]},{BOX[3]},100"
    assert client.get(f"/ogc/collections/grids/items?bbox={six}").json()["numberMatched"] == len(
        expected
    )
    crs = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    with_crs = client.get(f"/ogc/collections/grids/items?bbox={bbox}&bbox-crs={crs}")
    assert with_crs.json()["numberMatched"] == len(expected)


def test_it_keeps_the_bbox_in_the_paging_links(client: Client) -> None:
    bbox = ",".join(map(str, BOX))
    page = client.get(f"/ogc/collections/grids/items?bbox={bbox}&limit=2").json()
    following = client.get(rels(page)["next"]).json()
    assert following["numberMatched"] == page["numberMatched"]
    assert "bbox=" in rels(page)["next"] and "offset=2" in rels(page)["next"]


def test_it_finds_nothing_in_a_box_elsewhere_and_across_the_antimeridian(client: Client) -> None:
    assert client.get("/ogc/collections/grids/items?bbox=0,0,1,1").json()["numberMatched"] == 0
    across = client.get("/ogc/collections/grids/items?bbox=170,30,-170,35").json()
    assert across["numberMatched"] == 0
    wide = client.get("/ogc/collections/grids/items?bbox=100,30,-170,35").json()
    assert wide["numberMatched"] == Grid.objects.count()


@pytest.mark.parametrize(
    "query",
    [
        "bbox=1,2,3",
        "bbox=a,b,c,d",
        "bbox=118,33,119,32",  # south above north
        "bbox=118,32,119,95",
        "bbox=nan,32,119,33",
        "bbox=118,32,119,33&bbox-crs=EPSG:4326",
        "bbox-crs=http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        "limit=0",
        "limit=abc",
        "limit=-5",
        "limit=１２",
        "offset=-1",
        "offset=x",
        "datetime=yesterday",
        "datetime=2026-03-10T08:00:00",  # no offset
        "datetime=../..",
        "datetime=2026-03-10T00:00:00Z/2026-03-01T00:00:00Z",
        "datetime=2026-02-30",
        "f=xml",
        "sortby=code",
    ],
)
def test_it_refuses_invalid_parameters_with_a_json_exception(client: Client, query: str) -> None:
    answer = client.get(f"/ogc/collections/grids/items?{query}")
    assert answer.status_code == 400, query
    assert answer["Content-Type"] == "application/json"
    assert answer.json()["code"] == "InvalidParameterValue"
    assert answer.json()["description"]


def test_it_selects_areas_by_the_date_their_outline_took_effect(client: Client) -> None:
    since = Grid.objects.order_by("boundary_since").values_list("boundary_since", flat=True)[0]
    total = Grid.objects.count()
    url = "/ogc/collections/grids/items?datetime="
    assert client.get(url + f"{since.year - 1}-01-01").json()["numberMatched"] == 0
    assert client.get(url + "2099-01-01T00:00:00Z").json()["numberMatched"] == total
    assert client.get(url + f"{since.year - 1}-01-01T00:00:00Z/..").json()["numberMatched"] == total
    assert client.get(url + f"../{since.year - 1}-12-31T00:00:00Z").json()["numberMatched"] == 0


def test_it_answers_one_feature_and_404_for_an_unknown_one(client: Client, home_grid: Grid) -> None:
    answer = client.get(f"/ogc/collections/grids/items/{home_grid.code}")
    assert answer.status_code == 200
    assert answer["Content-Type"] == GEOJSON
    feature = answer.json()
    assert feature["id"] == home_grid.code
    assert feature["properties"]["name"] == home_grid.name
    assert rels(feature)["collection"] == "http://testserver/ogc/collections/grids"
    assert rels(feature)["self"].endswith(f"/ogc/collections/grids/items/{home_grid.code}")
    missing = client.get("/ogc/collections/grids/items/999")
    assert missing.status_code == 404
    assert missing.json()["code"] == "NotFound"


def test_it_serves_streets_and_communities_as_divisions(client: Client) -> None:
    page = client.get("/ogc/collections/divisions/items?limit=1000").json()
    levels = {f["properties"]["level"] for f in page["features"]}
    assert levels <= {"street", "community"} and "community" in levels
    expected = Division.objects.filter(level__in=["street", "community"]).count()
    assert page["numberMatched"] == expected
    street = next(f for f in page["features"] if f["properties"]["level"] == "street")
    assert street["id"].endswith("000") and len(street["id"]) == 12


def test_it_outlines_a_community_without_a_stored_outline_by_its_grids(
    client: Client, home_grid: Grid
) -> None:
    community = home_grid.community
    assert community.geometry == ""  # the shipped district stores grids' outlines only
    feature = client.get(f"/ogc/collections/divisions/items/{community.code}").json()
    assert feature["properties"]["outline"] == "grids"
    outline = shapely.geometry.shape(feature["geometry"])
    grids = [from_geojson_text(g.geometry) for g in Grid.objects.filter(community=community)]
    assert outline.area == pytest.approx(shapely.union_all(grids).area, rel=1e-6)
    assert outline.contains(from_geojson_text(home_grid.geometry).representative_point())
    # a box around the home grid finds its community and its street
    west, south, east, north = from_geojson_text(home_grid.geometry).bounds
    page = client.get(
        f"/ogc/collections/divisions/items?bbox={west},{south},{east},{north}&limit=100"
    ).json()
    found = {f["id"] for f in page["features"]}
    assert {community.code, community.code[:9] + "000"} <= found
