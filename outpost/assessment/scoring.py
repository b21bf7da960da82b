"""The score formula of 警网双考, in one place (docs/assessment.md states it in words).

- **Achievement** of one figure against its target, 0..1: higher-is-better
  `min(value / target, 1)`; lower-is-better (hours, rework) `min(target / value, 1)`, and 1
  when the value is 0. A figure without rows (no value) has no achievement.
- **Points** of one figure: `weight × achievement`.
- **Total** of a unit, 0..100: `100 × Σ points / Σ weight` over the figures that have a value
  (a figure without rows is left out rather than scored 0: a grid with no disputes is not
  punished for them); no total when no figure has a value.
- **Rank** among the units of one kind, highest total first; equal totals share a rank
  (1, 2, 2, 4); units without a total come last, unranked.
"""

from collections.abc import Iterable, Sequence


def achievement(value: float | None, target: float, higher_is_better: bool) -> float | None:
    if value is None:
        return None
    if higher_is_better:
        return 1.0 if target <= 0 else min(value / target, 1.0)
    if value <= 0:
        return 1.0
    return min(target / value, 1.0)


def points(weight: float, value: float | None, target: float, higher: bool) -> float | None:
    got = achievement(value, target, higher)
    return None if got is None else weight * got


def total(scored: Iterable[tuple[float, float | None]]) -> float | None:
    """`scored`: (weight, points or None) of each figure of one unit."""
    counted = [(w, p) for w, p in scored if p is not None]
    weights = sum(w for w, _ in counted)
    if not counted or weights <= 0:
        return None
    return round(100 * sum(p for _, p in counted) / weights, 2)


def ranks(totals: Sequence[float | None]) -> list[int | None]:
    """Competition ranks of the totals, highest first (None: unranked)."""
    ranked = sorted((t for t in totals if t is not None), reverse=True)
    first: dict[float, int] = {}
    for place, t in enumerate(ranked, start=1):
        first.setdefault(t, place)
    return [None if t is None else first[t] for t in totals]
