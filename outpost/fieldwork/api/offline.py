"""The offline phone app's API: today's tasks to keep on the phone, and the queue it sends back.

`GET /fieldwork/today` is what the phone keeps for when the network is gone: the grids the user
walks with their plans, the patrol under way, the visits due (overdue first), the case types
they may file and the matters a visit may open a service request for. `POST /fieldwork/sync`
takes queued records (multipart: `records`, a JSON list, and each record's photos as files
named `photo:<record key>:<n>`) and answers one outcome per record: sent (with what it made),
refused (with the reason, in Chinese and English) or conflict.
"""

import datetime as dt
import json
import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Schema, Status

from outpost.accounts.signed_in import SignedInRequest
from outpost.cases.forms import subtype_choices
from outpost.core.i18n import api_detail
from outpost.core.refusals import refusal
from outpost.fieldwork import queries, service_desk, sync
from outpost.fieldwork.api.base import router

DUE_ON_PHONE = 200  # the due list the phone keeps (overdue first)
PHOTO_PART = re.compile(r"photo:([A-Za-z0-9_-]{1,64}):([0-9]{1,3})")
OTHER_ACCOUNT = _("These records were kept for another account: sign in as them to send them")


class PlanRef(Schema):
    id: int
    name: str


class PhoneGridOut(Schema):
    code: str
    name: str
    plans: list[PlanRef]


class OpenPatrolOut(Schema):
    id: int
    grid: str
    grid_name: str
    started_at: dt.datetime


class DueOnPhone(Schema):
    kind: str
    key: str
    name: str
    grid: str
    last_visit: dt.datetime | None
    due: dt.date
    overdue: bool


class CaseType(Schema):
    code: str
    name: str


class Choice(Schema):
    code: str
    name: str


class TodayOut(Schema):
    username: str
    display_name: str
    as_of: dt.datetime
    open_patrol: OpenPatrolOut | None
    grids: list[PhoneGridOut]
    due_total: int
    due: list[DueOnPhone]
    case_types: list[CaseType]
    matters: list[Choice]  # what a visit may open a service request (代办) for
    service_modes: list[Choice]


class SyncOutcomeOut(Schema):
    key: str
    state: str
    ref: dict[str, Any]
    detail: str = ""
    detail_en: str = ""


class SyncOut(Schema):
    results: list[SyncOutcomeOut]


class SyncRefusalOut(Schema):
    detail: str
    detail_en: str


def _work_here(request: SignedInRequest) -> None:
    if not queries.may_work(request.user):
        raise PermissionDenied


@router.get("/today", response=TodayOut, summary="Today's tasks, to keep on the phone offline")
def today(request: SignedInRequest) -> dict[str, Any]:
    _work_here(request)
    user, day = request.user, timezone.localdate()
    due = queries.due_visits(user)
    patrol = queries.open_patrol(user)
    return {
        "username": user.username,
        "display_name": str(user),
        "as_of": timezone.now(),
        "open_patrol": patrol and _patrol_out(patrol),
        "grids": _grids(request),
        "due_total": len(due),
        "due": [_due_out(d, day) for d in due[:DUE_ON_PHONE]],
        "case_types": [
            {"code": code, "name": name}
            for _group, items in subtype_choices(user)
            for code, name in items
        ],
        **_service_choices(),
    }


def _service_choices() -> dict[str, list[dict[str, str]]]:
    matters, modes = service_desk.choices()
    return {
        "matters": [{"code": code, "name": name} for code, name in matters],
        "service_modes": [{"code": code, "name": name} for code, name in modes],
    }


def _patrol_out(patrol: Any) -> dict[str, Any]:
    return {
        "id": patrol.pk,
        "grid": patrol.grid.code,
        "grid_name": patrol.grid.name,
        "started_at": patrol.started_at,
    }


def _grids(request: SignedInRequest) -> list[dict[str, Any]]:
    plans: dict[str, list[dict[str, Any]]] = {}
    for plan in queries.my_plans(request.user):
        plans.setdefault(plan.grid.code, []).append({"id": plan.pk, "name": plan.name})
    return [
        {"code": g.code, "name": g.name, "plans": plans.get(g.code, [])}
        for g in queries.patrol_grids(request.user)
    ]


def _due_out(due: Any, day: dt.date) -> dict[str, Any]:
    return {
        "kind": due.kind,
        "key": due.key,
        "name": due.name,
        "grid": due.grid_code,
        "last_visit": due.last,
        "due": due.due,
        "overdue": due.overdue(day),
    }


@router.post(
    "/sync",
    response={200: SyncOut, 409: SyncRefusalOut},
    summary="Send the records the phone queued offline (409 when kept for another account)",
)
def send_queue(request: SignedInRequest) -> Any:
    _work_here(request)
    # The page names the account it kept the records for: a page kept from an earlier session
    # must not send its queue under whoever is signed in now.
    if request.POST.get("user", request.user.username) != request.user.username:
        return Status(409, api_detail(OTHER_ACCOUNT))
    try:
        raw = json.loads(request.POST.get("records", ""))
    except (ValueError, RecursionError):  # not JSON, or nested too deep to read
        raise refusal(_("“records” must be a JSON list of records")) from None
    if not isinstance(raw, list):
        raise refusal(_("“records” must be a JSON list of records"))
    outcomes = sync.sync_records(raw, _photos(request), actor=request.user)
    return {"results": [o.as_dict() for o in outcomes]}


def _photos(request: SignedInRequest) -> sync.Photos:
    """The files named photo:<record key>:<n>, by record key, in their order."""
    numbered: list[tuple[str, int, str]] = []
    for name in request.FILES:
        found = PHOTO_PART.fullmatch(name)
        if found is None:
            raise refusal(_("Unexpected file part: %(name)s"), name=name[:80])
        numbered.append((found[1], int(found[2]), name))
    photos: sync.Photos = {}
    for record_key, _n, name in sorted(numbered):
        photos.setdefault(record_key, []).extend(request.FILES.getlist(name))
    return photos
