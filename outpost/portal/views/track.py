"""Following a case on the portal by its ticket, and the reporter's rating."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from outpost.cases.forms import RatingForm, TrackingForm
from outpost.cases.views.public import OUTCOME_STATES, rate_limited
from outpost.cases.workflow import State
from outpost.portal import services
from outpost.portal.models import Ticket, TicketRole


def lookup(request: HttpRequest) -> HttpResponse:
    form = TrackingForm(request.GET or None)
    if form.is_valid():
        return redirect("portal:track", token=form.cleaned_data["code"])
    return render(request, "portal/lookup.html", {"form": form})


def _ticket(token: str) -> Ticket:
    if not token.isascii() or not token.isalnum():  # codes are letters and digits only
        raise Http404
    found = (
        Ticket.objects.select_related("case__subtype__category")
        .filter(token=token.strip().upper()[:12])
        .first()
    )
    if found is None:
        raise Http404
    return found


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/not_found.html", status=404)


@rate_limited
def track(request: HttpRequest, token: str) -> HttpResponse:
    try:
        ticket = _ticket(token)
    except Http404:
        return _not_found(request)
    return _render(request, ticket, None)


@rate_limited
@require_POST
def rate(request: HttpRequest, token: str) -> HttpResponse:
    try:
        ticket = _ticket(token)
    except Http404:
        return _not_found(request)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _render(request, ticket, form)
    data = form.cleaned_data
    try:
        services.do_rate(ticket, data["rating"], data["comment"], data["version"])
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("Thank you. Your rating has been recorded."))
    return redirect("portal:track", token=ticket.token)


def _render(request: HttpRequest, ticket: Ticket, form: RatingForm | None) -> HttpResponse:
    """Steps and outcomes only: no names, comments, phone numbers or places of anyone."""
    case = ticket.case
    reporter = ticket.role == TicketRole.REPORTER
    context = {
        "ticket": ticket,
        "case": case,
        "new": request.GET.get("new") == "1",
        "units": [a.unit_name for a in case.assignments.filter(active=True)],
        # The result is written by staff for the one who reported: a follower sees the state.
        "outcome": reporter and case.state in OUTCOME_STATES,
        "steps": case.timeline.values("at", "action", "to_state"),
        "form": form or RatingForm(initial={"version": case.version}),
        "can_rate": reporter and case.state == State.COMPLETED,
        "reporter": reporter,
    }
    return render(request, "portal/track.html", context)
