"""OGC API – Features Part 1 Core at /ogc/: thin views over `features` (what each collection
holds, scoped in `queries`), `params` (the query parameters) and `answers` (media types, links,
errors)."""

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone

from outpost.ogc.answers import GEOJSON, JSON, OPENAPI, api_view, body, link, negotiate
from outpost.ogc.features import COLLECTIONS, Collection, Feature, Page, iso
from outpost.ogc.openapi import document
from outpost.ogc.params import CRS84, ItemsQuery, OgcError, items_query

ITEMS_PARAMETERS = ("f", "bbox", "bbox-crs", "limit", "offset", "datetime")
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
TITLE = "平安前哨开放数据 (Outpost open data)"


def _url(request: HttpRequest, name: str, *args: str, query: str = "") -> str:
    url = request.build_absolute_uri(reverse(f"ogc:{name}", args=args))
    return f"{url}?{query}" if query else url


@api_view(("f",))
def landing(request: HttpRequest) -> HttpResponse:
    media = negotiate(request, (JSON,))
    links = [
        link(_url(request, "landing"), "self", JSON, "This document"),
        link(_url(request, "api"), "service-desc", OPENAPI, "The API definition (OpenAPI 3.0)"),
        link(_url(request, "conformance"), "conformance", JSON, "Conformance classes"),
        link(_url(request, "collections"), "data", JSON, "The collections"),
    ]
    description = (
        "网格、警务区、街道和社区的边界与公开的事件点位 (OGC API – Features). Grids, police "
        "beats, streets and communities, and public case points without personal data."
    )
    return body({"title": TITLE, "description": description, "links": links}, media)


@api_view(("f",))
def conformance(request: HttpRequest) -> HttpResponse:
    return body({"conformsTo": CONFORMANCE}, negotiate(request, (JSON,)))


@api_view(("f",))
def api(request: HttpRequest) -> HttpResponse:
    media = negotiate(request, (OPENAPI, JSON))
    return body(document(_url(request, "landing"), list(COLLECTIONS)), media)


@api_view(("f",))
def collections(request: HttpRequest) -> HttpResponse:
    media = negotiate(request, (JSON,))
    listed = [_described(request, c) for c in COLLECTIONS.values()]
    links = [link(_url(request, "collections"), "self", JSON, "The collections")]
    return body({"links": links, "collections": listed}, media)


@api_view(("f",))
def collection(request: HttpRequest, collection_id: str) -> HttpResponse:
    media = negotiate(request, (JSON,))
    return body(_described(request, _collection(collection_id)), media)


@api_view(ITEMS_PARAMETERS)
def items(request: HttpRequest, collection_id: str) -> HttpResponse:
    media = negotiate(request, (GEOJSON, JSON))
    found = _collection(collection_id)
    query = items_query(request.GET)
    page = found.items(request.user, query)
    data = {
        "type": "FeatureCollection",
        "features": [_feature(f) for f in page.features],
        "links": _page_links(request, found, query, page, media),
        "timeStamp": iso(timezone.now()),
        "numberMatched": page.matched,
        "numberReturned": len(page.features),
    }
    return body(data, media)


@api_view(("f",))
def item(request: HttpRequest, collection_id: str, feature_id: str) -> HttpResponse:
    media = negotiate(request, (GEOJSON, JSON))
    found = _collection(collection_id)
    feature = found.item(request.user, feature_id)
    if feature is None:
        raise OgcError(404, "NotFound", f"no feature {feature_id[:40]} in {found.id}")
    data = _feature(feature)
    data["links"] = [
        link(_url(request, "item", found.id, feature.id), "self", media, "This feature"),
        link(_url(request, "collection", found.id), "collection", JSON, found.title),
    ]
    return body(data, media)


def _collection(collection_id: str) -> Collection:
    found = COLLECTIONS.get(collection_id)
    if found is None:
        raise OgcError(404, "NotFound", f"no collection {collection_id[:40]}")
    return found


def _described(request: HttpRequest, found: Collection) -> dict[str, Any]:
    return {
        "id": found.id,
        "title": found.title,
        "description": found.description,
        "links": [
            link(_url(request, "collection", found.id), "self", JSON, found.title),
            link(_url(request, "items", found.id), "items", GEOJSON, f"{found.title} (GeoJSON)"),
        ],
        "extent": found.extent(request.user),
        "itemType": "feature",
        "crs": [CRS84],
    }


def _feature(feature: Feature) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": feature.id,
        "geometry": feature.geometry,
        "properties": feature.properties,
    }


def _page_links(
    request: HttpRequest, found: Collection, query: ItemsQuery, page: Page, media: str
) -> list[dict[str, str]]:
    """self, the collection, and `next`/`prev` by offset (the same parameters otherwise, with
    the limit actually used): `next` while features remain after this page, `prev` after the
    first page."""
    here = _url(request, "items", found.id, query=request.GET.urlencode())
    links = [
        link(here, "self", media, "This page"),
        link(_url(request, "collection", found.id), "collection", JSON, found.title),
    ]
    if query.offset + query.limit < page.matched:
        after = _paged_url(request, found, query, query.offset + query.limit)
        links.append(link(after, "next", media, "Next page"))
    if query.offset > 0:
        before = _paged_url(request, found, query, max(0, query.offset - query.limit))
        links.append(link(before, "prev", media, "Previous page"))
    return links


def _paged_url(request: HttpRequest, found: Collection, query: ItemsQuery, offset: int) -> str:
    params: QueryDict = request.GET.copy()
    params["limit"] = str(query.limit)
    params["offset"] = str(offset)
    return _url(request, "items", found.id, query=params.urlencode())
