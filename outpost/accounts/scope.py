"""THE scope function. Every list, detail, count, export and API answer reads through here.

`restrict(queryset, user, action)` narrows any scoped model's queryset to what the user may do
`action` on. `get_for_user` adds the answers a caller sees: 404 when the object is outside the
user's view (missing and forbidden look the same, so scope cannot be probed) and 403 when they can
see it but not do `action`.
"""

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from outpost.accounts.roles import roles_granting
from outpost.core.scoping import Scope

M = TypeVar("M", bound=Model)


def scope_for(user: Any, action: str = "view") -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True)
    cache: dict[str, Scope] = user.__dict__.setdefault("_outpost_scopes", {})
    if action not in cache:
        rows = user.assignments.filter(role__in=roles_granting(action)).values_list(
            "civil_prefix", "police_prefix", "scope_kind", "scope_code"
        )
        civil = tuple(sorted({r[0] for r in rows if r[0]}))
        police = tuple(sorted({r[1] for r in rows if r[1]}))
        departments = tuple(sorted({r[3] for r in rows if r[2] == "department"}))
        cache[action] = Scope(civil=civil, police=police, departments=departments)
    return cache[action]


def restrict(queryset: QuerySet[M], user: Any, action: str = "view") -> QuerySet[M]:
    scope_q = getattr(queryset.model, "scope_q", None)
    if scope_q is None:
        raise TypeError(f"{queryset.model.__name__} declares no scope rule (scope_q)")
    scope = scope_for(user, action)
    if scope.everything:
        return queryset
    if scope.empty:
        return queryset.none()
    return queryset.filter(scope_q(scope))


def can(user: Any, action: str, obj: Model) -> bool:
    return restrict(type(obj)._default_manager.all(), user, action).filter(pk=obj.pk).exists()


def get_for_user(
    queryset: QuerySet[M], user: Any, action: str = "view", *, seen: str = "view", **lookup: Any
) -> M:
    """The object if `user` may do `action` on it: 404 unless they can at least `seen` it."""
    obj = restrict(queryset, user, seen).filter(**lookup).first()
    if obj is None:
        raise Http404
    if action != seen and not can(user, action, obj):
        raise PermissionDenied
    return obj
