"""Patrol plan pages under /fieldwork/plans/: a new plan (pick the grid, then its terms), a
plan's edit page and its deactivation, for whoever plans patrols in the grid (the same right
as the API's create_plan: `dispatch` there)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from outpost.accounts.models import User
from outpost.accounts.signed_in import SignedInRequest
from outpost.core.forms import show_refusal
from outpost.fieldwork import queries, services
from outpost.fieldwork.forms import PlanForm, PlanGridForm
from outpost.geo.models import Grid


def _plan_grid(user: User, code: str) -> Grid:
    """404 unless the user sees the grid, 403 unless they plan patrols there."""
    grid = queries.visible_grid(user, code)
    if not queries.plan_grids(user).filter(pk=grid.pk).exists():
        raise PermissionDenied
    return grid


@login_required
def new_plan(request: SignedInRequest) -> HttpResponse:
    code = request.GET.get("grid", "")
    if not code:
        if not queries.may_plan(request.user):
            raise PermissionDenied
        return render(
            request, "fieldwork/plan_grid.html", {"form": PlanGridForm(user=request.user)}
        )
    grid = _plan_grid(request.user, code)
    form = PlanForm(request.POST or None, grid=grid)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new = services.NewPlan(
            grid, data["name"], data["per_week"], form.chosen_workers(), data["points"]
        )
        try:
            plan = services.create_plan(new, actor=request.user)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Patrol plan %(name)s created.") % {"name": plan.name})
            return redirect("fieldwork:plans")
    return render(request, "fieldwork/plan_form.html", {"form": form, "grid": grid, "plan": None})


@login_required
def edit_plan(request: SignedInRequest, pk: int) -> HttpResponse:
    plan = queries.plan_to_edit(request.user, pk)
    form = PlanForm(request.POST or None, grid=plan.grid, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = services.PlanChanges(
            data["name"], data["per_week"], form.chosen_workers(), data["points"], data["active"]
        )
        try:
            services.edit_plan(plan, changes, actor=request.user)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Patrol plan %(name)s saved.") % {"name": data["name"]})
            return redirect("fieldwork:plans")
    context = {"form": form, "grid": plan.grid, "plan": plan}
    return render(request, "fieldwork/plan_form.html", context)


@login_required
@require_POST
def deactivate_plan(request: SignedInRequest, pk: int) -> HttpResponse:
    plan = queries.plan_to_edit(request.user, pk)
    try:
        services.deactivate_plan(plan, actor=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("Patrol plan %(name)s deactivated.") % {"name": plan.name})
    return redirect("fieldwork:plans")
