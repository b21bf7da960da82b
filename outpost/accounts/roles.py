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
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    AUDITOR = "auditor", _("Auditor")


class ScopeKind(models.TextChoices):
    DIVISION = "division", _("Division")
    GRID = "grid", _("Grid")
    POLICE_UNIT = "police_unit", _("Police unit")
    BEAT = "beat", _("Police beat")
    DEPARTMENT = "department", _("Department")


@dataclass(frozen=True)
class RoleRule:
    actions: frozenset[str]
    scope_kinds: frozenset[str]


# Actions: view (areas and maps), view_registry (people, houses, organisations: masked), change
# (edit area data), collect (前端采: registry edits that await verification), verify (民警核),
# unmask (full ID and phone numbers, with a stated purpose), export (download scoped lists),
# view_cases, report (file a case), dispatch (accept and dispatch cases in the area), handle
# (work cases dispatched to one's unit), audit (read the access log of the area, review
# emergency openings), break_glass (open one person's record outside the area for a few hours,
# stating a reason: sworn officers who may already unmask, not auxiliary police or civil staff),
# heat (the map's case heat map: those who command a street or a station's command room),
# assess (警网双考: compute and approve assessment periods of the area, decide appeals: the
# street's and the station's leaders and the administrator).
# Reporters (8大员) see areas, never the registry, and only the cases they reported. Auditors
# see the log, not the records themselves.
def _acts(*names: str) -> frozenset[str]:
    return frozenset(names)


_CASES = ("view_cases", "report")
_DIVISION, _GRID, _UNIT, _BEAT = (
    frozenset({ScopeKind.DIVISION}),
    frozenset({ScopeKind.GRID}),
    frozenset({ScopeKind.POLICE_UNIT}),
    frozenset({ScopeKind.BEAT}),
)

ROLE_RULES: dict[str, RoleRule] = {
    Role.ADMIN: RoleRule(
        _acts("view", "view_registry", "change", "export", "view_cases", "audit", "heat", "assess"),
        _DIVISION | _UNIT,
    ),
    Role.STREET_COMMANDER: RoleRule(
        _acts("view", "view_registry", "change", "export", *_CASES, "dispatch", "heat", "assess"),
        _DIVISION,
    ),
    Role.DUTY_OFFICER: RoleRule(
        _acts(
            "view",
            "view_registry",
            "unmask",
            "export",
            *_CASES,
            "dispatch",
            "break_glass",
            "heat",
            "assess",
        ),
        _UNIT,
    ),
    Role.GRID_LEADER: RoleRule(
        _acts("view", "view_registry", "collect", "export", *_CASES, "dispatch", "handle"),
        _DIVISION,
    ),
    Role.GRID_WORKER: RoleRule(_acts("view", "view_registry", "collect", *_CASES, "handle"), _GRID),
    Role.COMMUNITY_OFFICER: RoleRule(
        _acts(
            "view",
            "view_registry",
            "collect",
            "verify",
            "unmask",
            "export",
            *_CASES,
            "handle",
            "break_glass",
        ),
        _BEAT,
    ),
    Role.AUXILIARY_POLICE: RoleRule(
        _acts("view", "view_registry", "collect", *_CASES, "handle"), _BEAT
    ),
    Role.REPORTER: RoleRule(_acts("view", "report"), _GRID | _DIVISION),
    Role.DEPARTMENT_HANDLER: RoleRule(
        _acts("view_cases", "handle"), frozenset({ScopeKind.DEPARTMENT})
    ),
    Role.AUDITOR: RoleRule(_acts("view", "audit"), _DIVISION | _UNIT),
}

# Holders of a role with any of these sign in with a second factor (TOTP) as well.
SECOND_FACTOR_ACTIONS = ("unmask", "export", "audit")
# What a break-the-glass grant opens on its one record.
BREAK_GLASS_ACTIONS = ("view_registry", "unmask")


def roles_granting(action: str) -> list[str]:
    return [role for role, rule in ROLE_RULES.items() if action in rule.actions]
