"""Early warnings over the API (/api/v1/warnings/): the list, one warning with its evidence as
the caller may see it, sign-off and close (409 when someone else acted first), and the points
of the 预警图 map layer. The same scope and presenters as the pages."""

import datetime as dt

from ninja import Query, Router, Schema
from ninja.errors import HttpError

from outpost.accounts.signed_in import SignedInRequest
from outpost.warnings import queries, services
from outpost.warnings.models import EarlyWarning

router = Router(tags=["warnings"])
LIMIT = 200


class EvidenceOut(Schema):
    kind: str
    label: str
    url: str


class WarningOut(Schema):
    id: int
    rule: str
    rule_name: str
    level: str
    summary: str
    unit_kind: str
    unit_code: str
    unit_name: str
    state: str
    version: int
    created_at: dt.datetime
    signed_at: dt.datetime | None
    closed_at: dt.datetime | None
    close_note: str


class WarningDetailOut(WarningOut):
    evidence: list[EvidenceOut]


class ListQuery(Schema):
    rule: str = ""
    state: str = ""
    unit_kind: str = ""
    unit: str = ""
    offset: int = 0


class StepIn(Schema):
    version: int


class CloseIn(StepIn):
    note: str


class PointOut(Schema):
    id: int
    lon: float
    lat: float
    level: str
    rule: str
    state: str
    url: str


def _out(w: EarlyWarning, names: dict[tuple[str, str], str]) -> dict[str, object]:
    return {
        "id": w.pk,
        "rule": w.rule,
        "rule_name": queries.rule_name(w),
        "level": w.level,
        "summary": queries.summary(w),
        "unit_kind": w.unit_kind,
        "unit_code": w.unit_code,
        "unit_name": names.get((w.unit_kind, w.unit_code), w.unit_code),
        "state": w.state,
        "version": w.version,
        "created_at": w.created_at,
        "signed_at": w.signed_at,
        "closed_at": w.closed_at,
        "close_note": w.close_note,
    }


def _detail(request: SignedInRequest, w: EarlyWarning) -> dict[str, object]:
    evidence = [vars(e) for e in queries.evidence_of(w, request.user)]
    return {**_out(w, queries.unit_names([w])), "evidence": evidence}


@router.get("/warnings", response=list[WarningOut], operation_id="warning_list")
def warning_list(request: SignedInRequest, q: Query[ListQuery]) -> list[dict[str, object]]:
    rows = queries.filtered(queries.warnings_for(request.user), q.dict())
    found = list(rows[max(0, q.offset) : max(0, q.offset) + LIMIT])
    names = queries.unit_names(found)
    return [_out(w, names) for w in found]


@router.get("/warnings/map", response=list[PointOut], operation_id="warning_points")
def warning_points(request: SignedInRequest) -> list[dict[str, object]]:
    return queries.map_points(request.user)


@router.get("/warnings/{pk}", response=WarningDetailOut, operation_id="warning_detail")
def warning_detail(request: SignedInRequest, pk: int) -> dict[str, object]:
    return _detail(request, queries.get_warning(request.user, pk))


@router.post("/warnings/{pk}/sign-off", response=WarningDetailOut, operation_id="warning_sign_off")
def sign_off(request: SignedInRequest, pk: int, body: StepIn) -> dict[str, object]:
    warning = queries.get_warning(request.user, pk, acting=True)
    try:
        warning = services.do_sign_off(warning, actor=request.user, version=body.version)
    except services.WarningConflict as error:
        raise HttpError(409, str(services.CONFLICT)) from error
    return _detail(request, warning)


@router.post("/warnings/{pk}/close", response=WarningDetailOut, operation_id="warning_close")
def close(request: SignedInRequest, pk: int, body: CloseIn) -> dict[str, object]:
    warning = queries.get_warning(request.user, pk, acting=True)
    try:
        warning = services.do_close(
            warning, actor=request.user, version=body.version, note=body.note
        )
    except services.WarningConflict as error:
        raise HttpError(409, str(services.CONFLICT)) from error
    return _detail(request, warning)
