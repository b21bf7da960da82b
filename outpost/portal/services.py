"""The portal's writes: a resident's report entering the loop as a `resident` case, following
a nearby case instead, rating, and the SMS each step of their cases sends them."""

import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from outpost.cases.actors import RESIDENT
from outpost.cases.duplicates import possible_duplicates
from outpost.cases.models import Case, Source, SubType
from outpost.cases.services import CaseConflict, NewCase, act, report_case
from outpost.cases.taxonomy import public_subtypes
from outpost.cases.workflow import State, Transition
from outpost.geo.locator import locate
from outpost.portal import limits, otp, places
from outpost.portal.models import Ticket, TicketRole
from outpost.registry.models import StandardAddress

log = logging.getLogger("outpost.portal")
# `report_case` is typed for signed-in users; it files for a resident too (stored as no one, in
# the whole district), as it does for the 110 desk.
AS_RESIDENT: Any = RESIDENT

OUTSIDE = _("That place is outside the district; pin a place in the district")
NO_PLACE = _("Pin the place: use your location or search an address")
NO_SUCH_TYPE = _("Choose what the problem is about")
NOT_FOUND = _("No such address found; try the road name and door number, e.g. 中山路12号")
VERIFY_FIRST = _("Verify your mobile number first")
GONE = _("That case can no longer be followed; report the problem instead")
CHANGED = _("This case has changed meanwhile; here is where it stands now.")
NOT_YOURS = _("Only the resident who reported the case rates it")
# What a resident hears of, by SMS: the step's target state, or the step itself.
TOLD = {
    State.AWAITING_VERIFICATION: _("is being verified"),
    State.ACCEPTED: _("has been accepted"),
    State.DISPATCHED: _("has been sent to %(units)s"),
    State.COMPLETED: _("has been handled; please rate the result"),
    State.CLOSED: _("is closed"),
    State.REJECTED: _("was not accepted"),
}


@dataclass
class Report:
    """What a resident submits; the phone is the one they proved by its code."""

    subtype_code: str
    description: str
    phone: str
    lon: float | None = None
    lat: float | None = None
    address_code: str = ""
    files: list[tuple[str, bytes]] = field(default_factory=list)


def public_subtype(code: str) -> SubType:
    found = public_subtypes().filter(code=code[:4]).first()
    if found is None:
        raise ValidationError({"subtype": NO_SUCH_TYPE})
    return found


def pin(lon: float | None, lat: float | None, address_code: str) -> tuple[float, float]:
    """The point reported: the chosen door plate's, else the resident's pin; in the district."""
    plate = places.door_plate(address_code) if address_code else None
    if plate is not None:
        lon, lat = plate.lon, plate.lat
    if lon is None or lat is None:
        raise ValidationError({"location": NO_PLACE})
    if locate(lon, lat).grid_code is None:
        raise ValidationError({"location": OUTSIDE})
    return lon, lat


def nearby_open_cases(subtype: SubType, lon: float, lat: float) -> list[Case]:
    """Open cases of the same sub-type within ~100 m (seen by anyone: the portal shows only
    their type, street and state)."""
    return [case for case, _ in possible_duplicates(Case.objects.all(), subtype.code, lon, lat)][:5]


def do_submit_report(report: Report, client: str) -> Ticket:
    """File the report as a `resident` case and give the resident its ticket (the case's
    tracking code). Limits are counted first; nothing is kept when anything is refused."""
    subtype = public_subtype(report.subtype_code)
    lon, lat = pin(report.lon, report.lat, report.address_code)
    if not report.description.strip():
        raise ValidationError({"description": _("Describe the problem")})
    limits.count_report(report.phone, client)
    with transaction.atomic():
        case = report_case(_new_case(report, subtype, lon, lat), actor=AS_RESIDENT)
        plate = places.door_plate(report.address_code) if report.address_code else None
        if plate is not None:
            Case.objects.filter(pk=case.pk).update(address_id=_address_pk(plate.code))
        ticket = _ticket(case, report.phone, TicketRole.REPORTER, case.tracking_code)
        _tell(ticket, _("has been received"))
    return ticket


def _address_pk(code: str) -> int | None:
    return StandardAddress.objects.filter(code=code).values_list("pk", flat=True).first()


def _new_case(report: Report, subtype: SubType, lon: float, lat: float) -> NewCase:
    text = " ".join(report.description.split())
    return NewCase(
        subtype=subtype,
        title=(text[:40] + "…") if len(text) > 40 else text,
        source=Source.RESIDENT,
        description=report.description.strip()[:2000],
        lon=lon,
        lat=lat,
        reporter_phone=report.phone,
        files=report.files,
    )


def _ticket(case: Case, phone: str, role: str, token: str) -> Ticket:
    found = Ticket.objects.filter(Ticket.phone.q(phone), case=case).first()
    if found is not None:
        return found
    return Ticket.objects.create(
        token=token, case=case, role=role, created_at=timezone.now(), **Ticket.phone.columns(phone)
    )


def do_follow(case_id: int, subtype: SubType, lon: float, lat: float, phone: str) -> Ticket:
    """Follow one of the open cases offered as a duplicate instead of reporting again: the
    resident gets a ticket of their own that reads the case (never its tracking code)."""
    offered = {c.pk: c for c in nearby_open_cases(subtype, lon, lat)}
    case = offered.get(case_id)
    if case is None:
        raise ValidationError(GONE)
    with transaction.atomic():
        ticket = _ticket(case, phone, TicketRole.FOLLOWER, _token())
        _tell(ticket, _("is followed by you"))
    return ticket


def _token() -> str:
    return "F" + secrets.token_urlsafe(8)[:10].replace("-", "x").replace("_", "y").upper()


def do_rate(ticket: Ticket, rating: str, comment: str, version: int) -> Case:
    """The reporter's rating (an unsatisfied one sends the case back to its handlers)."""
    if ticket.role != TicketRole.REPORTER:
        raise ValidationError(NOT_YOURS)
    case = ticket.case
    if case.state != State.COMPLETED or case.version != version:
        raise ValidationError(CHANGED)
    try:
        return act(case, "rate", actor=RESIDENT, payload={"rating": rating}, comment=comment)
    except CaseConflict:
        raise ValidationError(CHANGED) from None


def tell_residents(sender: Any, case: Case, step: Transition, **kwargs: Any) -> None:
    """`case_stepped` listener: each resident holding a ticket hears of the step by SMS, once
    the step is committed."""
    told = TOLD.get(step.target) if step.target != step.state else None
    if told is None or step.action == "rate":
        return
    for ticket in Ticket.objects.filter(case=case):
        _tell(ticket, told)


def _tell(ticket: Ticket, told: Any) -> None:
    phone = ticket.phone.reveal()
    text = step_text(ticket, told)
    transaction.on_commit(lambda: _send_quietly(phone, text))


def step_text(ticket: Ticket, told: Any) -> str:
    names = ticket.case.assignments.filter(active=True).values_list("unit_name", flat=True)
    units = "、".join(names)
    link = settings.OUTPOST_PORTAL_URL + reverse("portal:track", args=[ticket.token])
    # Texts to phones speak the deployment's language (Chinese unless set otherwise).
    with translation.override(settings.OUTPOST_LANGUAGE):
        what = str(told) % {"units": units or gettext("the units in charge")}
        return gettext("[Outpost] Your report %(code)s %(what)s. Follow it: %(link)s") % {
            "code": ticket.token,
            "what": what,
            "link": link,
        }


def _send_quietly(phone: str, text: str) -> None:
    """Step messages are best effort: a gateway that fails does not undo the step."""
    try:
        otp.send_sms(phone, text)
    except ValidationError:
        log.warning("sms not sent")
