"""Back-off and lock after repeated failed sign-ins, per account name and per address.

Every attempt is counted before the password is checked and forgiven if it was right, so a burst
of parallel guesses cannot slip past the count. When a key reaches its limit of failures within
its window it is locked for the window's length, doubled with each lock in a row (capped at a
day); while locked, no password is checked at all, the right one included. Account names are
counted whether or not such an account exists, so the answer never tells which names are real.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from outpost.accounts.models import LoginThrottle

MAX_LOCK = dt.timedelta(days=1)
FORGET_LOCKS_AFTER = dt.timedelta(days=1)  # a day without locks and the doubling starts over


@dataclass(frozen=True)
class Limit:
    failures: int
    window: dt.timedelta


class LockedOut(Exception):
    def __init__(self, seconds: int) -> None:
        super().__init__(f"locked for {seconds} s")
        self.seconds = max(1, seconds)

    @property
    def minutes(self) -> int:
        return math.ceil(self.seconds / 60)


@dataclass(frozen=True)
class Attempt:
    account_key: str
    address_key: str

    @property
    def keys(self) -> list[str]:
        return sorted({self.account_key, self.address_key})  # one lock order: no deadlocks


def _limit(key: str) -> Limit:
    if key.startswith("account:"):
        return Limit(
            settings.OUTPOST_LOGIN_FAILURES_PER_ACCOUNT,
            dt.timedelta(minutes=settings.OUTPOST_LOGIN_LOCK_MINUTES),
        )
    return Limit(
        settings.OUTPOST_LOGIN_FAILURES_PER_ADDRESS,
        dt.timedelta(minutes=settings.OUTPOST_LOGIN_ADDRESS_LOCK_MINUTES),
    )


def _rows(attempt: Attempt) -> list[LoginThrottle]:
    for key in attempt.keys:
        LoginThrottle.objects.get_or_create(key=key)
    return list(LoginThrottle.objects.select_for_update().filter(key__in=attempt.keys))


def account_key(username: str) -> str:
    return f"account:{username.strip().casefold()[:150]}"


def locked_until(username: str) -> dt.datetime | None:
    """When the account's lock ends, if it is locked now (shown to its administrator)."""
    row = LoginThrottle.objects.filter(
        key=account_key(username), locked_until__gt=timezone.now()
    ).first()
    return row.locked_until if row else None


@transaction.atomic
def begin(username: str, address: str) -> Attempt:
    """Count an attempt, or raise LockedOut if the name or the address may not try now."""
    attempt = Attempt(account_key(username), f"address:{address}")
    now, rows = timezone.now(), _rows(attempt)
    wait = max((_wait(row, now) for row in rows), default=0)
    if wait:
        raise LockedOut(wait)
    for row in rows:
        row.failures += 1
        row.save(update_fields=["failures", "window_started_at", "level"])
    return attempt


def _wait(row: LoginThrottle, now: dt.datetime) -> int:
    """Seconds the key must wait; also opens a new window when the old one has passed."""
    if row.locked_until and row.locked_until > now:
        return math.ceil((row.locked_until - now).total_seconds())
    if row.locked_until and now - row.locked_until > FORGET_LOCKS_AFTER:
        row.level = 0
    limit = _limit(row.key)
    if row.window_started_at is None or now - row.window_started_at > limit.window:
        row.failures, row.window_started_at = 0, now
    if row.failures >= limit.failures:  # the last allowed guesses are still being checked
        return math.ceil((row.window_started_at + limit.window - now).total_seconds())
    return 0


@transaction.atomic
def failed(attempt: Attempt) -> int:
    """The password (or code) was wrong: the counted attempt stands. Returns the seconds of a
    lock this failure started, else 0."""
    now, locked = timezone.now(), 0
    for row in _rows(attempt):
        if row.failures < _limit(row.key).failures:
            continue
        length = min(_limit(row.key).window * 2**row.level, MAX_LOCK)
        row.locked_until, row.level = now + length, row.level + 1
        row.failures, row.window_started_at = 0, None
        row.save(update_fields=["locked_until", "level", "failures", "window_started_at"])
        locked = max(locked, int(length.total_seconds()))
    return locked


@transaction.atomic
def succeeded(attempt: Attempt, *, signed_in: bool) -> None:
    """The password (or code) was right: forgive the counted attempt. Once the user is fully
    signed in (`signed_in`), the account's earlier failures and lock history go too; the
    address keeps its count, so one good account cannot launder guesses at others."""
    for row in _rows(attempt):
        if signed_in and row.key == attempt.account_key:
            row.failures, row.level = 0, 0
        else:
            row.failures = max(0, row.failures - 1)
        row.save(update_fields=["failures", "level"])
