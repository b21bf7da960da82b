"""The public status page (no sign-in): a resident follows a case by its tracking code and rates
the result. It shows steps and outcomes only: no names, comments, phone numbers or places."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from outpost.cases import queries, services
from outpost.cases.actors import RESIDENT
from outpost.cases.forms import RatingForm, TrackingForm
from outpost.cases.models import Case
from outpost.cases.workflow import State
from outpost.core.context import client_address
from outpost.core.ratelimit import hit

OUTCOME_STATES = (State.COMPLETED, State.RATED, State.CLOSED)
View = Callable[..., HttpResponse]


def rate_limited(view: View) -> View:
    """At most OUTPOST_STATUS_LOOKUPS_PER_MINUTE lookups per window from one address (429
    after), so tracking codes cannot be guessed by trying many."""

    @wraps(view)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = f"status:{client_address(request)}"
        limit = settings.OUTPOST_STATUS_LOOKUPS_PER_MINUTE
        wait = hit(key, limit=limit, seconds=settings.OUTPOST_STATUS_LOOKUP_WINDOW)
        if wait:
            response = render(request, "cases/public/too_many.html", status=429)
            response["Retry-After"] = str(wait)
            return response
        return view(request, *args, **kwargs)

    return limited


def resident_not_found(view: View) -> View:
    """An unknown tracking code answers 404 with a page that sends the resident back to the
    lookup (the site's 404 page points staff at the start page, which asks them to sign in)."""

    @wraps(view)
    def answered(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return render(request, "cases/public/not_found.html", status=404)

    return answered


def lookup(request: HttpRequest) -> HttpResponse:
    form = TrackingForm(request.GET or None)
    if form.is_valid():
        return redirect("status:case", code=form.cleaned_data["code"])
    return render(request, "cases/public/lookup.html", {"form": form})


@rate_limited
@resident_not_found
def status(request: HttpRequest, code: str) -> HttpResponse:
    return _render(request, queries.by_tracking_code(code))


@rate_limited
@resident_not_found
@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    case = queries.by_tracking_code(code)
    form = RatingForm(request.POST)
    if case.state != State.COMPLETED or form.data.get("version") != str(case.version):
        messages.error(request, _("This case has changed meanwhile; here is where it stands now."))
        return redirect("status:case", code=case.tracking_code)
    if not form.is_valid():
        return _render(request, case, form)
    try:
        _rate(case, form.cleaned_data["rating"], form.cleaned_data["comment"])
    except services.CaseConflict:
        messages.error(request, _("This case has changed meanwhile; here is where it stands now."))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("Thank you. Your rating has been recorded."))
    return redirect("status:case", code=case.tracking_code)


def _rate(case: Case, rating: str, comment: str) -> None:
    """The resident's rating; when unsatisfied the workflow sends the case back to its handlers
    (a follow-up of `rate`, in the same transaction)."""
    services.act(case, "rate", actor=RESIDENT, payload={"rating": rating}, comment=comment)


def _render(request: HttpRequest, case: Case, form: RatingForm | None = None) -> HttpResponse:
    context = {
        "case": case,
        "units": [a.unit_name for a in case.assignments.filter(active=True)],
        "outcome": case.state in OUTCOME_STATES,
        "steps": case.timeline.values("at", "action", "to_state"),
        "form": form or RatingForm(initial={"version": case.version}),
        "can_rate": case.state == State.COMPLETED,
    }
    return render(request, "cases/public/status.html", context)
