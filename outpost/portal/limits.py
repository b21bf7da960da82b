"""Abuse limits of the portal, per phone and per client address, counted in the database
(`outpost.core.ratelimit`) so every worker process sees one count."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from outpost.core.crypto import keyed_hash
from outpost.core.ratelimit import hit
from outpost.core.refusals import refusal

HOUR, DAY = 3600, 86400
TOO_MANY_CODES = _(
    "Too many codes have been asked for this phone or from this network; "
    "try again in %(minutes)s minutes"
)
TOO_MANY_REPORTS = _(
    "Too many reports from this phone or this network today; try again in %(minutes)s minutes, "
    "or call the outpost"
)
TOO_MANY_SEARCHES = _("Too many searches; wait a minute and try again")


def _key(kind: str, value: str) -> str:
    # Phones are counted by a keyed hash, so the rate table holds no phone number.
    return f"portal:{kind}:{keyed_hash(value or '-', purpose='portal_limit')[:32]}"


def _check(pairs: list[tuple[str, int]], seconds: int, message: object) -> None:
    waits = [hit(key, limit=limit, seconds=seconds) for key, limit in pairs]
    wait = max(waits)
    if wait:
        raise refusal(message, minutes=max(1, (wait + 59) // 60))


def count_code(phone: str, client: str) -> None:
    """One code asked for: at most so many per phone and per address in an hour."""
    _check(
        [
            (_key("code-phone", phone), settings.OUTPOST_PORTAL_CODES_PER_PHONE_HOUR),
            (_key("code-addr", client), settings.OUTPOST_PORTAL_CODES_PER_ADDRESS_HOUR),
        ],
        HOUR,
        TOO_MANY_CODES,
    )


def count_report(phone: str, client: str) -> None:
    """One report submitted: at most so many per phone and per address in a day."""
    _check(
        [
            (_key("report-phone", phone), settings.OUTPOST_PORTAL_REPORTS_PER_PHONE_DAY),
            (_key("report-addr", client), settings.OUTPOST_PORTAL_REPORTS_PER_ADDRESS_DAY),
        ],
        DAY,
        TOO_MANY_REPORTS,
    )


def count_search(client: str) -> None:
    """Address searches and place lookups from one address, per minute."""
    if hit(_key("search", client), limit=settings.OUTPOST_PORTAL_SEARCHES_PER_MINUTE, seconds=60):
        raise ValidationError(TOO_MANY_SEARCHES)
