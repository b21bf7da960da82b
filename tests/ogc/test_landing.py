"""The landing page, conformance, the API definition and the collections' metadata."""

from typing import Any

import pytest
from django.test import Client

from outpost.geo.models import Grid
from outpost.ogc.params import CRS84

pytestmark = pytest.mark.django_db
CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"


def rels(doc: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {link["rel"]: link for link in doc["links"]}


def test_it_links_the_landing_page_to_the_api_definition_conformance_and_data(
    client: Client,
) -> None:
    answer = client.get("/ogc/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json"
    links = rels(answer.json())
    assert links["self"]["href"] == "http://testserver/ogc/"
    assert links["service-desc"]["href"] == "http://testserver/ogc/api"
    assert links["service-desc"]["type"].startswith("application/vnd.oai.openapi+json")
    assert links["conformance"]["href"] == "http://testserver/ogc/conformance"
    assert links["data"]["href"] == "http://testserver/ogc/collections"
    assert all(link["title"] and link["type"] for link in links.values())


def test_it_declares_core_geojson_and_openapi_conformance(client: Client) -> None:
    conforms = client.get("/ogc/conformance").json()["conformsTo"]
    assert CORE in conforms
    assert any(c.endswith("/conf/geojson") for c in conforms)
    assert any(c.endswith("/conf/oas30") for c in conforms)
    assert not any(c.endswith("/conf/html") for c in conforms)


def test_it_describes_every_path_and_parameter_in_openapi_3(client: Client) -> None:
    answer = client.get("/ogc/api")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    doc = answer.json()
    assert doc["openapi"].startswith("3.0")
    assert set(doc["paths"]) == {
        "/",
        "/conformance",
        "/api",
        "/collections",
        "/collections/{collectionId}",
        "/collections/{collectionId}/items",
        "/collections/{collectionId}/items/{featureId}",
    }
    items = doc["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
    names = {p["$ref"].rsplit("/", 1)[1] for p in items}
    assert names == {"collectionId", "f", "bbox", "bbox-crs", "limit", "offset", "datetime"}
    limit = doc["components"]["parameters"]["limit"]["schema"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 1000, 10)


def test_it_lists_the_four_collections_with_extent_and_item_type(client: Client) -> None:
    answer = client.get("/ogc/collections").json()
    listed = {c["id"]: c for c in answer["collections"]}
    assert set(listed) == {"grids", "beats", "divisions", "cases"}
    grids = listed["grids"]
    assert grids["itemType"] == "feature"
    assert grids["title"] == "网格"
    assert grids["extent"]["spatial"]["crs"] == CRS84
    west, south, east, north = grids["extent"]["spatial"]["bbox"][0]
    assert 118.6 < west < east < 118.9 and 31.9 < south < north < 32.2  # 鼓楼区, Nanjing
    assert grids["extent"]["temporal"]["interval"][0][1] is None  # valid until replaced
    assert rels(grids)["items"]["href"] == "http://testserver/ogc/collections/grids/items"
    assert rels(grids)["items"]["type"] == "application/geo+json"
    assert rels(answer)["self"]["href"] == "http://testserver/ogc/collections"


def test_it_describes_one_collection(client: Client) -> None:
    beats = client.get("/ogc/collections/beats").json()
    assert beats["id"] == "beats"
    assert rels(beats)["self"]["href"] == "http://testserver/ogc/collections/beats"


def test_it_answers_404_with_an_exception_for_an_unknown_collection(client: Client) -> None:
    for path in ("/ogc/collections/people", "/ogc/collections/people/items"):
        answer = client.get(path)
        assert answer.status_code == 404
        assert answer["Content-Type"] == "application/json"
        assert set(answer.json()) == {"code", "description"}


@pytest.mark.parametrize(
    "path", ["/ogc/", "/ogc/conformance", "/ogc/collections", "/ogc/collections/grids"]
)
def test_it_refuses_unknown_parameters_and_formats_with_400(client: Client, path: str) -> None:
    for query in ({"limit": "5"}, {"bogus": "1"}, {"f": "html"}):
        answer = client.get(path, query)
        assert answer.status_code == 400, (path, query)
        assert answer.json()["code"] == "InvalidParameterValue"
    assert client.get(path, {"f": "json"}).status_code == 200


def test_it_negotiates_json_from_the_accept_header(client: Client) -> None:
    assert client.get("/ogc/", HTTP_ACCEPT="application/json").status_code == 200
    assert client.get("/ogc/", HTTP_ACCEPT="text/html,*/*;q=0.8").status_code == 200
    refused = client.get("/ogc/", HTTP_ACCEPT="text/html")
    assert refused.status_code == 406
    assert refused.json()["code"] == "NotAcceptable"
    # f=json overrides what the client accepts
    assert client.get("/ogc/?f=json", HTTP_ACCEPT="text/html").status_code == 200


def test_it_answers_head_and_refuses_other_methods(client: Client) -> None:
    assert client.head("/ogc/collections").status_code == 200
    refused = client.post("/ogc/collections")
    assert refused.status_code == 405
    assert refused["Allow"] == "GET, HEAD"


def test_it_lets_other_sites_read_it(client: Client) -> None:
    assert client.get("/ogc/")["Access-Control-Allow-Origin"] == "*"


def test_it_keeps_the_grid_extent_in_step_with_an_added_grid(
    client: Client, home_grid: Grid
) -> None:
    before = client.get("/ogc/collections/grids").json()["extent"]["spatial"]["bbox"][0]
    Grid.objects.create(
        code="320106001003999",
        name="远处网格",
        community=home_grid.community,
        geometry='{"type":"Polygon","coordinates":[[[119,32.5],[119.01,32.5],[119.01,32.51],[119,32.5]]]}',
        boundary_since=home_grid.boundary_since,
    )
    after = client.get("/ogc/collections/grids").json()["extent"]["spatial"]["bbox"][0]
    assert after[2] == 119.01 and after[2] > before[2]
