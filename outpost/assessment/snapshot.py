"""What a period's computation reads: the units of a scheme's area and each unit's figure for
each of its scheme's indicators, through the same `queries.compute` as the indicator pages,
with the scheme's area as the scope (every row of a unit in it counts). A joint item of a beat
is pooled from the figures of the grids it covers (`pooled`)."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from outpost.assessment import queries, units
from outpost.assessment.catalogue import INDICATORS
from outpost.assessment.models import Scheme, SchemeItem
from outpost.assessment.periods import Period
from outpost.core.scoping import Scope
from outpost.geo.models import Division, Grid, GridBeatOverlap, PoliceBeat, PoliceUnit


@dataclass(frozen=True)
class Value:
    numerator: float
    denominator: float
    value: float | None


Figures = dict[str, Value]  # unit code → its figure


def area_units(scheme: Scheme, kind: str) -> list[tuple[str, str]]:
    """(code, name) of every unit of the kind lying in the scheme's area."""
    civil, police = scheme.civil_prefix, scheme.police_prefix
    rows: QuerySet[Any]
    if kind == "grid":
        rows = Grid.objects.filter(code__startswith=civil)
    elif kind in ("community", "street"):
        rows = Division.objects.filter(level=kind, code__startswith=civil)
    elif kind == "beat":
        rows = PoliceBeat.objects.filter(code__startswith=police)
    else:
        rows = PoliceUnit.objects.filter(level="station", code__startswith=police)
    return list(rows.order_by("code").values_list("code", "name"))


def head(kind: str, code: str) -> str:
    return code[: units.PREFIX[kind]]


def figures(item: SchemeItem, period: Period, scheme: Scheme) -> Figures:
    """The item's figure per unit of its kind (units without rows absent)."""
    if item.joint and item.unit_kind == "beat":
        return pooled(item.indicator, period, scheme)
    scope = Scope(civil=(scheme.civil_prefix,), police=(scheme.police_prefix,))
    return _computed(item.indicator, item.unit_kind, period, scope)


def _computed(code: str, kind: str, period: Period, scope: Scope) -> Figures:
    found = queries.compute(INDICATORS[code], kind, period, lambda action: scope)
    return {f.code: Value(f.numerator, f.denominator, f.value) for f in found}


def pooled(code: str, period: Period, scheme: Scheme) -> Figures:
    """A beat's joint figure: the figures of the grids it covers, each weighted by the share of
    the grid lying in the beat times the grid's rows, `Σ w·v / Σ w` with `w = share × den` (for
    a rate exactly `Σ share·num / Σ share·den`: the beat's part of its grids' records)."""
    overlaps = GridBeatOverlap.objects.filter(beat__code__startswith=scheme.police_prefix)
    shares = list(overlaps.values_list("beat__code", "grid__code", "grid_share"))
    grids = tuple(sorted({g for _, g, _ in shares}))
    if not grids:
        return {}
    by_grid = _computed(code, "grid", period, Scope(civil=grids))
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for beat, grid, share in shares:
        got = by_grid.get(grid)
        if got is None or got.value is None or not got.denominator:
            continue
        weight = share * got.denominator
        total = sums[beat]
        total[0] += share * got.numerator
        total[1] += weight
        total[2] += weight * got.value
    return {
        beat: Value(round(num, 2), round(den, 2), wv / den if den else None)
        for beat, (num, den, wv) in sums.items()
    }
