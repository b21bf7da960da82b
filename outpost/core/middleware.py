from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from outpost.core.context import client_address, request_context


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
