"""Registry API: address matching, scoped people search, imports as background jobs."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from outpost.accounts.scope import get_for_user, scope_for
from outpost.accounts.signed_in import SignedInRequest
from outpost.registry import lookups, queries
from outpost.registry.addressing import address_matcher
from outpost.registry.basemap import router as basemap_router
from outpost.registry.jobs import IMPORT_ACTION, MAX_UPLOAD, start_import
from outpost.registry.models import ImportJob, Person
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


class JobOut(Schema):
    id: int
    kind: str
    filename: str
    status: str
    rows_done: int
    rows_total: int
    percent: int
    counts: dict[str, int]
    error: str


@router.get("/addresses/match", response=MatchOut, summary="Free text → standard address")
def match_address(
    request: SignedInRequest, q: str = Query(..., min_length=1, max_length=200)
) -> dict[str, Any]:
    if scope_for(request.user, queries.SEEN).empty:
        raise PermissionDenied
    found = address_matcher().match(q)
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
