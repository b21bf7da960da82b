"""Deployment checks (`outpost check --deploy`) for the sign-in and audit settings."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def sign_in_hardening(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if not settings.OUTPOST_REQUIRE_TOTP:
        problems.append(
            Warning(
                "OUTPOST_REQUIRE_TOTP is off: roles that may unmask, export or audit sign in "
                "with a password alone.",
                id="outpost.W001",
            )
        )
    if settings.OUTPOST_ACCESS_LOG_RETENTION_DAYS < 183:
        problems.append(
            Warning(
                "OUTPOST_ACCESS_LOG_RETENTION_DAYS is under six months, the least the "
                "Cybersecurity Law (art. 21) requires for network logs.",
                id="outpost.W002",
            )
        )
    return problems
