"""POST requests: a service request from other software becomes a `resident` case.

The case is filed as a resident's (stored as no one, `resident` in its timeline) at the point given,
or at the standard address named by `address_id` or written exactly as `address_string`; names
and phone are kept on the case like any reporter's (never shown by Open311); e-mail is not kept.
When the place has a beat, Open311 asks the beat's officer to verify the case before it is
accepted and dispatched, as for any report no one in Outpost has seen."""

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from outpost.cases import services as cases
from outpost.cases.actors import RESIDENT, SystemActor
from outpost.cases.models import Case, Source, SubType
from outpost.cases.taxonomy import public_subtypes
from outpost.cases.workflow import Relation
from outpost.core.models import Urgency
from outpost.open311.mapping import URGENCY
from outpost.open311.models import ApiKey, Submission
from outpost.registry.models import StandardAddress
from outpost.registry.validators import FieldProblem, normalize_phone

# Open311 asking the beat's officer to verify what was posted (the dispatcher's first step).
OPEN311 = SystemActor("open311", frozenset({Relation.DISPATCHER}))
MAX_DESCRIPTION = 4000


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass(frozen=True)
class Posted:
    case: Case
    submission: Submission


def post_request(data: QueryDict, key: ApiKey) -> Posted:
    sub = _service(data.get("service_code", "").strip())
    new = cases.NewCase(
        subtype=sub,
        title=_title(sub, data.get("description", "")),
        source=Source.RESIDENT,
        description=data.get("description", "").strip()[:MAX_DESCRIPTION],
        urgency=_urgency(data),
        reporter_name=_name(data),
        reporter_phone=_phone(data.get("phone", "")),
    )
    address = _place(new, data)
    media_url = _media_url(data.get("media_url", "").strip())
    with transaction.atomic():
        case = _file(new, address)
        submission = Submission.objects.create(
            case=case,
            api_key=key,
            token=secrets.token_hex(12),
            device_id=data.get("device_id", "").strip()[:64],
            account_id=data.get("account_id", "").strip()[:64],
            media_url=media_url,
        )
    return Posted(case, submission)


def _file(new: cases.NewCase, address: StandardAddress | None) -> Case:
    try:
        case = cases.report_case(new, actor=RESIDENT)  # type: ignore[arg-type]
    except ValidationError as error:
        raise Open311Error(400, "；".join(error.messages)) from None
    if address is not None:
        Case.objects.filter(pk=case.pk).update(address=address)
        case.address = address
    if case.beat_code:
        case = cases.act(case, "request_verification", actor=OPEN311)
    return case


def _service(code: str) -> SubType:
    if not code:
        raise Open311Error(400, _("service_code was not provided"))
    sub = public_subtypes().filter(code=code).first()
    if sub is None:
        raise Open311Error(404, _("service_code %(code)s was not found") % {"code": code[:10]})
    return sub


def _title(sub: SubType, description: str) -> str:
    first = description.strip().splitlines()[0][:40] if description.strip() else ""
    return first or sub.name


def _urgency(data: QueryDict) -> str:
    value = data.get(f"attribute[{URGENCY}]", "").strip() or Urgency.NORMAL
    if value not in (Urgency.NORMAL, Urgency.URGENT):
        raise Open311Error(400, _("attribute[urgency] must be normal or urgent"))
    return value


def _name(data: QueryDict) -> str:
    return " ".join(data.get(f, "").strip() for f in ("last_name", "first_name")).strip()[:50]


def _phone(raw: str) -> str:
    if not raw.strip():
        return ""
    try:
        return normalize_phone(raw)
    except FieldProblem:
        raise Open311Error(400, _("phone is not a phone number")) from None


def _place(new: cases.NewCase, data: QueryDict) -> StandardAddress | None:
    """Sets the case's point; returns the standard address when one was named."""
    lat, lon = data.get("lat", "").strip(), data.get("long", "").strip()
    if lat or lon:
        new.lat, new.lon = _degrees(lat, 90), _degrees(lon, 180)
        return None
    address = _address(data.get("address_id", "").strip(), data.get("address_string", "").strip())
    new.lat, new.lon = address.lat, address.lon
    return address


def _address(code: str, text: str) -> StandardAddress:
    if code:
        found = StandardAddress.objects.filter(code=code[:20]).first()
    elif text:
        found = StandardAddress.objects.filter(full_text=text[:200]).order_by("pk").first()
    else:
        raise Open311Error(400, _("Give lat and long, address_string or address_id"))
    if found is None:
        raise Open311Error(400, _("The address was not found: give lat and long"))
    return found


def _degrees(raw: str, bound: int) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise Open311Error(400, _("lat and long must both be decimal degrees")) from None
    if not -bound <= value <= bound:
        raise Open311Error(400, _("lat and long must both be decimal degrees"))
    return value


def _media_url(raw: str) -> str:
    if not raw:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(raw[:500])
    except ValidationError:
        raise Open311Error(400, _("media_url is not a web address")) from None
    return raw[:500]


def posted_answer(posted: Posted) -> dict[str, Any]:
    notice = _("The beat's officer verifies the request before it is handled")
    return {
        "service_request_id": posted.case.number,
        "service_notice": notice if posted.case.beat_code else None,
        "account_id": posted.submission.account_id or None,
    }
