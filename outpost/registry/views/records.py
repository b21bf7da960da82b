"""Registry pages: search, people, households, houses, organisations, the verification queue."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from outpost.accounts.scope import can, get_for_user, scope_for
from outpost.accounts.signed_in import SignedInRequest
from outpost.core.access import log_access
from outpost.core.forms import show_refusal
from outpost.core.masking import mask_id_number
from outpost.registry import lookups, queries, services
from outpost.registry.checks import FLAG_LABELS
from outpost.registry.forms import (
    BreakGlassForm,
    PersonForm,
    PurposeForm,
    RegistrationForm,
    ReturnForm,
)
from outpost.registry.models import HouseUse, Person, StandardAddress
from outpost.registry.validators import FieldProblem, parse_id_number

SEEN = queries.SEEN
PAGE = 50


def _person(request: SignedInRequest, number: str, action: str = SEEN) -> Person:
    return get_for_user(
        Person.objects.select_related("address"), request.user, action, seen=SEEN, person_no=number
    )


@login_required
def registry_home(request: SignedInRequest) -> HttpResponse:
    if not queries.may_see(request.user):
        raise PermissionDenied
    return render(request, "registry/home.html", {"grids": queries.grid_counts(request.user)})


@login_required
def people_list(request: SignedInRequest) -> HttpResponse:
    if not queries.may_see(request.user):
        raise PermissionDenied
    q = request.GET.get("q", "")
    try:
        found = lookups.search(request.user, q)
    except lookups.TooManyLookups as refused:
        return lookups.too_many(request, refused)
    include_left = bool(request.GET.get("left"))
    people = queries.current_only(found.people, include_left)
    page = Paginator(people.order_by("name", "id"), PAGE)
    shown = page.get_page(request.GET.get("page"))
    lookups.log_read(request.user, "page", len(shown.object_list), found)
    # An exact ID number found nobody here: an officer may open the record in an emergency.
    offer = (
        page.count == 0 and _is_id_number(q) and not scope_for(request.user, "break_glass").empty
    )
    return render(
        request,
        "registry/people.html",
        {
            "q": q,
            "include_left": include_left,
            "extra": "left=1&" if include_left else "",
            "page": shown,
            "flags": FLAG_LABELS,
            "break_glass_form": BreakGlassForm(initial={"id_number": q.strip()}) if offer else None,
        },
    )


def _is_id_number(q: str) -> bool:
    try:
        parse_id_number(q)
    except FieldProblem:
        return False
    return True


@login_required
def break_glass(request: SignedInRequest) -> HttpResponse:
    """紧急查看: open a person's record outside one's area by exact ID number and a reason."""
    if scope_for(request.user, "break_glass").empty:
        raise PermissionDenied
    form = BreakGlassForm(request.POST or None, initial={"id_number": request.GET.get("id", "")})
    if request.method == "POST" and form.is_valid():
        number, reason = form.cleaned_data["id_number"], form.cleaned_data["reason"]
        person = queries.person_anywhere(number)
        if person is None:
            _log_miss(request, number, reason)
            form.add_error("id_number", _("Nobody with this ID number is on record."))
        elif can(request.user, SEEN, person):
            return redirect("registry:person", number=person.person_no)
        else:
            grant = services.break_glass(person, actor=request.user, reason=reason)
            until = timezone.localtime(grant.expires_at).strftime("%H:%M")
            messages.warning(request, _("Emergency access open until %(t)s.") % {"t": until})
            return redirect("registry:person", number=person.person_no)
    return render(request, "registry/break_glass.html", {"form": form})


def _log_miss(request: HttpRequest, number: str, reason: str) -> None:
    """A search that found nobody is logged too, with the number masked."""
    try:
        key = mask_id_number(parse_id_number(number).value)
    except FieldProblem:
        key = "?"
    log_access(
        actor=request.user,
        action="break_glass_miss",
        object_type="person",
        object_key=key,
        purpose=reason,
    )


@login_required
def person_detail(request: SignedInRequest, number: str) -> HttpResponse:
    person = _person(request, number)
    services.view_person(person, actor=request.user)
    return _render_person(request, person)


def _render_person(request: SignedInRequest, person: Person, **extra: Any) -> HttpResponse:
    user = request.user
    return render(
        request,
        "registry/person.html",
        {
            "person": person,
            "flags": [FLAG_LABELS.get(f, f) for f in person.flags],
            "residences": person.residences.select_related("address"),
            "registrations": person.registrations.all(),
            "registration_form": RegistrationForm(),
            "can_unmask": can(user, "unmask", person),
            "can_edit": can(user, "collect", person),
            "can_verify": can(user, "verify", person) and person.state == "pending",
            "purpose_form": PurposeForm(),
            "return_form": ReturnForm(),
            **extra,
        },
    )


@login_required
@require_POST
def person_unmask(request: SignedInRequest, number: str) -> HttpResponse:
    person = _person(request, number, "unmask")
    form = PurposeForm(request.POST)
    if not form.is_valid():
        return _render_person(request, person, purpose_form=form)
    unmasked = services.unmask_person(
        person, actor=request.user, purpose=form.cleaned_data["purpose"]
    )
    return _render_person(request, person, unmasked=unmasked)


@login_required
def person_edit(request: SignedInRequest, number: str) -> HttpResponse:
    person = _person(request, number, "collect")
    form = PersonForm(request.POST or None, initial=_initial(person))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(person, actor=request.user, changes=_changes(request, form))
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("Saved. The change awaits the officer's verification.")
                if person.state == "pending"
                else _("Saved."),
            )
            return redirect("registry:person", number=person.person_no)
    return render(request, "registry/person_edit.html", {"person": person, "form": form})


def _initial(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "pop_type": person.pop_type,
        "hukou_region": person.hukou_region,
        "care_tags": [t for t in person.care_tags.split(";") if t],
        "address_code": person.address.code if person.address else "",
    }


def _changes(request: SignedInRequest, form: PersonForm) -> dict[str, Any]:
    data = form.cleaned_data
    room = queries.addresses_for(request.user).filter(code=data["address_code"]).first()
    if room is None:
        raise ValidationError({"address_code": _("No such address in your area.")})
    changes = {
        "name": data["name"],
        "pop_type": data["pop_type"],
        "address": room,
        "hukou_region": data["hukou_region"],
        "care_tags": ";".join(data["care_tags"]),
    }
    if data["phone"]:
        changes["phone"] = data["phone"]
    return changes


@login_required
@require_POST
def person_decide(request: SignedInRequest, number: str, decision: str) -> HttpResponse:
    person = _person(request, number, "verify")
    try:
        if decision == "verify":
            services.verify_record(person, actor=request.user)
        else:
            form = ReturnForm(request.POST)
            reason = form.data.get("reason", "")
            services.return_record(person, actor=request.user, reason=reason)
    except services.StaleRecord:
        messages.error(request, _("Someone else has already decided on this record."))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    back = request.POST.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        back = "registry:queue"  # only back to a page of this site
    return redirect(back)


@login_required
def verification_queue(request: SignedInRequest) -> HttpResponse:
    if not queries.may_see(request.user):
        raise PermissionDenied
    queue = queries.verification_queue(request.user)
    shown = Paginator(queue, PAGE).get_page(request.GET.get("page"))
    lookups.log_read(request.user, "queue", len(shown.object_list))
    return render(
        request,
        "registry/queue.html",
        {
            "page": shown,
            "flags": FLAG_LABELS,
            "return_form": ReturnForm(),
        },
    )


@login_required
def address_detail(request: SignedInRequest, code: str) -> HttpResponse:
    address = get_for_user(
        StandardAddress.objects.select_related("parent"), request.user, SEEN, seen=SEEN, code=code
    )
    context: dict[str, Any] = {"address": address, "chain": _chain(address)}
    if address.level == "room":
        context["household"] = list(queries.household(request.user, address))
        lookups.log_read(request.user, "household", len(context["household"]))
        context["house"] = queries.houses_for(request.user).filter(address=address).first()
    elif address.level == "building":
        context["rooms"] = queries.rooms_of(request.user, address)
    else:
        context["buildings"] = queries.addresses_for(request.user).filter(parent=address)
        context["organisations"] = queries.organisations_for(request.user).filter(address=address)
    return render(request, "registry/address.html", context)


def _chain(address: StandardAddress) -> list[StandardAddress]:
    chain, node = [], address.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain[::-1]


@login_required
def houses_list(request: SignedInRequest) -> HttpResponse:
    if not queries.may_see(request.user):
        raise PermissionDenied
    houses = queries.houses_for(request.user).order_by("house_no")
    use = request.GET.get("use", "")
    if use in HouseUse.values:
        houses = houses.filter(use=use)
    if request.GET.get("unfiled"):
        houses = houses.filter(use=HouseUse.RENTED, rental_filing_no="")
    if request.GET.get("flagged"):
        houses = houses.exclude(flags=[])
    return render(
        request,
        "registry/houses.html",
        {
            "page": Paginator(houses, PAGE).get_page(request.GET.get("page")),
            "uses": HouseUse.choices,
            "use": use,
            "flags": FLAG_LABELS,
            "extra": _filters(request, ("use", "unfiled", "flagged")),
        },
    )


@login_required
def organisations_list(request: SignedInRequest) -> HttpResponse:
    if not queries.may_see(request.user):
        raise PermissionDenied
    units = queries.organisations_for(request.user).order_by("unit_no")
    q = request.GET.get("q", "").strip()
    if q:
        units = units.filter(name__contains=q)
    if request.GET.get("key"):
        units = units.filter(is_key_unit=True)
    return render(
        request,
        "registry/organisations.html",
        {
            "q": q,
            "page": Paginator(units, PAGE).get_page(request.GET.get("page")),
            "extra": _filters(request, ("key",)),
        },
    )


def _filters(request: HttpRequest, names: tuple[str, ...]) -> str:
    """The list's filters as a query-string prefix for the pager's links."""
    kept = {n: request.GET[n] for n in names if request.GET.get(n)}
    return urlencode(kept) + "&" if kept else ""


@login_required
@require_POST
def person_register(request: SignedInRequest, number: str) -> HttpResponse:
    person = _person(request, number, "collect")
    form = RegistrationForm(request.POST)
    if form.is_valid():
        try:
            services.register_residence(person, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, _("Residence registration recorded."))
    else:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("registry:person", number=person.person_no)
