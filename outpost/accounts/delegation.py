"""Managing users down the tree (分级授权). An administrator (the ADMIN role) manages the users
of their area: creates them there and grants roles there, but only roles they hold themselves
over that place, so nobody can hand out more than they have. The administrator of a district
(or wider) is the root of the tree and holds every role.

Every write runs in a transaction, names the acting manager and leaves an audit row."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import RoleAssignment, User
from outpost.accounts.roles import Role
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
    target = ResolvedScope(
        assignment.scope_kind, "", assignment.civil_prefix, assignment.police_prefix
    )
    return any(covers(a, target, assignment.scope_code) for a in held)


@transaction.atomic
def add_user(
    manager: Any, username: str, password: str, role: str, code: str, display_name: str = ""
) -> User:
    """A new account in the manager's area with its first role."""
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
    if not may_grant(manager, role, code):
        raise PermissionDenied
    return grant_role(user, role, code, actor=manager)


@transaction.atomic
def revoke(manager: Any, assignment: RoleAssignment) -> None:
    if not may_manage(manager, assignment.scope_code):
        raise PermissionDenied
    if assignment.user_id == getattr(manager, "pk", None) and assignment.role == Role.ADMIN:
        raise ValidationError(_("You cannot revoke your own administrator role"))
    assignment.delete()
    forget_scopes(assignment.user)
    record_change(
        actor=manager,
        action="revoke_role",
        object_type="user",
        object_key=assignment.user.username,
        before={"role": assignment.role, "scope": assignment.scope_code},
    )
