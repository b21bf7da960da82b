from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from outpost.core.context import client_address, request_context
from outpost.core.i18n import Text, api_detail


class RequestContextMiddleware:
    """Gives each request an id that audit rows carry and that the response echoes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        origin = "api" if request.path.startswith("/api/") else "web"
        with request_context(
            origin, request.headers.get("X-Request-ID"), client_address(request)
        ) as ctx:
            request.request_id = ctx.request_id  # type: ignore[attr-defined]
            response = self.get_response(request)
        response["X-Request-ID"] = ctx.request_id
        return response


class RequestSizeLimitMiddleware:
    """Refuses a request whose declared body exceeds OUTPOST_MAX_REQUEST_BYTES before anything
    reads it (413), in Chinese and English, as JSON for the API. Django's own limits then cover
    form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) and the number of fields and files."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.OUTPOST_MAX_REQUEST_BYTES
        if declared > limit:
            return _too_large(request, limit)
        return self.get_response(request)


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    size = f"{limit // 2**20} MB" if limit >= 2**20 else f"{max(1, limit // 1024)} KB"
    # Answered before the request's language is known: both languages, through the catalogue.
    detail = api_detail(Text(_("Request too large: the limit is %(size)s"), size=size))
    if request.path.startswith("/api/"):
        return JsonResponse(detail, status=413)
    both = "".join(f"<p>{escape(text)}</p>" for text in detail.values())
    return HttpResponse(f"<!doctype html><title>413</title>{both}", status=413)


class MethodNotAllowedPageMiddleware:
    """A page asked with the wrong method (a bookmarked or reloaded form address) answers with
    the site's own 405 page in the reader's language, not Django's empty body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.path.startswith("/api/"):
            return response
        page = render(request, "405.html", status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
