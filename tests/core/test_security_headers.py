"""Every answer carries a strict Content-Security-Policy (scripts and styles from our own files
only, no plugins, no framing, forms only to ourselves), nosniff, a same-origin referrer and a
Permissions-Policy that lets the report form ask for the position and nothing else."""

import re
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from tests.conftest import Persona

pytestmark = pytest.mark.django_db


def policy(response: HttpResponse) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response}"
    parts = [p.split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def assert_strict(response: HttpResponse) -> None:
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")
    permissions = dict(
        re.fullmatch(r"\s*([a-z-]+)=(\S*)\s*", p).groups()  # type: ignore[union-attr]
        for p in response["Permissions-Policy"].split(",")
    )
    assert permissions["geolocation"] == "(self)"
    assert permissions["camera"] == permissions["microphone"] == permissions["payment"] == "()"


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/status/", "/no-such-page/", "/api/v1/cases", "/api/v1/docs"]
)
def test_it_sends_the_strict_policy_to_anyone(anonymous: Client, path: str) -> None:
    assert_strict(anonymous.get(path))


@pytest.mark.parametrize(
    "path", ["/", "/areas/map/", "/cases/", "/inbox/", "/instructions/", "/api/v1/geo/grids"]
)
def test_it_sends_the_strict_policy_on_signed_in_pages(admin: Persona, path: str) -> None:
    response = admin.client.get(path)
    assert response.status_code == 200
    assert_strict(response)


def test_it_lets_images_come_from_the_configured_tile_server_only(
    admin: Persona, settings: Any
) -> None:
    settings.OUTPOST_MAP_TILE_URL = (
        "https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}&tk=KEY"
    )
    images = policy(admin.client.get("/areas/map/"))["img-src"]
    assert images == ["'self'", "data:", "blob:", "https://*.tianditu.gov.cn"]

    settings.OUTPOST_MAP_TILE_URL = "http://tiles.example.org:8080/{z}/{x}/{y}.png"
    images = policy(admin.client.get("/areas/map/"))["img-src"]
    assert images == ["'self'", "data:", "blob:", "http://tiles.example.org:8080"]

    settings.OUTPOST_MAP_TILE_URL = ""
    assert policy(admin.client.get("/areas/map/"))["img-src"] == ["'self'", "data:", "blob:"]


def test_it_keeps_a_stricter_policy_a_view_chose_for_itself() -> None:
    """A served upload carries its own sandboxing policy; the site-wide one must not replace it."""
    from outpost.core.security import SecurityHeadersMiddleware

    def upload(request: HttpRequest) -> HttpResponse:
        response = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response

    response = SecurityHeadersMiddleware(upload)(RequestFactory().get("/cases/X/files/1/"))
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_serves_the_api_docs_from_our_own_files(anonymous: Client) -> None:
    """Swagger UI must run under script-src 'self': its scripts are static files, not a CDN's,
    and the page has no inline script."""
    page = anonymous.get("/api/v1/docs").content.decode()
    sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', page)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "cdn.jsdelivr.net" not in page
