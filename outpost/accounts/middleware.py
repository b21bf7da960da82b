"""Session rules applied to every request of a signed-in user: the idle timeout, and the
second factor before anything else for those who need one."""

import time
from collections.abc import Callable
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from outpost.accounts.signin import SEEN, has_authenticator, is_verified, needs_second_factor
from outpost.core.i18n import api_detail

TOUCH_EVERY = 60  # seconds: how stale the last-seen time may get before it is saved again
OPEN_NAMES = ("logout", "accounts:second_factor", "accounts:enrol", "set_language")


class SignInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            refusal = self._idle(request) or self._second_factor(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _idle(self, request: HttpRequest) -> HttpResponse | None:
        now, seen = int(time.time()), request.session.get(SEEN)
        if seen and now - seen > settings.OUTPOST_SESSION_IDLE_SECONDS:
            request.outpost_logout_reason = "idle"  # type: ignore[attr-defined]
            logout(request)
            return _away(request, "login", 401, _("Session timed out"))
        if not seen or now - seen >= TOUCH_EVERY:
            request.session[SEEN] = now
        return None

    def _second_factor(self, request: HttpRequest) -> HttpResponse | None:
        if is_verified(request) or _is_open(request.path):
            return None
        user = request.user
        if not user.is_authenticated or not needs_second_factor(user):  # signed in: see __call__
            return None
        target = "accounts:second_factor" if has_authenticator(user) else "accounts:enrol"
        return _away(request, target, 401, _("Second factor required"))


def _is_open(path: str) -> bool:
    static = "/" + settings.STATIC_URL.lstrip("/")
    return path.startswith(static) or path in _open_paths()


@cache
def _open_paths() -> frozenset[str]:
    """Worked out once per process, not on every request."""
    return frozenset(reverse(name) for name in OPEN_NAMES)


def _away(request: HttpRequest, name: str, status: int, message: Promise) -> HttpResponse:
    """The API answers in JSON; pages go to `name`, coming back afterwards."""
    if request.path.startswith("/api/"):
        return JsonResponse(api_detail(message), status=status)
    return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
