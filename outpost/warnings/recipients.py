"""Who hears of a warning: the people nearest its unit. Among the role holders who act on
warnings (`queries.ACTING`: handle or dispatch) whose area covers the unit, those of the
narrowest area (a grid's workers before its community's leader, a beat's officers before the
station's duty officers), as the unit's own people would be."""

from outpost.accounts.models import RoleAssignment
from outpost.accounts.roles import roles_granting
from outpost.warnings.rules import CIVIL

ACTING = ("handle", "dispatch")


def acting_roles() -> set[str]:
    return {r for action in ACTING for r in roles_granting(action)}


def of_unit(kind: str, prefix: str) -> list[int]:
    field = "civil_prefix" if kind in CIVIL else "police_prefix"
    heads = [prefix[:n] for n in range(1, len(prefix) + 1)]
    rows = RoleAssignment.objects.filter(
        **{f"{field}__in": heads}, role__in=acting_roles(), user__is_active=True
    ).values_list("user_id", field)
    found = list(rows)
    if not found:
        return []
    narrowest = max(len(p) for _u, p in found)
    return sorted({u for u, p in found if len(p) == narrowest})
