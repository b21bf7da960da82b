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


# Actions: view (areas and maps), view_registry (people, houses, organisations: masked), change
# (edit area data), collect (前端采: registry edits that await verification), verify (民警核),
# unmask (full ID and phone numbers, with a stated purpose), export (download scoped lists).
# Reporters (8大员) see areas but never the registry.
_FIELD = frozenset({"view", "view_registry", "collect"})

ROLE_RULES: dict[str, RoleRule] = {
    Role.ADMIN: RoleRule(
        frozenset({"view", "view_registry", "change", "export"}),
        frozenset({ScopeKind.DIVISION, ScopeKind.POLICE_UNIT}),
    ),
    Role.STREET_COMMANDER: RoleRule(
        frozenset({"view", "view_registry", "change", "export"}), frozenset({ScopeKind.DIVISION})
    ),
    Role.DUTY_OFFICER: RoleRule(
        frozenset({"view", "view_registry", "unmask", "export"}),
        frozenset({ScopeKind.POLICE_UNIT}),
    ),
    Role.GRID_LEADER: RoleRule(_FIELD | {"export"}, frozenset({ScopeKind.DIVISION})),
    Role.GRID_WORKER: RoleRule(_FIELD, frozenset({ScopeKind.GRID})),
    Role.COMMUNITY_OFFICER: RoleRule(
        _FIELD | {"verify", "unmask", "export"}, frozenset({ScopeKind.BEAT})
    ),
    Role.AUXILIARY_POLICE: RoleRule(_FIELD, frozenset({ScopeKind.BEAT})),
    Role.REPORTER: RoleRule(frozenset({"view"}), frozenset({ScopeKind.GRID, ScopeKind.DIVISION})),
}


def roles_granting(action: str) -> list[str]:
    return [role for role, rule in ROLE_RULES.items() if action in rule.actions]
