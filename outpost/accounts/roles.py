"""The roles of Outpost, declared once: what each may do and where it may be assigned."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    STREET_COMMANDER = "street_commander", _("Street commander")
    DUTY_OFFICER = "duty_officer", _("Command room duty officer")
    GRID_LEADER = "grid_leader", _("Grid leader")
    GRID_WORKER = "grid_worker", _("Grid worker")
    COMMUNITY_OFFICER = "community_officer", _("Community police officer")
    AUXILIARY_POLICE = "auxiliary_police", _("Auxiliary police")
    REPORTER = "reporter", _("Reporter")


class ScopeKind(models.TextChoices):
    DIVISION = "division", _("Division")
    GRID = "grid", _("Grid")
    POLICE_UNIT = "police_unit", _("Police unit")
    BEAT = "beat", _("Police beat")


@dataclass(frozen=True)
class RoleRule:
    actions: frozenset[str]
    scope_kinds: frozenset[str]


_VIEW = frozenset({"view"})
_MANAGE = frozenset({"view", "change"})

ROLE_RULES: dict[str, RoleRule] = {
    Role.ADMIN: RoleRule(_MANAGE, frozenset({ScopeKind.DIVISION, ScopeKind.POLICE_UNIT})),
    Role.STREET_COMMANDER: RoleRule(_MANAGE, frozenset({ScopeKind.DIVISION})),
    Role.DUTY_OFFICER: RoleRule(_VIEW, frozenset({ScopeKind.POLICE_UNIT})),
    Role.GRID_LEADER: RoleRule(_VIEW, frozenset({ScopeKind.DIVISION})),
    Role.GRID_WORKER: RoleRule(_VIEW, frozenset({ScopeKind.GRID})),
    Role.COMMUNITY_OFFICER: RoleRule(_VIEW, frozenset({ScopeKind.BEAT})),
    Role.AUXILIARY_POLICE: RoleRule(_VIEW, frozenset({ScopeKind.BEAT})),
    Role.REPORTER: RoleRule(_VIEW, frozenset({ScopeKind.GRID, ScopeKind.DIVISION})),
}


def roles_granting(action: str) -> list[str]:
    return [role for role, rule in ROLE_RULES.items() if action in rule.actions]
