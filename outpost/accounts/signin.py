"""Signing in: the password under lockout, the TOTP second factor, and its enrolment.

The web sign-in form and the API's token endpoint both come through `password_sign_in`, so the
same counts and locks apply to both. Sign-ins, sign-outs and failures reach the access log
through Django's auth signals (`outpost.accounts.signals`); refusals under a lock and wrong
codes are written here.
"""

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from outpost.accounts import lockout
from outpost.accounts.lockout import LockedOut
from outpost.accounts.models import TotpDevice, User
from outpost.accounts.roles import SECOND_FACTOR_ACTIONS, roles_granting
from outpost.accounts.signed_in import SignedInRequest
from outpost.accounts.totp import matching_step, new_secret, provisioning_uri
from outpost.core.access import log_access
from outpost.core.audit import record_change
from outpost.core.context import client_address
from outpost.core.crypto import decrypt, encrypt

VERIFIED = "outpost_2fa"  # session key: the id of the user whose second factor was given
SEEN = "outpost_seen"  # session key: when the session last made a request (idle timeout)
ISSUER = "Outpost"

__all__ = [
    "LockedOut",
    "check_code",
    "code_sign_in",
    "confirm_enrolment",
    "enrolment_details",
    "has_authenticator",
    "is_verified",
    "needs_second_factor",
    "password_sign_in",
    "start_enrolment",
]


def password_sign_in(request: HttpRequest, username: str, password: str) -> User | None:
    """The active user if the password is right, else None; LockedOut while locked (then the
    password is not even checked)."""
    attempt = _begin(request, username)
    user = authenticate(request, username=username, password=password)
    if user is None:  # the `user_login_failed` signal has logged it
        if seconds := lockout.failed(attempt):
            raise LockedOut(seconds)
        return None
    lockout.succeeded(attempt, signed_in=not needs_second_factor(user))
    return user


def _begin(request: HttpRequest, username: str) -> lockout.Attempt:
    try:
        return lockout.begin(username, client_address(request))
    except LockedOut:
        _log_failure(username, "locked")
        raise


def _log_failure(username: str, why: str) -> None:
    log_access(
        actor=None,
        actor_name=username or "?",
        action="login_failed",
        object_type="user",
        object_key=username,
        purpose=why,
    )


# --- the second factor ------------------------------------------------------------------------


def needs_second_factor(user: User) -> bool:
    """Whoever has an authenticator gives its code; with OUTPOST_REQUIRE_TOTP, so must (after
    enrolling) superusers and holders of a role that may unmask, export or audit."""
    if TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists():
        return True
    if not settings.OUTPOST_REQUIRE_TOTP:
        return False
    roles = {r for action in SECOND_FACTOR_ACTIONS for r in roles_granting(action)}
    return user.is_superuser or user.assignments.filter(role__in=roles).exists()


def has_authenticator(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def is_verified(request: HttpRequest) -> bool:
    return request.session.get(VERIFIED) == request.user.pk


def code_sign_in(request: SignedInRequest, code: str) -> bool:
    """The second step after the password: marks the session verified on the right code."""
    if not check_code(request, request.user, code):
        return False
    _mark_verified(request, request.user)
    return True


def check_code(request: HttpRequest, user: User, code: str) -> bool:
    """The user's current code, under the same lockout as the password (also for the API's
    token endpoint, where the code comes with the password)."""
    attempt = _begin(request, user.username)
    if _accept_code(user, code):
        lockout.succeeded(attempt, signed_in=True)
        return True
    _log_failure(user.username, "totp")
    if seconds := lockout.failed(attempt):
        raise LockedOut(seconds)
    return False


def _accept_code(user: User, code: str) -> bool:
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return False
    step = matching_step(decrypt(device.secret_enc), code)
    # A conditional update: each time step's code is accepted once, even by two requests.
    return (
        step is not None
        and TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step) == 1
    )


def _mark_verified(request: HttpRequest, user: User) -> None:
    request.session.cycle_key()
    request.session[VERIFIED] = user.pk
    log_access(actor=user, action="second_factor", object_type="user", object_key=user.username)


# --- enrolment --------------------------------------------------------------------------------


@transaction.atomic
def start_enrolment(user: User, *, actor: User) -> TotpDevice:
    """A new secret for the user's authenticator app, unconfirmed until a code from it is
    entered. An unconfirmed one is reused, so reloading the page keeps the same secret."""
    device, created = TotpDevice.objects.get_or_create(
        user=user, defaults={"secret_enc": encrypt(new_secret())}
    )
    if created:
        record_change(
            actor=actor, action="start_totp", object_type="user", object_key=user.username
        )
    return device


def enrolment_details(device: TotpDevice) -> dict[str, str]:
    secret = decrypt(device.secret_enc)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return {"secret": grouped, "uri": provisioning_uri(secret, device.user.username, ISSUER)}


@transaction.atomic
def confirm_enrolment(request: SignedInRequest, code: str, *, actor: User) -> bool:
    """The first code from the app proves it holds the secret; from then on it is required."""
    user = request.user
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.confirmed_at is not None:
        return False
    step = matching_step(decrypt(device.secret_enc), code)
    if step is None:
        return False
    device.confirmed_at, device.last_step = timezone.now(), step
    device.save(update_fields=["confirmed_at", "last_step"])
    record_change(actor=actor, action="enrol_totp", object_type="user", object_key=user.username)
    _mark_verified(request, user)
    return True


@transaction.atomic
def reset_second_factor(user: User, *, actor: User | None) -> None:
    """For a lost phone: the authenticator goes and the user enrols again at the next sign-in."""
    TotpDevice.objects.filter(user=user).delete()
    record_change(actor=actor, action="reset_totp", object_type="user", object_key=user.username)
