"""The administrators' page for Open311 API keys: list, create (the key shown once) and
deactivate. Administrators only (403 for everyone else); an unknown key is a 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from outpost.accounts.models import User
from outpost.accounts.roles import Role
from outpost.accounts.scope import holds_role
from outpost.open311 import keys
from outpost.open311.models import ApiKey

PAGE = 200


class KeyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=64)
    owner = forms.CharField(label=gettext_lazy("Used by (organisation)"), max_length=100)
    posts_per_hour = forms.IntegerField(
        label=gettext_lazy("Requests per hour"), min_value=1, max_value=10000, initial=60
    )


def _admin(request: HttpRequest) -> User:
    if not holds_role(request.user, Role.ADMIN):
        raise PermissionDenied
    return request.user  # type: ignore[return-value]


@login_required
def key_list(request: HttpRequest) -> HttpResponse:
    admin = _admin(request)
    form = KeyForm(request.POST or None)
    created = ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        created, _row = keys.create_key(admin, d["name"], d["owner"], d["posts_per_hour"])
        form = KeyForm()
    listed = ApiKey.objects.select_related("created_by")[:PAGE]
    context = {"keys": listed, "form": form, "created": created}
    return render(request, "open311/keys.html", context)


@login_required
@require_POST
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    admin = _admin(request)
    keys.deactivate_key(admin, get_object_or_404(ApiKey, pk=pk))
    messages.success(request, _("The key no longer works."))
    return redirect("open311:keys")
