"""Registry work in the field (phone first): add a person, a house, an organisation; 注销 a
person; the officer's decision on any record in the queue; the edits returned to a collector."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from outpost.accounts.scope import get_for_user
from outpost.accounts.signed_in import SignedInRequest
from outpost.core.forms import show_refusal
from outpost.registry import edits, entries, queries, services
from outpost.registry.forms import (
    DeregisterForm,
    NewHouseForm,
    NewOrganisationForm,
    NewPersonForm,
    ReturnForm,
)
from outpost.registry.models import Person, RegistryRecord

FIELD_PAGE = "registry/field_form.html"


def _collector(request: SignedInRequest) -> None:
    if not entries.may_collect(request.user):
        raise PermissionDenied


def _form(request: SignedInRequest, form_class: type[Form], level: str | None) -> Form:
    """The form with the addresses found by the text typed (a Find press or a save)."""
    data = request.POST if request.method == "POST" else None
    q = (data or request.GET).get("address_q", "")
    rooms = queries.rooms_matching(request.user, q, level)
    choices = [(a.code, a.full_text) for a in rooms]
    if data is not None and "find" in data:  # a Find press: what was typed stays, no errors yet
        kept = {k: v for k, v in data.items() if k not in ("csrfmiddlewaretoken", "find")}
        return form_class(None, rooms=choices, initial=kept)  # type: ignore[call-arg]
    return form_class(data, rooms=choices, initial={"address_q": q})  # type: ignore[call-arg]


def _place(request: SignedInRequest, form: Form) -> Any:
    return queries.addresses_for(request.user).get(code=form.cleaned_data["address"])


def _saving(request: SignedInRequest, form: Form) -> bool:
    return request.method == "POST" and "find" not in request.POST and form.is_valid()


def _already(request: SignedInRequest, found: entries.AlreadyOnRecord) -> HttpResponse:
    messages.info(request, _("Already on record; here it is."))
    return redirect(_url_of(found.record))


def _url_of(record: RegistryRecord) -> str:
    kind = edits.kind_of(record)
    if kind == "person":
        return reverse("registry:person", args=[record.person_no])  # type: ignore[attr-defined]
    return reverse("registry:address", args=[record.address.code])  # type: ignore[attr-defined]


def _page(request: SignedInRequest, form: Form, title: str) -> HttpResponse:
    return render(request, FIELD_PAGE, {"form": form, "title": title})


@login_required
def add_person(request: SignedInRequest) -> HttpResponse:
    _collector(request)
    form = _form(request, NewPersonForm, "room")
    if _saving(request, form):
        data, place = form.cleaned_data, _place(request, form)
        new = entries.NewPerson(
            name=data["name"],
            id_number=data["id_number"],
            address=place,
            pop_type=data["pop_type"],
            phone=data["phone"],
            hukou_region=data["hukou_region"] or "",
            moved_in=data["moved_in"],
        )
        try:
            person = entries.add_person(new, actor=request.user)
        except entries.AlreadyOnRecord as found:
            return _already(request, found)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return _added(request, person, place, "registry:person_new")
    return _page(request, form, _("Add a person"))


def _added(
    request: SignedInRequest, record: RegistryRecord | None, place: Any, again: str
) -> HttpResponse:
    """One answer whether the record was written or held (a number known elsewhere)."""
    told = entries.answer(record, request.user, place)
    messages.success(request, str(told.message))
    return redirect(_url_of(told.record) if told.record is not None else again)


@login_required
def add_house(request: SignedInRequest) -> HttpResponse:
    _collector(request)
    form = _form(request, NewHouseForm, "room")
    if _saving(request, form):
        data, place = form.cleaned_data, _place(request, form)
        try:
            house = entries.add_house(
                place,
                actor=request.user,
                use=data["use"],
                area_m2=data["area_m2"],
                occupants=data["occupants"] or 0,
                rental_filing_no=data["rental_filing_no"],
            )
        except entries.AlreadyOnRecord as found:
            return _already(request, found)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return _added(request, house, place, "registry:house_new")
    return _page(request, form, _("Add a house"))


@login_required
def add_organisation(request: SignedInRequest) -> HttpResponse:
    _collector(request)
    form = _form(request, NewOrganisationForm, None)
    if _saving(request, form):
        data, place = form.cleaned_data, _place(request, form)
        new = entries.NewOrganisation(
            name=data["name"],
            uscc=data["uscc"],
            unit_type=data["unit_type"],
            address=place,
            legal_rep=data["legal_rep"],
            contact_phone=data["contact_phone"],
            employees=data["employees"] or 0,
        )
        try:
            unit = entries.add_organisation(new, actor=request.user)
        except entries.AlreadyOnRecord as found:
            return _already(request, found)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            return _added(request, unit, place, "registry:organisation_new")
    return _page(request, form, _("Add an organisation"))


@login_required
def deregister(request: SignedInRequest, number: str) -> HttpResponse:
    person = get_for_user(
        Person.objects.select_related("address"),
        request.user,
        "collect",
        seen=queries.SEEN,
        person_no=number,
    )
    form = DeregisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entries.deregister_person(
                person,
                actor=request.user,
                status=data["status"],
                on=data["left_on"],
                reason=data["left_reason"],
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Deregistered."))
            return redirect("registry:person", number=person.person_no)
    title = _("Deregister") + " · " + person.name
    return render(request, FIELD_PAGE, {"form": form, "title": title, "person": person})


@login_required
@require_POST
def record_decide(request: SignedInRequest, kind: str, key: str, decision: str) -> HttpResponse:
    """The officer's verify or return of a house or an organisation (people: views.py)."""
    if kind not in ("house", "organisation"):
        raise Http404
    model = edits.KINDS[kind]
    record = get_for_user(
        model._default_manager.all(),
        request.user,
        "verify",
        seen=queries.SEEN,
        **{edits.KEYS[kind]: key},
    )
    try:
        if decision == "verify":
            services.verify_record(record, actor=request.user)
        else:
            reason = ReturnForm(request.POST).data.get("reason", "")
            services.return_record(record, actor=request.user, reason=reason)
    except services.StaleRecord:
        messages.error(request, _("Someone else has already decided on this record."))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("registry:queue")


@login_required
def returned_list(request: SignedInRequest) -> HttpResponse:
    """退回给我的: the collector's edits an officer returned, with the reason."""
    _collector(request)
    returned = edits.returned_to(request.user).select_related("collected_by")
    shown = Paginator(returned, 50).get_page(request.GET.get("page"))
    return render(request, "registry/returned.html", {"page": shown})
