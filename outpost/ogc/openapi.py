"""The API definition (OpenAPI 3.0) served at /ogc/api: every path, every query parameter the
views accept (anything else is a 400), and the shapes of answers and exceptions."""

from typing import Any

from outpost.ogc.params import CRS84, DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET

REF = "#/components"


def _param(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "style": "form",
        "explode": False,
        "description": description,
        **extra,
    }


PARAMETERS = {
    "f": _param("f", {"type": "string", "enum": ["json"]}, "The encoding: JSON (GeoJSON)."),
    "bbox": _param(
        "bbox",
        {
            "type": "array",
            "oneOf": [{"minItems": 4, "maxItems": 4}, {"minItems": 6, "maxItems": 6}],
            "items": {"type": "number"},
        },
        "Lower left and upper right corners in CRS84 (longitude, latitude); six numbers add "
        "heights, which are ignored. Case points match by their rounded position.",
    ),
    "bbox-crs": _param(
        "bbox-crs", {"type": "string", "enum": [CRS84]}, "The CRS of bbox: CRS84 only."
    ),
    "limit": _param(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        f"Features per page; a larger value is taken as {MAX_LIMIT}.",
    ),
    "offset": _param(
        "offset",
        {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
        "Features to skip; the next and prev links carry it.",
    ),
    "datetime": _param(
        "datetime",
        {"type": "string"},
        "An RFC 3339 date-time or date, or an interval (a/b, ../b, a/..). Cases: when reported; "
        "areas: from the date their outline took effect.",
    ),
    "collectionId": {
        "name": "collectionId",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": []},
    },
    "featureId": {
        "name": "featureId",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    },
}


def _json(schema: str, media: str = "application/json") -> dict[str, Any]:
    return {"content": {media: {"schema": {"$ref": f"{REF}/schemas/{schema}"}}}}


def _answers(schema: str, media: str = "application/json") -> dict[str, Any]:
    failed = _json("exception")
    return {
        "200": {"description": "Success", **_json(schema, media)},
        "400": {"description": "A query parameter is unknown or has an invalid value", **failed},
        "404": {"description": "No such collection or feature", **failed},
        "406": {"description": "None of the accepted media types is offered", **failed},
        "401": {"description": "The bearer token is not valid", **failed},
    }


def _op(op_id: str, summary: str, params: list[str], schema: str, media: str) -> dict[str, Any]:
    return {
        "get": {
            "operationId": op_id,
            "summary": summary,
            "parameters": [{"$ref": f"{REF}/parameters/{p}"} for p in params],
            "responses": _answers(schema, media),
        }
    }


GEOJSON = "application/geo+json"
PATHS = {
    "/": _op("getLandingPage", "Landing page", ["f"], "landingPage", "application/json"),
    "/conformance": _op(
        "getConformance", "Conformance classes", ["f"], "confClasses", "application/json"
    ),
    "/api": _op(
        "getApi",
        "This API definition",
        ["f"],
        "any",
        "application/vnd.oai.openapi+json;version=3.0",
    ),
    "/collections": _op(
        "getCollections", "The collections", ["f"], "collections", "application/json"
    ),
    "/collections/{collectionId}": _op(
        "describeCollection",
        "One collection",
        ["collectionId", "f"],
        "collection",
        "application/json",
    ),
    "/collections/{collectionId}/items": _op(
        "getFeatures",
        "Features of a collection",
        ["collectionId", "f", "bbox", "bbox-crs", "limit", "offset", "datetime"],
        "featureCollectionGeoJSON",
        GEOJSON,
    ),
    "/collections/{collectionId}/items/{featureId}": _op(
        "getFeature", "One feature", ["collectionId", "featureId", "f"], "featureGeoJSON", GEOJSON
    ),
}

LINK = {
    "type": "object",
    "required": ["href"],
    "properties": {k: {"type": "string"} for k in ("href", "rel", "type", "title")},
}
LINKS = {"type": "array", "items": {"$ref": f"{REF}/schemas/link"}}
SCHEMAS: dict[str, Any] = {
    "any": {"type": "object"},
    "link": LINK,
    "exception": {
        "type": "object",
        "required": ["code"],
        "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
    },
    "landingPage": {
        "type": "object",
        "required": ["links"],
        "properties": {
            "title": {"type": "string"},
            "description": {"type": "string"},
            "links": LINKS,
        },
    },
    "confClasses": {
        "type": "object",
        "required": ["conformsTo"],
        "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
    },
    "collection": {
        "type": "object",
        "required": ["id", "links"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "links": LINKS,
            "extent": {"type": "object"},
            "itemType": {"type": "string"},
            "crs": {"type": "array", "items": {"type": "string"}},
        },
    },
    "collections": {
        "type": "object",
        "required": ["links", "collections"],
        "properties": {
            "links": LINKS,
            "collections": {"type": "array", "items": {"$ref": f"{REF}/schemas/collection"}},
        },
    },
    "featureGeoJSON": {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "string"},
            "geometry": {"type": "object", "nullable": True},
            "properties": {"type": "object", "nullable": True},
            "links": LINKS,
        },
    },
    "featureCollectionGeoJSON": {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": {"$ref": f"{REF}/schemas/featureGeoJSON"}},
            "links": LINKS,
            "timeStamp": {"type": "string", "format": "date-time"},
            "numberMatched": {"type": "integer", "minimum": 0},
            "numberReturned": {"type": "integer", "minimum": 0},
        },
    },
}


def document(server: str, collection_ids: list[str]) -> dict[str, Any]:
    parameters = {**PARAMETERS}
    parameters["collectionId"] = {
        **PARAMETERS["collectionId"],
        "schema": {"type": "string", "enum": collection_ids},
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Outpost OGC API – Features",
            "version": "1.0.0",
            "description": "Grids, police beats, streets and communities, and public case points.",
        },
        "servers": [{"url": server.rstrip("/")}],
        "security": [{}, {"bearer": []}],
        "paths": PATHS,
        "components": {
            "parameters": parameters,
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
