"""Security headers on every answer: a strict Content-Security-Policy, nosniff, a same-origin
referrer and a Permissions-Policy.

The policy lets scripts and styles come only from our own static files: there is no inline
script, no inline event handler and no style attribute anywhere in the templates (the rule is
checked by tests/core/test_script_rules.py), so even markup that slipped into a page could not
run. Leaflet needs no 'unsafe-inline': it positions its panes and markers through the CSSOM
(element.style), which a CSP does not govern. Map tiles may come from the one configured tile
server (OUTPOST_MAP_TILE_URL). A view that sets a policy of its own (a served upload's sandbox)
keeps it.
"""

from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# The report form asks for the device's position; nothing else may use a device or sensor.
PERMISSIONS_POLICY = ", ".join(
    [
        "geolocation=(self)",
        "camera=()",
        "microphone=()",
        "payment=()",
        "usb=()",
        "serial=()",
        "hid=()",
        "midi=()",
        "accelerometer=()",
        "gyroscope=()",
        "magnetometer=()",
        "display-capture=()",
    ]
)


def tile_source(template: str) -> str | None:
    """The CSP source of an XYZ tile template: scheme, host and port, with a placeholder label
    (t{s}.example.org) made a wildcard (*.example.org). None when it names no usable host."""
    try:
        url = urlsplit(template.strip())
        port = url.port
    except ValueError:
        return None
    host = url.hostname or ""
    if url.scheme not in ("http", "https") or not host:
        return None
    labels = host.split(".")
    if "{" in labels[0]:
        labels[0] = "*"
    if any("{" in label or "*" in label for label in labels[1:]) or len(labels) < 2:
        return None
    return f"{url.scheme}://{'.'.join(labels)}" + (f":{port}" if port else "")


@lru_cache(maxsize=8)
def content_security_policy(tile_template: str) -> str:
    images = ["'self'", "data:", "blob:"]
    tiles = tile_source(tile_template) if tile_template else None
    if tiles:
        images.append(tiles)
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src {' '.join(images)}",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            tiles = getattr(settings, "OUTPOST_MAP_TILE_URL", "") or ""
            response["Content-Security-Policy"] = content_security_policy(tiles)
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
