"""Indicator figures per unit for a period, computed in the database, and the rows behind each.

`compute` groups a source's rows by unit (GROUP BY through the ORM) and counts the denominator and
the numerator in one query; a statistic's percentile is computed by PostgreSQL
(`percentile_cont`) or, on SQLite, which has none, in Python over the durations alone. Every read
is narrowed twice by the viewer's area: to the rows they see (`accounts.scope.scope_for`, the
source's own action) and to the units lying wholly in their area, so a figure is never made of
rows they could not open, and a unit is either whole or absent.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, DurationField, ExpressionWrapper, F, QuerySet
from django.http import Http404

from outpost.accounts.models import User
from outpost.accounts.scope import scope_for
from outpost.assessment import stats, units
from outpost.assessment.catalogue import INDICATORS, PERCENTILES, Indicator
from outpost.assessment.periods import Period
from outpost.assessment.sources import SOURCES
from outpost.core.scoping import Scope

Scopes = Callable[[str], Scope]  # action → the viewer's scope for it
PARTS = ("missing", "num", "den")  # the rows page: not counted in favour, counted, all


def everything(action: str) -> Scope:
    """The scopes of a job computing for the whole installation (no viewer)."""
    return Scope(everything=True)


def scopes_of(user: User) -> Scopes:
    return lambda action: scope_for(user, action)


def may_assess(user: Any) -> bool:
    """Sees the rows of at least one source (8大员 reporters and auditors see none)."""
    if not getattr(user, "is_authenticated", False):
        return False
    actions = {s.action for s in SOURCES.values()}
    return any(not scope_for(user, action).empty for action in actions)


@dataclass(frozen=True)
class Figure:
    kind: str
    code: str
    name: str
    numerator: int  # a statistic: the rows with a duration (as its denominator)
    denominator: int
    value: float | None  # a share 0..1, or hours; None without rows
    rate: bool = True

    @property
    def shown(self) -> str:
        """83.2% for a rate, 12.5 h for a duration, — without rows."""
        if self.value is None:
            return "—"
        return f"{100 * self.value:.1f}%" if self.rate else f"{self.value:.1f} h"

    @property
    def missing(self) -> int:
        return self.denominator - self.numerator


def indicators_for(scopes: Scopes) -> list[Indicator]:
    """The indicators the viewer is assessed on for some kind of unit."""
    return [i for i in INDICATORS.values() if kinds_for(i, scopes)]


def kinds_for(indicator: Indicator, scopes: Scopes) -> list[str]:
    """The unit kinds the viewer may be assessed on for this indicator: civil kinds under a
    civil area, police kinds under a police one, each no larger than the area (a grid worker's
    grid, not its community); workers for anyone who sees some of the rows."""
    scope = scopes(indicator.source.action)
    if scope.empty:
        return []
    return [kind for kind in indicator.source.units if _assessable(kind, scope)]


def _assessable(kind: str, scope: Scope) -> bool:
    """Whether a unit of this kind can lie wholly in the area."""
    if scope.everything or kind not in units.PREFIX:
        return True
    prefixes = scope.civil if kind in units.CIVIL else scope.police
    return any(units.PREFIX[kind] >= len(p) for p in prefixes)


def rows(indicator: Indicator, kind: str, period: Period, scopes: Scopes) -> QuerySet[Any]:
    """The source rows of the denominator, in the period, seen by the viewer, of units of
    `kind` lying wholly in their area."""
    source = indicator.source
    spec = source.units[kind]
    scope = scopes(source.action)
    if scope.empty:
        return source.rows().none()
    where = source.period_q(period) & source.scope_q(scope) & units.in_area_q(kind, spec, scope)
    return source.rows().filter(where & spec.rows_q).filter(indicator.den_q(period))


def compute(
    indicator: Indicator, kind: str, period: Period, scopes: Scopes, *, unit: str = ""
) -> list[Figure]:
    """One figure per unit with rows (or for the one `unit`), worst first (units without a
    figure last)."""
    spec = indicator.source.units[kind]
    found = rows(indicator, kind, period, scopes)
    if unit:
        found = found.filter(units.unit_q(kind, spec, unit))
    found = found.annotate(_unit=spec.code())
    if indicator.is_rate:
        counts = _rates(found, indicator, period)
    elif connection.vendor == "postgresql":
        counts = _percentiles_in_db(found, indicator)
    else:
        counts = _percentiles_in_python(found, indicator)
    names = units.names(kind, counts)
    rate = indicator.is_rate
    figures = [Figure(kind, u, names.get(u, u), *c, rate=rate) for u, c in counts.items()]
    return sorted(figures, key=lambda f: _worst_first(f, indicator))


Counts = dict[str, tuple[int, int, float | None]]


def _rates(found: QuerySet[Any], indicator: Indicator, period: Period) -> Counts:
    grouped = found.order_by().values("_unit")
    grouped = grouped.annotate(den=Count("pk"), num=Count("pk", filter=indicator.num_q(period)))
    return {
        str(r["_unit"]): (r["num"], r["den"], r["num"] / r["den"] if r["den"] else None)
        for r in grouped
    }


def _duration(indicator: Indicator) -> ExpressionWrapper:
    start, end = indicator.span
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _percentiles_in_db(found: QuerySet[Any], indicator: Indicator) -> Counts:
    p = PERCENTILES[indicator.stat]
    grouped = (
        found.order_by()
        .values("_unit")
        .annotate(n=Count("pk"), value=stats.Percentile(stats.Seconds(_duration(indicator)), p))
    )
    return {str(r["_unit"]): (r["n"], r["n"], _hours(r["value"])) for r in grouped}


def _percentiles_in_python(found: QuerySet[Any], indicator: Indicator) -> Counts:
    """SQLite has no percentile: the durations alone are read, per unit, and summarised."""
    start, end = indicator.span
    spans = found.order_by().annotate(_start=F(start), _end=F(end))
    seconds: dict[str, list[float]] = defaultdict(list)
    for unit, began, ended in spans.values_list("_unit", "_start", "_end"):
        seconds[str(unit)].append((ended - began).total_seconds())
    p = PERCENTILES[indicator.stat]
    return {u: (len(xs), len(xs), _hours(stats.percentile(xs, p))) for u, xs in seconds.items()}


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 3600


def _worst_first(figure: Figure, indicator: Indicator) -> tuple[bool, float, str]:
    if figure.value is None:
        return (True, 0.0, figure.code)
    value = figure.value if indicator.higher_is_better else -figure.value
    return (False, value, figure.code)


# --- one unit ---------------------------------------------------------------------------------


def unit_figure(
    indicator: Indicator, kind: str, code: str, period: Period, scopes: Scopes
) -> Figure:
    """The unit's figure (404 when the unit is not one the viewer is assessed on)."""
    check_unit(indicator, kind, code, scopes)
    found = compute(indicator, kind, period, scopes, unit=code)
    if found:
        return found[0]
    name = units.names(kind, [code]).get(code, code)
    return Figure(kind, code, name, 0, 0, None, rate=indicator.is_rate)


def check_unit(indicator: Indicator, kind: str, code: str, scopes: Scopes) -> None:
    """404 unless `kind` is one the viewer is assessed on and the unit lies in their area (a
    worker: who has rows of this source in the viewer's area)."""
    if kind not in kinds_for(indicator, scopes) or not units.valid(kind, code):
        raise Http404
    source, scope = indicator.source, scopes(indicator.source.action)
    spec = source.units[kind]
    if kind in units.CIVIL or kind in units.POLICE:
        if not units.lies_in(kind, code, scope):
            raise Http404
        return
    where = source.scope_q(scope) & spec.rows_q & units.unit_q(kind, spec, code)
    seen = source.rows().filter(where)
    if not seen.exists():
        raise Http404


def drill(
    indicator: Indicator, kind: str, code: str, period: Period, scopes: Scopes, part: str
) -> QuerySet[Any]:
    """The rows behind a unit's figure: `den` all of them, `num` those counted in favour,
    `missing` the others (den − num, exactly: the figure's complement)."""
    check_unit(indicator, kind, code, scopes)
    spec = indicator.source.units[kind]
    found = rows(indicator, kind, period, scopes).filter(units.unit_q(kind, spec, code))
    if not indicator.is_rate or part == "den":
        return found
    counted = found.filter(indicator.num_q(period))
    if part == "num":
        return counted
    return found.exclude(pk__in=counted.values("pk"))
