"""What Open311 shows of the taxonomy and of cases.

Services are the public part of the taxonomy (`public_subtypes`). A case appears as a service
request only when its sub-type is one of them and it is not police-only, and then without anything
personal: no reporter, phone, parties, tracking code, comments or results. Its description is shown
only when the case is marked public (`Sensitivity.PUBLIC`); the address only down to the building
(never unit, floor or room); the point rounded to three decimals (about 100 m), so a request does
not lead to a door. Media: none (case photos are not published)."""

from typing import Any

from django.db.models import Max, Prefetch, QuerySet
from django.utils.translation import gettext as _

from outpost.cases.labels import STATE_LABELS, label
from outpost.cases.models import Case, CaseAssignment, Sensitivity, SubType
from outpost.cases.taxonomy import public_subtypes
from outpost.cases.workflow import State
from outpost.core.models import Urgency
from outpost.open311.formats import Many, w3_datetime
from outpost.registry.models import StandardAddress

ROUNDING = 3  # decimals of a degree: about 110 m north-south, 95 m east-west at 32°N
URGENCY = "urgency"  # the one attribute every service takes
# `closed` is resolved: done (awaiting or past the resident's rating), closed or not accepted.
# A reopened case is open again; `status_notes` says where it stands.
CLOSED_STATES = (State.COMPLETED, State.RATED, State.CLOSED, State.REJECTED)


def service(sub: SubType) -> dict[str, Any]:
    return {
        "service_code": sub.code,
        "service_name": sub.name,
        "description": f"{sub.category.name}：{sub.name}",
        "metadata": True,
        "type": "realtime",
        "keywords": ",".join([sub.category.name, sub.name]),
        "group": sub.category.name,
    }


def definition(sub: SubType) -> dict[str, Any]:
    values = [{"key": u.value, "name": str(u.label)} for u in (Urgency.NORMAL, Urgency.URGENT)]
    attribute = {
        "variable": True,
        "code": URGENCY,
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": None,
        "order": 1,
        "description": _("How urgent is it?"),
        "values": Many("value", values),
    }
    return {"service_code": sub.code, "attributes": Many("attribute", [attribute])}


def listed_cases() -> QuerySet[Case]:
    """The cases Open311 may show, with what a row needs read in the same queries."""
    leads = CaseAssignment.objects.filter(active=True, lead=True).order_by("assigned_at", "pk")
    return (
        Case.objects.filter(subtype__in=public_subtypes().values("pk"))
        .exclude(sensitivity=Sensitivity.POLICE_ONLY)
        .select_related("subtype", "address")
        .annotate(updated=Max("timeline__at"))
        .prefetch_related(Prefetch("assignments", queryset=leads, to_attr="leads"))
    )


def request(case: Case) -> dict[str, Any]:
    leads = getattr(case, "leads", [])
    return {
        "service_request_id": case.number,
        "status": "closed" if case.state in CLOSED_STATES else "open",
        "status_notes": label(STATE_LABELS, case.state),
        "service_name": case.subtype.name,
        "service_code": case.subtype.code,
        "description": case.description if case.sensitivity == Sensitivity.PUBLIC else None,
        "agency_responsible": leads[0].unit_name if leads else None,
        "service_notice": None,
        "requested_datetime": w3_datetime(case.reported_at),
        "updated_datetime": w3_datetime(getattr(case, "updated", None) or case.reported_at),
        "expected_datetime": w3_datetime(case.handle_due),
        "address": _address_text(case.address),
        "address_id": _address_id(case.address),
        "zipcode": None,
        "lat": _rounded(case.lat),
        "long": _rounded(case.lon),
        "media_url": None,
    }


def _address_text(address: StandardAddress | None) -> str | None:
    """Road, door number, compound and building: never the unit, floor or room."""
    if address is None:
        return None
    parts = [address.road, address.door_no, address.compound, address.building]
    return "".join(p for p in parts if p) or None


def _address_id(address: StandardAddress | None) -> str | None:
    if address is None or address.level == "room":
        return None
    return address.code


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, ROUNDING)
