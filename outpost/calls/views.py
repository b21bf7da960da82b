"""The diversion desk (/calls/): upload 110 calls, see each decision and download the outcome
file; the calls of one's area, newest first; one call."""

import base64

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from outpost.accounts.signed_in import SignedInRequest
from outpost.calls import queries
from outpost.calls.forms import DivertForm
from outpost.calls.intake import read_calls
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
    form = DivertForm(request.POST or None, request.FILES or None)
    outcomes = _divert(request, form) if request.method == "POST" and form.is_valid() else None
    calls = Paginator(queries.recent_calls(request.user), PAGE).get_page(request.GET.get("page"))
    names = queries.subtype_names()
    context = {
        "form": form,
        "outcomes": outcomes,
        "summary": summarise(outcomes) if outcomes else None,
        "download": _data_url(outcomes) if outcomes else "",
        "page": calls,
        "rows": [(call, names.get(call.subtype, "")) for call in calls],
        "outcome_rows": _with_grid_names(outcomes or []),
    }
    return render(request, "calls/desk.html", context)


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
    name = queries.subtype_names().get(call.subtype, "")
    return render(request, "calls/detail.html", {"call": call, "subtype_name": name})
