"""警网双考 over the API (mounted on the assessment router): the schemes, a period's results
(its ranking), computing and approving a period, filing an appeal and deciding it. The same
scoped reads (`results`) and verbs (`services`) as the pages."""

from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema

from outpost.accounts.signed_in import SignedInRequest
from outpost.assessment import periods, results, services
from outpost.assessment.models import Appeal, Period, Result

router = Router(tags=["assessment"])


class ItemOut(Schema):
    unit_kind: str
    indicator: str
    weight: float
    target: float
    joint: bool


class PeriodRef(Schema):
    id: int
    key: str
    state: str


class SchemeOut(Schema):
    id: int
    name: str
    area: str
    items: list[ItemOut]
    periods: list[PeriodRef]


class ScoreOut(Schema):
    id: int
    indicator: str
    weight: float
    target: float
    numerator: float
    denominator: float
    value: float | None
    computed_value: float | None
    corrected: bool
    points: float | None


class ResultOut(Schema):
    id: int
    unit_kind: str
    unit: str
    name: str
    total: float | None
    rank: int | None
    previous_rank: int | None
    change: int | None  # places gained since the previous period; None when new
    scores: list[ScoreOut]


class SchemePeriodOut(PeriodRef):
    scheme: int
    results: list[ResultOut]


class ComputeIn(Schema):
    period: str = Field(..., max_length=8, description="2026-11, 2026-Q4 or 2026")


class AppealIn(Schema):
    evidence: str = Field(..., min_length=1, max_length=services.EVIDENCE_MAX)


class AppealDecisionIn(Schema):
    decision: Literal["upheld", "rejected"]
    corrected_value: float | None = Field(None, description="a share 0..1, or hours")
    reason: str = Field(..., min_length=1, max_length=services.REASON_MAX)


class AppealOut(Schema):
    id: int
    score: int
    state: str
    evidence: str
    corrected_value: float | None
    reason: str


def _period_out(period: Period, found: list[Result]) -> SchemePeriodOut:
    return SchemePeriodOut(
        id=period.pk,
        key=period.key,
        state=period.state,
        scheme=period.scheme_id,
        results=[
            ResultOut(
                id=r.pk,
                unit_kind=r.unit_kind,
                unit=r.unit_code,
                name=r.unit_name,
                total=r.total,
                rank=r.rank,
                previous_rank=r.previous_rank,
                change=r.change,
                scores=[ScoreOut.from_orm(s) for s in r.scores.all()],
            )
            for r in found
        ],
    )


def _appeal_out(appeal: Appeal) -> AppealOut:
    return AppealOut(
        id=appeal.pk, score=appeal.score_id, state=appeal.state, evidence=appeal.evidence,
        corrected_value=appeal.corrected_value, reason=appeal.reason,
    )  # fmt: skip


@router.get("/schemes", response=list[SchemeOut])
def list_schemes(request: SignedInRequest) -> list[SchemeOut]:
    found = results.schemes_for(request.user).prefetch_related("items", "periods")
    return [
        SchemeOut(
            id=s.pk,
            name=s.name,
            area=s.area_name,
            items=[ItemOut.from_orm(i) for i in s.items.all()],
            periods=[PeriodRef(id=p.pk, key=p.key, state=p.state) for p in s.periods.all()],
        )
        for s in found
    ]


@router.get("/periods/{pk}", response=SchemePeriodOut)
def get_period(request: SignedInRequest, pk: int) -> SchemePeriodOut:
    """The period's results the caller sees, by kind and rank."""
    period = results.period_for(request.user, pk)
    return _period_out(period, list(results.results_for(request.user, period)))


@router.post("/schemes/{pk}/compute", response=SchemePeriodOut)
def compute_period(request: SignedInRequest, pk: int, body: ComputeIn) -> SchemePeriodOut:
    scheme = results.scheme_for(request.user, pk)
    results.require_approver(request.user, scheme)
    try:
        period = services.do_compute(scheme, body.period, actor=request.user)
    except periods.BadPeriod as error:
        raise ValidationError(_("A month 2026-11, a quarter 2026-Q4 or a year 2026.")) from error
    return _period_out(period, list(results.results_for(request.user, period)))


@router.post("/periods/{pk}/approve", response=PeriodRef)
def approve_period(request: SignedInRequest, pk: int) -> PeriodRef:
    period = results.period_for(request.user, pk)
    results.require_approver(request.user, period.scheme)
    period = services.do_approve(period, actor=request.user)
    return PeriodRef(id=period.pk, key=period.key, state=period.state)


@router.post("/scores/{pk}/appeals", response={201: AppealOut})
def file_appeal(request: SignedInRequest, pk: int, body: AppealIn) -> tuple[int, AppealOut]:
    score = results.score_to_appeal(request.user, pk)
    return 201, _appeal_out(services.do_file_appeal(score, body.evidence, actor=request.user))


@router.post("/appeals/{pk}/decision", response=AppealOut)
def decide_appeal(request: SignedInRequest, pk: int, body: AppealDecisionIn) -> AppealOut:
    appeal = results.appeal_for(request.user, pk)
    results.require_approver(request.user, appeal.score.result.period.scheme)
    decided = services.do_decide_appeal(
        appeal, upheld=body.decision == "upheld", reason=body.reason,
        corrected=body.corrected_value, actor=request.user,
    )  # fmt: skip
    return _appeal_out(decided)
