"""警网双考 pages: the schemes, a scheme (its indicators, weights and targets; its periods), a
period's ranking per unit kind with the change from the previous period, a unit's figures, the
appeal form and an appeal with its decision; computing, approving and the xlsx. Thin: reads in
`results`, writes in `services`."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from outpost.accounts.signed_in import SignedInRequest
from outpost.assessment import export, periods, results, services, units
from outpost.assessment.catalogue import INDICATORS
from outpost.assessment.models import AppealFile, AppealState
from outpost.core.access import log_access
from outpost.core.files import CleanFile, clean_upload, file_response, read_upload

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AppealForm(forms.Form):
    evidence = forms.CharField(
        label=_("Appeal evidence"), max_length=services.EVIDENCE_MAX, widget=forms.Textarea
    )
    attachment = forms.FileField(
        label=_("Photo or PDF"), required=False, help_text=_("Optional: one photo or PDF.")
    )

    def clean_attachment(self) -> CleanFile | None:
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        return clean_upload(*read_upload(upload))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision on the appeal"),
        choices=[(AppealState.UPHELD, _("Upheld")), (AppealState.REJECTED, _("Not upheld"))],
        widget=forms.RadioSelect,
    )
    corrected_value = forms.FloatField(
        label=_("Corrected value"),
        required=False,
        help_text=_("A rate as a percentage (e.g. 92.5), a duration in hours."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=services.REASON_MAX, widget=forms.Textarea
    )


def _refused(request: SignedInRequest, error: ValidationError) -> None:
    messages.error(request, "；".join(error.messages))


@login_required
@require_GET
def scheme_list(request: SignedInRequest) -> HttpResponse:
    found = results.schemes_for(request.user).prefetch_related("periods")
    return render(request, "assessment/schemes.html", {"schemes": found})


@login_required
@require_GET
def scheme_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    scheme = results.scheme_for(request.user, pk)
    items = [(i, INDICATORS[i.indicator], units.KINDS[i.unit_kind]) for i in scheme.items.all()]
    context = {
        "scheme": scheme,
        "items": items,
        "periods": results.periods_of(scheme),
        "may_approve": results.may_approve(request.user, scheme),
        "choices": periods.choices(),
    }
    return render(request, "assessment/scheme.html", context)


@login_required
@require_POST
def compute(request: SignedInRequest, pk: int) -> HttpResponseRedirect:
    scheme = results.scheme_for(request.user, pk)
    results.require_approver(request.user, scheme)
    try:
        period = services.do_compute(scheme, request.POST.get("period", ""), actor=request.user)
    except periods.BadPeriod:
        messages.error(request, _("A month 2026-11, a quarter 2026-Q4 or a year 2026."))
    except ValidationError as error:
        _refused(request, error)
    else:
        return redirect("assessment:period", period.pk)
    return redirect("assessment:scheme", scheme.pk)


@login_required
@require_GET
def period_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    period = results.period_for(request.user, pk)
    found = list(results.results_for(request.user, period))
    kinds = [(k, label, [r for r in found if r.unit_kind == k]) for k, label in units.KINDS.items()]
    context = {
        "period": period,
        "title": export.title(period),
        "kinds": [k for k in kinds if k[2]],
        "appeals": list(results.appeals_of(request.user, period)),
        "may_approve": results.may_approve(request.user, period.scheme),
        "may_export": results.may_export(request.user),
    }
    return render(request, "assessment/period.html", context)


@login_required
@require_POST
def approve(request: SignedInRequest, pk: int) -> HttpResponseRedirect:
    period = results.period_for(request.user, pk)
    results.require_approver(request.user, period.scheme)
    try:
        services.do_approve(period, actor=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Approved: the period is locked."))
    return redirect("assessment:period", period.pk)


@login_required
@require_GET
def period_export(request: SignedInRequest, pk: int) -> HttpResponse:
    period = results.period_for(request.user, pk)
    if not results.may_export(request.user):
        raise PermissionDenied
    found = list(results.results_for(request.user, period))
    body = export.workbook(period, found)
    log_access(
        actor=request.user,
        action="export",
        object_type="assessment",
        object_key=f"{period.scheme_id}:{period.key}",
        purpose=f"rows={len(found)}",
    )
    response = HttpResponse(body, content_type=XLSX)
    name = f"assessment-{period.scheme_id}-{period.key}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def result_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    result = results.result_for(request.user, pk)
    figures = [(s, INDICATORS[s.indicator]) for s in result.scores.all()]
    context = {"result": result, "figures": figures, "change": result.change_shown}
    return render(request, "assessment/result.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def appeal_form(request: SignedInRequest, pk: int) -> HttpResponse:
    score = results.score_to_appeal(request.user, pk)
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = services.do_file_appeal(
                score,
                form.cleaned_data["evidence"],
                actor=request.user,
                upload=form.cleaned_data["attachment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("assessment:appeal", appeal.pk)
    context = {"score": score, "indicator": INDICATORS[score.indicator], "form": form}
    return render(request, "assessment/appeal_form.html", context)


@login_required
@require_GET
def appeal_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    appeal = results.appeal_for(request.user, pk)
    period = appeal.score.result.period
    may_decide = results.may_approve(request.user, period.scheme)
    context: dict[str, Any] = {
        "appeal": appeal,
        "indicator": INDICATORS[appeal.score.indicator],
        "form": DecisionForm() if may_decide else None,
        "file": AppealFile.objects.filter(appeal=appeal).first(),
    }
    return render(request, "assessment/appeal.html", context)


@login_required
@require_GET
def appeal_file(request: SignedInRequest, pk: int) -> FileResponse:
    appeal = results.appeal_for(request.user, pk)
    stored = AppealFile.objects.filter(appeal=appeal).first()
    if stored is None:
        raise Http404
    return file_response(stored)


@login_required
@require_POST
def decide(request: SignedInRequest, pk: int) -> HttpResponse:
    appeal = results.appeal_for(request.user, pk)
    results.require_approver(request.user, appeal.score.result.period.scheme)
    form = DecisionForm(request.POST)
    if form.is_valid():
        upheld = form.cleaned_data["decision"] == AppealState.UPHELD
        corrected = _stored(form.cleaned_data["corrected_value"], appeal.score.rate)
        try:
            services.do_decide_appeal(
                appeal, upheld=upheld, reason=form.cleaned_data["reason"],
                corrected=corrected, actor=request.user,
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("assessment:appeal", appeal.pk)
    context = {
        "appeal": appeal,
        "indicator": INDICATORS[appeal.score.indicator],
        "form": form,
        "file": AppealFile.objects.filter(appeal=appeal).first(),
    }
    return render(request, "assessment/appeal.html", context)


def _stored(shown: float | None, rate: bool) -> float | None:
    """A rate is typed as a percentage and stored as a share."""
    if shown is None:
        return None
    return shown / 100 if rate else shown
