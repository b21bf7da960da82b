"""The diversion desk (/calls/): upload 110 calls, see each decision and download the outcome
file; the calls of one's area, newest first, and the model in use; one call, with the model's
suggestion, its confidence and why, and the operator's correction or confirmation."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from outpost.accounts.signed_in import SignedInRequest
from outpost.calls import queries
from outpost.calls.corrections import do_confirm, do_confirm_many, do_correct
from outpost.calls.forms import CorrectionForm, DivertForm
from outpost.calls.intake import read_calls
from outpost.calls.learning import model_in_use, recent_models
from outpost.calls.models import Call
from outpost.calls.outcomes import Outcome, summarise, write_outcomes
from outpost.calls.services import divert_calls
from outpost.geo.models import Grid
from outpost.registry.tabular import TableError

PAGE = 50
MAX_UPLOAD = 5 * 1024 * 1024


@login_required
def desk(request: SignedInRequest) -> HttpResponse:
    if not queries.may_divert(request.user):
        raise PermissionDenied
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm_selected(request)
    form = DivertForm(request.POST or None, request.FILES or None)
    outcomes = _divert(request, form) if request.method == "POST" and form.is_valid() else None
    show = request.GET.get("show", "")
    show = show if show in queries.FILTERS else ""
    recent = queries.recent_calls(request.user)
    calls = Paginator(queries.narrowed(recent, show), PAGE).get_page(request.GET.get("page"))
    names = queries.subtype_names()
    counts = queries.filter_counts(recent)
    context = {
        "form": form,
        "outcomes": outcomes,
        "summary": summarise(outcomes) if outcomes else None,
        "download": _data_url(outcomes) if outcomes else "",
        "page": calls,
        "rows": [(call, names.get(call.subtype, "")) for call in calls],
        "outcome_rows": _with_grid_names(outcomes or []),
        "model": model_in_use(),
        "history": recent_models(),
        "show": show,
        "filters": [(key, label, counts[key]) for key, label in queries.FILTERS.items()],
        "extra": f"show={show}&" if show else "",
    }
    return render(request, "calls/desk.html", context)


def _confirm_selected(request: SignedInRequest) -> HttpResponse:
    """The calls ticked on the desk's list confirmed as they stand; back to the same page."""
    chosen = request.POST.getlist("call")[:PAGE]
    confirmed = do_confirm_many(chosen, actor=request.user)
    skipped = len(set(chosen)) - confirmed
    said = _("%(n)s confirmed; %(skipped)s passed over (already decided, or not yours to decide).")
    messages.success(request, said % {"n": confirmed, "skipped": skipped})
    return redirect(request.get_full_path())


def _with_grid_names(outcomes: list[Outcome]) -> list[tuple[Outcome, str]]:
    """Each outcome with its grid's name, read in one query for the whole file."""
    codes = {o.grid_code for o in outcomes if o.grid_code}
    names = dict(Grid.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    return [(o, names.get(o.grid_code or "", "")) for o in outcomes]


def _divert(request: SignedInRequest, form: DivertForm) -> list[Outcome] | None:
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD:
        form.add_error("file", _("The file is larger than 5 MB."))
        return None
    try:
        rows = read_calls(upload.read(), upload.name)
    except TableError as error:
        form.add_error("file", str(error))
        return None
    return divert_calls(rows, actor=request.user)


def _data_url(outcomes: list[Outcome]) -> str:
    """The outcome file as a link the browser saves: what this user was just shown, so nothing
    is kept on the server for it."""
    body = base64.b64encode(write_outcomes(outcomes).encode("utf-8")).decode("ascii")
    return f"data:text/csv;charset=utf-8;base64,{body}"


@login_required
def detail(request: SignedInRequest, call_id: str) -> HttpResponse:
    call = queries.get_call(request.user, call_id)
    form = CorrectionForm(choices=queries.correction_choices())
    return _detail(request, call, form)


@login_required
@require_POST
def correct(request: SignedInRequest, call_id: str) -> HttpResponse:
    """The operator's correction: back to the call, saying what became of it."""
    call = queries.get_call(request.user, call_id)
    form = CorrectionForm(request.POST, choices=queries.correction_choices())
    if not form.is_valid():
        return _detail(request, call, form)
    try:
        do_correct(call.call_id, form.cleaned_data["to"], actor=request.user)
    except ValidationError as error:
        form.add_error("to", error)
        return _detail(request, call, form)
    messages.success(request, _("Corrected; the next model learns from it."))
    return redirect("calls:detail", call_id=call.call_id)


@login_required
@require_POST
def confirm(request: SignedInRequest, call_id: str) -> HttpResponse:
    """The operator confirms the decision as it stands: back to the call."""
    call = queries.get_call(request.user, call_id)
    try:
        do_confirm(call.call_id, actor=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("Confirmed; the next model learns from it."))
    return redirect("calls:detail", call_id=call.call_id)


def _detail(request: SignedInRequest, call: Call, form: CorrectionForm) -> HttpResponse:
    names = queries.subtype_names()
    context = {
        "call": call,
        "subtype_name": names.get(call.subtype, ""),
        "suggested_name": names.get(call.suggested, ""),
        "why": queries.why_shown(call.why),
        "form": form,
        "corrections": queries.corrections_of(call),
        "names": names,
    }
    return render(request, "calls/detail.html", context)
