"""THE scope function. Every list, detail, count, export and API answer reads through here.

`restrict(queryset, user, action)` narrows any scoped model's queryset to what the user may do
`action` on, including single records an officer opened in an emergency (break-the-glass
grants, while they last). `get_for_user` adds the answers a caller sees: 404 when the object is
outside the user's view (missing and forbidden look the same, so scope cannot be probed) and 403
when they can see it but not do `action`.
"""

from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from outpost.accounts.models import BreakGlassGrant, User
from outpost.accounts.roles import BREAK_GLASS_ACTIONS, roles_granting
from outpost.core.scoping import Scope

M = TypeVar("M", bound=Model)


def scope_for(user: User | AnonymousUser | None, action: str = "view") -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True)
    cache: dict[str, Scope] = user.__dict__.setdefault("_outpost_scopes", {})
    if action not in cache:
        granting = set(roles_granting(action))
        rows = [r for r in _assignments(user) if r[4] in granting]
        civil = tuple(sorted({r[0] for r in rows if r[0]}))
        police = tuple(sorted({r[1] for r in rows if r[1]}))
        departments = tuple(sorted({r[3] for r in rows if r[2] == "department"}))
        breaks_glass = action in BREAK_GLASS_ACTIONS and any(
            r[4] in roles_granting("break_glass") for r in rows
        )
        granted = _active_grants(user) if breaks_glass else ()
        cache[action] = Scope(civil=civil, police=police, departments=departments, granted=granted)
    return cache[action]


def _assignments(user: User) -> list[tuple[str, str, str, str, str]]:
    """All of the user's role assignments, read once per request (every action's scope, the
    header's links and the page's own checks all derive from this one read)."""
    if "_outpost_assignments" not in user.__dict__:
        user.__dict__["_outpost_assignments"] = list(
            user.assignments.values_list(
                "civil_prefix", "police_prefix", "scope_kind", "scope_code", "role"
            )
        )
    return user.__dict__["_outpost_assignments"]


def holds_role(user: User | AnonymousUser | None, role: str) -> bool:
    """Whether the user holds `role` anywhere (from the same one read of their assignments)."""
    if user is None or not user.is_authenticated:
        return False
    return any(r[4] == role for r in _assignments(user))


def forget_scopes(user: User) -> None:
    """After a change of roles: the next check reads them afresh."""
    user.__dict__.pop("_outpost_assignments", None)
    user.__dict__.pop("_outpost_scopes", None)


def _active_grants(user: User) -> tuple[tuple[str, int], ...]:
    """The records the user opened in an emergency and may still see (only while they hold a
    role that may break the glass)."""
    rows = BreakGlassGrant.objects.filter(user=user, expires_at__gt=timezone.now())
    return tuple(sorted(set(rows.values_list("object_type", "object_id"))))


def restrict(
    queryset: QuerySet[M],
    user: User | AnonymousUser | None,
    action: str = "view",
    *,
    also: QuerySet[Any] | None = None,
) -> QuerySet[M]:
    """The rows of `queryset` in the user's scope for `action`; with `also` (a queryset of ids,
    for a model whose `scope_q` takes more ids), those rows too, whatever the scope."""
    scope_q = getattr(queryset.model, "scope_q", None)
    if scope_q is None:
        raise TypeError(f"{queryset.model.__name__} declares no scope rule (scope_q)")
    scope = scope_for(user, action)
    if scope.everything:
        return queryset
    if scope.empty:
        return queryset.none() if also is None else queryset.filter(pk__in=also)
    where = scope_q(scope) if also is None else scope_q(scope, also)
    if granted := scope.granted_ids(queryset.model._meta.label_lower):
        where |= Q(pk__in=granted)
    return queryset.filter(where)


def can(user: User, action: str, obj: Model) -> bool:
    return restrict(type(obj)._default_manager.all(), user, action).filter(pk=obj.pk).exists()


def get_for_user(
    queryset: QuerySet[M], user: User, action: str = "view", *, seen: str = "view", **lookup: Any
) -> M:
    """The object if `user` may do `action` on it: 404 unless they can at least `seen` it."""
    obj = restrict(queryset, user, seen).filter(**lookup).first()
    if obj is None:
        raise Http404
    if action != seen and not can(user, action, obj):
        raise PermissionDenied
    return obj
