"""Percentiles of durations: PostgreSQL's `percentile_cont` as an aggregate, and the same
definition (linear interpolation between closest ranks) in Python for SQLite, so both databases
give the same figure."""

import math
from typing import Any

from django.db.models import Aggregate, FloatField, Func


class Seconds(Func):
    """An interval in seconds (PostgreSQL)."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


class Percentile(Aggregate):
    """percentile_cont(p) WITHIN GROUP (ORDER BY expression) (PostgreSQL)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError(fraction)
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentile(values: list[float], fraction: float) -> float | None:
    """percentile_cont: the value at rank fraction·(n−1) of the sorted values, interpolated."""
    if not values:
        return None
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
