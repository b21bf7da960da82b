"""The warning pages under /warnings/: the list (scoped, filtered), one warning with its
evidence and the sign-off and close forms, and the 提醒单 (a unit's open warnings, printable)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from outpost.accounts.signed_in import SignedInRequest
from outpost.warnings import queries, services
from outpost.warnings.models import EarlyWarning, WarningState
from outpost.warnings.rules import CIVIL, RULES_LIST, UNIT_KINDS

PER_PAGE = 50
CONFLICT = _("Someone else changed this warning first; here it is as it stands now.")


def _rows(warnings: list[EarlyWarning]) -> list[dict[str, Any]]:
    names = queries.unit_names(warnings)
    return [
        {
            "warning": w,
            "rule": queries.rule_name(w),
            "summary": queries.summary(w),
            "unit": names.get((w.unit_kind, w.unit_code), w.unit_code),
        }
        for w in warnings
    ]


@login_required
@require_GET
def warning_list(request: SignedInRequest) -> HttpResponse:
    rows = queries.filtered(queries.warnings_for(request.user), request.GET)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "warnings/list.html",
        {
            "page": page,
            "rows": _rows(list(page.object_list)),
            "rules": RULES_LIST,
            "states": WarningState.choices,
            "unit_kinds": UNIT_KINDS.items(),
            "chosen": request.GET,
            "query": _without_page(request),
        },
    )


def _without_page(request: SignedInRequest) -> str:
    """The list's filters as a query string, for the pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_GET
def detail(request: SignedInRequest, pk: int) -> HttpResponse:
    warning = queries.get_warning(request.user, pk)
    return _render_detail(request, warning, "")


def _render_detail(
    request: SignedInRequest, warning: EarlyWarning, note: str, status: int = 200
) -> HttpResponse:
    context = {
        **_rows([warning])[0],
        "evidence": queries.evidence_of(warning, request.user),
        "may_act": queries.may_act(request.user, warning),
        "note": note,
    }
    return render(request, "warnings/detail.html", context, status=status)


@login_required
@require_POST
def sign_off(request: SignedInRequest, pk: int) -> HttpResponse:
    warning = queries.get_warning(request.user, pk, acting=True)
    try:
        services.do_sign_off(warning, actor=request.user, version=_version(request))
    except services.WarningConflict:
        messages.error(request, CONFLICT)
    return redirect("warnings:detail", pk=warning.pk)


@login_required
@require_POST
def close(request: SignedInRequest, pk: int) -> HttpResponse:
    warning = queries.get_warning(request.user, pk, acting=True)
    note = request.POST.get("note", "")
    try:
        services.do_close(warning, actor=request.user, version=_version(request), note=note)
    except services.WarningConflict:
        messages.error(request, CONFLICT)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _render_detail(request, warning, note, status=200)
    return redirect("warnings:detail", pk=warning.pk)


def _version(request: SignedInRequest) -> int:
    text = request.POST.get("version", "")
    return int(text) if text.isdigit() else -1


def _in_view(request: SignedInRequest, kind: str, code: str) -> bool:
    """The unit lies in the viewer's area (outside it, and with none of its warnings seen
    through the overlay, is 404 like any record)."""
    scope = queries.seen_scope(request.user)
    return scope.contains(code, None) if kind in CIVIL else scope.contains("", code)


@login_required
@require_GET
def reminder(request: SignedInRequest, kind: str, code: str) -> HttpResponse:
    """提醒单: a unit's open warnings with their evidence and a line to sign, for printing."""
    if kind not in UNIT_KINDS:
        raise Http404
    rows = queries.warnings_for(request.user).filter(unit_kind=kind, unit_code=code)
    if not (_in_view(request, kind, code) or rows.exists()):
        raise Http404
    open_rows = list(rows.exclude(state=WarningState.CLOSED).order_by("created_at", "id"))
    names = queries.unit_names(open_rows)
    evidence = queries.evidence_for(open_rows, request.user)
    items = [{**row, "evidence": evidence[row["warning"].pk]} for row in _rows(open_rows)]
    context = {
        "items": items,
        "unit_kind": UNIT_KINDS[kind],
        "unit_name": names.get((kind, code), code),
        "printed_at": timezone.localtime(),
    }
    return render(request, "warnings/reminder.html", context)
