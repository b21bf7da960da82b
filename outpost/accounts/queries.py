"""Scoped reads about people holding roles."""

from django.db.models import QuerySet

from outpost.accounts.models import RoleAssignment


def holders(scope_codes: list[str], roles: list[str]) -> QuerySet[RoleAssignment]:
    """Who holds one of `roles` over one of the areas (e.g. the grid workers of a grid)."""
    return (
        RoleAssignment.objects.filter(scope_code__in=scope_codes, role__in=roles)
        .select_related("user")
        .order_by("role", "user__username")
    )


def staff_names(scope_codes: list[str], roles: list[str]) -> list[str]:
    return [str(a.user) for a in holders(scope_codes, roles) if a.user.is_active]
