"""The JSON that feeds the dashboards' charts (`/api/v1/dashboard/…`): one grouped query per
chart over what the caller sees, each figure with the link to the rows that make it."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema

from outpost.accounts.signed_in import SignedInRequest
from outpost.dashboard import queries, windows
from outpost.dashboard.windows import Window

router = Router(tags=["dashboard"])


class WindowOut(Schema):
    key: str
    first: dt.date
    last: dt.date  # included


class TileOut(Schema):
    key: str  # new, open, overdue, red, satisfaction
    value: float | None
    shown: str
    url: str
    extra: str


class TrendOut(Schema):
    days: list[str]
    new: list[int]
    open: list[int]
    urls: list[str]


class DashboardSummaryOut(Schema):
    window: WindowOut
    tiles: list[TileOut]
    trend: TrendOut


class BarOut(Schema):
    code: str
    name: str
    count: int
    url: str


class BarsOut(Schema):
    window: WindowOut
    bars: list[BarOut]


class AreaOut(Schema):
    code: str
    name: str
    value: float | None
    shown: str
    numerator: int
    denominator: int
    url: str


class MapIndicatorOut(Schema):
    code: str
    name: str
    higher_is_better: bool
    rate: bool  # a share 0..1; otherwise hours


class AreasOut(Schema):
    window: WindowOut
    indicator: MapIndicatorOut
    kind: str  # grid or beat
    indicators: list[MapIndicatorOut]  # the others the map can show
    areas: list[AreaOut]  # worst first
    worst: list[AreaOut]  # the worst with a figure


class PeriodQuery(Schema):
    period: str = ""  # today, 7d, 30d, 90d or a month 2026-11 (the last 30 days when empty)


class AreasQuery(PeriodQuery):
    indicator: str = "case_closure"


def _window(request: SignedInRequest, text: str) -> Window:
    queries.check(request.user)
    try:
        return windows.parse(text)
    except windows.BadWindow as error:
        raise ValidationError(_("That is not a period")) from error


def _window_out(window: Window) -> WindowOut:
    return WindowOut(key=window.key, first=window.first, last=window.last)


@router.get(
    "/summary", response=DashboardSummaryOut, summary="New, open, overdue, red cards, satisfaction"
)
def dashboard_summary(request: SignedInRequest, params: Query[PeriodQuery]) -> DashboardSummaryOut:
    window = _window(request, params.period)
    tiles = [TileOut(**vars(t)) for t in queries.summary(request.user, window)]
    trend = TrendOut(**queries.trend(request.user, window))
    return DashboardSummaryOut(window=_window_out(window), tiles=tiles, trend=trend)


def _bars(window: Window, bars: list[queries.Bar]) -> BarsOut:
    return BarsOut(window=_window_out(window), bars=[BarOut(**vars(b)) for b in bars])


@router.get("/categories", response=BarsOut, summary="Cases by category")
def dashboard_categories(request: SignedInRequest, params: Query[PeriodQuery]) -> BarsOut:
    window = _window(request, params.period)
    return _bars(window, queries.by_category(request.user, window))


@router.get("/sources", response=BarsOut, summary="Cases by source")
def dashboard_sources(request: SignedInRequest, params: Query[PeriodQuery]) -> BarsOut:
    window = _window(request, params.period)
    return _bars(window, queries.by_source(request.user, window))


@router.get("/workload", response=BarsOut, summary="Open cases per handling unit")
def dashboard_workload(request: SignedInRequest, params: Query[PeriodQuery]) -> BarsOut:
    window = _window(request, params.period)
    return _bars(window, queries.workload(request.user, window))


def _indicator_out(indicator: queries.Indicator) -> MapIndicatorOut:
    return MapIndicatorOut(
        code=indicator.code,
        name=str(indicator.name),
        higher_is_better=indicator.higher_is_better,
        rate=indicator.is_rate,
    )


@router.get("/areas", response=AreasOut, summary="An indicator per grid: the map and the worst")
def dashboard_areas(request: SignedInRequest, params: Query[AreasQuery]) -> AreasOut:
    window = _window(request, params.period)
    indicator, kind, found = queries.by_area(request.user, window, params.indicator)
    out = [AreaOut(**vars(a)) for a in found]
    return AreasOut(
        window=_window_out(window),
        indicator=_indicator_out(indicator),
        kind=kind,
        indicators=[_indicator_out(i) for i, _k in queries.mapped_indicators(request.user)],
        areas=out,
        worst=[a for a in out if a.value is not None][: queries.WORST],
    )
