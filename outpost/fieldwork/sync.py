"""Records a phone kept while offline (离线暂存), sent when the network returns.

Each record carries a key the phone made (a UUID): the idempotency key. The first answer for a key
is kept (`SyncedRecord`) and given again to every later send of the same key, so a record whose
answer was lost on a bad network is never kept twice. Records are applied in the order sent, each
in its own transaction: one refused record (a point at a grid the worker may not walk, a subject
outside their area) does not hold back the others. The key is claimed in the record's
transaction, after the record is applied: two sends of one key racing both apply it, and the
second's claim waits for the first to commit, fails, and rolls its copy back. A patrol started
offline has no number yet: its check-ins and its end name it by its start record's key.

A conflict (the subject was visited by someone else after the phone's copy of the due list was
taken) is not kept as an answer: the phone shows it, and its user sends the record again with
`force` or drops it. Nothing on the server is overwritten: every record here adds a row.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, Field, TypeAdapter
from pydantic import ValidationError as SchemaError

from outpost.accounts.models import User
from outpost.cases.models import SubType
from outpost.cases.services import NewCase, report_case, report_source
from outpost.core.files import read_upload
from outpost.core.i18n import Text, TextList, api_detail, in_language, stored, worded
from outpost.core.refusals import refusal
from outpost.fieldwork import queries, service_desk, services
from outpost.fieldwork.models import Patrol, SyncedRecord, SyncState, Visit
from outpost.geo import locator

MAX_RECORDS = 50  # per request; the phone sends its queue in batches
MAX_AGE = dt.timedelta(days=30)  # older than this, a record is refused (the phone's clock is off)
CLOCK_SKEW = dt.timedelta(minutes=10)  # a phone's clock may run this far ahead
Photos = dict[str, list[Any]]  # record key → its photos (uploaded files), in order


class _Record(BaseModel):
    key: str = Field(..., min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    at: dt.datetime  # when it was recorded on the phone


class PatrolStart(_Record):
    kind: Literal["patrol_start"]
    grid: str = Field(..., pattern=r"^\d{15}$")
    plan: int | None = None


class _OfPatrol(_Record):
    # A patrol started offline: its start record's key; one started online: "id:<number>".
    patrol: str = Field(..., min_length=4, max_length=64)


class CheckInRecord(_OfPatrol):
    kind: Literal["checkin"]
    lon: float
    lat: float
    note: str = Field("", max_length=200)


class PatrolEnd(_OfPatrol):
    kind: Literal["patrol_end"]


class ServiceAskRecord(BaseModel):
    matter: str = Field(..., min_length=1, max_length=40)
    mode: str = Field(..., min_length=1, max_length=12)
    phone: str = Field(..., min_length=1, max_length=20)
    note: str = Field("", max_length=500)


class VisitRecord(_Record):
    kind: Literal["visit"]
    subject_kind: Literal["care", "rental", "key_unit"]
    subject_key: str = Field(..., min_length=1, max_length=20)
    met: str = Field(..., max_length=100)
    found: str = Field("", max_length=2000)
    seen_last: dt.datetime | None = None  # the subject's last visit on the phone's due list
    force: bool = False  # sent again after a conflict, knowing of the other visit
    service: ServiceAskRecord | None = None  # a service request (代办) the visit opens


class CaseRecord(_Record):
    kind: Literal["case"]
    subtype: str = Field(..., pattern=r"^\d{4}$")
    title: str = Field(..., max_length=100)
    description: str = Field("", max_length=2000)
    # No place: found on the patrol, reported at its last check-in's place with its photos.
    lon: float | None = None
    lat: float | None = None
    patrol: str = Field("", max_length=64)  # found on this patrol (optional)


AnyRecord = Annotated[
    PatrolStart | CheckInRecord | PatrolEnd | VisitRecord | CaseRecord,
    Field(discriminator="kind"),
]
READ_RECORD: TypeAdapter[Any] = TypeAdapter(AnyRecord)


@dataclass
class Outcome:
    key: str
    state: str  # sent, refused, conflict
    ref: dict[str, Any] = field(default_factory=dict)
    detail: dict[str, str] = field(default_factory=dict)  # detail (Chinese), detail_en

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "state": self.state, "ref": self.ref, **self.detail}


class Conflict(Exception):
    def __init__(self, message: Text) -> None:
        self.message = message


@dataclass
class Send:
    """One send of the phone: who sends, the answers already kept for its keys, and the
    patrols its records named (looked up once per send, not once per check-in)."""

    actor: User
    kept: dict[str, SyncedRecord]
    patrols: dict[str, Patrol] = field(default_factory=dict)


def sync_records(raw: list[Any], photos: Photos, *, actor: User) -> list[Outcome]:
    """Apply the records in order; one outcome per record, in the same order."""
    if len(raw) > MAX_RECORDS:
        raise refusal(_("Send at most %(count)s records at a time"), count=MAX_RECORDS)
    keys = [str(item.get("key", "")) for item in raw if isinstance(item, dict)]
    kept = SyncedRecord.objects.filter(user=actor, key__in=keys)
    send = Send(actor, {row.key: row for row in kept})
    with locator.batch():  # the boundaries and their names read once per send, not per point
        return [_one(item, photos, send) for item in raw]


def _one(item: Any, photos: Photos, send: Send) -> Outcome:
    key = str(item.get("key", "")) if isinstance(item, dict) else ""
    try:
        record = READ_RECORD.validate_python(item)
    except SchemaError as error:
        return Outcome(key, "refused", detail=api_detail(_schema_message(error)))
    if record.key in send.kept:  # sent before (in an earlier send, or twice in this one)
        return _kept(send.kept[record.key], record)
    actor = send.actor
    try:
        return _apply(record, photos.get(record.key, []), send)
    except IntegrityError:  # the same key sent twice at once: the first send answered
        send.patrols.clear()  # rolled back with the record: look them up again
        kept = SyncedRecord.objects.filter(user=actor, key=record.key).first()
        if kept is None:
            raise
        send.kept[record.key] = kept
        return _kept(kept, record)


def _digest(record: Any) -> str:
    """The record's content (`force` aside: it is what the phone adds after a conflict)."""
    content = record.model_dump(mode="json", exclude={"force"})
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _kept(kept: SyncedRecord, record: Any) -> Outcome:
    """The answer the key got the first time, in both languages again; a key sent again with
    another record is refused (not kept: the first answer stays the key's)."""
    if kept.kind != record.kind or (kept.digest and kept.digest != _digest(record)):
        message = Text(_("This record's key was already used for another record"))
        return Outcome(record.key, "refused", detail=api_detail(message))
    detail = {}
    if kept.detail:
        detail = {
            "detail": in_language("zh-hans", lambda: worded(kept.detail)),
            "detail_en": in_language("en", lambda: worded(kept.detail)),
        }
    return Outcome(kept.key, kept.state, ref=kept.ref, detail=detail)


def _apply(record: Any, uploads: list[Any], send: Send) -> Outcome:
    """Apply the record and claim its key with the answer, in one transaction; a refused
    record's work is rolled back and its key claimed with the refusal; a conflict is not kept.
    A claim that fails (IntegrityError: a racing send of the same key committed first) rolls
    the record back with it."""
    try:
        with transaction.atomic():
            ref = _handle(record, uploads, send)
            claim = _claim(record, send, SyncState.SENT, ref=ref)
    except Conflict as conflict:
        send.patrols.clear()
        return Outcome(record.key, "conflict", detail=api_detail(conflict.message))
    except (ValidationError, PermissionDenied, Http404) as error:
        send.patrols.clear()  # rolled back with the record: look them up again
        message = _refusal_message(error)
        with transaction.atomic():
            _claim(record, send, SyncState.REFUSED, detail=stored(message))
        return Outcome(record.key, "refused", detail=api_detail(message))
    return Outcome(record.key, "sent", ref=claim.ref)


def _handle(record: Any, uploads: list[Any], send: Send) -> dict[str, Any]:
    _check_time(record.at)
    if len(uploads) > settings.OUTPOST_MAX_ATTACHMENTS:
        raise refusal(_("At most %(count)s photos"), count=settings.OUTPOST_MAX_ATTACHMENTS)
    files = [read_upload(upload) for upload in uploads]
    return HANDLERS[record.kind](record, files, send)


def _claim(record: Any, send: Send, state: str, **answer: Any) -> SyncedRecord:
    """Keep the key's answer (IntegrityError if a racing send kept one first)."""
    claim = SyncedRecord.objects.create(
        user=send.actor, key=record.key, kind=record.kind, digest=_digest(record), state=state,
        **answer,
    )  # fmt: skip
    send.kept[record.key] = claim
    return claim


def _check_time(at: dt.datetime) -> None:
    now = timezone.now()
    if timezone.is_naive(at):
        raise refusal(_("The record's time has no time zone"))
    if at > now + CLOCK_SKEW:
        raise refusal(_("The record's time is in the future: check the phone's clock"))
    if at < now - MAX_AGE:
        raise refusal(_("The record is more than 30 days old: enter it on the page instead"))


def _refusal_message(error: Exception) -> Text | TextList:
    if isinstance(error, Http404):
        return Text(_("Not found, or outside your area"))
    if isinstance(error, PermissionDenied):
        return Text(_("You may not do this"))
    assert isinstance(error, ValidationError)
    found = []
    if hasattr(error, "error_dict"):
        found = [e for es in error.error_dict.values() for e in es]
    texts = [Text(e.message, **(e.params or {})) for e in found or error.error_list]
    return TextList(texts, separator=_("; "))


def _schema_message(error: SchemaError) -> Text:
    names = sorted({str(e["loc"][-1]) for e in error.errors() if e.get("loc")})
    return Text(_("Invalid record: %(names)s"), names=", ".join(names) or "?")


# --- one handler per kind ------------------------------------------------------------------------


def _start(record: PatrolStart, files: list[tuple[str, bytes]], send: Send) -> dict[str, Any]:
    actor = send.actor
    grid = queries.patrol_grids(actor).filter(code=record.grid).first()
    if grid is None:
        raise Http404
    plan = None
    if record.plan is not None:
        plan = queries.my_plans(actor).filter(pk=record.plan).first()
        if plan is None:
            raise refusal(_("You are not assigned to that plan"))
    patrol = services.start_patrol(grid, actor=actor, plan=plan, at=record.at)
    return {"patrol": patrol.pk}


def _patrol(send: Send, ref: str) -> Patrol:
    """The patrol a record names: "id:<n>" (started online) or its start record's key."""
    if ref not in send.patrols:
        send.patrols[ref] = _find_patrol(send, ref)
    return send.patrols[ref]


def _find_patrol(send: Send, ref: str) -> Patrol:
    if ref.startswith("id:") and ref[3:].isdigit():
        return queries.get_patrol(send.actor, int(ref[3:]), action="act")
    start = send.kept.get(ref)
    if start is None:
        start = SyncedRecord.objects.filter(user=send.actor, key=ref).first()
    if start is None or start.kind != "patrol_start":
        raise refusal(_("The patrol this record belongs to was never sent"))
    if start.state != SyncState.SENT:
        raise refusal(_("The patrol this record belongs to was refused"))
    return queries.get_patrol(send.actor, int(start.ref["patrol"]), action="act")


def _check_in(record: CheckInRecord, files: list[tuple[str, bytes]], send: Send) -> dict[str, Any]:
    patrol = _patrol(send, record.patrol)
    point = services.check_in(
        patrol,
        record.lon,
        record.lat,
        actor=send.actor,
        note=record.note,
        files=files,
        at=record.at,
    )
    return {"patrol": patrol.pk, "checkin": point.pk, "inside": point.inside}


def _end(record: PatrolEnd, files: list[tuple[str, bytes]], send: Send) -> dict[str, Any]:
    patrol = services.end_patrol(_patrol(send, record.patrol), actor=send.actor, at=record.at)
    return {"patrol": patrol.pk}


def _visit(record: VisitRecord, files: list[tuple[str, bytes]], send: Send) -> dict[str, Any]:
    actor = send.actor
    subject = queries.visit_subject(actor, record.subject_kind, record.subject_key)
    if not record.force:
        _no_visit_since(subject, record.seen_last, actor)
    ask = service_desk.ServiceAsk(**record.service.model_dump()) if record.service else None
    new = services.NewVisit(record.met, record.found, service=ask)
    visit = services.record_visit(subject, new, actor=actor, at=record.at)
    if visit.service_request is None:
        return {"visit": visit.pk}
    return {"visit": visit.pk, "service_request": visit.service_request.code}


def _no_visit_since(subject: Any, seen: dt.datetime | None, actor: User) -> None:
    """Conflict when someone else recorded a visit after the phone's due list was taken."""
    since = queries.visits_of(actor, subject).exclude(visitor=actor)
    if seen is not None:
        since = since.filter(visited_at__gt=seen)
    other: Visit | None = since.select_related("visitor").order_by("-visited_at").first()
    if other is not None:
        local = timezone.localtime(other.visited_at)
        raise Conflict(
            Text(
                _("%(who)s visited on %(when)s after your list was taken: send anyway or drop it"),
                who=str(other.visitor),
                when=local.strftime("%Y-%m-%d %H:%M"),
            )
        )


def _case(record: CaseRecord, files: list[tuple[str, bytes]], send: Send) -> dict[str, Any]:
    actor = send.actor
    subtype = SubType.objects.select_related("category").filter(code=record.subtype).first()
    if subtype is None or not subtype.active:
        raise refusal(_("No such case type: %(code)s"), code=record.subtype)
    patrol = _patrol(send, record.patrol) if record.patrol else None
    if record.lon is None or record.lat is None:
        return _found_on_patrol(record, subtype, patrol, files, actor)
    new = NewCase(
        subtype=subtype,
        title=record.title,
        description=record.description,
        source=report_source(actor),
        lon=record.lon,
        lat=record.lat,
        files=files,
    )
    case = report_case(new, actor=actor)
    if patrol is not None:
        patrol.cases.add(case)
    return {"case": case.number, "tracking_code": case.tracking_code}


def _found_on_patrol(
    record: CaseRecord,
    subtype: SubType,
    patrol: Patrol | None,
    files: list[tuple[str, bytes]],
    actor: User,
) -> dict[str, Any]:
    """As the patrol page does: the case at the last check-in's place, with its photos."""
    if patrol is None:
        raise refusal(_("The report has no place: give its position"))
    if files:
        raise refusal(_("A report from a check-in takes the check-in's photos"))
    finding = services.Finding(subtype, record.title, record.description)
    case = services.report_found(patrol, finding, actor=actor)
    return {"case": case.number, "tracking_code": case.tracking_code}


HANDLERS: dict[str, Callable[[Any, list[tuple[str, bytes]], Send], dict[str, Any]]] = {
    "patrol_start": _start,
    "checkin": _check_in,
    "patrol_end": _end,
    "visit": _visit,
    "case": _case,
}
