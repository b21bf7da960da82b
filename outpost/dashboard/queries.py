"""The dashboards' figures: each chart one grouped query over the cases the viewer sees.

Every count starts from `cases.services.visible_cases` — the one scope function plus the cases
the viewer reported, exactly the rows of the case queue's "all" tab — and narrows it with the
queue's own filters (`cases.filters`), so a figure and the list its link opens count the same
rows. A police-only (涉警) case is counted like any other: who sees it at all sees its state, its
sub-type and where it stands (`presenter.status_fields`); no chart shows a title or a point.
Indicator figures (satisfaction, the map of grids, the worst grids) are the assessment's own
(`assessment.queries.compute`), never a formula of their own, and link to its rows pages.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from outpost.accounts.models import User
from outpost.accounts.roles import roles_granting
from outpost.accounts.scope import scope_for
from outpost.accounts.units import kind_of
from outpost.assessment import queries as assessment
from outpost.assessment.catalogue import INDICATORS, Indicator
from outpost.cases import services
from outpost.cases.filters import OPEN, overdue_q, red_card_q
from outpost.cases.models import Case, CaseAssignment, Source
from outpost.cases.workflow import State
from outpost.dashboard.windows import Window

CLOSED = (State.CLOSED, State.REJECTED)  # what the queue's "open" leaves out
MAP_KINDS = ("grid", "beat")  # the map draws grids, or beats for a station's people
WIDEST = ("street", "station", "community", "beat", "grid")  # one figure for the whole area
WORST = 10  # grids in the ranking
UNITS = 15  # units in the workload chart


def may_view(user: Any) -> bool:
    """Who commands a street or a station's command room (the `heat` action), or the district."""
    return bool(getattr(user, "is_authenticated", False)) and not scope_for(user, "heat").empty


def areas_of(user: User) -> list[str]:
    """The names of the areas the viewer commands (a street, a station, the district)."""
    held = user.assignments.filter(role__in=roles_granting("heat"))
    return sorted(set(held.values_list("scope_name", flat=True)))


def check(user: User) -> None:
    """404 for someone who sees no cases at all, 403 for who sees some but commands nothing."""
    if scope_for(user, "view_cases").empty and scope_for(user, "report").empty:
        raise Http404
    if not may_view(user):
        raise PermissionDenied


def cohort(user: User, window: Window) -> QuerySet[Case]:
    """The cases the viewer sees reported in the window (the queue's "all" tab, since–until)."""
    cases: QuerySet[Case] = services.visible_cases(user)
    return cases.filter(reported_at__gte=window.starts_at, reported_at__lt=window.ends_at)


def queue_url(window: Window, **filters: str) -> str:
    """The case queue's list of the rows behind a figure."""
    query = {"tab": "all", **window.queue, **{k: v for k, v in filters.items() if v}}
    return f"{reverse('cases:queue')}?{urlencode(query)}"


@dataclass(frozen=True)
class Tile:
    key: str
    value: int | float | None
    shown: str
    url: str
    extra: str = ""  # e.g. the count a rate is made of


def summary(user: User, window: Window) -> list[Tile]:
    """New, open, overdue and red-carded cases of the window (one query), and satisfaction."""
    found = cohort(user, window).aggregate(
        new=Count("pk"),
        open=Count("pk", filter=~Q(state__in=CLOSED)),
        overdue=Count("pk", filter=overdue_q(timezone.now())),
        red=Count("pk", filter=red_card_q()),
    )
    filters = {"new": {}, "open": {"state": OPEN}, "overdue": {"overdue": "on"}}
    filters["red"] = {"card": "red"}
    tiles = [Tile(k, found[k], str(found[k]), queue_url(window, **f)) for k, f in filters.items()]
    return [*tiles, satisfaction(user, window)]


def satisfaction(user: User, window: Window) -> Tile:
    """群众满意率 over the viewer's whole area: the assessment's figures for the widest unit
    they are assessed on, added up (numerators and denominators), linking to its rows."""
    indicator = INDICATORS["satisfaction"]
    scopes = assessment.scopes_of(user)
    kinds = assessment.kinds_for(indicator, scopes)
    kind = next((k for k in WIDEST if k in kinds), "")
    figures = assessment.compute(indicator, kind, window.period, scopes) if kind else []
    num = sum(f.numerator for f in figures)
    den = sum(f.denominator for f in figures)
    value = num / den if den else None
    shown = "—" if value is None else f"{100 * value:.1f}%"
    url = indicator_url(indicator, kind, window, figures[0].code if len(figures) == 1 else "")
    return Tile("satisfaction", value, shown, url, f"{num}/{den}")


def indicator_url(indicator: Indicator, kind: str, window: Window, unit: str = "") -> str:
    """An indicator's page for the window (one unit's rows, or its figures per unit)."""
    period = window.period.key
    if unit:
        path = reverse("assessment:rows", args=(indicator.code, kind, unit))
        return f"{path}?{urlencode({'period': period})}"
    path = reverse("assessment:indicator", args=(indicator.code,))
    return f"{path}?{urlencode({'unit': kind, 'period': period} if kind else {'period': period})}"


def trend(user: User, window: Window) -> dict[str, list[Any]]:
    """New and still-open cases per day of report, over at least the last 30 days."""
    span = window.trend()
    rows = (
        cohort(user, span)
        .order_by()
        .annotate(day=TruncDate("reported_at"))
        .values("day")
        .annotate(new=Count("pk"), open=Count("pk", filter=~Q(state__in=CLOSED)))
    )
    by_day = {r["day"]: r for r in rows}
    days = span.days()
    return {
        "days": [f"{d:%Y-%m-%d}" for d in days],
        "new": [by_day[d]["new"] if d in by_day else 0 for d in days],
        "open": [by_day[d]["open"] if d in by_day else 0 for d in days],
        "urls": [queue_url(Window(span.key, d, d)) for d in days],
    }


@dataclass(frozen=True)
class Bar:
    code: str
    name: str
    count: int
    url: str


def by_category(user: User, window: Window) -> list[Bar]:
    rows = (
        cohort(user, window)
        .order_by()
        .values_list("subtype__category__code", "subtype__category__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "subtype__category__code")
    )
    return [Bar(c, f"{c} {name}", n, queue_url(window, type=c)) for c, name, n in rows]


def by_source(user: User, window: Window) -> list[Bar]:
    rows = cohort(user, window).order_by().values("source").annotate(n=Count("pk"))
    counts = {r["source"]: r["n"] for r in rows}
    labels = dict(Source.choices)
    return [
        Bar(code, str(labels.get(code, code)), counts.get(code, 0), queue_url(window, source=code))
        for code in (*labels, *(c for c in counts if c not in labels))
    ]


def workload(user: User, window: Window) -> list[Bar]:
    """Open cases per handling unit (active assignments), the busiest first."""
    open_cases = cohort(user, window).exclude(state__in=CLOSED).values("pk")
    rows = (
        CaseAssignment.objects.filter(active=True, case__in=open_cases)
        .values("unit_kind", "unit_code")
        .annotate(n=Count("case_id", distinct=True), name=Max("unit_name"))
    )
    merged: dict[tuple[str, str], list[Any]] = {}
    for r in rows:
        key = (kind_of(r["unit_kind"]), r["unit_code"])
        seen = merged.setdefault(key, [0, r["name"]])
        seen[0] += r["n"]
    ranked = sorted(merged.items(), key=lambda item: (-item[1][0], item[0]))[:UNITS]
    return [
        Bar(f"{k}:{c}", name, n, queue_url(window, state=OPEN, unit=f"{k}:{c}"))
        for (k, c), (n, name) in ranked
    ]


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    value: float | None
    shown: str
    numerator: int
    denominator: int
    url: str


def mapped_indicators(user: User) -> list[tuple[Indicator, str]]:
    """The indicators the viewer can see per grid (or per beat), with that kind."""
    scopes = assessment.scopes_of(user)
    found = []
    for indicator in assessment.indicators_for(scopes):
        kinds = assessment.kinds_for(indicator, scopes)
        kind = next((k for k in MAP_KINDS if k in kinds), "")
        if kind:
            found.append((indicator, kind))
    return found


def by_area(user: User, window: Window, code: str) -> tuple[Indicator, str, list[Area]]:
    """One indicator's figure per grid (or beat), worst first (404: not one the viewer has)."""
    offered = dict((i.code, (i, k)) for i, k in mapped_indicators(user))
    if code not in offered:
        raise Http404
    indicator, kind = offered[code]
    scopes = assessment.scopes_of(user)
    figures = assessment.compute(indicator, kind, window.period, scopes)
    return indicator, kind, list(_areas(figures, indicator, kind, window))


def _areas(
    figures: Iterable[assessment.Figure], indicator: Indicator, kind: str, window: Window
) -> Iterable[Area]:
    for f in figures:
        url = indicator_url(indicator, kind, window, f.code)
        yield Area(f.code, f.name, f.value, f.shown, f.numerator, f.denominator, url)
