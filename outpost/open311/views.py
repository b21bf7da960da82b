"""GeoReport v2 at /open311/v2/: thin views over `mapping` (reads) and `submit` (POST); answers
and errors written by `formats`. Open to everyone (reads limited per client address, posts per
API key); jurisdiction_id, when sent, must be this district's."""

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from outpost.cases.taxonomy import public_subtypes
from outpost.core.context import client_address
from outpost.core.ratelimit import hit
from outpost.open311 import keys, mapping
from outpost.open311.formats import Many, answer, errors, w3_datetime
from outpost.open311.models import Submission
from outpost.open311.submit import Open311Error, post_request, posted_answer

View = Callable[..., HttpResponse]
MAX_REQUESTS = 1000
DEFAULT_DAYS = 90
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


def jurisdiction() -> str:
    return settings.OUTPOST_OPEN311_JURISDICTION or settings.OUTPOST_DISTRICT_CODE


def georeport(view: View) -> View:
    """Jurisdiction, the per-address limit on reads and Open311 errors for every endpoint."""

    @wraps(view)
    def answered(request: HttpRequest, fmt: str, *args: Any, **kwargs: Any) -> HttpResponse:
        response = _answer(view, request, fmt, *args, **kwargs)
        if request.method == "GET":  # public data: other sites' pages may read it
            response["Access-Control-Allow-Origin"] = "*"
        return response

    return answered


def _answer(view: View, request: HttpRequest, fmt: str, *args: Any, **kwargs: Any) -> HttpResponse:
    sent = (request.POST if request.method == "POST" else request.GET).get("jurisdiction_id", "")
    if sent.strip() and sent.strip() != jurisdiction():  # empty is the same as not sent
        return errors(fmt, 404, _("jurisdiction_id was not found"))
    if request.method == "GET":
        limit = settings.OUTPOST_OPEN311_READS_PER_MINUTE
        wait = hit(f"open311:{client_address(request)}", limit=limit, seconds=60)
        if wait:
            return _too_many(fmt, wait)
    try:
        return view(request, fmt, *args, **kwargs)
    except Open311Error as error:
        return errors(fmt, error.status, error.description)


def _too_many(fmt: str, wait: int) -> HttpResponse:
    response = errors(fmt, 429, _("Too many requests; try again later"))
    response["Retry-After"] = str(wait)
    return response


@require_GET
@georeport
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    url = request.build_absolute_uri("/open311/v2/")
    endpoint = {
        "specification": SPECIFICATION,
        "url": url,
        "changeset": w3_datetime(settings.OUTPOST_OPEN311_CHANGESET),
        "type": "production",
        "formats": Many("format", ["text/xml", "application/json"]),
    }
    body = {
        "changeset": w3_datetime(settings.OUTPOST_OPEN311_CHANGESET),
        "contact": settings.OUTPOST_OPEN311_CONTACT,
        "key_service": settings.OUTPOST_OPEN311_KEY_SERVICE,
        "endpoints": Many("endpoint", [endpoint]),
    }
    return answer(fmt, "discovery", body)


@require_GET
@georeport
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    listed = [mapping.service(s) for s in public_subtypes()]
    return answer(fmt, "services", Many("service", listed))


@require_GET
@georeport
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    sub = public_subtypes().filter(code=code).first()
    if sub is None:
        raise Open311Error(404, _("service_code %(code)s was not found") % {"code": code[:10]})
    return answer(fmt, "service_definition", mapping.definition(sub))


@csrf_exempt
@require_http_methods(["GET", "POST"])
@georeport
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post(request, fmt)
    found = mapping.listed_cases().order_by("-reported_at", "-pk")
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    # Ids override every other filter (the specification's rule).
    found = found.filter(number__in=ids[:MAX_REQUESTS]) if ids else _filtered(found, request.GET)
    rows = [mapping.request(c) for c in found[:MAX_REQUESTS]]
    return answer(fmt, "service_requests", Many("request", rows))


def _filtered(found: Any, query: Any) -> Any:
    codes = [c.strip() for c in query.get("service_code", "").split(",") if c.strip()]
    if codes:
        found = found.filter(subtype__code__in=codes)
    statuses = {s.strip() for s in query.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status must be open or closed"))
    if len(statuses) == 1:
        closed = mapping.CLOSED_STATES
        found = (
            found.filter(state__in=closed)
            if "closed" in statuses
            else found.exclude(state__in=closed)
        )
    start, end = _date(query, "start_date"), _date(query, "end_date")
    end = end or timezone.now()
    start = start or end - dt.timedelta(days=DEFAULT_DAYS)
    if start > end or end - start > dt.timedelta(days=DEFAULT_DAYS):
        raise Open311Error(400, _("start_date and end_date may span at most 90 days"))
    return found.filter(reported_at__gte=start, reported_at__lte=end)


def _date(query: Any, name: str) -> dt.datetime | None:
    raw = query.get(name, "").strip()
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise Open311Error(
            400, _("%(name)s must be a w3 date and time with its offset") % {"name": name}
        )
    return value


def _post(request: HttpRequest, fmt: str) -> HttpResponse:
    key = keys.key_for(request.POST.get("api_key", "").strip())
    if key is None:
        raise Open311Error(403, _("api_key was not provided or is not valid"))
    wait = hit(f"open311:key:{key.pk}", limit=key.posts_per_hour, seconds=3600)
    if wait:
        return _too_many(fmt, wait)
    posted = post_request(request.POST, key)
    return answer(fmt, "service_requests", Many("request", [posted_answer(posted)]))


@require_GET
@georeport
def request_detail(request: HttpRequest, fmt: str, number: str) -> HttpResponse:
    case = mapping.listed_cases().filter(number=number).first()
    if case is None:
        raise Open311Error(404, _("service_request_id %(id)s was not found") % {"id": number[:24]})
    return answer(fmt, "service_requests", Many("request", [mapping.request(case)]))


@require_GET
@georeport
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    found = Submission.objects.select_related("case").filter(token=token).first()
    if found is None:
        raise Open311Error(404, _("token %(token)s was not found") % {"token": token[:32]})
    row = {"service_request_id": found.case.number, "token": found.token}
    return answer(fmt, "service_requests", Many("request", [row]))
