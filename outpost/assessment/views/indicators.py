"""The leaders' indicator pages: the indicators of one's area for a period, one indicator's
figures per unit (worst first), and the rows behind one unit's figure."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import DurationField, ExpressionWrapper, F
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from outpost.accounts.signed_in import SignedInRequest
from outpost.assessment import periods, presenters, queries, units
from outpost.assessment.catalogue import INDICATORS, Indicator
from outpost.assessment.periods import BadPeriod, Period

ROWS_PER_PAGE = 50


def _period(request: SignedInRequest) -> tuple[Period, bool]:
    """The period asked for (the current month when none or a bad one was given)."""
    text = request.GET.get("period", "")
    if not text:
        return periods.this_month(), False
    try:
        return periods.parse(text), False
    except BadPeriod:
        return periods.this_month(), True


def _allowed(request: SignedInRequest) -> queries.Scopes:
    if not queries.may_assess(request.user):
        raise PermissionDenied
    return queries.scopes_of(request.user)


def _indicator(code: str, scopes: queries.Scopes) -> tuple[Indicator, list[str]]:
    indicator = INDICATORS.get(code)
    kinds = queries.kinds_for(indicator, scopes) if indicator else []
    if indicator is None or not kinds:
        raise Http404
    return indicator, kinds


def _common(period: Period, bad: bool) -> dict[str, Any]:
    return {"period": period, "bad_period": bad, "periods": periods.choices()}


@login_required
@require_GET
def index(request: SignedInRequest) -> HttpResponse:
    scopes = _allowed(request)
    period, bad = _period(request)
    found = [(i, queries.kinds_for(i, scopes)[0]) for i in queries.indicators_for(scopes)]
    return render(request, "assessment/index.html", {"indicators": found, **_common(period, bad)})


@login_required
@require_GET
def indicator(request: SignedInRequest, code: str) -> HttpResponse:
    scopes = _allowed(request)
    found, kinds = _indicator(code, scopes)
    kind = request.GET.get("unit") or kinds[0]
    if kind not in kinds:
        raise Http404
    period, bad = _period(request)
    context = {
        "indicator": found,
        "kind": kind,
        "kinds": [(k, units.KINDS[k]) for k in kinds],
        "figures": queries.compute(found, kind, period, scopes),
        **_common(period, bad),
    }
    return render(request, "assessment/indicator.html", context)


@login_required
@require_GET
def unit_rows(request: SignedInRequest, code: str, kind: str, unit: str) -> HttpResponse:
    scopes = _allowed(request)
    found, _kinds = _indicator(code, scopes)
    period, bad = _period(request)
    part = request.GET.get("part") or ("missing" if found.is_rate else "den")
    if part not in queries.PARTS:
        raise Http404
    figure = queries.unit_figure(found, kind, unit, period, scopes)
    rows = _ordered(queries.drill(found, kind, unit, period, scopes, part), found)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    headers = _headers(found)
    shown = _present(found, list(page.object_list), request)
    context = {
        "indicator": found,
        "figure": figure,
        "part": part,
        "page": page,
        "headers": headers,
        "rows": [list(zip(headers, row, strict=True)) for row in shown],
        "extra": urlencode({"period": period.key, "part": part}) + "&",
        **_common(period, bad),
    }
    return render(request, "assessment/rows.html", context)


def _ordered(rows: Any, indicator: Indicator) -> Any:
    """A statistic's rows longest first; a rate's oldest record first."""
    if indicator.is_rate:
        return rows.select_related(*indicator.source.related).order_by("pk")
    start, end = indicator.span
    took = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    rows = rows.select_related(*indicator.source.related).annotate(_took=took)
    return rows.order_by(F("_took").desc(), "pk")


def _headers(indicator: Indicator) -> list[str]:
    shown = presenters.headers(indicator.source.code)
    return shown if indicator.is_rate else [*shown, gettext("Hours")]


def _present(indicator: Indicator, objects: list[Any], request: SignedInRequest) -> list[Any]:
    table = presenters.table(indicator.source.code, objects, request.user)
    if indicator.is_rate:
        return table
    hours = [o._took.total_seconds() / 3600 if o._took else None for o in objects]
    cells = [presenters.Cell(f"{h:.1f}" if h is not None else "—") for h in hours]
    return [[*row, cell] for row, cell in zip(table, cells, strict=True)]
