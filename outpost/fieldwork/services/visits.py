"""Visit writes (走访): a visit to a care subject, a rented house or a key unit, which may open
a case and a service request (代办); a care subject's visit is written to the access log."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.accounts.scope import restrict
from outpost.cases.models import Case, Source, SubType
from outpost.cases.services import NewCase, report_case
from outpost.core.access import log_access
from outpost.core.audit import record_change
from outpost.fieldwork import schedule, service_desk
from outpost.fieldwork.models import Visit, VisitKind
from outpost.registry.models import House, HouseUse, Organisation, Person

VISIT_ACTION = "collect"  # who visits: grid workers, community officers, auxiliary police
Subject = Person | House | Organisation


@dataclass
class NewVisit:
    met: str
    found: str = ""
    case_subtype: SubType | None = None  # set: the visit opens a case at the subject's address
    case_title: str = ""
    service: service_desk.ServiceAsk | None = None  # set: opens a service request for them


def visit_kind(subject: Subject) -> str:
    """What the subject is visited as; ValidationError if the registry gives no reason to."""
    if isinstance(subject, Person):
        every = schedule.care_interval(subject.care_tags, subject.birth_date, timezone.localdate())
        if every is not None:
            return VisitKind.CARE
    elif isinstance(subject, House) and subject.use == HouseUse.RENTED:
        return VisitKind.RENTAL
    elif isinstance(subject, Organisation) and subject.is_key_unit:
        return VisitKind.KEY_UNIT
    raise ValidationError(_("This record is not a care subject, a rented house or a key unit"))


def record_visit(
    subject: Subject, new: NewVisit, *, actor: User, at: dt.datetime | None = None
) -> Visit:
    """A visit by someone who collects where the subject lies; a care subject's visit is
    written to the access log with its purpose."""
    if not restrict(type(subject).objects.filter(pk=subject.pk), actor, VISIT_ACTION).exists():
        raise PermissionDenied
    kind = visit_kind(subject)
    if not new.met.strip():
        raise ValidationError({"met": _("Say who was met (or that nobody was in)")})
    with transaction.atomic():
        case = _visit_case(subject, new, actor) if new.case_subtype else None
        request = _visit_request(subject, new, actor) if new.service else None
        visit = Visit.objects.create(
            kind=kind,
            **{_FIELD[type(subject)]: subject},
            grid_code=subject.grid_code,
            beat_code=subject.beat_code,
            visitor=actor,
            visited_at=at or timezone.now(),
            met=new.met.strip()[:100],
            found=new.found.strip(),
            case=case,
            service_request=request,
        )
        _audit_visit(visit, subject, actor)
    return visit


_FIELD: dict[type, str] = {Person: "person", House: "house", Organisation: "organisation"}


def _visit_case(subject: Subject, new: NewVisit, actor: User) -> Case:
    assert new.case_subtype is not None
    address = subject.address
    if address is None:
        raise ValidationError({"case": _("The person has no address to report the case at")})
    title = new.case_title.strip() or new.found.strip()[:100]
    if not title:
        raise ValidationError({"case_title": _("Give the case a title")})
    found = NewCase(
        subtype=new.case_subtype,
        title=title,
        description=new.found,
        source=Source.GRID_PATROL,
        address=address.code,
    )
    return report_case(found, actor=actor)


def _visit_request(subject: Subject, new: NewVisit, actor: User) -> Any:
    """The service request filed for the visited subject, where the subject lies: a person for
    themself, a house or a key unit for whoever was met there."""
    assert new.service is not None
    if subject.address is None:
        raise ValidationError(
            {"service": _("The visited record has no address to file the request at")}
        )
    name = subject.name if isinstance(subject, Person) else new.met.strip()
    filed = service_desk.ForSubject(
        ask=new.service,
        resident_name=name[:32],
        address=subject.address.full_text,
        grid_code=subject.grid_code,
        beat_code=subject.beat_code,
    )
    return service_desk.desk().open(filed, actor=actor)


def _audit_visit(visit: Visit, subject: Subject, actor: User) -> None:
    key = str(getattr(subject, _KEY[type(subject)]))
    record_change(
        actor=actor,
        action="record_visit",
        object_type="visit",
        object_key=str(visit.pk),
        after={
            "kind": visit.kind,
            "subject": key,
            "case": visit.case.number if visit.case else None,
            "service_request": visit.service_request.code if visit.service_request else None,
        },
    )
    if isinstance(subject, Person):
        log_access(
            actor=actor,
            action="view_person",
            object_type="person",
            object_key=key,
            purpose="走访（关怀对象）",
            civil_code=subject.grid_code,
            police_code=subject.beat_code,
        )


_KEY: dict[type, str] = {Person: "person_no", House: "house_no", Organisation: "unit_no"}
