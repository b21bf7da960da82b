"""The indicators, declared once: each a filter over a record source (`sources`), never code of
its own. A rate counts the rows of its denominator (`den`) and, among them, those of its
numerator (`num`); a statistic (median or 90th percentile) summarises a duration between two
moments of each row of its denominator. `docs/indicators.md` states every definition in words;
`queries.compute` evaluates any of them the same way.

Kept as Python rather than JSON in the database: a definition is a Django filter (`Q`, `Exists`,
`F`), which a JSON form would have to re-invent as a small language with its own parser and
checks, while here mypy, the tests and a reviewer read the filter itself. The assessment schemes
(警网双考) name indicators by their stable `code`, so schemes, weights and targets can live in the
database while the formulas stay reviewed code.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from outpost.assessment.periods import Period
from outpost.assessment.sources import (
    CALLS,
    CARE_SUBJECTS,
    CASES,
    COMPLETIONS,
    FLOATING,
    INSPECTIONS,
    INSTRUCTION_RECIPIENTS,
    RECORD_EDITS,
    RENTED_HOUSES,
    SIGN_ONS,
    Source,
    registered_by_end,
    visited_in,
)
from outpost.calls.models import Decision
from outpost.cases.workflow import State
from outpost.fieldwork.models import Hazard, VisitKind
from outpost.registry.models import VerificationState

Filter = Q | Callable[[Period], Q]
RATE, MEDIAN, P90 = "rate", "median", "p90"
PERCENTILES = {MEDIAN: 0.5, P90: 0.9}


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Promise
    source: Source
    den: Filter | None = None  # the rows counted (within the period and the viewer's area)
    num: Filter | None = None  # a rate: the rows of `den` that count in its favour
    stat: str = RATE  # RATE, MEDIAN or P90
    span: tuple[str, str] = ("", "")  # a statistic: the duration from one field to another
    higher_is_better: bool = True

    @property
    def is_rate(self) -> bool:
        return self.stat == RATE

    def den_q(self, period: Period) -> Q:
        return _resolved(self.den, period) & self._has_span()

    def num_q(self, period: Period) -> Q:
        return _resolved(self.num, period) if self.num is not None else Q()

    def _has_span(self) -> Q:
        if self.is_rate:
            return Q()
        start, end = self.span
        return Q(**{f"{start}__isnull": False, f"{end}__isnull": False})


def _resolved(rule: Filter | None, period: Period) -> Q:
    if rule is None:
        return Q()
    return rule(period) if callable(rule) else rule


DONE = (State.COMPLETED, State.RATED, State.CLOSED)
RATED = ("satisfied", "basically_satisfied", "unsatisfied")
SATISFIED = ("satisfied", "basically_satisfied")
DISPUTES = "01"  # 矛盾纠纷
# The mediation outcome a dispute's 办结 records in its result (`workflow.MEDIATION_OUTCOMES`).
MEDIATED = "调解成功"
SIGN_ON = ("assigned_at", "signed_on_at")
HANDLING = ("case__handle_started", "at")
DONE_CASE = Q(case__state__in=DONE)

INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in (
        Indicator(
            "collection_accuracy",
            _("Collection accuracy"),
            RECORD_EDITS,
            den=Q(state__in=(VerificationState.VERIFIED, VerificationState.RETURNED)),
            num=Q(state=VerificationState.VERIFIED),
        ),
        Indicator(
            "floating_registration",
            _("Floating residents registered"),
            FLOATING,
            num=registered_by_end,
        ),
        Indicator(
            "rental_filing",
            _("Rented houses filed"),
            RENTED_HOUSES,
            num=~Q(rental_filing_no=""),
        ),
        Indicator(
            "dispute_resolution",
            _("Disputes resolved"),
            CASES,
            den=Q(subtype__category__code=DISPUTES, state__in=DONE),
            num=Q(result__contains=MEDIATED),
        ),
        Indicator(
            "case_closure",
            _("Cases completed"),
            CASES,
            den=~Q(state=State.REJECTED),
            num=Q(state__in=DONE),
        ),
        Indicator(
            "case_on_time",
            _("Cases completed on time"),
            COMPLETIONS,
            den=DONE_CASE & Q(case__handle_due__isnull=False),
            num=Q(at__lte=F("case__handle_due")),
        ),
        Indicator(
            "satisfaction",
            _("Residents satisfied"),
            CASES,
            den=Q(rating__in=RATED),
            num=Q(rating__in=SATISFIED),
        ),
        Indicator(
            "rework",
            _("Cases reworked"),
            CASES,
            den=Q(state__in=DONE) | Q(rework_count__gt=0),
            num=Q(rework_count__gt=0),
            higher_is_better=False,
        ),
        Indicator(
            "sign_on_median",
            _("Sign-on time (median)"),
            SIGN_ONS,
            stat=MEDIAN,
            span=SIGN_ON,
            higher_is_better=False,
        ),
        Indicator(
            "sign_on_p90",
            _("Sign-on time (90th percentile)"),
            SIGN_ONS,
            stat=P90,
            span=SIGN_ON,
            higher_is_better=False,
        ),
        Indicator(
            "handling_median",
            _("Handling time (median)"),
            COMPLETIONS,
            den=DONE_CASE,
            stat=MEDIAN,
            span=HANDLING,
            higher_is_better=False,
        ),
        Indicator(
            "handling_p90",
            _("Handling time (90th percentile)"),
            COMPLETIONS,
            den=DONE_CASE,
            stat=P90,
            span=HANDLING,
            higher_is_better=False,
        ),
        Indicator(
            "diversion_110",
            _("110 calls diverted"),
            CALLS,
            num=Q(decision=Decision.DIVERT),
        ),
        Indicator(
            "care_visit_coverage",
            _("Care subjects visited"),
            CARE_SUBJECTS,
            num=visited_in(VisitKind.CARE, "person"),
        ),
        Indicator(
            "rental_visit_coverage",
            _("Rented houses visited"),
            RENTED_HOUSES,
            num=visited_in(VisitKind.RENTAL, "house"),
        ),
        Indicator(
            "inspection_pass",
            _("Inspections passed"),
            INSPECTIONS,
            num=~Q(pk__in=Hazard.objects.values("inspection_id")),
        ),
        Indicator(
            "instruction_on_time",
            _("Instructions done on time"),
            INSTRUCTION_RECIPIENTS,
            den=Q(instruction__deadline__lt=Now()) | Q(done_at__isnull=False),
            num=Q(done_at__lte=F("instruction__deadline")),
        ),
    )
}
