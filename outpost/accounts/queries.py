"""Scoped reads about people holding roles."""

from collections.abc import Mapping

from django.db.models import QuerySet

from outpost.accounts.models import BreakGlassGrant, RoleAssignment, User
from outpost.accounts.scope import restrict
from outpost.core.models import AccessLogEntry
from outpost.core.scoping import Scope, prefix_q


def holders(scope_codes: list[str], roles: list[str]) -> QuerySet[RoleAssignment]:
    """Who holds one of `roles` over one of the areas (e.g. the grid workers of a grid)."""
    return (
        RoleAssignment.objects.filter(scope_code__in=scope_codes, role__in=roles)
        .select_related("user")
        .order_by("role", "user__username")
    )


def staff_names(scope_codes: list[str], roles: list[str]) -> list[str]:
    return [str(a.user) for a in holders(scope_codes, roles) if a.user.is_active]


def usernames_in(scope: Scope) -> QuerySet[User, Mapping[str, object]]:
    """The usernames of everyone assigned in the scope (the access log's rule for staff)."""
    return User.objects.filter(
        prefix_q("assignments__civil_prefix", scope.civil)
        | prefix_q("assignments__police_prefix", scope.police)
    ).values("username")


def access_log_for(user: User) -> QuerySet[AccessLogEntry]:
    """The access-log rows an auditor may read."""
    return restrict(AccessLogEntry.objects.all(), user, "audit").order_by("-id")


def break_glass_for(user: User) -> QuerySet[BreakGlassGrant]:
    """Emergency openings an auditor reviews: of records in their area or by its officers."""
    return restrict(BreakGlassGrant.objects.all(), user, "audit").select_related(
        "user", "reviewed_by"
    )
