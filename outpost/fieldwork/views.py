"""Field-work pages under /fieldwork/ (namespace "fieldwork"), phone first: today's patrol
(start, check in where you stand, end), one patrol with its check-ins and a "found something"
form, the plans, coverage per grid and worker, and the visits due."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from outpost.accounts.models import Department
from outpost.accounts.signed_in import SignedInRequest
from outpost.cases.models import SubType
from outpost.core.files import file_response
from outpost.core.forms import show_refusal
from outpost.fieldwork import queries, services
from outpost.fieldwork.forms import (
    CheckInForm,
    FindingForm,
    InspectionForm,
    RecheckForm,
    ResultsForm,
    StartForm,
    VisitForm,
)
from outpost.fieldwork.models import Patrol, PatrolPhoto

DAY_CHOICES = (7, 30, 90)
VISITS_PAGE = 50


def _may_work(request: SignedInRequest) -> None:
    if not queries.may_work(request.user):
        raise PermissionDenied


@login_required
@require_GET
def patrols(request: SignedInRequest) -> HttpResponse:
    _may_work(request)
    user = request.user
    current = queries.open_patrol(user)
    context = {
        "current": current,
        "checkin_form": CheckInForm() if current else None,
        "start_form": None if current else StartForm(user=user),
        "recent": queries.recent_patrols(user),
    }
    return render(request, "fieldwork/patrols.html", context)


@login_required
@require_POST
def start(request: SignedInRequest) -> HttpResponse:
    form = StartForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose a grid you patrol."))
        return redirect("fieldwork:patrols")
    grid = queries.patrol_grids(request.user).get(code=form.cleaned_data["grid"])
    plan = queries.my_plans(request.user).filter(pk=form.cleaned_data["plan"]).first()
    try:
        services.start_patrol(grid, actor=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("fieldwork:patrols")


@login_required
@require_POST
def check_in(request: SignedInRequest, pk: int) -> HttpResponse:
    patrol = queries.get_patrol(request.user, pk, action="walk")
    form = CheckInForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Your position is not available: allow location and retry."))
        return redirect("fieldwork:patrols")
    data = form.cleaned_data
    try:
        point = services.check_in(
            patrol,
            data["lon"],
            data["lat"],
            actor=request.user,
            note=data["note"],
            files=data["photos"],
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        if point.inside:
            messages.success(request, _("Checked in."))
        else:
            messages.warning(
                request, _("Checked in outside the patrol's grid: the point is flagged.")
            )
    return redirect("fieldwork:patrols")


@login_required
@require_POST
def end(request: SignedInRequest, pk: int) -> HttpResponse:
    patrol = queries.get_patrol(request.user, pk, action="walk")
    try:
        services.end_patrol(patrol, actor=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("Patrol ended."))
    return redirect("fieldwork:patrol", pk=patrol.pk)


@login_required
def patrol(request: SignedInRequest, pk: int) -> HttpResponse:
    """One patrol; its walker may report what was found (POST) as a case."""
    found = queries.get_patrol(request.user, pk)
    mine = found.worker_id == request.user.pk
    form = FindingForm(request.POST or None, user=request.user) if mine else None
    if request.method == "POST":
        queries.get_patrol(request.user, pk, action="walk")
        if form is not None and form.is_valid():
            case = _report(request, found, form)
            if case is not None:
                return redirect("cases:detail", number=case)
    return render(request, "fieldwork/patrol.html", _patrol_context(found, form))


def _report(request: SignedInRequest, found: Patrol, form: FindingForm) -> str | None:
    data = form.cleaned_data
    subtype = SubType.objects.select_related("category").get(code=data["subtype"])
    finding = services.Finding(subtype, data["title"], data["description"])
    try:
        case = services.report_found(found, finding, actor=request.user)
    except ValidationError as error:
        show_refusal(form, error)
        return None
    messages.success(request, _("Case %(number)s reported.") % {"number": case.number})
    return case.number


def _patrol_context(found: Patrol, form: FindingForm | None) -> dict[str, object]:
    points = list(found.checkins.prefetch_related("photos"))
    return {
        "patrol": found,
        "points": points,
        "outside": sum(1 for p in points if not p.inside),
        "cases": list(found.cases.order_by("number")),
        "form": form,
    }


@login_required
@require_GET
def photo(request: SignedInRequest, pk: int, photo: int) -> FileResponse:
    found = queries.get_patrol(request.user, pk)
    kept = PatrolPhoto.objects.filter(pk=photo, checkin__patrol=found).first()
    if kept is None:
        raise Http404
    return file_response(kept)


@login_required
@require_GET
def coverage(request: SignedInRequest) -> HttpResponse:
    _may_work(request)
    days = int(request.GET.get("days", "7")) if request.GET.get("days", "7").isdigit() else 7
    days = days if days in DAY_CHOICES else 7
    grid = request.GET.get("grid", "")
    grid = grid if grid.isdigit() and len(grid) == 15 else ""
    rows = queries.coverage_rows(request.user, days, grid)
    context = {"rows": rows, "days": days, "day_choices": DAY_CHOICES, "grid": grid}
    return render(request, "fieldwork/coverage.html", context)


@login_required
@require_GET
def plans(request: SignedInRequest) -> HttpResponse:
    _may_work(request)
    found = queries.plans_for(request.user).prefetch_related("workers", "points")
    mine = set(queries.plan_grids(request.user).values_list("pk", flat=True))
    context = {"plans": found, "may_plan": bool(mine), "plans_in": mine}
    return render(request, "fieldwork/plans.html", context)


@login_required
@require_GET
def visits(request: SignedInRequest) -> HttpResponse:
    _may_work(request)
    """Visits due in the user's area, overdue first; by grid or by worker."""
    grid, worker = request.GET.get("grid", ""), request.GET.get("worker", "")
    grids = [grid] if grid else None
    if worker:
        grids = queries.worker_grids(request.user, worker) or []
    due = queries.due_visits(request.user, grids)
    today = timezone.localdate()
    page = Paginator(due, VISITS_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "today": today,
        "overdue": sum(1 for d in due if d.overdue(today)),
        "total": len(due),
        "grid": grid,
        "worker": worker,
        "extra": "".join(
            f"{urlencode({k: v})}&" for k, v in (("grid", grid), ("worker", worker)) if v
        ),
    }
    return render(request, "fieldwork/visits.html", context)


@login_required
def visit(request: SignedInRequest, kind: str, key: str) -> HttpResponse:
    """A subject's visits; who collects there records a new one (POST)."""
    subject = queries.visit_subject(request.user, kind, key)
    form = VisitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.record_visit(subject, _new_visit(form), actor=request.user)
        except ValidationError as error:
            show_refusal(form, error, SERVICE_FIELDS)
        else:
            messages.success(request, _("Visit recorded."))
            if done.service_request is not None:
                code = done.service_request.code
                messages.success(request, _("Service request %(code)s entered.") % {"code": code})
            if done.case is not None:
                return redirect("cases:detail", number=done.case.number)
            return redirect("fieldwork:visits")
    history = list(queries.visits_of(request.user, subject)[:20])
    context = {"subject": subject, "kind": kind, "form": form, "history": history}
    return render(request, "fieldwork/visit.html", context)


# The service request's problems, next to the form's fields they are about.
SERVICE_FIELDS = {
    "matter": "service_matter",
    "mode": "service_mode",
    "phone": "service_phone",
    "service": "service_matter",
}


def _new_visit(form: VisitForm) -> services.NewVisit:
    data = form.cleaned_data
    code = data["case_subtype"]
    subtype = SubType.objects.select_related("category").get(code=code) if code else None
    return services.NewVisit(
        data["met"], data["found"], subtype, data["case_title"], service=form.service()
    )


# --- inspections (检查) -------------------------------------------------------------------------


@login_required
@require_GET
def inspections(request: SignedInRequest) -> HttpResponse:
    _may_work(request)
    found = queries.inspections_for(request.user).order_by("-started_at", "-id")
    page = Paginator(found, VISITS_PAGE).get_page(request.GET.get("page"))
    return render(request, "fieldwork/inspections.html", {"page": page, "extra": ""})


@login_required
def new_inspection(request: SignedInRequest, kind: str, key: str) -> HttpResponse:
    subject = queries.inspection_subject(request.user, kind, key)
    offered = [c for c in queries.current_checklists() if services.applies(c, subject)]
    departments = list(Department.objects.order_by("code"))
    form = InspectionForm(request.POST or None, checklists=offered, departments=departments)
    if request.method == "POST" and form.is_valid():
        chosen = next(c for c in offered if c.code == form.cleaned_data["checklist"])
        joint = [d for d in departments if d.code in form.cleaned_data["departments"]]
        try:
            found = services.start_inspection(
                subject, chosen, actor=request.user, departments=joint
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return redirect("fieldwork:inspection", pk=found.pk)
    return render(request, "fieldwork/new_inspection.html", {"subject": subject, "form": form})


@login_required
def inspection(request: SignedInRequest, pk: int) -> HttpResponse:
    """One inspection; its inspector enters the results (POST) while it is open."""
    found = queries.get_inspection(request.user, pk)
    form = ResultsForm(request.POST or None, items=found.checklist.items)
    if request.method == "POST":
        if found.inspector_id != request.user.pk:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.complete_inspection(
                    found,
                    form.results(),
                    actor=request.user,
                    notes=form.cleaned_data["notes"],
                    rectify_days=form.cleaned_data["rectify_days"],
                )
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("Inspection completed."))
                return redirect("fieldwork:inspection", pk=found.pk)
    context = {
        "inspection": found,
        "form": form
        if found.completed_at is None and found.inspector_id == request.user.pk
        else None,
        "parties": list(found.parties.select_related("department", "signed_by")),
        "hazards": list(found.hazards.select_related("case", "rechecked_by")),
        "recheck_form": RecheckForm(),
        "items": [(i, found.results.get(i["code"])) for i in found.checklist.items],
    }
    return render(request, "fieldwork/inspection.html", context)


@login_required
@require_POST
def sign_inspection(request: SignedInRequest, pk: int, department: str) -> HttpResponse:
    found = queries.get_inspection(request.user, pk)
    party = queries.get_party(request.user, found, department)
    try:
        services.sign_off(party, actor=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("Signed off."))
    return redirect("fieldwork:inspection", pk=found.pk)


@login_required
@require_POST
def recheck(request: SignedInRequest, pk: int) -> HttpResponse:
    hazard = queries.get_hazard(request.user, pk)
    form = RecheckForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        services.recheck(hazard, data["passed"], actor=request.user, note=data["note"])
        messages.success(request, _("Re-check recorded."))
    else:
        messages.error(request, _("Say whether the re-check passed."))
    return redirect("fieldwork:inspection", pk=hazard.inspection_id)
