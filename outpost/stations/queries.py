"""Scoped reads of the outpost stations (平安前哨): which stations a user sees, who manages one,
who works there, and its day: who is on duty, whether it is open, the window log, the
instructions waiting for its report back, the community's open cases and the visits due.

Who may do what (the one place it is decided):
- read: whoever reads the registry (`view_registry`) of the station's community: its officers,
  auxiliaries, grid workers and leaders, the street's commander, the district's administrator.
  Reporters (8大员) and department handlers do not (404, like an outsider).
- manage (staff, opening hours, rota): whoever may `change` or `dispatch` over the community:
  the district administrator, the street commander, the community's grid leader (网格长, a
  community-level role) and the police station's duty officer. Readers who do not get 403.
- the window log: the station's own staff (StationStaff rows); readers who are not get 403.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from outpost.accounts.models import User
from outpost.accounts.scope import restrict, scope_for
from outpost.cases.presenter import present_case
from outpost.cases.services import visible_cases
from outpost.cases.workflow import TERMINAL
from outpost.fieldwork import queries as fieldwork
from outpost.fieldwork.schedule import Due
from outpost.geo.models import Grid, OutpostStation
from outpost.instructions.models import InstructionRecipient, RecipientState
from outpost.instructions.queries import visible_instructions
from outpost.stations.models import DutyShift, OpeningSpan, StationStaff, WindowEntry

SEEN = "view_registry"
MANAGE = ("change", "dispatch")
# Instruction rows addressed to a station name its community (`outpost`, or `community`).
STATION_KINDS = ("outpost", "community")
WAITING = (RecipientState.SENT, RecipientState.SIGNED_ON)
LIST_LIMIT = 50


def sees_stations(user: User) -> bool:
    return not scope_for(user, SEEN).empty


def stations_for(user: User) -> QuerySet[OutpostStation]:
    return restrict(OutpostStation.objects.select_related("community"), user, SEEN)


def manages(user: User, station: OutpostStation) -> bool:
    one = OutpostStation.objects.filter(pk=station.pk)
    return any(restrict(one, user, action).exists() for action in MANAGE)


def staff_member(user: User, station: OutpostStation) -> StationStaff | None:
    return StationStaff.objects.filter(station=station, user=user, active=True).first()


def may_work_there(candidate: User, station: OutpostStation) -> bool:
    """Whether the candidate's area covers the station's community (they read its registry)."""
    if not candidate.is_active:
        return False
    return restrict(OutpostStation.objects.filter(pk=station.pk), candidate, SEEN).exists()


def get_station(user: User, pk: int, action: str = "view") -> OutpostStation:
    """The station if the user sees it (404 otherwise); 403 for `manage` unless they manage
    it, for `serve` (the window log) unless they work there."""
    station = stations_for(user).filter(pk=pk).first()
    if station is None:
        raise Http404
    if action == "manage" and not manages(user, station):
        raise PermissionDenied
    if action == "serve" and staff_member(user, station) is None:
        raise PermissionDenied
    return station


def staff_of(station: OutpostStation) -> QuerySet[StationStaff]:
    rows = StationStaff.objects.filter(station=station, active=True).select_related("user")
    return rows.order_by("post", "user__username")


def spans_of(station: OutpostStation) -> list[OpeningSpan]:
    return list(OpeningSpan.objects.filter(station=station).order_by("weekday", "opens"))


@dataclass(frozen=True)
class OpenState:
    open: bool
    closes: dt.time | None  # when open: when this span ends
    next_opens: dt.datetime | None  # when closed: the next opening within a week


def open_state(spans: list[OpeningSpan], now: dt.datetime) -> OpenState:
    """Open now or not, from the opening hours (local time)."""
    local = timezone.localtime(now)
    today, clock = local.date(), local.time()
    for span in spans:
        if span.weekday == today.weekday() and span.opens <= clock < span.closes:
            return OpenState(True, span.closes, None)
    for ahead in range(8):
        day = today + dt.timedelta(days=ahead)
        for span in sorted((s for s in spans if s.weekday == day.weekday()), key=_opens):
            if ahead or span.opens > clock:
                at = dt.datetime.combine(day, span.opens, tzinfo=local.tzinfo)
                return OpenState(False, None, at)
    return OpenState(False, None, None)


def _opens(span: OpeningSpan) -> dt.time:
    return span.opens


def duties_on(station: OutpostStation, day: dt.date) -> list[DutyShift]:
    rows = DutyShift.objects.filter(station=station, day=day).select_related("staff__user")
    return list(rows.order_by("shift", "staff__user__username"))


def rota(station: OutpostStation, first: dt.date, days: int) -> QuerySet[DutyShift]:
    last = first + dt.timedelta(days=days - 1)
    rows = DutyShift.objects.filter(station=station, day__range=(first, last))
    return rows.select_related("staff__user").order_by("day", "shift", "staff__user__username")


def window_log(station: OutpostStation, day: dt.date | None = None) -> QuerySet[WindowEntry]:
    rows = WindowEntry.objects.filter(station=station).select_related("handled_by", "case")
    if day is not None:
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        rows = rows.filter(at__gte=start, at__lt=start + dt.timedelta(days=1))
    return rows.order_by("-at", "-id")


def waiting_instructions(user: User, station: OutpostStation) -> list[InstructionRecipient]:
    """The station's instruction rows not yet reported back, of instructions the user sees."""
    rows = InstructionRecipient.objects.filter(
        unit_kind__in=STATION_KINDS,
        unit_code=station.community.code,
        state__in=WAITING,
        instruction__in=visible_instructions(user).values("pk"),
    )
    rows = rows.select_related("instruction").order_by("instruction__deadline", "pk")
    return list(rows[:LIST_LIMIT])


def open_cases(user: User, station: OutpostStation) -> list[dict[str, Any]]:
    """Cases in the community, not closed or rejected, that the user sees (titles as the
    user may see them: police-only ones are not spelled out to civil staff)."""
    found = visible_cases(user).filter(grid_code__startswith=station.community.code)
    found = found.exclude(state__in=[s.value for s in TERMINAL]).select_related("subtype")
    return [
        {"case": case, "title": present_case(case, user).title}
        for case in found.order_by("-reported_at")[:LIST_LIMIT]
    ]


def visits_due_today(user: User, station: OutpostStation) -> list[Due]:
    """Visits due by today in the community's grids (the field-work due list, reused)."""
    grids = list(Grid.objects.filter(community=station.community).values_list("code", flat=True))
    if not grids or not fieldwork.may_work(user):
        return []
    today = timezone.localdate()
    return [d for d in fieldwork.due_visits(user, grids) if d.due <= today][:LIST_LIMIT]
