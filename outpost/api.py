"""The HTTP API root (/api/v1/, OpenAPI at /api/v1/docs). Errors answer in Chinese and English."""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from outpost.accounts.lockout import LockedOut
from outpost.accounts.tokens import BearerToken, SecondFactorNeeded, issue_token
from outpost.areas.api import router as geo_router
from outpost.assessment.api import router as assessment_router
from outpost.calls.api import router as calls_router
from outpost.cases.api import router as cases_router
from outpost.cases.services import CaseConflict
from outpost.core.errors import RETRY_AFTER_SECONDS, STORAGE_FULL
from outpost.core.i18n import Text, TextList, api_detail
from outpost.core.storage import StorageFull
from outpost.dashboard.api import router as dashboard_router
from outpost.fieldwork.api import router as fieldwork_router
from outpost.guides.api import router as guides_router
from outpost.instructions.api import router as instructions_router
from outpost.notifications.api import router as inbox_router
from outpost.registry.api import router as registry_router
from outpost.registry.lookups import TooManyLookups
from outpost.stations.api import router as stations_router
from outpost.warnings.api import router as warnings_router

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["detail", "detail_en"],
    "properties": {
        "detail": {"type": "string", "description": "What is wrong, in Chinese"},
        "detail_en": {"type": "string", "description": "The same in English"},
    },
}


class OutpostAPI(NinjaAPI):
    """Every operation documents its refusals (any 4xx) with the one error shape, so clients
    and the schema fuzzer know what a refusal looks like."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        refusal = {
            "description": "Refused: unauthenticated, forbidden, not found, invalid or conflicting",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                operation.setdefault("responses", {}).setdefault("4XX", refusal)
        return schema


api = OutpostAPI(
    title="Outpost API",
    version="1",
    description="平安前哨 Outpost: grids, police beats and the records both sides share.",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)


def _error(
    request: HttpRequest, status: int, message: Text | TextList | Promise, **extra: object
) -> HttpResponse:
    """A refusal in both of the API's languages (`detail` Chinese, `detail_en` English)."""
    return api.create_response(request, {**api_detail(message), **extra}, status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _("Not found, or outside your area"))


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, _("You may not do this"))


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, _("Authentication required"))


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [e for es in exc.error_dict.values() for e in es] if hasattr(exc, "error_dict") else []
    texts = [Text(e.message, **(e.params or {})) for e in errors or exc.error_list]
    return _error(request, 422, TextList(texts, separator=_("; ")))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own refusals (such as a missing CSRF token), in both languages."""
    if exc.status_code == 403 and "CSRF" in str(exc):
        return _error(request, 403, Text(_("Refused: %(error)s"), error=exc))
    return _error(
        request, exc.status_code, Text(_("Cannot handle the request: %(error)s"), error=exc)
    )


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = [
        {"field": _field_name(e.get("loc", [])), "message_en": e.get("msg", "")} for e in exc.errors
    ]
    names = [f["field"] for f in fields if f["field"]]
    message = Text(_("Invalid request parameters: %(names)s"), names=TextList(names))
    return _error(
        request, 422, message if names else _("Invalid request parameters"), errors=fields
    )


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = _error(request, 503, _("The records cannot be reached right now; try again soon"))
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.exception_handler(StorageFull)
def storage_full(request: HttpRequest, exc: StorageFull) -> HttpResponse:
    return _error(request, 507, STORAGE_FULL)


@api.exception_handler(CaseConflict)
def conflict(request: HttpRequest, exc: CaseConflict) -> HttpResponse:
    return _error(request, 409, _("Someone else changed this case first; reload and try again"))


@api.exception_handler(TooManyLookups)
def too_many_lookups(request: HttpRequest, exc: TooManyLookups) -> HttpResponse:
    minutes = max(1, -(-exc.wait // 60))
    message = Text(
        _("Too many lookups by ID or phone number; try again in %(minutes)s minutes"),
        minutes=minutes,
    )
    response = _error(request, 429, message)
    response["Retry-After"] = str(exc.wait)
    return response


class TokenIn(Schema):
    username: str
    password: str
    code: str = ""  # the authenticator's 6 digits, for accounts with a second factor


class TokenOut(Schema):
    token: str
    expires_at: datetime


@api.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: dict, 429: dict},
    tags=["auth"],
    summary="Exchange a user name and password (and TOTP code) for a bearer token",
)
def create_token(request: HttpRequest, body: TokenIn) -> Any:
    try:
        issued = issue_token(request, body.username, body.password, body.code)
    except LockedOut as locked:
        message = Text(
            _("Too many failed sign-ins; try again in %(minutes)s minutes"), minutes=locked.minutes
        )
        response = _error(request, 429, message)
        response["Retry-After"] = str(locked.seconds)
        return response
    except SecondFactorNeeded:
        return _error(
            request, 401, _("A valid authenticator code is required (set one up on the web first)")
        )
    if issued is None:
        return _error(request, 401, _("Wrong user name or password"))
    token, row = issued
    return {"token": token, "expires_at": row.expires_at}


def _field_name(loc: list[Any]) -> str:
    """("body", "body", "lon") or ("query", "lon") → "lon": the name the caller sent."""
    parts = [str(p) for p in loc]
    while parts and parts[0] in ("body", "query", "path", "form", "file"):
        parts.pop(0)
    return ".".join(parts)


api.add_router("/geo/", geo_router)
api.add_router("/", cases_router)
api.add_router("/", registry_router)
api.add_router("/instructions", instructions_router)
api.add_router("/", calls_router)
api.add_router("/", inbox_router)
api.add_router("/fieldwork", fieldwork_router)
api.add_router("/stations", stations_router)
api.add_router("/guides", guides_router)
api.add_router("/assessment", assessment_router)
api.add_router("/dashboard", dashboard_router)
api.add_router("/", warnings_router)
