"""Sign-in pages (password, then the authenticator code), enrolment, and the home page that
shows a user their roles and areas."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from outpost.accounts.forms import CodeForm, SignInForm, locked_error
from outpost.accounts.signed_in import SignedInRequest
from outpost.accounts.signin import (
    LockedOut,
    code_sign_in,
    confirm_enrolment,
    enrolment_details,
    has_authenticator,
    is_verified,
    start_enrolment,
)


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm


@login_required
def second_factor(request: SignedInRequest) -> HttpResponse:
    """The second step: the code from the authenticator app enrolled earlier."""
    if not has_authenticator(request.user):
        return redirect("accounts:enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if code_sign_in(request, form.cleaned_data["code"]):
                return redirect(_next(request))
            form.add_error("code", CodeForm.base_fields["code"].error_messages["invalid"])
        except LockedOut as locked:
            form.add_error(None, locked_error(locked))
    return render(request, "accounts/second_factor.html", {"form": form, "next": _next(request)})


@login_required
def enrol(request: SignedInRequest) -> HttpResponse:
    """Set up an authenticator app: the secret and its otpauth:// link, then a first code."""
    if has_authenticator(request.user):
        return redirect(_next(request) if is_verified(request) else "accounts:second_factor")
    device = start_enrolment(request.user, actor=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if confirm_enrolment(request, form.cleaned_data["code"], actor=request.user):
            return redirect(_next(request))
        form.add_error("code", CodeForm.base_fields["code"].error_messages["invalid"])
    context = {"form": form, "next": _next(request), **enrolment_details(device)}
    return render(request, "accounts/enrol.html", context)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path of this site only: anything else would be taken for a view's name by redirect().
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"
