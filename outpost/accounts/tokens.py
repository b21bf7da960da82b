"""API bearer tokens: issued for a username and password (and the authenticator's code where a
second factor is needed), under the same lockout as the sign-in page; stored only as a keyed
hash."""

import datetime as dt
import secrets
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from outpost.accounts.models import ApiToken
from outpost.accounts.signin import check_code, needs_second_factor, password_sign_in
from outpost.core.access import log_access
from outpost.core.crypto import keyed_hash

LIFETIME = dt.timedelta(hours=12)
# A token's last use is kept to the minute: a client calling several times a minute writes it
# once, not on every request (a write and a commit per API call otherwise).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class SecondFactorNeeded(Exception):
    """The password was right, but the account needs the authenticator's code with it."""


def issue_token(
    request: HttpRequest, username: str, password: str, code: str = ""
) -> tuple[str, ApiToken] | None:
    """A new token, or None for a wrong name or password. Raises LockedOut while the name or
    address is locked, SecondFactorNeeded when a needed code is missing or wrong."""
    user = password_sign_in(request, username, password)
    if user is None or not user.is_active:
        return None
    if needs_second_factor(user) and not (code and check_code(request, user, code)):
        raise SecondFactorNeeded
    token = secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        token_hash=keyed_hash(token, purpose="api_token"),
        expires_at=timezone.now() + LIFETIME,
    )
    log_access(
        actor=user, action="login", object_type="user", object_key=user.username, purpose="api"
    )
    return token, row


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.select_related("user")
            .filter(
                token_hash=keyed_hash(token, purpose="api_token"),
                expires_at__gt=timezone.now(),
                user__is_active=True,
            )
            .first()
        )
        if row is None:
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user
