"""Case screens for staff: report from the phone, the work queue, one case with its actions."""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from outpost.accounts.models import User
from outpost.accounts.scope import scope_for
from outpost.accounts.signed_in import SignedInRequest
from outpost.cases import pending, queries, services
from outpost.cases.filters import CaseFilter
from outpost.cases.forms import ActionForm, ReportForm
from outpost.cases.labels import ACTION_LABELS, actor_label, label, timeline_comment
from outpost.cases.models import Case
from outpost.cases.presenter import CaseView, present_case, sees_details
from outpost.cases.workflow import ACTIONS, State, allowed_actions
from outpost.core.files import file_response
from outpost.core.forms import show_refusal
from outpost.geo.models import Grid, PoliceBeat
from outpost.registry.queries import SEEN, addresses_for, people_for

PAGE = 50
CONFLICT = gettext_lazy("Someone else has already acted on this case. Please reload and try again.")
# The action whose form is open when the page loads: the usual next step of the loop.
# What a step says once taken, where "Done: <action>" would not read well.
DONE = {"urge": gettext_lazy("Urged")}
PRIMARY = ("accept", "verify", "dispatch", "sign_on", "complete", "rate", "close", "resume")


@login_required
def queue(request: SignedInRequest) -> HttpResponse:
    tabs = queries.queue_tabs(request.user)
    tab = next((t for t in tabs if t.key == request.GET.get("tab")), tabs[0])
    wanted = CaseFilter(request.GET or None, user=request.user)
    cases = wanted.apply(tab.cases.order_by("-reported_at", "-id"))
    cases = services.with_relations(queries.for_queue(cases), request.user)
    page = Paginator(cases, PAGE).get_page(request.GET.get("page"))
    query = wanted.query()
    context = {
        "tabs": [(t, wanted.apply(t.cases).count()) for t in tabs],
        "tab": tab,
        "page": page,
        "rows": queries.rows(page, request.user),
        "can_report": not scope_for(request.user, "report").empty,
        "filter": wanted,
        "query": query,
        "here": request.get_full_path(),
        "extra": f"tab={tab.key}&" + (f"{query}&" if query else ""),
    }
    return render(request, "cases/queue.html", context)


@login_required
def report(request: SignedInRequest) -> HttpResponse:
    if scope_for(request.user, "report").empty:
        raise PermissionDenied
    form = ReportForm(request.POST or None, request.FILES or None, user=request.user)
    kept = pending.valid(request.POST.getlist("kept"), request.user)
    if request.method == "POST" and form.is_valid():
        new = form.new_case(services.report_source(request.user))
        new.files = pending.read(kept, request.user) + new.files
        try:
            case = services.report_case(new, actor=request.user)
        except ValidationError as error:
            show_refusal(form, error, {"location": "lon", "address": "lon", "files": "photos"})
        else:
            pending.drop(kept, request.user)
            messages.success(request, _("Reported. Tracking code: %(code)s") % _code(case))
            return redirect("cases:detail", number=case.number)
    if request.method == "POST":  # came back: the photos just sent wait for the next try
        kept += pending.keep(form.cleaned_data.get("photos") or [], request.user)
    context = {
        "form": form,
        "kept": kept,
        "address_search": not scope_for(request.user, SEEN).empty,
    }
    return render(request, "cases/report.html", context)


def _code(case: Case) -> dict[str, str]:
    return {"code": case.tracking_code}


@login_required
@require_GET
def address_point(request: SignedInRequest) -> JsonResponse:
    """The point of a standard address in the user's area, for pinning a report."""
    code = request.GET.get("code", "")
    address = addresses_for(request.user).filter(code=code).first()
    if address is None:
        raise Http404
    return JsonResponse(
        {
            "code": address.code,
            "full_text": address.full_text,
            "lon": address.lon,
            "lat": address.lat,
        }
    )


@login_required
def detail(request: SignedInRequest, number: str) -> HttpResponse:
    return _render_detail(request, queries.get_case(request.user, number))


@login_required
@require_GET
def attachment(request: SignedInRequest, number: str, pk: int) -> FileResponse:
    """A case's photo or PDF, for those who see the case's details (404 outside the area)."""
    case = queries.get_case(request.user, number)
    if not sees_details(case, request.user):
        raise PermissionDenied
    return file_response(get_object_or_404(case.attachments, pk=pk))


@login_required
@require_POST
def act(request: SignedInRequest, number: str, action: str) -> HttpResponse:
    case = queries.get_case(request.user, number)
    if action not in ACTIONS:
        raise Http404
    back = _back(request) or reverse("cases:detail", args=[case.number])
    if request.POST.get(f"{action}-version") != str(case.version):
        messages.error(request, CONFLICT)
        return redirect(back)
    if action not in allowed_actions(State(case.state), services.relations_for(case, request.user)):
        raise PermissionDenied
    form = ActionForm(request.POST, request.FILES, case=case, action=action)
    if form.is_valid():
        try:
            _apply(request, case, form)
        except services.CaseConflict:
            messages.error(request, CONFLICT)
        except ValidationError as error:
            show_refusal(form, error, {"files": "photos"})
            return _render_detail(request, case, form)
        return redirect(back)
    return _render_detail(request, case, form)


def _back(request: SignedInRequest) -> str:
    """Where a step taken from a list returns: that list (a path of this site only)."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if target.startswith("/") and safe else ""


def _apply(request: SignedInRequest, case: Case, form: ActionForm) -> None:
    comment = form.cleaned_data["comment"]
    payload = form.payload()
    services.act(case, form.action, actor=request.user, comment=comment, payload=payload)
    if form.action in DONE:
        messages.success(request, DONE[form.action])
        return
    done = label(ACTION_LABELS, form.action)
    messages.success(request, _("Done: %(action)s") % {"action": done})


def _render_detail(
    request: SignedInRequest, case: Case, bound: ActionForm | None = None
) -> HttpResponse:
    actions = services.actions_for(case, request.user)
    if bound and bound.action not in actions:  # refused by a guard: show the form with why
        actions.append(bound.action)
    forms = [
        bound if bound and bound.action == a else ActionForm(case=case, action=a) for a in actions
    ]
    opened = bound.action if bound else next((a for a in PRIMARY if a in actions), "")
    context = {**_facts(case, request.user), "forms": forms, "opened": opened}
    return render(request, "cases/detail.html", context)


def _by(entry: Any, seen: CaseView) -> Any:
    # Who took the step, as far as this viewer may know (the presenter decides).
    entry.by = seen.actor(entry.action, str(entry.actor or actor_label(entry.actor_name)))
    entry.words = timeline_comment(entry.action, entry.details, entry.comment)
    return entry


def _facts(case: Case, user: User) -> dict[str, Any]:
    seen = present_case(case, user)
    details = seen.details
    grid = Grid.objects.filter(code=case.grid_code).first()
    return {
        "case": case,
        "details": details,
        "title": seen.title,
        "grid": grid,
        "grid_shape": json.loads(grid.geometry) if grid and details else None,
        "beat": PoliceBeat.objects.filter(code=case.beat_code).first(),
        "deadline": queries.deadline_in_force(case, timezone.now()),
        "assignments": case.assignments.all(),
        "timeline": [_by(t, seen) for t in case.timeline.select_related("actor")],
        "cards": case.cards.order_by("issued_at"),
        "attachments": case.attachments.all() if details else [],
        # Parties only as far as the viewer may see the people registry.
        "parties": case.parties.filter(pk__in=people_for(user).values("pk")) if details else [],
    }
