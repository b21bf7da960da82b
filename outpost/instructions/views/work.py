"""Key work item screens (重点工作推进): the items with progress bars, one item's milestones,
adding a milestone and marking one done."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from outpost.accounts.signed_in import SignedInRequest
from outpost.core.forms import show_refusal
from outpost.instructions import queries, work
from outpost.instructions.forms import MilestoneForm, WorkItemForm
from outpost.instructions.services import InstructionConflict
from outpost.instructions.views.instructions import CONFLICT


@login_required
def work_items(request: SignedInRequest) -> HttpResponse:
    may_create = queries.sender_rooms(request.user).exists()
    if request.method == "POST" and not may_create:
        raise PermissionDenied
    form = WorkItemForm(request.POST or None, user=request.user) if may_create else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = work.create_work_item(data.pop("room"), actor=request.user, **data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Work item added."))
            return redirect("instructions:work_item", pk=item.pk)
    items = queries.work_items_for(request.user)
    context = {"items": items, "form": form, "today": timezone.localdate()}
    return render(request, "instructions/work_items.html", context)


@login_required
@require_GET
def work_item(request: SignedInRequest, pk: int) -> HttpResponse:
    item = queries.get_work_item(request.user, pk)
    manages = queries.can_send_from(request.user, item.room)
    context = {
        "item": item,
        "milestones": item.milestones.select_related("done_by"),
        "manages": manages,
        "form": MilestoneForm() if manages else None,
        "today": timezone.localdate(),
    }
    return render(request, "instructions/work_item.html", context)


@login_required
@require_POST
def milestone_add(request: SignedInRequest, pk: int) -> HttpResponse:
    item = queries.get_work_item(request.user, pk)
    if not queries.can_send_from(request.user, item.room):
        raise PermissionDenied
    form = MilestoneForm(request.POST)
    if form.is_valid():
        work.add_milestone(item, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Milestone added."))
    else:
        messages.error(request, _("Give the milestone a title and a due date."))
    return redirect("instructions:work_item", pk=item.pk)


@login_required
@require_POST
def milestone_done(request: SignedInRequest, pk: int, mid: int) -> HttpResponse:
    item = queries.get_work_item(request.user, pk)
    milestone = get_object_or_404(item.milestones, pk=mid)
    try:
        work.complete_milestone(milestone, actor=request.user)
    except InstructionConflict:
        messages.error(request, CONFLICT)
    return redirect("instructions:work_item", pk=item.pk)
