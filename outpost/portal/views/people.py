"""Find my people (警网联系卡), and the page where staff choose what of it is public."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from outpost.core.context import client_address
from outpost.portal import limits, places, services
from outpost.portal.forms import PublicContactForm, SearchForm
from outpost.portal.models import PublicContact
from outpost.portal.people import contact_card


def people(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "found": [], "card": None, "searched": False}
    if form.is_valid():
        data = form.cleaned_data
        try:
            limits.count_search(client_address(request))
            context |= _answer(data)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "portal/people.html", context)


def _answer(data: dict[str, Any]) -> dict[str, Any]:
    plate = places.door_plate(data["address"]) if data["address"] else None
    if plate is not None:
        return {"card": contact_card(plate.lon, plate.lat), "plate": plate, "searched": True}
    if data["lon"] is not None and data["lat"] is not None:
        return {"card": contact_card(data["lon"], data["lat"]), "searched": True}
    if data["q"]:
        found = places.search_addresses(data["q"])
        if not found:
            raise ValidationError(services.NOT_FOUND)
        return {"found": found}
    return {}


@login_required
def my_card(request: HttpRequest) -> HttpResponse:
    """Each staff member's own public card: their name shown or not, a public work phone."""
    card = PublicContact.objects.filter(user_id=request.user.pk or 0).first()
    form = PublicContactForm(request.POST or None, instance=card)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.user = request.user
        saved.save()
        messages.success(request, _("Your public card has been saved."))
        return redirect("portal:my_card")
    return render(request, "portal/my_card.html", {"form": form})
