"""Imports: the upload page, the job's progress page and its xlsx report (the job itself runs
in `registry.jobs`)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from outpost.accounts.signed_in import SignedInRequest
from outpost.core.i18n import worded
from outpost.core.xlsx import write_xlsx
from outpost.registry.forms import ImportForm
from outpost.registry.imports.base import IMPORT_ACTION
from outpost.registry.jobs import MAX_UPLOAD, may_import, start_import
from outpost.registry.models import ImportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def import_page(request: SignedInRequest) -> HttpResponse:
    if not any(may_import(request.user, kind) for kind in IMPORT_ACTION):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            form.add_error("file", gettext("The file is over 20 MB"))
        else:
            job = start_import(
                user=request.user,
                kind=form.cleaned_data["kind"],
                filename=upload.name,
                data=upload.read(),
                dry_run=form.cleaned_data["dry_run"],
            )
            return redirect("registry:import_job", job_id=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user).defer("data", "outcomes")[:20]
    return render(request, "registry/imports.html", {"form": form, "jobs": jobs})


def _job(request: HttpRequest, job_id: int) -> ImportJob:
    # A job belongs to whoever uploaded it; anyone else gets 404.
    return get_object_or_404(ImportJob.objects.defer("data"), pk=job_id, created_by=request.user)


@login_required
def import_job_page(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"status": job.status, "percent": job.percent, "counts": job.counts})
    rejected = [_worded(o) for o in job.outcomes if o[1] == "rejected"][:200]
    return render(request, "registry/import_job.html", {"job": job, "rejected": rejected})


@login_required
def import_report(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    rows = [_worded(o) for o in job.outcomes]
    body = write_xlsx(["行号", "结果", "字段", "原因"], rows, title="导入报告")
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.xlsx"'
    return response


def _worded(outcome: list[Any]) -> list[Any]:
    """A stored row outcome with its reason worded in the reader's language (stored as a code;
    rows of older jobs hold their words)."""
    row, result, field, reason = outcome
    return [row, result, field, str(worded(reason))]
