"""How the OGC API answers: JSON bodies with their media types, links, content negotiation,
bearer tokens, and exceptions as `{"code", "description"}`."""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from outpost.accounts.tokens import BearerToken
from outpost.ogc.params import OgcError, check_format

JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
View = Callable[..., HttpResponse]


def body(data: Any, media: str, status: int = 200) -> HttpResponse:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(text.encode(), content_type=media, status=status)


def exception(error: OgcError) -> HttpResponse:
    response = body({"code": error.code, "description": error.description}, JSON, error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="outpost"'
    return response


def link(href: str, rel: str, media: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media, "title": title}


def negotiate(request: HttpRequest, offered: tuple[str, ...]) -> str:
    """The offered media type the client prefers (`f=json` or no Accept: the first offered)."""
    accept = request.headers.get("Accept", "").strip()
    if "f" in request.GET or not accept:
        return offered[0]
    best, best_q = "", 0.0
    for kind, q in _ranges(accept):
        for media in offered:
            if q > best_q and _matches(kind, media.split(";")[0]):
                best, best_q = media, q
    if not best:
        raise OgcError(406, "NotAcceptable", f"offered: {', '.join(offered)}")
    return best


def _ranges(accept: str) -> list[tuple[str, float]]:
    found = []
    for part in accept.split(",")[:32]:
        kind, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _eq, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        found.append((kind.lower(), q))
    # Equal weights: the more specific range first (a type before a wildcard).
    return sorted(found, key=lambda r: (-r[1], r[0].count("*")))


def _matches(kind: str, media: str) -> bool:
    major = media.split("/")[0]
    return kind in (media, f"{major}/*", "*/*")


def api_view(allowed: tuple[str, ...]) -> Callable[[View], View]:
    """GET and HEAD only; a bearer token (if sent) signs the caller in; only `allowed` query
    parameters; any `OgcError` becomes its JSON exception. Everything answered may be read by
    other sites' pages (CORS), and varies with who asks and what they accept."""

    def decorate(view: View) -> View:
        @wraps(view)
        def answered(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                response = _checked(view, allowed, request, *args, **kwargs)
            except OgcError as error:
                response = exception(error)
            response["Access-Control-Allow-Origin"] = "*"
            response["Vary"] = "Accept, Authorization, Cookie"
            return response

        return answered

    return decorate


def _checked(
    view: View, allowed: tuple[str, ...], request: HttpRequest, *args: Any, **kwargs: Any
) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        response = exception(OgcError(405, "MethodNotAllowed", "only GET and HEAD"))
        response["Allow"] = "GET, HEAD"
        return response
    _sign_in_bearer(request)
    check_format(request.GET)
    response = view(request, *args, **kwargs)
    unknown = set(request.GET) - set(allowed)
    if unknown:  # checked after the view read its own parameters: a bad value is named first
        raise OgcError(
            400, "InvalidParameterValue", f"unknown query parameter: {', '.join(sorted(unknown))}"
        )
    return response


def _sign_in_bearer(request: HttpRequest) -> None:
    """`Authorization: Bearer <token>` as in the REST API; a token that does not work is a 401,
    never a silent fall back to what the public sees."""
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return
    if not token.strip() or BearerToken().authenticate(request, token.strip()) is None:
        raise OgcError(401, "InvalidToken", "the bearer token is not valid or has expired")
