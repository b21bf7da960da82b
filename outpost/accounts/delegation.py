"""Managing users down the tree (分级授权). An administrator (the ADMIN role) manages the users
of their area: creates them there and grants roles there, but only roles they hold themselves
over that place, so nobody can hand out more than they have. The administrator of a district
(or wider) is the root of the tree and holds every role.

Every write runs in a transaction, names the acting manager and leaves an audit row."""

import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from outpost.accounts.lockout import account_key
from outpost.accounts.models import ApiToken, LoginThrottle, RoleAssignment, User
from outpost.accounts.roles import ROLE_RULES, Role, ScopeKind
from outpost.accounts.scope import forget_scopes
from outpost.accounts.services import ResolvedScope, create_user, grant_role, resolve_scope
from outpost.core.audit import record_change
from outpost.core.refusals import refusal

ROOT_PREFIX_LENGTH = 6  # a district's civil prefix


def admin_assignments(manager: Any) -> QuerySet[RoleAssignment]:
    if not getattr(manager, "is_authenticated", False):
        return RoleAssignment.objects.none()
    return RoleAssignment.objects.filter(user_id=manager.pk, role=Role.ADMIN)


def covers(held: RoleAssignment, target: ResolvedScope, code: str) -> bool:
    """Whether an assignment's area contains the target area (both hierarchies)."""
    if target.kind == "department":
        return len(held.civil_prefix) <= ROOT_PREFIX_LENGTH and code.startswith(held.civil_prefix)
    parts = [(target.civil_prefix, held.civil_prefix), (target.police_prefix, held.police_prefix)]
    wanted = [(mine, theirs) for mine, theirs in parts if mine]
    return bool(wanted) and all(theirs and mine.startswith(theirs) for mine, theirs in wanted)


def is_root(held: RoleAssignment) -> bool:
    return bool(held.civil_prefix) and len(held.civil_prefix) <= ROOT_PREFIX_LENGTH


def may_manage(manager: Any, code: str) -> bool:
    target = _resolve(code)
    return any(covers(a, target, code) for a in admin_assignments(manager))


def may_grant(manager: Any, role: str, code: str) -> bool:
    """Inside an area they administer, a role they hold there themselves (the root: any)."""
    target = _resolve(code)
    admin = [a for a in admin_assignments(manager) if covers(a, target, code)]
    if not admin:
        return False
    if any(is_root(a) for a in admin):
        return True
    held = RoleAssignment.objects.filter(user_id=manager.pk, role=role)
    return any(covers(a, target, code) for a in held)


def check_fits(role: str, code: str) -> None:
    """A role goes on the kind of area it is made for (a grid worker on a grid, a community
    officer on a beat…): refused on the area field, naming both."""
    target = _resolve(code)
    fits = ROLE_RULES[Role(role)].scope_kinds if role in ROLE_RULES else {target.kind}
    if target.kind not in fits:
        kinds = "、".join(str(ScopeKind(k).label) for k in sorted(fits))
        raise ValidationError(
            {
                "scope": refusal(
                    _("%(role)s cannot be given %(area)s: choose a %(kinds)s"),
                    role=Role(role).label,
                    area=target.name,
                    kinds=kinds,
                )
            }
        )


def _resolve(code: str) -> ResolvedScope:
    try:
        return resolve_scope(code)
    except ValidationError:
        raise ValidationError(
            {"scope": refusal(_("No area or department has the code %(code)s"), code=code)}
        ) from None


def managed_users(manager: Any) -> QuerySet[User]:
    """Users holding at least one role inside the manager's areas (the list they may see)."""
    held = list(admin_assignments(manager))
    if not held:
        return User.objects.none()
    near = RoleAssignment.objects.filter(_near_q(held))  # narrowed in SQL, decided exactly here
    inside = [a.pk for a in near if _inside(a, held)]
    users = RoleAssignment.objects.filter(pk__in=inside).values("user_id")
    return User.objects.filter(pk__in=users).order_by("username")


def _near_q(held: list[RoleAssignment]) -> Q:
    """Assignments sharing a prefix with one of the manager's areas (a superset of theirs)."""
    near = Q(pk__in=[])
    for a in held:
        if a.civil_prefix:
            near |= Q(civil_prefix__startswith=a.civil_prefix) & ~Q(civil_prefix="")
            near |= Q(scope_kind="department", scope_code__startswith=a.civil_prefix[:6])
        if a.police_prefix:
            near |= Q(police_prefix__startswith=a.police_prefix) & ~Q(police_prefix="")
    return near


def _inside(assignment: RoleAssignment, held: list[RoleAssignment]) -> bool:
    """The role lies inside one of the manager's areas; another administrator's role only
    strictly inside (an area's administrators may not act on each other)."""
    target = ResolvedScope(
        assignment.scope_kind, "", assignment.civil_prefix, assignment.police_prefix
    )
    return any(
        covers(a, target, assignment.scope_code)
        and not (assignment.role == Role.ADMIN and _same_or_above(assignment, a))
        for a in held
    )


def _same_or_above(assignment: RoleAssignment, manager_role: RoleAssignment) -> bool:
    """An administrator's area the same as, or wider than, the manager's."""
    mine, theirs = manager_role.civil_prefix, assignment.civil_prefix
    return assignment.scope_code == manager_role.scope_code or (
        bool(theirs) and mine.startswith(theirs)
    )


@transaction.atomic
def add_user(
    manager: Any, username: str, password: str, role: str, code: str, display_name: str = ""
) -> User:
    """A new account in the manager's area with its first role."""
    check_fits(role, code)
    if not may_grant(manager, role, code):
        raise PermissionDenied
    if User.objects.filter(username=username).exists():
        raise ValidationError(
            {"username": refusal(_("The username is taken: %(name)s"), name=username)}
        )
    validate_password(password, User(username=username, display_name=display_name))
    user = create_user(username, password, display_name=display_name, actor=manager)
    grant_role(user, role, code, actor=manager)
    return user


@transaction.atomic
def grant(manager: Any, user: User, role: str, code: str) -> RoleAssignment:
    check_fits(role, code)
    if not may_grant(manager, role, code):
        raise PermissionDenied
    return grant_role(user, role, code, actor=manager)


@transaction.atomic
def revoke(manager: Any, assignment: RoleAssignment) -> None:
    """Take a role away from an account the manager looks after (every role of it inside their
    areas, another administrator's only strictly below): administrators of one area do not
    unseat each other, nor a street's the district's."""
    if not may_manage(manager, assignment.scope_code):
        raise PermissionDenied
    if assignment.user_id == getattr(manager, "pk", None) and assignment.role == Role.ADMIN:
        raise ValidationError(_("You cannot revoke your own administrator role"))
    if not fully_managed(manager, assignment.user):
        raise PermissionDenied
    assignment.delete()
    forget_scopes(assignment.user)
    record_change(
        actor=manager,
        action="revoke_role",
        object_type="user",
        object_key=assignment.user.username,
        before={"role": assignment.role, "scope": assignment.scope_code},
    )


# --- looking after an account: disable, enable, unlock, reset its password, revoke its tokens.
# Only over an account whose every role lies inside the manager's areas (a street's administrator
# cannot take over a district administrator who also holds a role in the street), never a
# superuser; an administrator cannot disable or reset themselves. Each write is audited.


def fully_managed(manager: Any, user: User) -> bool:
    held = list(admin_assignments(manager))
    roles = list(user.assignments.all())
    if not held or not roles or user.is_superuser:
        return False
    return all(_inside(a, held) for a in roles)


def _look_after(manager: Any, user: User, action: str, *, self_allowed: bool = False) -> None:
    yourself = user.pk == getattr(manager, "pk", None)
    if yourself and not self_allowed:
        raise ValidationError(_("You cannot do this to your own account"))
    if not yourself and not fully_managed(manager, user):
        raise PermissionDenied
    record_change(actor=manager, action=action, object_type="user", object_key=user.username)


@transaction.atomic
def set_active(manager: Any, user: User, active: bool) -> None:
    """Disable (no sign-in, no API token works) or enable an account."""
    _look_after(manager, user, "enable_user" if active else "disable_user")
    User.objects.filter(pk=user.pk).update(is_active=active)
    if not active:
        ApiToken.objects.filter(user=user).delete()
    user.is_active = active


@transaction.atomic
def unlock(manager: Any, user: User) -> None:
    """Forget the account's failed sign-ins and lock (its address keeps its own count)."""
    _look_after(manager, user, "unlock_user", self_allowed=True)
    LoginThrottle.objects.filter(key=account_key(user.username)).delete()


@transaction.atomic
def reset_password(manager: Any, user: User) -> str:
    """A new random password, returned once to be handed over; the account's sessions and API
    tokens end with the old one."""
    _look_after(manager, user, "reset_password")
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.save(update_fields=["password"])
    ApiToken.objects.filter(user=user).delete()
    LoginThrottle.objects.filter(key=account_key(user.username)).delete()
    return password


@transaction.atomic
def revoke_tokens(manager: Any, user: User) -> int:
    _look_after(manager, user, "revoke_tokens", self_allowed=True)
    deleted, _rows = ApiToken.objects.filter(user=user).delete()
    return deleted
