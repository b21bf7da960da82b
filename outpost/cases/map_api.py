"""The map's case layer and the leaders' heat map.

Both read through `services.visible_cases` (the one scope function, plus the cases the user
reported). A police-only (涉警) case's point is a police detail (`presenter.sees_details`), so
the layer keeps such a case only when the viewer reported it or holds a police role over its
beat; that is a little stricter than the case page (a case dispatched to the viewer's unit from
another beat is left off the map) and needs no query per case. The heat map counts cases per
cell for those who command a street or station (the `heat` action) over what they see.
"""

import datetime as dt
from collections import Counter
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router

from outpost.accounts.models import User
from outpost.accounts.scope import restrict, scope_for
from outpost.accounts.signed_in import SignedInRequest
from outpost.cases import services
from outpost.cases.models import Case, Category, Sensitivity
from outpost.cases.presenter import POLICE_ROLES
from outpost.core.scoping import prefix_q

router = Router(tags=["cases"])

Period = Literal["1d", "7d", "30d", "90d"]
PERIOD_DAYS = {"1d": 1, "7d": 7, "30d": 30, "90d": 90}
MAX_POINTS = 5000  # the newest; a wider period is for the heat map
HEAT_CELL = 0.002  # degrees (~200 m in Nanjing): cases are counted per cell


def _mapped(user: User, category: str | None, period: Period) -> QuerySet[Case]:
    since = timezone.now() - dt.timedelta(days=PERIOD_DAYS[period])
    cases = services.visible_cases(user).filter(
        reported_at__gte=since, lon__isnull=False, lat__isnull=False
    )
    if category:
        cases = cases.filter(subtype__category__code=category)
    return cases.filter(_point_seen(user))


def _placed(degrees: float | None) -> float:
    """A coordinate of a case `_mapped` kept (it keeps only cases with a point)."""
    assert degrees is not None
    return degrees


def _point_seen(user: User) -> Q:
    if scope_for(user, "view_cases").everything:
        return Q()
    police = tuple(
        p
        for p in user.assignments.filter(role__in=POLICE_ROLES).values_list(
            "police_prefix", flat=True
        )
        if p
    )
    seen = ~Q(sensitivity=Sensitivity.POLICE_ONLY) | Q(reporter=user)
    return seen | prefix_q("beat_code", police) if police else seen


def _check_signed_in_scope(user: User) -> None:
    """404 for someone who sees no cases at all (nothing to show, nothing to probe)."""
    if scope_for(user, "view_cases").empty and scope_for(user, "report").empty:
        raise Http404


@router.get("/map/cases", summary="Cases on the map: points by state and urgency")
def case_points(
    request: SignedInRequest,
    category: str | None = Query(None, pattern=r"^\d{2}$"),
    period: Period = "7d",
) -> dict[str, Any]:
    _check_signed_in_scope(request.user)
    rows = (
        _mapped(request.user, category, period)
        .order_by("-reported_at", "-id")
        .values_list("number", "lon", "lat", "state", "urgency", "subtype__category__code")
    )
    page = list(rows[: MAX_POINTS + 1])
    points = [
        {
            "number": n,
            "lat": round(_placed(lat), 6),
            "lon": round(_placed(lon), 6),
            "state": s,
            "urgency": u,
            "category": c,
        }
        for n, lon, lat, s, u, c in page[:MAX_POINTS]
    ]
    return {"cases": points, "truncated": len(page) > MAX_POINTS, "categories": _categories()}


def _categories() -> list[dict[str, str]]:
    return [
        {"code": c, "name": n}
        for c, n in Category.objects.order_by("code").values_list("code", "name")
    ]


@router.get("/map/heat", summary="Case density for street and station commanders")
def case_heat(
    request: SignedInRequest,
    category: str | None = Query(None, pattern=r"^\d{2}$"),
    period: Period = "30d",
) -> dict[str, Any]:
    _check_signed_in_scope(request.user)
    if scope_for(request.user, "heat").empty:
        raise PermissionDenied
    cases = restrict(_mapped(request.user, category, period), request.user, "heat")
    counts = Counter(
        (round(_placed(lat) / HEAT_CELL), round(_placed(lon) / HEAT_CELL))
        for lon, lat in cases.values_list("lon", "lat")
    )
    cells = [[round(y * HEAT_CELL, 6), round(x * HEAT_CELL, 6), n] for (y, x), n in counts.items()]
    return {"cells": sorted(cells), "cell": HEAT_CELL, "max": max(counts.values(), default=0)}
