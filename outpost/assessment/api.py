"""Indicator values over the API: the indicators a caller is assessed on, and one indicator's
figures per unit for a period (the same computation and the same scope as the pages)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema

from outpost.accounts.signed_in import SignedInRequest
from outpost.assessment import periods, queries
from outpost.assessment.catalogue import INDICATORS
from outpost.assessment.scheme_api import router as scheme_router

router = Router(tags=["assessment"])


class IndicatorOut(Schema):
    code: str
    name: str
    source: str
    statistic: str  # "rate", "median" or "p90" (hours)
    higher_is_better: bool
    units: list[str]  # the unit kinds the caller is assessed on


class PeriodOut(Schema):
    key: str
    start: dt.date
    end: dt.date  # the last day, included


class FigureOut(Schema):
    unit: str
    name: str
    numerator: int
    denominator: int
    value: float | None  # a share 0..1, or hours


class ValuesOut(Schema):
    indicator: str
    unit_kind: str
    period: PeriodOut
    figures: list[FigureOut]


class ValuesQuery(Schema):
    unit: str = ""
    period: str = ""


def _scopes(request: SignedInRequest) -> queries.Scopes:
    if not queries.may_assess(request.user):
        raise PermissionDenied
    return queries.scopes_of(request.user)


@router.get("/indicators", response=list[IndicatorOut])
def list_indicators(request: SignedInRequest) -> list[IndicatorOut]:
    scopes = _scopes(request)
    return [
        IndicatorOut(
            code=i.code,
            name=str(i.name),
            source=i.source.code,
            statistic=i.stat,
            higher_is_better=i.higher_is_better,
            units=queries.kinds_for(i, scopes),
        )
        for i in queries.indicators_for(scopes)
    ]


@router.get("/indicators/{code}/values", response=ValuesOut)
def indicator_values(request: SignedInRequest, code: str, params: Query[ValuesQuery]) -> ValuesOut:
    """Figures per unit, worst first. `period`: 2026-11, 2026-Q4, 2026 or
    2026-10-08_2026-11-07 (the current month when empty)."""
    scopes = _scopes(request)
    indicator = INDICATORS.get(code)
    kinds = queries.kinds_for(indicator, scopes) if indicator else []
    if indicator is None or not kinds or (params.unit and params.unit not in kinds):
        raise Http404
    try:
        period = periods.parse(params.period) if params.period else periods.this_month()
    except periods.BadPeriod as error:
        raise ValidationError(_("That is not a period")) from error
    kind = params.unit or kinds[0]
    figures = queries.compute(indicator, kind, period, scopes)
    return ValuesOut(
        indicator=indicator.code,
        unit_kind=kind,
        period=PeriodOut(key=period.key, start=period.start, end=period.last_day),
        figures=[
            FigureOut(
                unit=f.code,
                name=f.name,
                numerator=f.numerator,
                denominator=f.denominator,
                value=f.value,
            )
            for f in figures
        ],
    )


router.add_router("", scheme_router)
