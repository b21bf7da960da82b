"""Registry API: address matching, scoped people search, imports as background jobs."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from outpost.accounts.models import User
from outpost.accounts.scope import get_for_user, scope_for
from outpost.accounts.signed_in import SignedInRequest
from outpost.core.i18n import in_language
from outpost.registry import edits, entries, lookups, queries, services
from outpost.registry.addressing import address_matcher
from outpost.registry.basemap import router as basemap_router
from outpost.registry.jobs import IMPORT_ACTION, MAX_UPLOAD, start_import
from outpost.registry.models import HouseUse, ImportJob, Person, PopulationType, StandardAddress
from outpost.registry.services import view_person

router = Router(tags=["registry"])
router.add_router("", basemap_router)


class CandidateOut(Schema):
    addr_id: str
    score: float
    full_text: str


class MatchOut(Schema):
    q: str
    addr_id: str | None
    score: float
    candidates: list[CandidateOut]


class PersonOut(Schema):
    person_no: str
    name: str
    gender: str
    birth_year: int  # never the date: beside the masked number it would give the number away
    id_number: str  # masked
    phone: str  # masked
    pop_type: str
    address_code: str | None
    address: str | None
    grid_code: str
    beat_code: str
    state: str
    status: str  # current, moved_out or deceased (注销)


class JobOut(Schema):
    id: int
    kind: str
    filename: str
    status: str
    rows_done: int
    rows_total: int
    percent: int
    counts: dict[str, int]
    error: str  # in Chinese, like the API's other `detail`s
    error_en: str
    error_code: str  # a stored event code: import_crashed, or table:<TABLE_ERRORS key>

    @staticmethod
    def resolve_error(job: ImportJob) -> str:
        return in_language("zh-hans", lambda: job.error_text)

    @staticmethod
    def resolve_error_en(job: ImportJob) -> str:
        return in_language("en", lambda: job.error_text)


@router.get("/addresses/match", response=MatchOut, summary="Free text → standard address")
def match_address(
    request: SignedInRequest, q: str = Query(..., min_length=1, max_length=200)
) -> dict[str, Any]:
    scope = scope_for(request.user, queries.SEEN)
    if scope.empty:
        raise PermissionDenied
    # Routed to the caller's districts only; the filter below narrows to their own grids.
    found = address_matcher(scope).match(q)
    # Only addresses in the caller's area are named; the rest of the district is not probed.
    visible = set(
        queries.addresses_for(request.user)
        .filter(code__in=[found.addr_id, *[c.addr_id for c in found.candidates]])
        .values_list("code", flat=True)
    )
    return {
        "q": q,
        "addr_id": found.addr_id if found.addr_id in visible else None,
        "score": found.score if found.addr_id in visible else 0.0,
        "candidates": [c for c in found.candidates if c.addr_id in visible],
    }


@router.get("/registry/people", response=list[PersonOut], summary="Search people in your area")
def search_people(
    request: SignedInRequest, q: str = "", limit: int = Query(50, ge=1, le=200)
) -> list[dict[str, Any]]:
    if scope_for(request.user, queries.SEEN).empty:
        raise PermissionDenied
    found = lookups.search(request.user, q)  # TooManyLookups: 429 (outpost.api)
    people = [_person_out(p) for p in found.people.order_by("person_no")[:limit]]
    lookups.log_read(request.user, "api", len(people), found)
    return people


@router.get("/registry/people/{number}", response=PersonOut, summary="One person (masked)")
def person_detail(request: SignedInRequest, number: str) -> dict[str, Any]:
    person = get_for_user(
        Person.objects.select_related("address"),
        request.user,
        queries.SEEN,
        seen=queries.SEEN,
        person_no=number,
    )
    view_person(person, actor=request.user)
    return _person_out(person)


def _person_out(p: Person) -> dict[str, Any]:
    return {
        "person_no": p.person_no,
        "name": p.name,
        "gender": p.gender,
        "birth_year": p.birth_date.year,
        "id_number": p.id_number_masked,
        "phone": p.phone_masked,
        "pop_type": p.pop_type,
        "address_code": p.address.code if p.address else None,
        "address": p.address.full_text if p.address else None,
        "grid_code": p.grid_code,
        "beat_code": p.beat_code,
        "state": p.state,
        "status": p.status,
    }


@router.post("/registry/imports", response={202: JobOut}, summary="Start an import job")
def create_import(
    request: SignedInRequest,
    kind: str = Form(...),
    dry_run: bool = Form(False),
    file: UploadedFile = File(...),
) -> Status[ImportJob]:
    if kind not in IMPORT_ACTION:
        raise PermissionDenied
    if (file.size or 0) > MAX_UPLOAD:
        raise ValidationError(_("The file is over 20 MB"))
    job = start_import(
        user=request.user,
        kind=kind,
        filename=file.name or "upload",
        data=file.read(),
        dry_run=dry_run,
    )
    return Status(202, job)


@router.get("/registry/imports/{job_id}", response=JobOut, summary="An import job's progress")
def import_status(request: HttpRequest, job_id: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.defer("data"), pk=job_id, created_by=request.user)


# --- Registry work in the field: add, 注销, verify, returned -------------------------------


class AddressOut(Schema):
    code: str
    full_text: str
    level: str


class NewPersonIn(Schema):
    name: str
    id_number: str
    address_code: str  # chosen from GET /registry/addresses?q=…, never typed
    pop_type: str
    phone: str = ""
    hukou_region: str = ""
    moved_in: dt.date | None = None


class NewHouseIn(Schema):
    address_code: str
    use: str
    area_m2: float | None = None
    occupants: int = 0
    rental_filing_no: str = ""


class NewOrganisationIn(Schema):
    name: str
    uscc: str
    unit_type: str
    address_code: str
    legal_rep: str
    contact_phone: str = ""
    employees: int = 0


class EntryOut(Schema):
    status: str  # "created" (verified at once), "submitted" (awaits the officer) or "exists"
    detail: str
    number: str | None  # the record's number, except for a submission


class DeregisterIn(Schema):
    status: str  # moved_out | deceased
    on: dt.date
    reason: str


class DecisionIn(Schema):
    reason: str = ""


class ReturnedOut(Schema):
    kind: str
    record_key: str
    label: str
    reason: str
    returned_at: dt.datetime | None


def _collecting(request: SignedInRequest) -> None:
    if not entries.may_collect(request.user):
        raise PermissionDenied


def _room(request: SignedInRequest, code: str) -> StandardAddress:
    found = queries.addresses_for(request.user).filter(code=code).first()
    if found is None:
        raise ValidationError({"address": _("No such address in your area.")})
    return found


def _entry(record: Any, actor: User, place: StandardAddress) -> Status[dict[str, Any]]:
    """One answer whether the record was written or held (`entries.answer`)."""
    told = entries.answer(record, actor, place)
    if told.record is None:
        return Status(202, {"status": "submitted", "detail": str(told.message), "number": None})
    number = getattr(told.record, edits.KEYS[edits.kind_of(told.record)])
    return Status(201, {"status": "created", "detail": str(told.message), "number": number})


def _exists(found: entries.AlreadyOnRecord) -> Status[dict[str, Any]]:
    number = getattr(found.record, edits.KEYS[edits.kind_of(found.record)])
    return Status(
        409, {"status": "exists", "detail": str(_("Already on record.")), "number": number}
    )


@router.get("/registry/addresses", response=list[AddressOut], summary="Find addresses by text")
def find_addresses(
    request: SignedInRequest, q: str = Query(..., min_length=1, max_length=100), level: str = ""
) -> list[StandardAddress]:
    if scope_for(request.user, queries.SEEN).empty:
        raise PermissionDenied
    return list(queries.rooms_matching(request.user, q, level or None))


@router.post(
    "/registry/people",
    response={201: EntryOut, 202: EntryOut, 409: EntryOut},
    summary="Add a person (前端采)",
)
def add_person(request: SignedInRequest, body: NewPersonIn) -> Status[dict[str, Any]]:
    _collecting(request)
    new = entries.NewPerson(
        name=body.name,
        id_number=body.id_number,
        address=_room(request, body.address_code),
        pop_type=body.pop_type,
        phone=body.phone,
        hukou_region=body.hukou_region,
        moved_in=body.moved_in,
    )
    if body.pop_type not in PopulationType.values:
        raise ValidationError({"pop_type": _("Choose a population type.")})
    try:
        return _entry(entries.add_person(new, actor=request.user), request.user, new.address)
    except entries.AlreadyOnRecord as found:
        return _exists(found)


@router.post(
    "/registry/houses",
    response={201: EntryOut, 202: EntryOut, 409: EntryOut},
    summary="Add a house (前端采)",
)
def add_house(request: SignedInRequest, body: NewHouseIn) -> Status[dict[str, Any]]:
    _collecting(request)
    if body.use not in HouseUse.values:
        raise ValidationError({"use": _("Choose the house's use.")})
    room = _room(request, body.address_code)
    try:
        house = entries.add_house(
            room,
            actor=request.user,
            use=body.use,
            area_m2=body.area_m2,
            occupants=body.occupants,
            rental_filing_no=body.rental_filing_no,
        )
    except entries.AlreadyOnRecord as found:
        return _exists(found)
    return _entry(house, request.user, room)


@router.post(
    "/registry/organisations",
    response={201: EntryOut, 202: EntryOut, 409: EntryOut},
    summary="Add an organisation (前端采)",
)
def add_organisation(request: SignedInRequest, body: NewOrganisationIn) -> Status[dict[str, Any]]:
    _collecting(request)
    new = entries.NewOrganisation(
        name=body.name,
        uscc=body.uscc,
        unit_type=body.unit_type,
        address=_room(request, body.address_code),
        legal_rep=body.legal_rep,
        contact_phone=body.contact_phone,
        employees=body.employees,
    )
    try:
        return _entry(entries.add_organisation(new, actor=request.user), request.user, new.address)
    except entries.AlreadyOnRecord as found:
        return _exists(found)


@router.post("/registry/people/{number}/deregister", response=PersonOut, summary="注销 a person")
def deregister_person(request: SignedInRequest, number: str, body: DeregisterIn) -> dict[str, Any]:
    person = get_for_user(
        Person.objects.select_related("address"),
        request.user,
        "collect",
        seen=queries.SEEN,
        person_no=number,
    )
    entries.deregister_person(
        person, actor=request.user, status=body.status, on=body.on, reason=body.reason
    )
    return _person_out(person)


@router.post(
    "/registry/{kind}/{key}/{decision}",
    response={200: dict[str, str], 409: dict[str, str]},
    summary="Verify or return a pending record (民警核)",
)
def decide(
    request: SignedInRequest, kind: str, key: str, decision: str, body: DecisionIn
) -> Status[dict[str, str]]:
    model_kind = {"people": "person", "houses": "house", "organisations": "organisation"}
    if kind not in model_kind or decision not in ("verify", "return"):
        raise Http404
    kind = model_kind[kind]
    record = get_for_user(
        edits.KINDS[kind]._default_manager.all(),
        request.user,
        "verify",
        seen=queries.SEEN,
        **{edits.KEYS[kind]: key},
    )
    try:
        if decision == "verify":
            services.verify_record(record, actor=request.user)
        else:
            services.return_record(record, actor=request.user, reason=body.reason)
    except services.StaleRecord:
        return Status(409, {"detail": str(_("Someone else has already decided on this record."))})
    return Status(200, {"state": record.state})


@router.get("/registry/returned", response=list[ReturnedOut], summary="Edits returned to me")
def returned(request: SignedInRequest) -> list[dict[str, Any]]:
    _collecting(request)
    return [
        {
            "kind": e.kind,
            "record_key": e.record_key,
            "label": e.label,
            "reason": e.return_reason,
            "returned_at": e.decided_at,
        }
        for e in edits.returned_to(request.user)[:200]
    ]
