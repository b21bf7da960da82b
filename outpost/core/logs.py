"""Structured logging: one line per record, `key=value`, to stderr (settings.LOGGING).

Every record carries the request id and origin of the request context (outpost.core.context)
and the id of the user acting (the signed-in user of a request, the uploader of a job), so a
line can be traced back to its request and its access-log rows. Apps log through
`logging.getLogger("outpost.<app>")`.

A log line never carries a protected value: messages name records by their id or number, never
by an ID or phone number, and as a safety net every record's message and traceback have
anything shaped like a resident ID number (18 characters) or a mobile number (11 digits)
replaced before any handler sees it.
"""

import json
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

from outpost.core.context import current_context

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

_request: ContextVar[HttpRequest | None] = ContextVar("outpost_log_request", default=None)
_user_id: ContextVar[int | None] = ContextVar("outpost_log_user", default=None)

# Standalone (not part of a longer code such as a 15-digit grid code): GB 11643 ID numbers,
# 15-digit legacy ones, and mainland mobile numbers, with or without +86.
PROTECTED = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15}|(?:\+?86[- ]?)?1[3-9]\d{9})(?![0-9A-Za-z])"
)


def redact(text: str) -> str:
    return PROTECTED.sub("[redacted]", text)


@contextmanager
def acting_user(user: "AbstractBaseUser | AnonymousUser | None") -> Iterator[None]:
    """Log lines inside the block name this user (a background job's uploader)."""
    token = _user_id.set(getattr(user, "pk", None))
    try:
        yield
    finally:
        _user_id.reset(token)


def current_user_id() -> int | None:
    explicit = _user_id.get()
    if explicit is not None:
        return explicit
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    # An unevaluated lazy user is left alone: logging must never cost a query.
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


def install() -> None:
    """Make every log record carry the context and arrive redacted (called once at start)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "outpost", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        ctx = current_context()
        record.request_id = ctx.request_id
        record.origin = ctx.origin
        record.user_id = current_user_id()
        try:
            message = record.getMessage()
        except Exception:  # a malformed call must not lose the record
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text)
        return record

    factory.outpost = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


class KeyValueFormatter(logging.Formatter):
    """`at=… level=… logger=… request_id=… user_id=… msg="…"`, then the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        fields = {
            "at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "origin": getattr(record, "origin", ""),
            "request_id": getattr(record, "request_id", ""),
            "user_id": getattr(record, "user_id", None) or "",
            "msg": json.dumps(redact(record.getMessage()), ensure_ascii=False),
        }
        line = " ".join(f"{key}={value}" for key, value in fields.items())
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(self.formatException(record.exc_info))
        if record.exc_text:
            line += "\n" + record.exc_text
        return line


class RequestLogMiddleware:
    """Lets log lines name the request's user, and logs each request's outcome (the path
    without its query string, which may carry a searched number)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            response = self.get_response(request)
            level = logging.WARNING if response.status_code >= 500 else logging.INFO
            logging.getLogger("outpost.core").log(
                level,
                "request method=%s path=%s status=%s",
                request.method,
                request.path,
                response.status_code,
            )
            return response
        finally:
            _request.reset(token)
