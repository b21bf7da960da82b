"""Granting roles and creating users, each write audited."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import BreakGlassGrant, Department, RoleAssignment, User
from outpost.accounts.roles import ROLE_RULES, Role, ScopeKind
from outpost.accounts.scope import forget_scopes
from outpost.core.audit import record_change
from outpost.core.names import clean_name
from outpost.geo.models import Division, Grid, PoliceBeat, PoliceUnit


@dataclass(frozen=True)
class ResolvedScope:
    kind: str
    name: str
    civil_prefix: str
    police_prefix: str


def resolve_scope(code: str) -> ResolvedScope:
    """Find the area a code names and the prefixes it covers in both hierarchies.

    A street and the station covering it share one command room (警网联动), so each brings the
    other's subtree; a district or wider code is a prefix of its police codes already.
    """
    if department := Department.objects.filter(code=code).first():
        return ResolvedScope(ScopeKind.DEPARTMENT, department.name, "", "")
    if grid := Grid.objects.filter(code=code).first():
        return ResolvedScope(ScopeKind.GRID, grid.name, grid.code, "")
    if beat := PoliceBeat.objects.filter(code=code).first():
        return ResolvedScope(ScopeKind.BEAT, beat.name, "", beat.code)
    if unit := PoliceUnit.objects.select_related("street").filter(code=code).first():
        civil = unit.street.prefix if unit.street else unit.prefix[:6]
        return ResolvedScope(ScopeKind.POLICE_UNIT, unit.name, civil, unit.prefix)
    if division := Division.objects.filter(code=code).first():
        return ResolvedScope(
            ScopeKind.DIVISION, division.name, division.prefix, _police_prefix_for(division)
        )
    raise ValidationError(_("No area has the code %(code)s."), params={"code": code})


def _police_prefix_for(division: Division) -> str:
    if division.level == "street":
        station = division.police_stations.first()
        return station.prefix if station else ""
    if division.level == "community":
        return ""
    return division.prefix


@transaction.atomic
def grant_role(user: User, role: str, scope_code: str, *, actor: User | None) -> RoleAssignment:
    scope = resolve_scope(scope_code)
    if scope.kind not in ROLE_RULES[Role(role)].scope_kinds:
        raise ValidationError(
            _("The role %(role)s cannot be assigned to %(area)s."),
            params={"role": Role(role).label, "area": scope.name},
        )
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        scope_code=scope_code,
        defaults={
            "scope_kind": scope.kind,
            "scope_name": scope.name,
            "civil_prefix": scope.civil_prefix,
            "police_prefix": scope.police_prefix,
            "granted_by": actor,
        },
    )
    if created:
        record_change(
            actor=actor,
            action="grant_role",
            object_type="user",
            object_key=user.username,
            after={"role": role, "scope": scope_code},
        )
    forget_scopes(user)
    return assignment


@transaction.atomic
def create_user(
    username: str, password: str, *, display_name: str = "", actor: User | None
) -> User:
    if display_name.strip():  # shown on rosters, boards and maps: plain text, one line
        display_name = clean_name(display_name, field="display_name")
    user = User(username=username, display_name=display_name)
    user.set_password(password)
    user.full_clean()
    user.save()
    record_change(actor=actor, action="create_user", object_type="user", object_key=username)
    return user


@transaction.atomic
def review_break_glass(grant: BreakGlassGrant, *, actor: User, note: str) -> BreakGlassGrant:
    """An auditor marks an emergency opening as reviewed (not their own)."""
    if grant.user_id == actor.pk:
        raise PermissionDenied
    updated = BreakGlassGrant.objects.filter(pk=grant.pk, reviewed_at__isnull=True).update(
        reviewed_by=actor, reviewed_at=timezone.now(), review_note=note.strip()[:200]
    )
    if updated:
        record_change(
            actor=actor,
            action="review_break_glass",
            object_type="break_glass",
            object_key=str(grant.pk),
            after={"note": note.strip()[:200]},
        )
    grant.refresh_from_db()
    return grant
