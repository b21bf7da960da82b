"""What each role's start page (今日待办) counts, each count read through the same scoped query
as the list it links to, so the number on the page and the rows behind the link agree.

Case counts are the work queue's own tabs (`cases.queries.queue_tabs`) narrowed by the queue's
own filter (`cases.filters.narrowed`) with the very parameters the link carries."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from outpost.accounts.delegation import managed_users
from outpost.accounts.models import BreakGlassGrant, LoginThrottle, User
from outpost.accounts.queries import break_glass_for
from outpost.accounts.scope import scope_for
from outpost.cases import queries as case_queries
from outpost.cases.filters import day_start, narrowed, overdue_q
from outpost.cases.models import Card, Case, TimelineEntry
from outpost.cases.services import visible_cases
from outpost.cases.workflow import TERMINAL
from outpost.command import board
from outpost.command.models import DutyShift
from outpost.command.queries import rooms_for
from outpost.geo.models import Grid
from outpost.instructions.queries import not_signed_on, to_answer
from outpost.registry.edits import returned_to

SATISFIED = ("satisfied", "basically_satisfied")
WORST_GRIDS = 5


@dataclass(frozen=True)
class Tile:
    key: str
    label: Promise | str
    count: int
    url: str = ""
    urgent: bool = False  # shown in red when there is any


@dataclass
class Numbers:
    """A commander's day: today's figure and yesterday's (or at the start of today)."""

    key: str
    label: Promise | str
    today: float | int | None
    before: float | int | None
    url: str = ""
    percent: bool = False

    @property
    def change(self) -> float | int | None:
        if self.today is None or self.before is None:
            return None
        return round(self.today - self.before, 1) if self.percent else self.today - self.before


@dataclass
class Overview:
    numbers: list[Numbers] = field(default_factory=list)
    worst: list[tuple[str, str, int, str]] = field(default_factory=list)  # code, name, n, url


def case_list_url(tab: str, **params: str) -> str:
    return reverse("cases:queue") + "?" + urlencode({"tab": tab, **params})


def case_count(user: User, tab: str, **params: str) -> int:
    """How many rows `/cases/?tab=<tab>&<params>` lists for this user."""
    tabs = {t.key: t.cases for t in case_queries.queue_tabs(user)}
    if tab not in tabs:
        return 0
    data: dict[str, Any] = {**params, "overdue": params.get("overdue") == "on"}
    return narrowed(tabs[tab], data, [], user).count()


def case_tile(user: User, key: str, label: Promise, tab: str, **params: str) -> Tile:
    count = case_count(user, tab, **params)
    return Tile(key, label, count, case_list_url(tab, **params), urgent=key == "overdue")


def instructions_to_answer(user: User) -> int:
    """Instructions with a row the user acts for not yet reported done (the inbox's `open=1`)."""
    return to_answer(user).count()


def collects(user: User) -> bool:
    """Enters registry records (前端采), so may have edits returned."""
    return not scope_for(user, "collect").empty


def returned_edits(user: User) -> int:
    """Registry edits the beat's officer returned to the user (退回), as their list shows them."""
    return returned_to(user).count()


def unsigned_instructions(user: User) -> int:
    """Instructions from the user's rooms with a recipient not yet signed on (`open=1`)."""
    return not_signed_on(user).count()


def own_openings(user: User) -> QuerySet[BreakGlassGrant]:
    """The officer's own emergency openings that no auditor has reviewed yet."""
    return BreakGlassGrant.objects.filter(user=user, reviewed_at__isnull=True)


def openings_to_review(user: User) -> int:
    """The auditor's list (`audit:break_glass`, pending by default), counted."""
    return break_glass_for(user).filter(reviewed_at__isnull=True).count()


def rooms(user: User, now: dt.datetime) -> list[dict[str, Any]]:
    """Each room the user runs: its board's count and whether the user is on duty now."""
    found = list(rooms_for(user))
    on_duty = set(
        DutyShift.objects.filter(
            room__in=found, member__user=user, starts_at__lte=now, ends_at__gt=now
        ).values_list("room_id", flat=True)
    )
    return [
        {"room": r, "pending": board.pending(r, user).count(), "on_duty": r.pk in on_duty}
        for r in found
    ]


def locked_accounts(admin: User, now: dt.datetime) -> QuerySet[User]:
    """Users the administrator manages whose sign-in is locked now."""
    keys = LoginThrottle.objects.filter(key__startswith="account:", locked_until__gt=now)
    names = [k[len("account:") :] for k in keys.values_list("key", flat=True)]
    users = managed_users(admin).annotate(folded=Lower("username"))
    return users.filter(folded__in=names).order_by("username")


def without_second_factor(admin: User) -> QuerySet[User]:
    return (
        managed_users(admin)
        .filter(is_active=True)
        .exclude(totp__confirmed_at__isnull=False)
        .order_by("username")
    )


def overview(user: User, now: dt.datetime) -> Overview:
    """Today's numbers for the user's area, with yesterday's, and the grids most overdue."""
    today = day_start(timezone.localdate(now))
    yesterday = today - dt.timedelta(days=1)
    cases = visible_cases(user)
    was_open = Q(reported_at__lt=today) & (Q(closed_at__isnull=True) | Q(closed_at__gte=today))
    got = Case.objects.filter(pk__in=cases.values("pk")).aggregate(
        new=Count("pk", filter=Q(reported_at__gte=today)),
        new_before=Count("pk", filter=Q(reported_at__gte=yesterday, reported_at__lt=today)),
        open=Count("pk", filter=~Q(state__in=TERMINAL)),
        open_before=Count("pk", filter=was_open),
        overdue=Count("pk", filter=overdue_q(now)),
    )
    reds = Card.objects.filter(color="red", case__in=cases.values("pk"))
    red = reds.aggregate(
        now=Count("pk", filter=Q(issued_at__gte=today)),
        before=Count("pk", filter=Q(issued_at__gte=yesterday, issued_at__lt=today)),
    )
    happy = (_satisfaction(cases, today, now), _satisfaction(cases, yesterday, today))
    numbers = [
        Numbers(
            "new", _("New"), got["new"], got["new_before"], case_list_url("all", period="today")
        ),
        Numbers(
            "open", _("Open"), got["open"], got["open_before"], case_list_url("all", state="open")
        ),
        Numbers("overdue", _("Overdue"), got["overdue"], None, case_list_url("all", overdue="on")),
        Numbers("red", _("Red cards"), red["now"], red["before"]),
        Numbers("satisfaction", _("Satisfaction"), *happy, percent=True),
    ]
    return Overview(numbers, _worst(cases, now))


def _satisfaction(cases: Any, start: dt.datetime, end: dt.datetime) -> float | None:
    """The share (%) of satisfied and basically satisfied among the ratings given in the span."""
    rated = TimelineEntry.objects.filter(action="rate", at__gte=start, at__lt=end)
    found = (
        Case.objects.filter(pk__in=cases.values("pk"))
        .filter(pk__in=rated.values("case_id"))
        .aggregate(all=Count("pk"), good=Count("pk", filter=Q(rating__in=SATISFIED)))
    )
    return round(100 * found["good"] / found["all"], 1) if found["all"] else None


def _worst(cases: Any, now: dt.datetime) -> list[tuple[str, str, int, str]]:
    rows = list(
        Case.objects.filter(pk__in=cases.values("pk"))
        .filter(overdue_q(now))
        .values("grid_code")
        .annotate(n=Count("pk"))
        .order_by("-n", "grid_code")[:WORST_GRIDS]
    )
    names = dict(
        Grid.objects.filter(code__in=[r["grid_code"] for r in rows]).values_list("code", "name")
    )
    return [
        (
            r["grid_code"],
            names.get(r["grid_code"], r["grid_code"]),
            r["n"],
            case_list_url("all", grid=r["grid_code"], overdue="on"),
        )
        for r in rows
    ]


def dispatches(user: User) -> bool:
    return not scope_for(user, "dispatch").empty
