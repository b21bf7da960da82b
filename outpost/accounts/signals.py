"""Sign-ins, sign-outs and failed sign-ins go to the access log, from Django's auth signals, so
every way of signing in is covered (the sign-in page, the second step, tests' `force_login`)."""

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from outpost.accounts.models import User
from outpost.accounts.signin import SEEN, VERIFIED
from outpost.core.access import log_access
from outpost.core.context import client_address


def _address(request: HttpRequest | None) -> str | None:
    return client_address(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="outpost_access_log_login")
def logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(VERIFIED, None)  # the second factor is given again at each sign-in
        session[SEEN] = int(time.time())
        # A fixed end: activity keeps the session from idling out, never past this.
        session.set_expiry(timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE))
    log_access(
        actor=user,
        action="login",
        object_type="user",
        object_key=user.username,
        client_ip=_address(request),
    )


@receiver(user_logged_out, dispatch_uid="outpost_access_log_logout")
def logged_out(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if user is None:
        return
    log_access(
        actor=user,
        action="logout",
        object_type="user",
        object_key=user.username,
        purpose=getattr(request, "outpost_logout_reason", ""),
        client_ip=_address(request),
    )


@receiver(user_login_failed, dispatch_uid="outpost_access_log_failed")
def login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """The name that was tried, not a user: it may name nobody."""
    username = str(credentials.get("username", ""))
    log_access(
        actor=None,
        actor_name=username or "?",
        action="login_failed",
        object_type="user",
        object_key=username,
        purpose="password",
        client_ip=_address(request),
    )
