"""Pages for managing users down the tree: the users of one's area, adding one, granting and
revoking roles. Administrators only; a user outside the manager's area is a 404."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from outpost.accounts import delegation
from outpost.accounts.forms import AddUserForm, GrantForm
from outpost.accounts.models import RoleAssignment
from outpost.core.forms import show_refusal

PAGE = 50


def _manager(request: HttpRequest) -> Any:
    if not delegation.admin_assignments(request.user).exists():
        raise PermissionDenied
    return request.user


@login_required
def users(request: HttpRequest) -> HttpResponse:
    manager = _manager(request)
    form = AddUserForm(request.POST or None)
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
    person = delegation.managed_users(manager).filter(username=username).first()
    if person is None:
        raise Http404
    form = GrantForm(request.POST or None)
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
    context = {"person": person, "assignments": person.assignments.all(), "form": form}
    return render(request, "accounts/user_detail.html", context)


def _try(form: forms.Form, write: Any) -> bool:
    """Run a delegated write; a refusal lands on the form (the role or the area)."""
    try:
        write()
    except PermissionDenied:
        form.add_error("role", _("You may only grant roles you hold, inside your own area."))
        return False
    except ValidationError as error:
        show_refusal(form, error)
        return False
    return True
