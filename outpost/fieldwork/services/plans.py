"""Patrol plan writes: a plan for a grid (how often, along which standard addresses, by whom),
its edits and its deactivation, each by someone who dispatches in the grid, with a change record."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.accounts.scope import restrict
from outpost.core.audit import record_change
from outpost.core.refusals import refusal
from outpost.fieldwork.models import PatrolPlan
from outpost.geo.models import Grid
from outpost.registry.models import StandardAddress

# Who plans patrols (grid leaders, commanders, duty officers) and who walks them (grid
# workers, community officers, auxiliary police): the roles' existing rights in the grid.
PLAN_ACTION = "dispatch"
PATROL_ACTION = "collect"
MAX_PER_WEEK = 21


@dataclass
class NewPlan:
    grid: Grid
    name: str
    per_week: int
    workers: list[User]
    points: list[str] = field(default_factory=list)  # standard address codes, in walk order


@dataclass
class PlanChanges:
    """A plan's new terms (its grid stays: a plan of another grid is a new plan)."""

    name: str
    per_week: int
    workers: list[User]
    points: list[str] = field(default_factory=list)
    active: bool = True


def grid_for(actor: User, grid: Grid, action: str) -> Grid:
    if not restrict(Grid.objects.filter(pk=grid.pk), actor, action).exists():
        raise PermissionDenied
    return grid


def _checked(grid: Grid, terms: NewPlan | PlanChanges) -> list[StandardAddress]:
    """The route's addresses, once the terms hold: a name, 1 to MAX_PER_WEEK patrols a week,
    workers who each patrol the grid, points that are the grid's standard addresses."""
    if not terms.name.strip():
        raise ValidationError({"name": _("Give the plan a name")})
    if not 1 <= terms.per_week <= MAX_PER_WEEK:
        raise ValidationError(
            {"per_week": refusal(_("Patrols per week must be 1 to %(max)s"), max=MAX_PER_WEEK)}
        )
    if not terms.workers:
        raise ValidationError({"workers": _("Assign at least one worker")})
    for worker in terms.workers:
        if not restrict(Grid.objects.filter(pk=grid.pk), worker, PATROL_ACTION).exists():
            error = refusal(_("%(name)s does not work in this grid"), name=str(worker))
            raise ValidationError({"workers": error})
    return _points(grid, terms.points)


def _points(grid: Grid, codes: list[str]) -> list[StandardAddress]:
    found = {a.code: a for a in StandardAddress.objects.filter(code__in=codes, grid_code=grid.code)}
    missing = [c for c in codes if c not in found]
    if missing:
        error = refusal(_("Not a standard address of this grid: %(code)s"), code=missing[0])
        raise ValidationError({"points": error})
    return [found[c] for c in codes]


@transaction.atomic
def create_plan(new: NewPlan, *, actor: User) -> PatrolPlan:
    """A plan for a grid by someone who dispatches there; each worker must patrol there."""
    grid = grid_for(actor, new.grid, PLAN_ACTION)
    points = _checked(grid, new)
    plan = PatrolPlan.objects.create(grid=grid, name=new.name.strip()[:64], per_week=new.per_week)
    plan.workers.set(new.workers)
    plan.points.set(points)
    after = {"grid": grid.code, "per_week": plan.per_week, "points": len(points)}
    record_change(
        actor=actor,
        action="create_patrol_plan",
        object_type="patrol_plan",
        object_key=str(plan.pk),
        after=after | {"workers": [w.username for w in new.workers]},
    )
    return plan


def _terms(plan: PatrolPlan) -> dict[str, object]:
    return {
        "name": plan.name,
        "per_week": plan.per_week,
        "active": plan.active,
        "workers": sorted(w.username for w in plan.workers.all()),
        "points": sorted(a.code for a in plan.points.all()),
    }


@transaction.atomic
def edit_plan(plan: PatrolPlan, changes: PlanChanges, *, actor: User) -> PatrolPlan:
    """New terms for a plan, by someone who dispatches in its grid; the change record keeps
    the terms before and after."""
    locked = PatrolPlan.objects.select_for_update().select_related("grid").get(pk=plan.pk)
    grid = grid_for(actor, locked.grid, PLAN_ACTION)
    points = _checked(grid, changes)
    before = _terms(locked)
    locked.name, locked.per_week = changes.name.strip()[:64], changes.per_week
    locked.active = changes.active
    locked.save(update_fields=["name", "per_week", "active", "updated_at"])
    locked.workers.set(changes.workers)
    locked.points.set(points)
    record_change(
        actor=actor,
        action="edit_patrol_plan",
        object_type="patrol_plan",
        object_key=str(locked.pk),
        before=before,
        after=_terms(locked),
    )
    return locked


@transaction.atomic
def deactivate_plan(plan: PatrolPlan, *, actor: User) -> PatrolPlan:
    """No more patrols by this plan (patrols walked by it stay); nothing to do if it is
    already inactive."""
    locked = PatrolPlan.objects.select_for_update().select_related("grid").get(pk=plan.pk)
    grid_for(actor, locked.grid, PLAN_ACTION)
    if not locked.active:
        raise ValidationError(_("This plan is already inactive"))
    locked.active = False
    locked.save(update_fields=["active", "updated_at"])
    record_change(
        actor=actor,
        action="deactivate_patrol_plan",
        object_type="patrol_plan",
        object_key=str(locked.pk),
        before={"active": True},
        after={"active": False},
    )
    return locked
