"""The service guide pages under /guides/ (namespace "guides").

Public, no account: the catalogue and its search, a matter's page with the "ask for help" form
(rate-limited per client address), and the resident's page of their request (by its tracking
code) where they rate it when it is done. Staff: the requests they see, one request with its
steps, entering a request for a resident, and the catalogue's editing (district level)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from outpost.accounts.models import User
from outpost.accounts.signed_in import SignedInRequest
from outpost.core.context import client_address
from outpost.core.forms import show_refusal
from outpost.core.ratelimit import hit
from outpost.guides import queries, services
from outpost.guides.forms import (
    HelpForm,
    MatterForm,
    RatingForm,
    SearchForm,
    StaffHelpForm,
    StepForm,
)
from outpost.guides.models import Matter, RequestState

View = Callable[..., HttpResponse]
LIST_LIMIT = 100


def _viewer(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


LIMITS = {  # kind → (settings name of the limit, of its window)
    "ask": ("OUTPOST_GUIDE_REQUESTS", "OUTPOST_GUIDE_REQUEST_WINDOW"),
    "track": ("OUTPOST_STATUS_LOOKUPS_PER_MINUTE", "OUTPOST_STATUS_LOOKUP_WINDOW"),
}


def limited(kind: str) -> Callable[[View], View]:
    """Requests for help: OUTPOST_GUIDE_REQUESTS per window from one client address; the
    tracking page: as many as the cases' status page (so codes cannot be guessed); 429 after."""
    limit_name, window_name = LIMITS[kind]

    def wrap(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            key = f"guides-{kind}:{client_address(request)}"
            limit, window = getattr(settings, limit_name), getattr(settings, window_name)
            wait = hit(key, limit=limit, seconds=window)
            if wait:
                response = render(request, "guides/too_many.html", status=429)
                response["Retry-After"] = str(wait)
                return response
            return view(request, *args, **kwargs)

        return checked

    return wrap


# --- public -------------------------------------------------------------------------------------


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    matters = queries.search_matters(viewer, query) if query else list(queries.matters_for(viewer))
    context = {
        "form": form,
        "query": query,
        "matters": matters,
        "editor": viewer is not None and queries.edits_matters(viewer),
    }
    return render(request, "guides/catalogue.html", context)


@require_GET
def matter(request: HttpRequest, code: str) -> HttpResponse:
    viewer = _viewer(request)
    found = queries.get_matter(viewer, code)
    return _matter_page(request, found, HelpForm(), viewer)


def _matter_page(
    request: HttpRequest, found: Matter, form: HelpForm, viewer: User | None, status: int = 200
) -> HttpResponse:
    context = {
        "matter": found,
        "form": form,
        "editor": viewer is not None and queries.edits_matters(viewer),
    }
    return render(request, "guides/matter.html", context, status=status)


@require_POST
@limited("ask")
def ask(request: HttpRequest, code: str) -> HttpResponse:
    """A resident asks for help with the matter (no account): the request and its tracking
    page."""
    found = queries.get_matter(None, code)
    form = HelpForm(request.POST)
    if form.is_valid():
        try:
            created = services.create_service_request(_new(form, found), actor=None)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Your request has been sent."))
            return redirect("guides:track", code=created.code)
    return _matter_page(request, found, form, _viewer(request))


def _new(form: HelpForm, found: Matter) -> services.NewServiceRequest:
    data = form.cleaned_data
    return services.NewServiceRequest(
        matter=found,
        mode=data["mode"],
        resident_name=data["resident_name"],
        phone=data["phone"],
        address=data["address"],
        grid=form.chosen_grid(),
        note=data["note"],
    )


@limited("track")
def track(request: HttpRequest, code: str) -> HttpResponse:
    """The resident's page of their request; the rating form once it is done."""
    found = queries.resident_request(code)
    rateable = found.state == RequestState.DONE and found.rating is None
    form = RatingForm(request.POST or None) if rateable else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.rate(found, form.cleaned_data["rating"], form.cleaned_data["comment"])
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("guides:track", code=found.code)
    return render(request, "guides/track.html", {"req": found, "form": form})


# --- staff --------------------------------------------------------------------------------------


@login_required
@require_GET
def request_list(request: SignedInRequest) -> HttpResponse:
    user = request.user
    if not queries.sees_requests(user):
        raise PermissionDenied
    rows = queries.requests_for(user)
    show = request.GET.get("show", "open")
    if show == "mine":
        rows = queries.open_for(user)
    elif show == "open":
        rows = rows.filter(state__in=[s.value for s in queries.OPEN_STATES])
    context = {
        "rows": list(rows.order_by("due_at", "pk")[:LIST_LIMIT]),
        "show": show,
        "enters": queries.enters_requests(user),
    }
    return render(request, "guides/requests.html", context)


@login_required
def request_new(request: SignedInRequest) -> HttpResponse:
    if not queries.enters_requests(request.user):
        raise PermissionDenied
    form = StaffHelpForm(request.POST or None, grids=queries.entry_grids(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            new = _new(form, form.cleaned_data["matter"])
            created = services.create_service_request(new, actor=request.user)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Request entered."))
            return redirect("guides:request", pk=created.pk)
    return render(request, "guides/request_new.html", {"form": form})


@login_required
def request_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    user = request.user
    posting = request.method == "POST"
    found = queries.get_request(user, pk, "act" if posting else "view")
    form = StepForm(request.POST if posting else None)
    if posting and form.is_valid():
        step = form.cleaned_data["step"]
        try:
            services.act(found, step, actor=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Request updated."))
            return redirect("guides:request", pk=found.pk)
    context = {"req": found, "form": form, "acts": found.open and queries.may_act(user, found)}
    return render(request, "guides/request.html", context)


@login_required
@require_POST
def request_phone(request: SignedInRequest, pk: int) -> HttpResponse:
    """The resident's whole number, to call them back (logged), on the request's page."""
    found = queries.get_request(request.user, pk, "act")
    number = services.reveal_phone(found, actor=request.user)
    context = {"req": found, "form": StepForm(), "acts": found.open, "number": number}
    return render(request, "guides/request.html", context)


@login_required
def matter_edit(request: SignedInRequest, code: str = "") -> HttpResponse:
    """A new matter (no code) or an edited one: district-level editors only."""
    if not queries.edits_matters(request.user):
        raise PermissionDenied
    instance = queries.get_matter(request.user, code) if code else Matter()
    form = MatterForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_matter(form.save(commit=False), actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Service guide saved."))
            return redirect("guides:matter", code=saved.code)
    return render(request, "guides/matter_edit.html", {"form": form, "matter": instance})
