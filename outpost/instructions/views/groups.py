"""Virtual group and notice screens: groups of the area, one group's members and notices,
broadcasting a notice, and a notice with its read receipts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from outpost.accounts.signed_in import SignedInRequest
from outpost.core.forms import show_refusal
from outpost.geo.models import Grid
from outpost.instructions import groups, queries
from outpost.instructions.forms import GroupForm, NoticeForm
from outpost.instructions.models import VirtualGroup

PAGE = 100


@login_required
def groups_page(request: SignedInRequest) -> HttpResponse:
    may_create = queries.group_areas(request.user).exists()
    if request.method == "POST" and not may_create:
        raise PermissionDenied
    form = GroupForm(request.POST or None, user=request.user) if may_create else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            group = groups.create_group(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Group created with %(n)s members.") % _members(group))
            return redirect("instructions:group", pk=group.pk)
    found = queries.groups_for(request.user).order_by("area_prefix", "name", "id")
    return render(request, "instructions/groups.html", {"groups": found, "form": form})


def _members(group: VirtualGroup) -> dict[str, int]:
    return {"n": group.members.count()}


@login_required
@require_GET
def group_page(request: SignedInRequest, pk: int) -> HttpResponse:
    group = queries.get_group(request.user, pk)
    manages = queries.groups_for(request.user, "dispatch").filter(pk=pk).exists()
    grid_name = Grid.objects.filter(code=OuterRef("grid_code")).values("name")[:1]
    listed = group.members.annotate(grid_name=Subquery(grid_name))
    members = Paginator(listed.order_by("grid_code", "name", "id"), PAGE)
    context = {
        "group": group,
        "page": members.get_page(request.GET.get("page")),
        "grids": groups.receiving_grids(group),
        "notices": queries.visible_notices(request.user).filter(group=group)[:20],
        "manages": manages,
        "notice_form": NoticeForm() if manages else None,
    }
    return render(request, "instructions/group.html", context)


@login_required
@require_POST
def rebuild(request: SignedInRequest, pk: int) -> HttpResponse:
    group = queries.get_group(request.user, pk, "dispatch")
    added, removed = groups.rebuild_group(group, actor=request.user)
    counts = {"added": added, "removed": removed}
    messages.success(request, _("Members recomputed: %(added)s in, %(removed)s out.") % counts)
    return redirect("instructions:group", pk=group.pk)


@login_required
@require_POST
def notify(request: SignedInRequest, pk: int) -> HttpResponse:
    group = queries.get_group(request.user, pk, "dispatch")
    form = NoticeForm(request.POST)
    if form.is_valid():
        try:
            notice = groups.send_notice(group, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Notice sent."))
            return redirect("instructions:notice", pk=notice.pk)
    else:
        messages.error(request, _("Give the notice a title."))
    return redirect("instructions:group", pk=group.pk)


@login_required
@require_GET
def notices_page(request: SignedInRequest) -> HttpResponse:
    found = queries.visible_notices(request.user).order_by("-sent_at", "-id")
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    acting = queries.acting_notice_ids(request.user, list(page))
    rows = [(n, n.pk in acting.unread, n.pk in acting.all) for n in page]
    return render(request, "instructions/notices.html", {"page": page, "rows": rows})


@login_required
@require_GET
def notice_page(request: SignedInRequest, pk: int) -> HttpResponse:
    """Opening a notice counts as reading it, for the units the reader acts for."""
    notice = queries.get_notice(request.user, pk)
    groups.mark_notice_read(notice, actor=request.user)
    receipts = list(queries.receipts_seen(request.user, notice))
    context = {
        "notice": notice,
        "receipts": receipts,
        "read": sum(1 for r in receipts if r.read_at),
        "mine": queries.acting_receipts(request.user, notice).exists(),
    }
    return render(request, "instructions/notice.html", context)


@login_required
@require_POST
def confirm(request: SignedInRequest, pk: int) -> HttpResponse:
    notice = queries.get_notice(request.user, pk)
    groups.confirm_notice(notice, actor=request.user)
    messages.success(request, _("Marked as read."))
    return redirect("instructions:notice", pk=notice.pk)
