"""API bearer tokens: issued for a username and password, stored only as a keyed hash."""

import datetime as dt
import secrets
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from outpost.accounts.models import ApiToken
from outpost.core.crypto import keyed_hash

LIFETIME = dt.timedelta(hours=12)


def issue_token(request: HttpRequest, username: str, password: str) -> tuple[str, ApiToken] | None:
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        return None
    token = secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        token_hash=keyed_hash(token, purpose="api_token"),
        expires_at=timezone.now() + LIFETIME,
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
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user
