"""Request context shared by audit rows: who acts and under which request id.

Views set it through the middleware; commands and background jobs set it with `acting_as`, so a
change made from the shell is attributed just like one made in the browser.
"""

import ipaddress
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.http import HttpRequest

if TYPE_CHECKING:  # auth's models cannot be imported before the app registry is ready
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

# The user model lives in accounts, a layer above: core names any stored user.
U = TypeVar("U", bound="AbstractBaseUser")


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    origin: str  # "web", "api", "command" or "job"
    client_ip: str = ""  # the caller's address (see `client_address`), empty outside requests


_current: ContextVar[RequestContext | None] = ContextVar("outpost_request_context", default=None)


def current_context() -> RequestContext:
    return _current.get() or RequestContext(request_id=uuid.uuid4().hex, origin="command")


@contextmanager
def request_context(
    origin: str, request_id: str | None = None, client_ip: str = ""
) -> Iterator[RequestContext]:
    ctx = RequestContext(
        request_id=request_id or uuid.uuid4().hex, origin=origin, client_ip=client_ip
    )
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def client_address(request: HttpRequest) -> str:
    """The caller's IP address. Behind OUTPOST_TRUSTED_PROXIES reverse proxies it is the entry
    that many places from the right of X-Forwarded-For (each proxy appends the address it saw),
    so a client cannot choose its own address by sending the header itself."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.OUTPOST_TRUSTED_PROXIES
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""


def stored_user(actor: "U | AnonymousUser | None") -> "U | None":
    """The actor if it is a saved user, else None (commands, jobs, anonymous residents), for the
    foreign keys that record who acted."""
    if actor is None or actor.is_anonymous or not actor.pk:
        return None
    return actor


def site(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: settings the base template needs."""
    return {
        "OUTPOST_MAP_TILE_URL": settings.OUTPOST_MAP_TILE_URL,
        "OUTPOST_MAP_TILE_ATTRIBUTION": settings.OUTPOST_MAP_TILE_ATTRIBUTION,
    }
