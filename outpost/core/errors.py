"""The page for an answer that failed: 503 with Retry-After while the database is unreachable
(a restart, a failover), 507 when the disk that keeps uploads is full, the plain 500 otherwise.
None of them touches the database."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import requires_csrf_token

from outpost.core.i18n import api_detail
from outpost.core.storage import StorageFull

RETRY_AFTER_SECONDS = 30
STORAGE_FULL = _(
    "The disk that keeps uploaded files is full: nothing you sent was saved. "
    "Tell your administrator, then try again."
)


def database_unavailable(exc: BaseException | None) -> bool:
    """The database could not be reached or was too busy: the request may simply be retried."""
    return isinstance(exc, (OperationalError, InterfaceError))


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500, called while the exception is being handled."""
    if isinstance(sys.exc_info()[1], StorageFull):
        return _storage_full(request)
    if not database_unavailable(sys.exc_info()[1]):
        return HttpResponse(loader.get_template("500.html").render(), status=500)
    response: HttpResponse
    if request.path.startswith("/api/"):  # before the API's own handlers (signing in failed)
        detail = api_detail(_("The records cannot be reached right now; try again soon"))
        response = JsonResponse(detail, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _storage_full(request: HttpRequest) -> HttpResponse:
    """The upload was refused as a whole (its transaction rolled back, no file left behind)."""
    if request.path.startswith("/api/"):
        return JsonResponse(api_detail(STORAGE_FULL), status=507)
    return HttpResponse(loader.get_template("507.html").render(), status=507)
