"""The verbs of 警网双考, each in a transaction, each writing its change record: create a scheme,
compute a period (a snapshot of every unit's figures and score), approve it (the lock), file an
appeal on one figure and decide it. A locked (approved) period is refused by every verb: nothing
changes it, whatever happens to the records afterwards."""

import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.assessment import periods, schemes, scoring, snapshot
from outpost.assessment.catalogue import INDICATORS
from outpost.assessment.models import (
    Appeal,
    AppealFile,
    AppealState,
    Period,
    PeriodState,
    Result,
    Scheme,
    SchemeItem,
    Score,
)
from outpost.core.audit import record_change
from outpost.core.files import CleanFile, keep_file
from outpost.geo.models import Division, PoliceUnit

EVIDENCE_MAX = 4000
NAME_MAX, AREA_MAX = 200, 64
REASON_MAX = 2000


class PeriodLocked(ValidationError):
    def __init__(self) -> None:
        super().__init__(_("This period is approved and locked: nothing changes it."))


@dataclass(frozen=True)
class SchemeText:
    name: str
    area_name: str  # the title of its exports: 鼓楼区, 宁海路街道
    civil_prefix: str
    police_prefix: str


@transaction.atomic
def do_create_scheme(
    text: SchemeText, items: dict[str, tuple[schemes.Item, ...]], *, actor: User | None
) -> Scheme:
    """A scheme over an area: per unit kind, its indicators with weights and targets."""
    name, area = text.name.strip(), text.area_name.strip()
    if not name or len(name) > NAME_MAX or not area or len(area) > AREA_MAX:
        raise ValidationError(_("Name the scheme and its area."))
    scheme = Scheme.objects.create(
        name=name, area_name=area, civil_prefix=text.civil_prefix, police_prefix=text.police_prefix
    )
    for kind, kind_items in items.items():
        for n, item in enumerate(kind_items):
            schemes.check(kind, item)
            SchemeItem.objects.create(
                scheme=scheme, unit_kind=kind, indicator=item.indicator, weight=item.weight,
                target=item.target, joint=item.joint, position=n,
            )  # fmt: skip
    record_change(
        actor=actor,
        action="assessment_scheme_create",
        object_type="assessment_scheme",
        object_key=str(scheme.pk),
        after={"name": name, "civil": text.civil_prefix, "police": text.police_prefix},
    )
    return scheme


def do_create_default_scheme(division_code: str, *, actor: User | None) -> Scheme:
    """The default scheme over a street and its police station (or a district and its bureau)."""
    division = Division.objects.get(code=division_code, level__in=("street", "district"))
    station = PoliceUnit.objects.filter(street=division).first()
    police = station.prefix if station else division.prefix
    text = SchemeText(schemes.DEFAULT_NAME, division.name, division.prefix, police)
    return do_create_scheme(text, schemes.DEFAULT, actor=actor)


# --- computing ---------------------------------------------------------------------------------


@transaction.atomic
def do_compute(scheme: Scheme, key: str, *, actor: User | None) -> Period:
    """Compute (or compute again) the scheme's period. Refused once the period is approved.
    Figures corrected on appeal keep their corrected value (the computed one is updated)."""
    span = periods.assessed(key)
    period = Period.objects.select_for_update().filter(scheme=scheme, key=span.key).first()
    if period is not None and period.locked:
        raise PeriodLocked()
    now = timezone.now()
    if period is None:
        period = Period(scheme=scheme, key=span.key, start=span.start, end=span.end)
    period.state, period.computed_at, period.computed_by = PeriodState.COMPUTED, now, actor
    period.save()
    items = list(scheme.items.all())
    for kind in sorted({i.unit_kind for i in items}):
        _compute_kind(period, span, [i for i in items if i.unit_kind == kind])
        rescore(period, kind)
    record_change(
        actor=actor,
        action="assessment_compute",
        object_type="assessment_period",
        object_key=str(period.pk),
        after={"scheme": scheme.pk, "period": period.key},
    )
    return period


def compute_all(
    key: str, *, scheme_id: int | None = None, actor: User | None = None
) -> list[tuple[Scheme, Period | None, str]]:
    """The job: compute the period of every active scheme (or of one). Each in its own
    transaction; a locked one is refused and reported, not changed (BadPeriod for no period)."""
    periods.assessed(key)
    found = Scheme.objects.filter(pk=scheme_id) if scheme_id else Scheme.objects.filter(active=True)
    done: list[tuple[Scheme, Period | None, str]] = []
    for scheme in found:
        try:
            done.append((scheme, do_compute(scheme, key, actor=actor), ""))
        except ValidationError as refused:
            done.append((scheme, None, " ".join(refused.messages)))
    return done


def _compute_kind(period: Period, span: periods.Period, items: list[SchemeItem]) -> None:
    kind = items[0].unit_kind
    found = {item.indicator: snapshot.figures(item, span, period.scheme) for item in items}
    for code, name in snapshot.area_units(period.scheme, kind):
        result, _created = Result.objects.update_or_create(
            period=period,
            unit_kind=kind,
            unit_code=code,
            defaults={"unit_name": name, "head": snapshot.head(kind, code)},
        )
        for item in items:
            _store(result, item, found[item.indicator].get(code))


def _store(result: Result, item: SchemeItem, got: snapshot.Value | None) -> None:
    indicator = INDICATORS[item.indicator]
    score = Score.objects.filter(result=result, indicator=item.indicator).first()
    score = score or Score(result=result, indicator=item.indicator)
    score.position, score.weight, score.target = item.position, item.weight, item.target
    score.higher_is_better, score.rate, score.joint = (
        indicator.higher_is_better,
        indicator.is_rate,
        item.joint,
    )
    score.numerator = got.numerator if got else 0
    score.denominator = got.denominator if got else 0
    score.computed_value = got.value if got else None
    if not score.corrected:
        score.value = score.computed_value
    score.save()


def rescore(period: Period, kind: str) -> None:
    """Points, totals and ranks of one kind of unit from the stored values, and each unit's
    rank in the previous period of the same scheme (for the change)."""
    results = list(period.results.filter(unit_kind=kind).prefetch_related("scores"))
    for result in results:
        for s in result.scores.all():
            s.points = scoring.points(s.weight, s.value, s.target, s.higher_is_better)
            s.save(update_fields=["points"])
        result.total = scoring.total((s.weight, s.points) for s in result.scores.all())
    before = Result.objects.filter(
        period__scheme=period.scheme_id, period__key=periods.previous(period.key), unit_kind=kind
    )
    previous = dict(before.values_list("unit_code", "rank"))
    for result, rank in zip(results, scoring.ranks([r.total for r in results]), strict=True):
        result.rank, result.previous_rank = rank, previous.get(result.unit_code)
        result.save(update_fields=["total", "rank", "previous_rank"])


# --- approving ---------------------------------------------------------------------------------


@transaction.atomic
def do_approve(period: Period, *, actor: User) -> Period:
    """Approve the period: locked from now on. Refused while an appeal awaits its decision."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.locked:
        raise PeriodLocked()
    if Appeal.objects.filter(score__result__period=period, state=AppealState.PENDING).exists():
        raise ValidationError(_("Decide the appeals awaiting a decision first."))
    period.state, period.approved_at, period.approved_by = (
        PeriodState.APPROVED,
        timezone.now(),
        actor,
    )
    period.save(update_fields=["state", "approved_at", "approved_by"])
    record_change(
        actor=actor,
        action="assessment_approve",
        object_type="assessment_period",
        object_key=str(period.pk),
        before={"state": PeriodState.COMPUTED},
        after={"state": PeriodState.APPROVED},
    )
    return period


# --- appeals -----------------------------------------------------------------------------------


def _locked_for_update(score: Score) -> Score:
    score = Score.objects.select_for_update().select_related("result__period").get(pk=score.pk)
    if score.result.period.locked:
        raise PeriodLocked()
    return score


@transaction.atomic
def do_file_appeal(
    score: Score, evidence: str, *, actor: User, upload: CleanFile | None = None
) -> Appeal:
    """File an appeal on one figure with evidence (and a checked photo or PDF)."""
    score = _locked_for_update(score)
    evidence = evidence.strip()
    if not evidence or len(evidence) > EVIDENCE_MAX:
        raise ValidationError(_("State the evidence (at most 4000 characters)."))
    if score.appeals.filter(state=AppealState.PENDING).exists():
        raise ValidationError(_("An appeal on this figure already awaits a decision."))
    appeal = Appeal.objects.create(
        score=score, filed_by=actor, filed_at=timezone.now(), evidence=evidence
    )
    if upload is not None:
        keep_file(AppealFile(appeal=appeal), "assessment", upload)
    record_change(
        actor=actor,
        action="assessment_appeal_file",
        object_type="assessment_appeal",
        object_key=str(appeal.pk),
        after={
            "score": score.pk,
            "indicator": score.indicator,
            "value": score.value,
            "file": upload.name if upload else "",
        },
    )
    return appeal


@transaction.atomic
def do_decide_appeal(
    appeal: Appeal, *, upheld: bool, reason: str, corrected: float | None, actor: User
) -> Appeal:
    """Uphold (the figure takes the corrected value, the unit's kind is scored and ranked
    again) or reject, with a reason. The only way a computed figure changes."""
    score = _locked_for_update(appeal.score)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.state != AppealState.PENDING:
        raise ValidationError(_("This appeal is already decided."))
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise ValidationError(_("State the reason for the decision (at most 2000 characters)."))
    if upheld and not _plausible(corrected, score.rate):
        raise ValidationError(_("An upheld appeal needs the corrected value."))
    before: dict[str, Any] = {"value": score.value, "corrected": score.corrected}
    appeal.state = AppealState.UPHELD if upheld else AppealState.REJECTED
    appeal.reason, appeal.decided_by, appeal.decided_at = reason, actor, timezone.now()
    appeal.corrected_value = corrected if upheld else None
    appeal.save()
    if upheld:
        score.value, score.corrected = corrected, True
        score.save(update_fields=["value", "corrected"])
        rescore(score.result.period, score.result.unit_kind)
    record_change(
        actor=actor,
        action="assessment_appeal_decide",
        object_type="assessment_score",
        object_key=str(score.pk),
        before=before,
        after={"appeal": appeal.pk, "state": appeal.state, "value": score.value},
    )
    return appeal


MOST_HOURS = 24 * 366  # a duration figure above a year of hours is a typing error


def _plausible(corrected: float | None, rate: bool) -> bool:
    """A corrected value a figure can hold: a finite share 0..1, or hours 0..a year (JSON's
    Infinity and NaN reach the API as floats and would break every score and ranking)."""
    if corrected is None or not math.isfinite(corrected) or corrected < 0:
        return False
    return corrected <= (1 if rate else MOST_HOURS)
