"""The dispatch board (可视化分流调度): a room's pending cases, most pressing first, each with the
route its sub-type suggests and the people that route reaches."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Case as When_
from django.db.models import CharField, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from outpost.accounts.models import User
from outpost.accounts.units import Unit, members, names_of
from outpost.cases.labels import STATE_LABELS, label
from outpost.cases.models import Case, CaseAssignment
from outpost.cases.presenter import present_case
from outpost.cases.queries import deadline_in_force, to_dispatch
from outpost.cases.routing import suggested_route
from outpost.cases.services import visible_cases
from outpost.cases.workflow import State
from outpost.core.models import Urgency
from outpost.geo.models import CommandRoom, Grid

# The people beside a route may be this far behind a role granted or taken away (dispatching
# reads the roles afresh); a unit's name, as far behind a rename.
STOP_SECONDS = 60
LITERAL_IDS = 5_000  # waiting cases read as ids; beyond, kept as a subquery (see `_ids`)

URGENCY_RANK = When_(
    When(urgency="critical", then=Value(0)),
    When(urgency="urgent", then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class BoardFilter:
    category: str = ""
    source: str = ""
    grid: str = ""

    @classmethod
    def from_query(cls, params: Any) -> "BoardFilter":
        return cls(
            category=params.get("category", "")[:2],
            source=params.get("source", "")[:16],
            grid=params.get("grid", "")[:15],
        )


def room_area_q(room: CommandRoom) -> Q:
    """The room's street (by grid) and its station's beats."""
    street = room.station.street
    area = Q(beat_code__startswith=room.station.prefix)
    if street is not None:
        area |= Q(grid_code__startswith=street.prefix)
    return area


def room_grids(room: CommandRoom) -> list[tuple[str, str]]:
    """(code, name) of the grids in the room's street, for choosing one by name."""
    street = room.station.street
    if street is None:
        return []
    grids = Grid.objects.filter(code__startswith=street.prefix).order_by("name")
    return list(grids.values_list("code", "name"))


def escalated_to(room: CommandRoom) -> QuerySet[CaseAssignment]:
    rows = CaseAssignment.objects.filter(active=True, unit_kind="room")
    return rows.filter(unit_code=room.station.code)


def pending(room: CommandRoom, user: User, wanted: BoardFilter | None = None) -> QuerySet[Case]:
    """Cases waiting for the room: to dispatch in its area, or sent up to it and not yet sent
    on. Both go through the user's own scope first."""
    waiting = to_dispatch(user).filter(room_area_q(room)).values_list("pk", flat=True)
    # The cases sent up to the room are few: found first by the room's own assignments, then
    # the user's scope decides which of them show. Asked the other way round (the scope over
    # every dispatched case, or an OR of the two id sets) PostgreSQL read every assignment or
    # every case at each refresh: ~0.8 s a poll at 2M cases (`bench/jiangsu/mixed_load.py`).
    escalated = Case.objects.filter(
        state=State.DISPATCHED, pk__in=escalated_to(room).values("case_id")
    ).values_list("pk", flat=True)
    sent_up = visible_cases(user).filter(pk__in=_ids(escalated)).values_list("pk", flat=True)
    waiting_ids, sent_up_ids = _ids(waiting), _ids(sent_up)
    if isinstance(waiting_ids, list) and isinstance(sent_up_ids, list):
        cases = Case.objects.filter(pk__in=[*waiting_ids, *sent_up_ids])
    else:
        cases = Case.objects.filter(Q(pk__in=waiting_ids) | Q(pk__in=sent_up_ids))
    cases = _filtered(cases, wanted or BoardFilter())
    return cases.select_related("subtype__category").order_by(
        URGENCY_RANK, F("sign_on_due").asc(nulls_last=True), "reported_at", "id"
    )


def _ids(query: QuerySet[Case, int]) -> list[int] | QuerySet[Case, int]:
    """The ids themselves when there are few (PostgreSQL plans a list of them well); else the
    query, which stays in SQL: a backlog of tens of thousands would pass SQLite's limit of
    ~32,000 parameters."""
    ids = list(query[: LITERAL_IDS + 1])
    return ids if len(ids) <= LITERAL_IDS else query


def _filtered(cases: QuerySet[Case], wanted: BoardFilter) -> QuerySet[Case]:
    if wanted.category:
        cases = cases.filter(subtype__category__code=wanted.category)
    if wanted.source:
        cases = cases.filter(source=wanted.source)
    if wanted.grid:
        cases = cases.filter(grid_code__startswith=wanted.grid)
    return cases


@dataclass
class RouteStop:
    kind: str
    code: str
    name: str
    people: list[str] = field(default_factory=list)


RouteKey = tuple[int, str, str]
Stop = tuple[str, list[str]] | None  # (name, first five people) of a unit; None: no such unit


def _route_key(case: Case) -> RouteKey:
    return (case.subtype_id, case.grid_code, case.beat_code)


def routes(cases: list[Case]) -> dict[RouteKey, list[RouteStop]]:
    """The suggested route of each kind of case at each place, with who holds a role over each
    unit (who will get the case: `units.members`). A route with a unit missing suggests nothing
    (as `suggested_units` refuses it)."""
    planned = {_route_key(c): suggested_route(c.subtype, c.grid_code, c.beat_code) for c in cases}
    stops = _stops({pair for route in planned.values() for pair in route})
    return {key: _route_stops(route, stops) for key, route in planned.items()}


def _route_stops(
    route: list[tuple[str, str]], stops: dict[tuple[str, str], Stop]
) -> list[RouteStop]:
    found = []
    for kind, code in route:
        stop = stops[(kind, code)]
        if stop is None:
            return []
        found.append(RouteStop(kind, code, *stop))
    return found


def _stops(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], Stop]:
    """Each unit's name and people, kept in this process for `STOP_SECONDS`: every open board
    asks every few seconds, and the units, their names and their people change rarely. The
    ones not kept are read together: the names one query a kind, the people one query."""
    keys = {pair: f"command:stop:{pair[0]}:{pair[1]}" for pair in pairs}
    kept = cache.get_many(list(keys.values()))
    missing = [pair for pair, key in keys.items() if key not in kept]
    if missing:
        built = {keys[pair]: stop for pair, stop in _read_stops(missing).items()}
        cache.set_many(built, timeout=STOP_SECONDS)
        kept.update(built)
    return {pair: kept[key] for pair, key in keys.items()}


def _read_stops(pairs: list[tuple[str, str]]) -> dict[tuple[str, str], Stop]:
    names = names_of(pairs)
    known = [Unit(kind, code, names[(kind, code)]) for kind, code in pairs if (kind, code) in names]
    people: dict[tuple[str, str], set[str]] = defaultdict(set)
    for kind, code, display_name, username in _members_of(known):
        people[(kind, code)].add(display_name or username)
    return {
        pair: (names[pair], sorted(people[pair])[:5]) if pair in names else None for pair in pairs
    }


def _members_of(units: list[Unit]) -> list[tuple[str, str, str, str]]:
    """(unit kind, unit code, display name, username) of who acts for each unit
    (`units.members`, not superusers, who act for every unit), in one query."""
    found = [
        members(u)
        .filter(is_superuser=False)
        .annotate(
            unit_kind=Value(u.kind, output_field=CharField()),
            unit_code=Value(u.code, output_field=CharField()),
        )
        .values_list("unit_kind", "unit_code", "display_name", "username")
        for u in units
    ]
    return list(found[0].union(*found[1:])) if found else []


def rows(cases: list[Case], user: User, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    now = now or timezone.now()
    grids = dict(
        Grid.objects.filter(code__in={c.grid_code for c in cases}).values_list("code", "name")
    )
    sent_up = set(
        CaseAssignment.objects.filter(case__in=cases, active=True, unit_kind="room").values_list(
            "case_id", flat=True
        )
    )
    found = routes(cases)
    return [_row(c, user, now, grids, c.pk in sent_up, found[_route_key(c)]) for c in cases]


def _row(
    case: Case,
    user: User,
    now: dt.datetime,
    grids: dict[str, str],
    sent_up: bool,
    route: list[RouteStop],
) -> dict[str, Any]:
    deadline = deadline_in_force(case, now)
    seen = present_case(case, user)
    return {
        "number": case.number,
        "title": seen.title,
        "subtype": case.subtype.code,
        "subtype_name": case.subtype.name,
        "source": case.source,
        "urgency": case.urgency,
        "urgency_label": str(Urgency(case.urgency).label),
        "state": case.state,
        "state_label": label(STATE_LABELS, case.state),
        "grid_code": case.grid_code,
        "grid_name": grids.get(case.grid_code, ""),
        "lon": seen.lon,
        "lat": seen.lat,
        "reported_at": case.reported_at.isoformat(),
        "deadline": deadline.due.isoformat() if deadline else None,
        "deadline_text": timezone.localtime(deadline.due).strftime("%m-%d %H:%M")
        if deadline
        else "",
        "deadline_marker": deadline.marker if deadline else "",
        "escalated": sent_up,
        "route": [stop.__dict__ for stop in route],
    }
