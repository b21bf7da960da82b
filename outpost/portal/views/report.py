"""Report a problem: where and what (step one), duplicates, phone and details (step two)."""

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from outpost.cases.models import SubType
from outpost.core.context import client_address
from outpost.core.forms import show_refusal
from outpost.portal import limits, otp, places, services
from outpost.portal.forms import CodeForm, DetailsForm, PhoneForm, PlaceForm
from outpost.portal.session import (
    pending_phone,
    remember_pending,
    remember_verified,
    verified_phone,
)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def report(request: HttpRequest) -> HttpResponse:
    """Step one: a type and a place. A search lists door plates; a pin or a plate goes on."""
    form = PlaceForm(request.GET or None)
    found: list[places.PublicPlace] = []
    if form.is_valid():
        data = form.cleaned_data
        if (data["lon"] is not None and data["lat"] is not None) or data["address"]:
            return redirect(_details_url(data["subtype"], data))
        found = _search(form, data["q"], request)
    return render(request, "portal/report.html", {"form": form, "found": found})


def _search(form: Any, query: str, request: HttpRequest) -> list[places.PublicPlace]:
    if not query:
        form.add_error(None, services.NO_PLACE)
        return []
    try:
        limits.count_search(client_address(request))
    except ValidationError as error:
        form.add_error(None, error)
        return []
    found = places.search_addresses(query)
    if not found:
        form.add_error("q", services.NOT_FOUND)
    return found


def _details_url(subtype: str, where: dict[str, Any]) -> str:
    query = {"subtype": subtype}
    if where.get("address"):
        query["address"] = where["address"]
    else:
        query |= {"lon": f"{where['lon']:.6f}", "lat": f"{where['lat']:.6f}"}
    return reverse("portal:details") + "?" + urlencode(query)


def _place(request: HttpRequest) -> tuple[SubType, float, float, str]:
    """The type and place step one chose (ValidationError when they do not hold)."""
    form = PlaceForm(request.GET)
    if not form.is_valid():
        raise ValidationError(services.NO_SUCH_TYPE)
    data = form.cleaned_data
    subtype = services.public_subtype(data["subtype"])
    lon, lat = services.pin(data["lon"], data["lat"], data["address"] or "")
    return subtype, lon, lat, data["address"] or ""


def details(request: HttpRequest) -> HttpResponse:
    """Step two: nearby open cases of the type to follow instead, the phone's code, then the
    description and photos."""
    try:
        subtype, lon, lat, address = _place(request)
    except ValidationError as error:
        return render(request, "portal/start_again.html", {"errors": error.messages}, status=400)
    phone = verified_phone(request)
    form = DetailsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and phone and form.is_valid():
        new = services.Report(
            subtype_code=subtype.code,
            description=form.cleaned_data["description"],
            phone=phone,
            lon=lon,
            lat=lat,
            address_code=address,
            files=form.cleaned_data["photos"],
        )
        try:
            ticket = services.do_submit_report(new, client_address(request))
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return redirect(reverse("portal:track", args=[ticket.token]) + "?new=1")
    context = {
        "subtype": subtype,
        "plate": places.door_plate(address) if address else None,
        "lon": lon,
        "lat": lat,
        "nearby": _nearby(subtype, lon, lat),
        "phone": phone,
        "form": form,
        "here": request.get_full_path(),
    }
    return render(request, "portal/details.html", context | _phone_forms(request))


def _nearby(subtype: SubType, lon: float, lat: float) -> list[dict[str, Any]]:
    cases = services.nearby_open_cases(subtype, lon, lat)
    streets = places.street_names(cases)
    return [{"id": c.pk, "state": c.state, "street": streets.get(c.pk, "")} for c in cases]


def _phone_forms(request: HttpRequest) -> dict[str, Any]:
    pending = pending_phone(request)
    return {
        "phone_form": PhoneForm(initial={"phone": pending}),
        "code_form": CodeForm(),
        "pending": pending,
    }


@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    """Follow a nearby case instead of reporting the same problem again."""
    back = _safe_next(request)
    phone = verified_phone(request)
    try:
        subtype, lon, lat, _address = _place(request)
        if not phone:
            raise ValidationError(services.VERIFY_FIRST)
        case_id = int(str(request.POST.get("case", "")).strip() or "0")
        ticket = services.do_follow(case_id, subtype, lon, lat, phone)
    except (ValidationError, ValueError, OverflowError) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(services.GONE)]
        context = {"errors": messages, "back": back}
        return render(request, "portal/start_again.html", context, status=400)
    return redirect(reverse("portal:track", args=[ticket.token]) + "?new=1")


@require_POST
def phone(request: HttpRequest) -> HttpResponse:
    """Ask for a code (`send`) or give it (`check`); back to where the resident was."""
    back = _safe_next(request)
    client = client_address(request)
    if request.POST.get("step") == "check":
        form: Any = CodeForm(request.POST)
        if form.is_valid() and pending_phone(request):
            try:
                otp.check_code(pending_phone(request), form.cleaned_data["code"])
            except ValidationError as error:
                show_refusal(form, error)
            else:
                remember_verified(request, pending_phone(request))
                return redirect(back)
        elif form.is_valid():
            form.add_error(None, otp.EXPIRED)
        context = {"code_form": form, "phone_form": PhoneForm(), "pending": pending_phone(request)}
    else:
        form = PhoneForm(request.POST)
        if form.is_valid():
            try:
                remember_pending(request, otp.send_code(form.cleaned_data["phone"], client))
            except ValidationError as error:
                show_refusal(form, error)
            else:
                return redirect(back + "#verify")
        context = {"phone_form": form, "code_form": CodeForm(), "pending": ""}
    return render(request, "portal/phone.html", context | {"back": back})


def _safe_next(request: HttpRequest) -> str:
    target = str(request.POST.get("next") or request.GET.get("next") or "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("portal:report")
