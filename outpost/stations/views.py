"""The outpost stations' pages, phone first: the stations a user sees, one station's day (who is
on duty, open or not, the window log, instructions to report back on, open cases, visits due),
its window log, and the manager's pages for staff, opening hours and the rota."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from outpost.accounts.signed_in import SignedInRequest
from outpost.cases.models import SubType
from outpost.core.forms import show_refusal
from outpost.geo.models import OutpostStation
from outpost.stations import queries, services
from outpost.stations.forms import WEEKDAYS, DutyForm, HoursForm, StaffForm, WindowForm
from outpost.stations.models import DutyShift, StationStaff

ROTA_DAYS = 14
LOG_LIMIT = 50


@login_required
@require_GET
def station_list(request: SignedInRequest) -> HttpResponse:
    if not queries.sees_stations(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    found = queries.stations_for(request.user).annotate(
        staff_count=Count("staff", filter=Q(staff__active=True), distinct=True),
        on_duty=Count("duties", filter=Q(duties__day=today), distinct=True),
    )
    stations = list(found.prefetch_related("opening_spans").order_by("community__code"))
    now = timezone.now()
    rows = [(s, queries.open_state(list(s.opening_spans.all()), now)) for s in stations]
    return render(request, "stations/list.html", {"rows": rows})


@login_required
@require_GET
def today(request: SignedInRequest, pk: int) -> HttpResponse:
    user = request.user
    station = queries.get_station(user, pk)
    day, now = timezone.localdate(), timezone.now()
    staff = list(queries.staff_of(station))
    mine = next((s for s in staff if s.user_id == user.pk), None)
    context = {
        "station": station,
        "today": day,
        "open": queries.open_state(queries.spans_of(station), now),
        "duties": queries.duties_on(station, day),
        "entries": list(queries.window_log(station, day)[:LOG_LIMIT]),
        "instructions": queries.waiting_instructions(user, station),
        "cases": queries.open_cases(user, station),
        "visits": queries.visits_due_today(user, station),
        "form": WindowForm(user=user, staff=staff) if mine else None,
        "manages": queries.manages(user, station),
    }
    return render(request, "stations/today.html", context)


@login_required
def window(request: SignedInRequest, pk: int) -> HttpResponse:
    """The window log (GET); a new entry by the station's staff (POST)."""
    user = request.user
    station = queries.get_station(user, pk, "serve" if request.method == "POST" else "view")
    staff = list(queries.staff_of(station))
    form = None
    if queries.staff_member(user, station) is not None:
        form = WindowForm(request.POST or None, user=user, staff=staff)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.record_window_visit(station, _entry(form, staff), actor=user)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Visit logged."))
            return redirect("stations:today", pk=station.pk)
    entries = list(queries.window_log(station)[:LOG_LIMIT])
    context = {"station": station, "entries": entries, "form": form}
    return render(request, "stations/window.html", context)


def _entry(form: WindowForm, staff: list[StationStaff]) -> services.NewWindowEntry:
    data = form.cleaned_data
    handler = next((s.user for s in staff if str(s.pk) == data["handled_by"]), None)
    subtype = None
    if data["case_subtype"]:
        subtype = (
            SubType.objects.select_related("category")
            .filter(code=data["case_subtype"], active=True)
            .first()
        )
    return services.NewWindowEntry(
        visitor_name=data["visitor_name"],
        kind=data["kind"],
        matter=data["matter"],
        handling=data["handling"],
        visitor_phone=data["visitor_phone"],
        note=data["note"],
        handled_by=handler,
        case_subtype=subtype,
        case_address=data["case_address"],
    )


def _managed(request: SignedInRequest, pk: int) -> OutpostStation:
    """GET: whoever sees the station; POST: its manager (403 for the other readers)."""
    return queries.get_station(request.user, pk, "manage" if request.method == "POST" else "view")


@login_required
def staff(request: SignedInRequest, pk: int) -> HttpResponse:
    station = _managed(request, pk)
    form = StaffForm(request.POST if request.POST.get("action") == "assign" else None)
    if request.method == "POST":
        done = _staff_post(request, station, form)
        if done:
            return redirect("stations:staff", pk=station.pk)
    context = {
        "station": station,
        "staff": list(queries.staff_of(station)),
        "suggested": services.default_staff(station),
        "form": form,
        "manages": queries.manages(request.user, station),
    }
    return render(request, "stations/staff.html", context)


def _staff_post(request: SignedInRequest, station: OutpostStation, form: StaffForm) -> bool:
    action, actor = request.POST.get("action"), request.user
    try:
        if action == "fill":
            added = services.fill_staff_from_roles(station, actor=actor)
            messages.success(request, _("%(n)s added from their roles.") % {"n": added})
            return True
        if action == "remove":
            member = StationStaff.objects.filter(
                station=station, pk=request.POST.get("staff") or 0, active=True
            ).first()
            if member is None:
                messages.error(request, _("No such staff member."))
                return True
            services.remove_staff(member, actor=actor)
            messages.success(request, _("Taken off the staff."))
            return True
        if action == "assign" and form.is_valid():
            data = form.cleaned_data
            services.assign_staff(station, data["username"], data["post"], actor=actor)
            messages.success(request, _("Staff saved."))
            return True
    except ValidationError as error:
        show_refusal(form, error, {"user": "username"})
    return False


@login_required
def hours(request: SignedInRequest, pk: int) -> HttpResponse:
    station = _managed(request, pk)
    spans = queries.spans_of(station)
    form = HoursForm(request.POST or None, initial_spans=spans)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_opening_hours(station, form.spans(), actor=request.user)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Opening hours saved."))
            return redirect("stations:hours", pk=station.pk)
    by_day = [(label, [s for s in spans if s.weekday == d]) for d, label in enumerate(WEEKDAYS)]
    context = {
        "station": station,
        "form": form,
        "by_day": by_day,
        "manages": queries.manages(request.user, station),
    }
    return render(request, "stations/hours.html", context)


@login_required
def rota(request: SignedInRequest, pk: int) -> HttpResponse:
    station = _managed(request, pk)
    staff_rows = list(queries.staff_of(station))
    booking = request.POST.get("action") != "cancel"
    form = DutyForm(
        request.POST if request.method == "POST" and booking else None,
        staff=staff_rows,
        initial={"day": timezone.localdate()},
    )
    if request.method == "POST" and _rota_post(request, station, form, staff_rows):
        return redirect("stations:rota", pk=station.pk)
    first = timezone.localdate()
    duties = list(queries.rota(station, first, ROTA_DAYS))
    days = [first + dt.timedelta(days=n) for n in range(ROTA_DAYS)]
    context = {
        "station": station,
        "form": form,
        "days": [(d, [x for x in duties if x.day == d]) for d in days],
        "manages": queries.manages(request.user, station),
    }
    return render(request, "stations/rota.html", context)


def _rota_post(
    request: SignedInRequest, station: OutpostStation, form: DutyForm, staff: list[StationStaff]
) -> bool:
    if request.POST.get("action") == "cancel":
        duty = DutyShift.objects.filter(station=station, pk=request.POST.get("duty") or 0).first()
        if duty is None:
            messages.error(request, _("No such duty."))
        else:
            services.cancel_duty(duty, actor=request.user)
            messages.success(request, _("Duty cancelled."))
        return True
    if not form.is_valid():
        return False
    data = form.cleaned_data
    member = next(s for s in staff if str(s.pk) == data["staff"])
    try:
        services.book_duty(station, member, data["day"], data["shift"], actor=request.user)
    except ValidationError as error:
        show_refusal(form, error)
        return False
    messages.success(request, _("Duty booked."))
    return True
