"""The phone a resident proved by its code, kept in their browser session for a while."""

import time

from django.conf import settings
from django.http import HttpRequest

VERIFIED, PENDING = "portal_phone", "portal_pending_phone"


def verified_phone(request: HttpRequest) -> str:
    held = request.session.get(VERIFIED)
    if not isinstance(held, list) or len(held) != 2:
        return ""
    phone, at = held
    if time.time() - float(at) > settings.OUTPOST_PORTAL_VERIFIED_MINUTES * 60:
        return ""
    return str(phone)


def remember_verified(request: HttpRequest, phone: str) -> None:
    request.session.cycle_key()
    request.session[VERIFIED] = [phone, time.time()]
    request.session.pop(PENDING, None)


def pending_phone(request: HttpRequest) -> str:
    return str(request.session.get(PENDING) or "")


def remember_pending(request: HttpRequest, phone: str) -> None:
    request.session[PENDING] = phone
