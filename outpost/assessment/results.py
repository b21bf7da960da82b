"""Scoped reads of 警网双考, all through the one scope function. A viewer sees a scheme and its
periods when its area overlaps theirs (`view_cases`), and the results of the units lying wholly
in their area: a grid worker their grid, a beat's officer their beat, a street commander the
street's grids and the station's beats. Appeals are filed by the assessed unit (`handle` over
it: its grid worker, its beat's officers); the leaders holding `assess` over the scheme's whole
area compute, approve and decide appeals. Outside the area: 404; seen but not theirs: 403."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet

from outpost.accounts.models import User
from outpost.accounts.scope import get_for_user, restrict, scope_for
from outpost.assessment.models import Appeal, Period, Result, Scheme, Score

READ, APPEAL, APPROVE, EXPORT = "view_cases", "handle", "assess", "export"


def may_see(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and not scope_for(user, READ).empty


def require_reader(user: User) -> None:
    if not may_see(user):
        raise PermissionDenied


def may_approve(user: User, scheme: Scheme) -> bool:
    """Holds `assess` over the scheme's whole area (civil and police)."""
    scope = scope_for(user, APPROVE)
    if scope.everything:
        return True
    return scheme.civil_prefix.startswith(scope.civil or ("\0",)) and (
        scheme.police_prefix.startswith(scope.police or ("\0",))
    )


def require_approver(user: User, scheme: Scheme) -> None:
    if not may_approve(user, scheme):
        raise PermissionDenied


def schemes_for(user: User) -> QuerySet[Scheme]:
    require_reader(user)
    return restrict(Scheme.objects.filter(active=True), user, READ)


def scheme_for(user: User, pk: int) -> Scheme:
    require_reader(user)
    return get_for_user(Scheme.objects.all(), user, READ, pk=pk)


def period_for(user: User, pk: int) -> Period:
    require_reader(user)
    found = Period.objects.select_related("scheme", "computed_by", "approved_by")
    return get_for_user(found, user, READ, pk=pk)


def periods_of(scheme: Scheme) -> QuerySet[Period]:
    return scheme.periods.order_by("-start")


def results_for(user: User, period: Period) -> QuerySet[Result]:
    """The period's results the viewer sees, by kind and rank (unranked last)."""
    found = restrict(Result.objects.filter(period=period), user, READ)
    ranked = found.order_by("unit_kind", F("rank").asc(nulls_last=True), "unit_code")
    return ranked.prefetch_related("scores")


def result_for(user: User, pk: int) -> Result:
    require_reader(user)
    found = Result.objects.select_related("period__scheme").prefetch_related("scores")
    return get_for_user(found, user, READ, pk=pk)


def score_to_appeal(user: User, pk: int) -> Score:
    """A figure the viewer may appeal (its unit's assessed person): 404 unseen, 403 read-only."""
    require_reader(user)
    found = Score.objects.select_related("result__period__scheme")
    return get_for_user(found, user, APPEAL, seen=READ, pk=pk)


def appeal_for(user: User, pk: int) -> Appeal:
    require_reader(user)
    found = Appeal.objects.select_related("score__result__period__scheme", "filed_by", "decided_by")
    return get_for_user(found, user, READ, pk=pk)


def appeals_of(user: User, period: Period) -> QuerySet[Appeal]:
    found = Appeal.objects.filter(score__result__period=period)
    found = found.select_related("score__result", "filed_by")
    return restrict(found, user, READ).order_by("state", "-filed_at")


def may_export(user: User) -> bool:
    return not scope_for(user, EXPORT).empty
