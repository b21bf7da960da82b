"""A PostgreSQL streaming replica (只读副本) for the heavy reads: lists, exports, dashboards.

`OUTPOST_REPLICA_URL` adds the `replica` database. Nothing reads from it unless the URL route is
in `REPLICA_ROUTES` (a GET or HEAD of a list, an export or a dashboard), and even then not when:

- the request itself has written (read-your-own-write inside one request), or
- the browser wrote within `OUTPOST_REPLICA_STICKY_SECONDS` (a cookie says when: the list a
  user lands on after saving must show what they saved, whatever the replica's lag), or
- the replica does not answer (a connection refused or timed out): it is left alone for
  `DOWN_SECONDS` and the primary serves, with no error for the user.

Every write goes to the primary. Bookkeeping writes (sessions, rate limits, the access log) do
not make a reader sticky: reading a person logs the read, but changed nothing the lists show.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
WROTE_COOKIE = "outpost_wrote"
DOWN_SECONDS = 10.0
# URL routes whose GET answers may come from the replica. Routes, not view names: the API names
# one path after its first operation (GET /api/v1/cases resolves as "create_case").
REPLICA_ROUTES = frozenset(
    {
        "cases/",
        "registry/people/",
        "registry/houses/",
        "registry/organisations/",
        "registry/export/<str:name>.xlsx",
        "api/v1/cases",
        "api/v1/registry/people",
    }
)
BOOKKEEPING = frozenset(
    {
        "sessions.Session",
        "core.RateBucket",
        "core.AccessLogEntry",
        "core.AccessLogHead",
        "accounts.LoginThrottle",
        "accounts.ApiToken",  # its last use
    }
)

# Who may do what, and who is signed in, is always read where it was last written: a revoked
# role or a fresh sign-in must not wait for the replica to catch up.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "contenttypes", "accounts", "core"})

_reading = contextvars.ContextVar("outpost_replica_reading", default=False)
_wrote = contextvars.ContextVar("outpost_replica_wrote", default=False)
_down_until = 0.0
log = logging.getLogger("outpost.core.replica")


def configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_alive() -> bool:
    """Connects (or finds the connection) to the replica; a failure rests it DOWN_SECONDS."""
    global _down_until
    if time.monotonic() < _down_until:
        return False
    try:
        connections[REPLICA].ensure_connection()
        return True
    except OperationalError as exc:
        _down_until = time.monotonic() + DOWN_SECONDS
        connections[REPLICA].close()
        log.warning("replica unreachable, reading from the primary for %ss: %s", DOWN_SECONDS, exc)
        return False


class PrimaryReplicaRouter:
    """Reads on the replica only where the middleware allowed it; writes on the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if _reading.get() and not _wrote.get() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        if model._meta.label not in BOOKKEEPING:
            _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # one database, two doors

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


def _sticky(request: HttpRequest) -> bool:
    try:
        wrote_at = float(request.COOKIES.get(WROTE_COOKIE, "0"))
    except ValueError:
        return False
    return time.time() - wrote_at < settings.OUTPOST_REPLICA_STICKY_SECONDS


def _may_use_replica(request: HttpRequest) -> bool:
    match = request.resolver_match
    return (
        configured()
        and request.method in ("GET", "HEAD")
        and match is not None
        and match.route in REPLICA_ROUTES
        and not _sticky(request)
        and replica_alive()
    )


class ReplicaReadsMiddleware:
    """Opens the replica door for the views that may use it, and remembers a browser's writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _reading.set(False)  # a worker thread serves request after request: start clean
        _wrote.set(False)
        try:
            response = self.get_response(request)
            if _wrote.get() and configured():
                seconds = settings.OUTPOST_REPLICA_STICKY_SECONDS
                response.set_cookie(
                    WROTE_COOKIE,
                    f"{time.time():.0f}",
                    max_age=seconds,
                    httponly=True,
                    secure=request.is_secure(),
                    samesite="Lax",
                )
            return response
        finally:
            _reading.set(False)
            _wrote.set(False)

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        if _may_use_replica(request):
            _reading.set(True)
