"""One-time codes that prove a resident holds a phone: six digits, sent through the sender,
kept only as a keyed hash, valid OUTPOST_PORTAL_CODE_MINUTES for OUTPOST_PORTAL_CODE_TRIES
tries; a new code replaces the ones before it."""

import datetime as dt
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from outpost.core.crypto import keyed_hash
from outpost.core.refusals import refusal
from outpost.portal import limits
from outpost.portal.models import PhoneCode, Ticket
from outpost.portal.senders import SenderError, get_sender
from outpost.registry.validators import FieldProblem, normalize_phone

NOT_MOBILE = _("Enter an 11-digit mobile number")
WRONG = _("The code is not right; %(left)s tries left")
EXPIRED = _("The code has expired or was used up; ask for a new one")
NOT_SENT = _("The message could not be sent; try again later")


def mobile(raw: str) -> str:
    """The 11-digit mobile number (codes go by SMS: landlines are refused)."""
    try:
        phone = normalize_phone(raw)
    except FieldProblem:
        raise ValidationError({"phone": NOT_MOBILE}) from None
    if len(phone) != 11 or not phone.startswith("1"):
        raise ValidationError({"phone": NOT_MOBILE})
    return phone


def phone_key(phone: str) -> str:
    """The phone's keyed hash, as its tickets keep it (`ProtectedNumber.digest`)."""
    return Ticket.phone.digest(phone)


def _code_hash(phone: str, code: str) -> str:
    return keyed_hash(f"{phone}:{code}", purpose="portal_code")


def send_code(raw_phone: str, client: str) -> str:
    """Send a new code to the phone (within the limits); returns the phone as normalised."""
    phone = mobile(raw_phone)
    limits.count_code(phone, client)
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    with transaction.atomic():
        PhoneCode.objects.filter(phone_key=phone_key(phone), used=False).update(used=True)
        PhoneCode.objects.create(
            phone_key=phone_key(phone),
            code_hash=_code_hash(phone, code),
            created_at=now,
            expires_at=now + dt.timedelta(minutes=settings.OUTPOST_PORTAL_CODE_MINUTES),
        )
        send_sms(phone, code_text(code))
    return phone


def code_text(code: str) -> str:
    with translation.override(settings.OUTPOST_LANGUAGE):
        return gettext(
            "[Outpost] Your code is %(code)s, valid for %(minutes)s minutes. "
            "Do not tell it to anyone."
        ) % {"code": code, "minutes": settings.OUTPOST_PORTAL_CODE_MINUTES}


def send_sms(phone: str, text: str) -> None:
    try:
        get_sender().send(phone, text)
    except SenderError:
        raise ValidationError(NOT_SENT) from None


def check_code(phone: str, code: str) -> None:
    """Accept the phone's latest code once (ValidationError otherwise); each wrong try counts,
    committed even though the answer is a refusal."""
    now = timezone.now()
    row = PhoneCode.objects.filter(phone_key=phone_key(phone), used=False).first()
    if row is None or row.expires_at <= now or row.tries >= settings.OUTPOST_PORTAL_CODE_TRIES:
        raise ValidationError({"code": EXPIRED})
    if hmac.compare_digest(row.code_hash, _code_hash(phone, code.strip())):
        PhoneCode.objects.filter(pk=row.pk).update(used=True)
        return
    PhoneCode.objects.filter(pk=row.pk).update(tries=F("tries") + 1)
    left = settings.OUTPOST_PORTAL_CODE_TRIES - row.tries - 1
    if left <= 0:
        raise ValidationError({"code": EXPIRED})
    raise ValidationError({"code": refusal(WRONG, left=left)})
