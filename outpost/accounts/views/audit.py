"""Auditors' pages: the access log of their area (filters, pages, xlsx) and the emergency
openings (break-the-glass) to review. For holders of the `audit` action: auditors and
administrators."""

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from outpost.accounts import queries, services
from outpost.accounts.forms import AccessLogFilter, ReviewForm
from outpost.accounts.scope import scope_for
from outpost.accounts.signed_in import SignedInRequest
from outpost.core.access import ACTIONS, OBJECT_TYPES, log_access, worded_purpose
from outpost.core.masking import shorten_id_masks
from outpost.core.models import AccessLogEntry
from outpost.core.xlsx import write_xlsx

PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["编号", "时间", "用户", "操作", "对象类型", "对象", "目的", "客户端地址", "请求编号"]


def _auditor(request: SignedInRequest) -> None:
    if scope_for(request.user, "audit").empty:
        raise PermissionDenied


def _filtered(request: SignedInRequest) -> tuple[AccessLogFilter, QuerySet[AccessLogEntry]]:
    form = AccessLogFilter(request.GET or None)
    rows = queries.access_log_for(request.user)
    if not form.is_valid():
        return form, rows if not form.is_bound else rows.none()
    data = form.cleaned_data
    if data["user"]:
        rows = rows.filter(actor_name=data["user"].strip())
    if data["person"]:
        rows = rows.filter(object_type="person", object_key=data["person"].strip())
    if data["action"]:
        rows = rows.filter(action=data["action"])
    if data["since"]:
        rows = rows.filter(at__gte=_day_start(data["since"]))
    if data["until"]:
        rows = rows.filter(at__lt=_day_start(data["until"] + dt.timedelta(days=1)))
    return form, rows


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@login_required
def access_log(request: SignedInRequest) -> HttpResponse:
    _auditor(request)
    form, rows = _filtered(request)
    kept = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "accounts/access_log.html",
        {
            "form": form,
            "page": Paginator(rows, PAGE).get_page(request.GET.get("page")),
            "actions": ACTIONS,
            "extra": urlencode(kept) + "&" if kept else "",
            "query": urlencode(kept),
        },
    )


@login_required
def access_log_export(request: SignedInRequest) -> HttpResponse:
    """The filtered rows as xlsx; the export is itself a row of the log."""
    _auditor(request)
    _, rows = _filtered(request)
    filters = " ".join(f"{k}={v}" for k, v in request.GET.items() if v)
    log_access(actor=request.user, action="export", object_type="access_log", object_key=filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    body = write_xlsx(HEADERS, _cells(rows), title="访问日志")
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.xlsx"'
    return response


def _cells(rows: QuerySet[AccessLogEntry]) -> Iterator[list[Any]]:
    for e in rows.iterator(chunk_size=2000):
        yield [
            e.pk,
            timezone.localtime(e.at),
            e.actor_name,
            str(ACTIONS.get(e.action, e.action)),
            str(OBJECT_TYPES.get(e.object_type, e.object_type)),
            shorten_id_masks(e.object_key),  # older rows keep a longer ID mask
            worded_purpose(e.purpose),
            e.client_ip or "",
            e.request_id,
        ]


@login_required
def break_glass_list(request: SignedInRequest) -> HttpResponse:
    _auditor(request)
    grants = queries.break_glass_for(request.user)
    pending = request.GET.get("show") != "all"
    if pending:
        grants = grants.filter(reviewed_at__isnull=True)
    return render(
        request,
        "accounts/break_glass.html",
        {
            "page": Paginator(grants, PAGE).get_page(request.GET.get("page")),
            "pending": pending,
            "extra": "" if pending else "show=all&",
            "now": timezone.now(),
            "review_form": ReviewForm(),
        },
    )


@login_required
@require_POST
def break_glass_review(request: SignedInRequest, grant_id: int) -> HttpResponse:
    _auditor(request)
    grant = get_object_or_404(queries.break_glass_for(request.user), pk=grant_id)
    form = ReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    services.review_break_glass(grant, actor=request.user, note=note)
    return redirect("audit:break_glass")
