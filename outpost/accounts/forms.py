"""Forms of the sign-in pages, the auditors' pages and user management."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from outpost.accounts import area_search
from outpost.accounts.area_search import Area
from outpost.accounts.roles import Role
from outpost.accounts.signin import LockedOut, password_sign_in
from outpost.core.access import ACTIONS
from outpost.core.bounds import DayField


def locked_error(locked: LockedOut) -> ValidationError:
    return ValidationError(
        _("Too many failed sign-ins. Try again in %(minutes)s minutes."),
        code="locked",
        params={"minutes": locked.minutes},
    )


class SignInForm(AuthenticationForm):
    """Django's sign-in form, checking the password through the lockout. The same message for
    an unknown name and a wrong password; a lock says so, whatever the name."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong user name or password."),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            assert self.request is not None  # the sign-in view always passes its request
            try:
                self.user_cache = password_sign_in(self.request, username, password)
            except LockedOut as locked:
                raise locked_error(locked) from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        max_length=8,
        error_messages={"invalid": _("Enter the 6 digits the app shows.")},
    )


class AccessLogFilter(forms.Form):
    user = forms.CharField(label=_("User name"), required=False, max_length=150)
    person = forms.CharField(label=_("Person number"), required=False, max_length=64)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any")), *ACTIONS.items()]
    )
    since = DayField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = DayField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("Review note"), required=False, max_length=200)


class GrantForm(forms.Form):
    """A role and the area it is held over. The area is chosen by name: the picker (area.js)
    fills the hidden code; without script the name typed is looked up in the manager's areas,
    and when several share it they are offered to choose from (`candidates`)."""

    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=[("", gettext_lazy("Choose…")), *Role.choices]
    )
    area = forms.CharField(
        label=gettext_lazy("Area or department"),
        max_length=64,
        required=False,
        help_text=gettext_lazy("Type part of its name and choose it from the list."),
    )
    scope = forms.CharField(required=False, max_length=15, widget=forms.HiddenInput)

    def __init__(self, *args: Any, manager: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.manager = manager
        self.candidates: list[Area] = []
        self.fields["area"].widget.attrs.update(
            {
                "data-area-search": reverse("accounts:user_areas"),
                "data-empty": gettext_lazy("No area of that name in your areas."),
                "autocomplete": "off",
            }
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("scope") or "role" not in data:
            return data
        text = data.get("area", "").strip()
        if not text:
            self.add_error("area", _("Choose the area: type part of its name."))
            return data
        found = area_search.find_areas(self.manager, text, data["role"], limit=10)
        exact = [a for a in found if a.name == text] or found
        if len(exact) == 1:
            data["scope"] = exact[0].code
        elif not exact:
            self.add_error("area", _("No area of that name in your areas."))
        else:
            self.candidates = exact
            self.add_error("area", _("Several areas have that name: choose one below."))
        return data


class AddUserForm(GrantForm):
    username = forms.RegexField(
        label=gettext_lazy("Username"), regex=r"^[A-Za-z0-9_.-]{3,30}$", max_length=30
    )
    display_name = forms.CharField(label=gettext_lazy("Full name"), max_length=50)
    password = forms.CharField(
        label=gettext_lazy("Initial password"), widget=forms.PasswordInput, max_length=128
    )
    field_order = ["username", "display_name", "password", "role", "area", "scope"]
