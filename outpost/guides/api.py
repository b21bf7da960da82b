"""The service guides' public API: the catalogue's search and a resident's request for help (no
account; rate-limited per client address). The residents' portal calls the same services."""

import datetime as dt
import json
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from outpost.core.context import client_address
from outpost.core.i18n import Text, api_detail
from outpost.core.ratelimit import hit
from outpost.geo.models import Grid
from outpost.guides import queries, services
from outpost.guides.models import Matter

router = Router(tags=["guides"])


class MatterOut(Schema):
    code: str
    title: str
    summary: str
    eligibility: str
    documents: list[str]
    place: str
    fees: str
    time_limit: str
    department: str
    police: bool


class MatterFilter(Schema):
    q: str = Field("", max_length=60, description="what the resident needs, in their words")


class RequestIn(Schema):
    matter: str = Field(..., max_length=40, description="the matter's code")
    mode: Literal["deliver", "on_behalf", "assist", "end_to_end"]
    resident_name: str = Field(..., min_length=1, max_length=32)
    phone: str = Field(..., min_length=1, max_length=20)
    grid: str = Field(..., max_length=15, description="the code of the grid the resident lives in")
    address: str = Field(..., min_length=1, max_length=200)
    note: str = Field("", max_length=500)


class RequestOut(Schema):
    code: str = Field(..., description="the tracking code")
    state: str
    handled_by: str
    due_at: dt.datetime
    url: str = Field(..., description="the resident's page of the request")


def matter_out(matter: Matter) -> dict[str, Any]:
    return {
        "code": matter.code,
        "title": matter.title,
        "summary": matter.summary,
        "eligibility": matter.eligibility,
        "documents": matter.document_list(),
        "place": matter.place,
        "fees": matter.fees,
        "time_limit": matter.time_limit,
        "department": matter.department,
        "police": matter.police,
    }


@router.get("/matters", auth=None, response=list[MatterOut], summary="Search the service guides")
def list_matters(request: HttpRequest, filters: Query[MatterFilter]) -> list[dict[str, Any]]:
    query = filters.q.strip()
    found = queries.search_matters(None, query) if query else list(queries.matters_for(None))
    return [matter_out(m) for m in found]


@router.post(
    "/requests",
    auth=None,
    response={201: RequestOut, 429: dict},
    summary="Ask for help with a matter (送办、代办、帮办、包办), no account needed",
)
def create_request(request: HttpRequest, body: RequestIn) -> Any:
    key = f"guides-ask:{client_address(request)}"
    limit, window = settings.OUTPOST_GUIDE_REQUESTS, settings.OUTPOST_GUIDE_REQUEST_WINDOW
    wait = hit(key, limit=limit, seconds=window)
    if wait:
        return _too_many(wait)
    matter = queries.get_matter(None, body.matter)
    grid = Grid.objects.select_related("main_beat").filter(code=body.grid).first()
    new = services.NewServiceRequest(
        matter=matter,
        mode=body.mode,
        resident_name=body.resident_name,
        phone=body.phone,
        address=body.address,
        grid=grid,
        note=body.note,
    )
    created = services.create_service_request(new, actor=None)
    return Status(
        201,
        {
            "code": created.code,
            "state": created.state,
            "handled_by": created.handled_by,
            "due_at": created.due_at,
            "url": reverse("guides:track", kwargs={"code": created.code}),
        },
    )


def _too_many(wait: int) -> HttpResponse:
    minutes = max(1, -(-wait // 60))
    body = api_detail(
        Text(_("Too many requests; try again in %(minutes)s minutes"), minutes=minutes)
    )
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=429, content_type="application/json"
    )
    response["Retry-After"] = str(wait)
    return response
