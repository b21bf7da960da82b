"""Scope rules of the area models: which divisions, grids, units and beats a `Scope` sees.

Grids and beats see each other through the overlay: a beat officer sees the grids their beat
covers, a grid worker sees the beats over their grid, and each sees the path up to the district.
"""

from django.db.models import Q

from outpost.core.scoping import NOTHING, Scope, ancestor_codes, prefix_q

CIVIL_LENGTHS = (2, 4, 6, 9, 12)


def grid_q(scope: Scope, path: str = "") -> Q:
    from outpost.geo.models import GridBeatOverlap

    via_beats = GridBeatOverlap.objects.filter(prefix_q("beat__code", scope.police))
    return prefix_q(f"{path}code", scope.civil) | Q(
        **{f"{path}pk__in": via_beats.values("grid_id")}
    )


def beat_q(scope: Scope, path: str = "") -> Q:
    from outpost.geo.models import GridBeatOverlap

    via_grids = GridBeatOverlap.objects.filter(prefix_q("grid__code", scope.civil))
    return prefix_q(f"{path}code", scope.police) | Q(
        **{f"{path}pk__in": via_grids.values("beat_id")}
    )


def visible_civil_prefixes(scope: Scope) -> set[str]:
    """Civil prefixes seen directly plus the grids reached through police beats."""
    from outpost.geo.models import Grid

    prefixes = set(scope.civil)
    if scope.police:
        reached = Grid.objects.filter(grid_q(Scope(police=scope.police)))
        prefixes.update(reached.values_list("code", flat=True))
    return prefixes


def division_q(scope: Scope, path: str = "") -> Q:
    prefixes = visible_civil_prefixes(scope)
    ancestors = {code for p in prefixes for code in ancestor_codes(p, CIVIL_LENGTHS)}
    under = tuple(p for p in prefixes if len(p) <= 12)
    if not prefixes:
        return NOTHING
    return prefix_q(f"{path}code", under) | Q(**{f"{path}code__in": sorted(ancestors)})


def police_ancestors(code: str) -> list[str]:
    """Sub-bureau and bureau codes above a police code (7th digit 5: 320106501… → 320106500000,
    320100500000)."""
    return [code[:6] + "500000", code[:4] + "00500000"]


def police_unit_q(scope: Scope, path: str = "") -> Q:
    from outpost.geo.models import PoliceBeat

    prefixes = set(scope.police)
    if scope.civil:
        reached = PoliceBeat.objects.filter(beat_q(Scope(civil=scope.civil)))
        prefixes.update(reached.values_list("code", flat=True))
    if not prefixes:
        return NOTHING
    ancestors = {a for p in prefixes if len(p) >= 7 for a in police_ancestors(p.ljust(12, "0"))}
    ancestors |= {p[:9] + "000" for p in prefixes if len(p) == 12}
    under = tuple(p for p in prefixes if len(p) < 12)
    return prefix_q(f"{path}code", under) | Q(**{f"{path}code__in": sorted(ancestors)})
