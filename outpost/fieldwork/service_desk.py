"""The service desk a visit (走访) opens a service request (代办/服务请求) through.

Service requests belong to the service guides, an app above field work: it registers its desk
at start-up (`AppConfig.ready`), so field work imports nothing above it. The visit gives what the
visitor asked for (the matter, the mode, a phone number to call back, a note) and where the
visited subject lies; the desk files the request there, so it is read by exactly those who read
the subject (a care subject's name reaches nobody who may not see the subject itself).
"""

from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User


@dataclass(frozen=True)
class ServiceAsk:
    """What the visitor asks for on the resident's behalf."""

    matter: str  # the matter's code (办事指南)
    mode: str  # 送办、代办、帮办、包办
    phone: str  # the number the resident gives to be called back on (typed, never copied)
    note: str = ""


@dataclass(frozen=True)
class ForSubject:
    """The request as the desk files it: for whom, and where the visited subject lies."""

    ask: ServiceAsk
    resident_name: str
    address: str
    grid_code: str
    beat_code: str


class Desk(Protocol):
    def matters(self) -> list[tuple[str, str]]: ...

    def modes(self) -> list[tuple[str, str]]: ...

    def open(self, new: ForSubject, *, actor: User) -> Any: ...


DESKS: list[Desk] = []


def register(desk: Desk) -> None:
    if not any(type(d) is type(desk) for d in DESKS):
        DESKS.append(desk)


def desk() -> Desk:
    if not DESKS:
        raise ValidationError({"service": _("Service requests are not available here")})
    return DESKS[0]


def choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The matters and the modes a visit may ask for (none when no desk is registered)."""
    if not DESKS:
        return [], []
    return DESKS[0].matters(), DESKS[0].modes()
