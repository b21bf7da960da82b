"""Malformed requests answer 400 in Chinese and English, never 500.

Django raises MultiPartParserError from the first read of `request.POST` or `request.FILES` (a
multipart body without a boundary, with a broken header or cut short), wherever that read
happens: in the CSRF check, a form or the API's parameter parsing. Parsing a form body here
first, before anything else reads it, turns each of those into one clear refusal.

A NUL character is refused the same way wherever it comes (path, query, form or JSON body): no
person types one, and PostgreSQL cannot store or even compare a text containing it."""

import logging
import re
from collections.abc import Callable

from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from outpost.core.i18n import api_detail

log = logging.getLogger("outpost.core")

JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
MALFORMED = _(
    "The request body is malformed and cannot be read (e.g. multipart without a boundary)"
)
# PostgreSQL refuses a NUL character in any text it is given, so one in the path, the query, a
# form field or a JSON string would turn a lookup into a 500 (SQLite just finds nothing).
NUL = _("The request contains a NUL character and cannot be handled")


class MalformedBodyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type in FORM_TYPES:
            try:
                request.POST  # noqa: B018 (parses the body once; later reads reuse it)
                request.FILES  # noqa: B018
            except (MultiPartParserError, UnicodeDecodeError, LookupError) as malformed:
                # (too many fields or files, or too large, stay Django's own 400 and 413)
                log.info("malformed request body refused: %s", type(malformed).__name__)
                return malformed_body(request)
        if _carries_nul(request):
            log.info("request with a NUL character refused")
            return malformed_body(request, NUL)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, error: Exception) -> HttpResponse | None:
        """A NUL that a form or schema let through (a JSON string, a raw form value) reaches
        PostgreSQL, which refuses it before running anything: the same 400, not a 500. Field
        checks that refuse it themselves (names) answer first, with their own words."""
        if isinstance(error, DataError) and "NUL" in str(error):
            log.info("request with a NUL character refused by the database")
            return malformed_body(request, NUL)
        return None


def _carries_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or _nul_in(request.GET):
        return True
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    if request.content_type in FORM_TYPES:
        uploads = (f for _key, files in request.FILES.lists() for f in files)
        return _nul_in(request.POST) or any("\x00" in (f.name or "") for f in uploads)
    # JSON writes "\u0000" for it (a raw NUL byte makes the body invalid JSON anyway); "\\u0000"
    # is a backslash and text, so only an odd run of backslashes counts.
    return request.content_type == "application/json" and bool(JSON_NUL.search(request.body))


def _nul_in(params: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists())


def malformed_body(request: HttpRequest, message: Promise = MALFORMED) -> HttpResponse:
    # Answered before the request's language is known: both languages, through the catalogue.
    detail = api_detail(message)
    if request.path.startswith("/api/"):
        return JsonResponse(detail, status=400)
    both = "".join(f"<p>{escape(text)}</p>" for text in detail.values())
    page = f"<!doctype html><meta charset=utf-8><title>400</title>{both}"
    return HttpResponse(page, status=400)
