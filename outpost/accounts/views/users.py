"""Pages for managing users down the tree: the users of one's area, adding one, granting and
revoking roles, looking after an account (disable, unlock, reset its password, end its API
tokens). Administrators only; a user outside the manager's area is a 404."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from outpost.accounts import area_search as areas
from outpost.accounts import delegation, lockout
from outpost.accounts.forms import AddUserForm, GrantForm
from outpost.accounts.models import ApiToken, RoleAssignment, User
from outpost.accounts.roles import Role
from outpost.accounts.scope import holds_role
from outpost.core.forms import show_refusal

PAGE = 50


def _manager(request: HttpRequest) -> Any:
    if not holds_role(request.user, Role.ADMIN):  # the menu's rule, from the request's one read
        raise PermissionDenied
    return request.user


@login_required
def users(request: HttpRequest) -> HttpResponse:
    manager = _manager(request)
    form = AddUserForm(request.POST or None, manager=manager)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _try(
            form,
            lambda: delegation.add_user(
                manager, d["username"], d["password"], d["role"], d["scope"], d["display_name"]
            ),
        ):
            messages.success(request, _("Saved."))
            return redirect("accounts:user", username=d["username"])
    listed = delegation.managed_users(manager)
    q = request.GET.get("q", "").strip()
    if q:
        listed = listed.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    page = Paginator(listed.prefetch_related("assignments"), PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "users": page.object_list, "form": form, "q": q, "extra": ""}
    return render(request, "accounts/users.html", context)


@login_required
def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    manager = _manager(request)
    person = _managed(manager, username)
    form = GrantForm(request.POST or None, manager=manager)
    if request.method == "POST" and request.POST.get("revoke"):
        if not request.POST["revoke"].isdigit():
            raise Http404
        assignment = get_object_or_404(RoleAssignment, pk=request.POST["revoke"], user=person)
        delegation.revoke(manager, assignment)
        messages.success(request, _("Saved."))
        return redirect("accounts:user", username=username)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _try(form, lambda: delegation.grant(manager, person, d["role"], d["scope"])):
            messages.success(request, _("Saved."))
            return redirect("accounts:user", username=username)
    return _detail(request, manager, person, form)


def _detail(
    request: HttpRequest, manager: Any, person: User, form: GrantForm, **extra: Any
) -> HttpResponse:
    context = {
        "person": person,
        "assignments": person.assignments.all(),
        "form": form,
        "may_look_after": delegation.fully_managed(manager, person),
        "is_self": person.pk == manager.pk,
        "locked_until": lockout.locked_until(person.username),
        "tokens": ApiToken.objects.filter(user=person, expires_at__gt=timezone.now()).count(),
        **extra,
    }
    return render(request, "accounts/user_detail.html", context)


ACCOUNT_ACTIONS = {"disable", "enable", "unlock", "password", "tokens"}


@login_required
@require_POST
def account_action(request: HttpRequest, username: str, action: str) -> HttpResponse:
    """Disable, enable, unlock, reset the password of, or end the API tokens of an account."""
    manager = _manager(request)
    if action not in ACCOUNT_ACTIONS:
        raise Http404
    person = _managed(manager, username)
    try:
        done = _act(manager, person, action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:user", username=username)
    if action == "password":  # shown once, on this answer only: never stored, never redirected
        form = GrantForm(manager=manager)
        response = _detail(request, manager, person, form, new_password=done)
        response["Cache-Control"] = "no-store"
        return response
    messages.success(request, done)
    return redirect("accounts:user", username=username)


def _act(manager: Any, person: User, action: str) -> str:
    if action in ("disable", "enable"):
        delegation.set_active(manager, person, action == "enable")
        return _("The account is enabled.") if action == "enable" else _("The account is disabled.")
    if action == "unlock":
        delegation.unlock(manager, person)
        return _("The account is unlocked: it may sign in again.")
    if action == "tokens":
        count = delegation.revoke_tokens(manager, person)
        return _("API tokens revoked: %(count)s.") % {"count": count}
    return delegation.reset_password(manager, person)


@login_required
def area_search(request: HttpRequest) -> JsonResponse:
    """The area picker's answers: areas inside the administrator's own, by name."""
    manager = _manager(request)
    found = areas.find_areas(manager, request.GET.get("q", "")[:64], request.GET.get("role", ""))
    return JsonResponse({"results": [a.as_json() for a in found]})


def _managed(manager: Any, username: str) -> User:
    """A user of the manager's areas, with their roles; anyone else is a 404."""
    listed = delegation.managed_users(manager).prefetch_related("assignments")
    person = listed.filter(username=username).first()
    if person is None:
        raise Http404
    return person


def _try(form: forms.Form, write: Any) -> bool:
    """Run a delegated write; a refusal lands on the form (the role or the area)."""
    try:
        write()
    except PermissionDenied:
        form.add_error("role", _("You may only grant roles you hold, inside your own area."))
        return False
    except ValidationError as error:
        show_refusal(form, error, rename={"scope": "area"})
        return False
    return True
