"""Ninety days of believable case history for the demo (演示历史数据).

Cases are walked through the real workflow table in memory (every step is checked against it,
guards included: sub-types that need the officer are verified before they are dispatched, and
every closed case was rated or its resident could not be reached by 回访) and written in bulk:
going through `act` 150,000 times would take many minutes. What each step does to a case is not
restated here: the steps apply `outpost.cases.effects.changes` and the table's follow-ups (an
unsatisfied rating reopens the case), route by `routing.suggested_route`, number by
`numbering.case_number` and give cards by the sweep's `supervision` rule.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from outpost.accounts.models import Department
from outpost.cases import effects
from outpost.cases.models import Card, Case, CaseAssignment, Source, SubType, TimelineEntry
from outpost.cases.numbering import case_number, day_of, next_case_number
from outpost.cases.routing import suggested_route
from outpost.cases.sensitivity import for_subtype
from outpost.cases.services import _tracking_code
from outpost.cases.supervision import yellow_from
from outpost.cases.workflow import TABLE, Facts, State, follow_ups, holds, needs_verification
from outpost.core.bulk import insert_rows
from outpost.geo.models import CommandRoom, Division, Grid, PoliceBeat
from outpost.registry.models import StandardAddress

CATEGORY_WEIGHTS = {
    "01": 18,
    "02": 15,
    "03": 5,
    "04": 12,
    "05": 6,
    "06": 20,
    "07": 12,
    "08": 2,
    "09": 8,
    "99": 2,
}
SOURCES = {
    "01": ["grid_patrol", "resident", "12345"],
    "03": ["grid_patrol", "reporter"],
    "09": ["110"],
    "08": ["grid_patrol", "higher_level"],
}
RATINGS = (("satisfied", 80), ("basically_satisfied", 15), ("unsatisfied", 5))
UNREACHABLE = 0.06  # share of completed cases whose resident no 回访 call reaches


Step = tuple[str, State, State, dt.datetime, str, str, dict[str, Any]]


@dataclass
class Draft:
    """One case being walked through the table, with what it will write."""

    case: dict[str, Any]
    steps: list[Step] = field(default_factory=list)
    units: list[tuple[str, str, str, bool, dt.datetime]] = field(default_factory=list)
    cards: list[tuple[str, str, dt.datetime, dt.datetime, bool]] = field(default_factory=list)
    sub: SubType | None = None
    reporter_id: int | None = None  # a known user's report: its timeline row names them
    gated: bool = False  # a hazard an inspection found: 结案 waits for its passed re-check
    closes_after: dt.datetime | None = None  # when that re-check passed (None: not yet)

    def step(
        self, action: str, at: dt.datetime, actor: str, comment: str = "", **inputs: Any
    ) -> None:
        """Take one step of the table with the real effects, then its follow-ups."""
        state = State(self.case["state"])
        move = TABLE[(state, action)]  # KeyError here would be a bug in the generator
        assert holds(move.guard, self.facts()), (action, move.guard)  # so would this
        self.case.update(effects.changes(self, move, inputs, comment, at))
        self.case["state"] = move.target.value
        details = {"outcome": inputs["outcome"]} if action == "followup" else {}
        if inputs.get("outcome") == "unreachable":
            details["attempt"] = self.case["followups_failed"]
        self.steps.append((action, state, move.target, at, actor, comment, details))
        for follow in follow_ups(action, inputs):
            self.step(follow.action, at, f"system:{follow.actor}")

    def __getattr__(self, name: str) -> Any:
        """The draft read as `effects` reads a case: its fields, and its sub-type."""
        if name == "subtype":
            return self.sub
        try:
            return self.__dict__["case"][name]
        except KeyError:
            raise AttributeError(name) from None

    def facts(self) -> Facts:
        sub = self.sub
        assert sub is not None
        return Facts(
            needs_verification=needs_verification(
                sub.needs_verification, self.case["source"], self.reporter_id
            ),
            followup_required=sub.followup_required,
            followup_attempts=sub.followup_attempts,
            followups_failed=self.case["followups_failed"],
            inspection_recheck_passed=not self.gated or self.closes_after is not None,
        )


@transaction.atomic
def generate_history(
    count: int = 20_000, days: int = 90, seed: int = 2026, grids: list[str] | None = None
) -> int:
    """Write `count` cases reported over the last `days` days (in `grids` only, when given);
    returns how many were made."""
    if Case.objects.exists():
        return 0
    rng = random.Random(seed)
    world = _World.load(grids)
    now = timezone.now()
    drafts = [_draft(rng, world, now, days) for _ in range(count)]
    _write(drafts)
    return len(drafts)


@dataclass
class _World:
    places: list[tuple[float, float, str, str, str]]  # lon, lat, grid, beat, road
    subtypes: dict[str, list[SubType]]
    names: dict[str, str]
    rooms: dict[str, tuple[str, str]]  # street code → the command room's station code and name

    @classmethod
    def load(cls, grids: list[str] | None = None) -> "_World":
        doors = StandardAddress.objects.filter(level="door").exclude(grid_code="")
        if grids is not None:
            doors = doors.filter(grid_code__in=grids)
        places = list(doors.values_list("lon", "lat", "grid_code", "beat_code", "road"))
        subtypes: dict[str, list[SubType]] = {}
        for sub in SubType.objects.select_related("category"):
            subtypes.setdefault(sub.category.code, []).append(sub)
        names = dict(Grid.objects.values_list("code", "name"))
        names |= dict(PoliceBeat.objects.values_list("code", "name"))
        names |= dict(Division.objects.values_list("code", "name"))
        names |= dict(Department.objects.values_list("code", "name"))
        found = CommandRoom.objects.filter(station__street__isnull=False)
        rooms = {
            street: (station, name)
            for street, station, name in found.values_list(
                "station__street__code", "station__code", "name"
            )
        }
        return cls(places, subtypes, names, rooms)


def _draft(rng: random.Random, world: _World, now: dt.datetime, days: int) -> Draft:
    category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
    sub = rng.choice(world.subtypes[category])
    lon, lat, grid, beat, road = rng.choice(world.places)
    reported = _moment(rng, now, days)
    draft = Draft(
        {
            "number": "",
            "tracking_code": "",  # see _track
            "source": rng.choice(SOURCES.get(category, ["grid_patrol", "reporter", "resident"])),
            "subtype_id": sub.pk,
            "title": f"{road}附近{sub.name}",
            "description": "",
            "lon": lon,
            "lat": lat,
            "source_crs": "wgs84",
            "grid_code": grid,
            "beat_code": beat,
            "urgency": "urgent" if category in ("02", "08") and rng.random() < 0.3 else "normal",
            "sensitivity": "police" if sub.default_owner == "police" else "internal",
            "state": State.REPORTED.value,
            "version": 0,
            "rework_count": 0,
            "rating": "",
            "followups_failed": 0,
            "result": "",
            "reported_at": reported,
            "extension_requested": False,
            "sign_on_started": None,
            "sign_on_due": None,
            "handle_started": None,
            "handle_due": None,
            "paused_at": None,
            "closed_at": None,
            "last_followup_at": None,
            "reporter_name": "",
            **Case.reporter_phone.columns(""),
        },
        sub=sub,
    )
    draft.steps.append(("report", State.REPORTED, State.REPORTED, reported, f"gw{grid}", "", {}))
    _walk(rng, world, draft, sub, now)
    return draft


def _moment(rng: random.Random, now: dt.datetime, days: int) -> dt.datetime:
    day = now - dt.timedelta(days=rng.random() * days)
    hour = rng.choices(range(24), weights=[1] * 7 + [6] * 11 + [3] * 4 + [1] * 2)[0]
    moment = timezone.localtime(day).replace(
        hour=hour, minute=rng.randrange(60), second=rng.randrange(60)
    )
    return moment if moment <= now else moment - dt.timedelta(days=1)


def _walk(rng: random.Random, world: _World, d: Draft, sub: SubType, now: dt.datetime) -> None:
    t = d.case["reported_at"]
    leader = f"gl{d.case['grid_code'][:12]}"
    if rng.random() < 0.03 and not d.gated:
        _maybe(d, "reject", t + dt.timedelta(hours=2), now, leader, "重复上报，已合并处理")
        return
    t += dt.timedelta(minutes=rng.randrange(10, 240))
    if d.facts().needs_verification:  # 民警核: the beat's officer verifies before anyone dispatches
        if not _maybe(d, "request_verification", t, now, leader):
            return
        t += dt.timedelta(minutes=rng.randrange(30, 480))
        if not _maybe(d, "verify", t, now, f"o{d.case['beat_code']}", "经核实属实"):
            return
    elif not _maybe(d, "accept", t, now, leader):
        return
    route = suggested_route(sub, d.case["grid_code"], d.case["beat_code"])
    t += dt.timedelta(minutes=rng.randrange(5, 120))
    if not route or not _maybe(d, "dispatch", t, now, leader):
        return  # with no unit to send it to, a real dispatch is refused too
    names = world.names
    d.units += [
        (kind, code, names.get(code, code), i == 0, t) for i, (kind, code) in enumerate(route)
    ]
    room = world.rooms.get(d.case["grid_code"][:9] + "000")
    _handle(rng, d, sub, now, f"{route[0][0]}{route[0][1]}", room)


def _maybe(
    d: Draft,
    action: str,
    at: dt.datetime,
    now: dt.datetime,
    actor: str,
    comment: str = "",
    **inputs: Any,
) -> bool:
    """Take the step if its time has come; a case reported late is still under way."""
    if at > now:
        return False
    d.step(action, at, actor, comment, **inputs)
    return True


def _handle(
    rng: random.Random,
    d: Draft,
    sub: SubType,
    now: dt.datetime,
    unit: str,
    room: tuple[str, str] | None,
) -> None:
    start, due = d.case["sign_on_started"], d.case["sign_on_due"]
    if not _maybe(d, "sign_on", start + (due - start) * rng.uniform(0.05, 1.3), now, f"h{unit}"):
        return
    for _ in range(3):  # at most two reworks: an unsatisfied rating reopens the case
        if not _complete_and_rate(rng, d, sub, now, unit, room):
            return
        if d.case["state"] != State.HANDLING:
            break
    if d.case["state"] == State.HANDLING:
        return  # still being reworked
    close = d.steps[-1][3] + dt.timedelta(hours=rng.uniform(2, 48))
    if d.gated:  # the guard holds only from the passed re-check on
        if d.closes_after is None:
            return
        close = max(close, d.closes_after + dt.timedelta(hours=rng.uniform(1, 24)))
    _maybe(d, "close", close, now, "commander")


def _complete_and_rate(
    rng: random.Random,
    d: Draft,
    sub: SubType,
    now: dt.datetime,
    unit: str,
    room: tuple[str, str] | None,
) -> bool:
    start, due = d.case["handle_started"], d.case["handle_due"]
    late = rng.random() < 0.12
    done = start + (due - start) * (rng.uniform(1.05, 2.0) if late else rng.uniform(0.1, 0.95))
    if late:
        _cards(d, start, due, now, room)
    result = "已处理完毕，现场复查无问题"
    if not _maybe(d, "complete", done, now, f"h{unit}", result, **_closing(sub)):
        return False
    if sub.followup_required and rng.random() < UNREACHABLE:
        return _unreachable(rng, d, sub, done, now)
    rating = rng.choices([r for r, _ in RATINGS], weights=[w for _, w in RATINGS])[0]
    rated = done + dt.timedelta(hours=rng.uniform(1, 72))
    return _maybe(d, "rate", rated, now, "resident", rating=rating)


def _closing(sub: SubType) -> dict[str, str]:
    """What 办结 of this sub-type is recorded with (the real form asks for the same)."""
    if sub.closing_requires == "mediation_outcome":
        return {"mediation_outcome": "调解成功"}
    if sub.closing_requires == "recheck_photo":
        return {"recheck": "已复查，隐患已消除"}
    return {}


def _cards(
    d: Draft, start: dt.datetime, due: dt.datetime, now: dt.datetime, room: tuple[str, str] | None
) -> None:
    """The cards the sweep gives a late case, as far as their time has come; on red the room one
    level up joins it, as the sweep's `escalate` step does."""
    yellow = yellow_from(start, due)
    if yellow <= now:
        d.cards.append(("yellow", "handling", due, yellow, False))
    if due > now:
        return
    escalate = settings.OUTPOST_ESCALATE_RED_CARDS and room is not None
    d.cards.append(("red", "handling", due, due, escalate))
    if escalate and room is not None:
        d.step("escalate", due, "system:sweep")
        d.units.append(("room", room[0], room[1], False, due))


def _unreachable(
    rng: random.Random, d: Draft, sub: SubType, done: dt.datetime, now: dt.datetime
) -> bool:
    """回访 calls that never reach the resident, a few hours apart: after as many as the
    sub-type allows the case may close without a rating."""
    at = done
    for _ in range(sub.followup_attempts):
        at += dt.timedelta(hours=rng.uniform(2, 30))
        if not _maybe(d, "followup", at, now, "commander", outcome="unreachable"):
            return False
    return True


def _write(drafts: list[Draft]) -> None:
    _number(drafts)
    _track(drafts)
    _insert(drafts)


def _insert(drafts: list[Draft]) -> None:
    columns = list(drafts[0].case)
    insert_rows(Case, columns, [[d.case[c] for c in columns] for d in drafts])
    ids = dict(Case.objects.values_list("number", "id"))
    timeline, units, cards = [], [], []
    for d in drafts:
        pk = ids[d.case["number"]]
        timeline += [
            [
                pk,
                at,
                d.reporter_id if action == "report" else None,
                actor,
                action,
                src.value if action != "report" else "",
                dst.value,
                comment,
                details,
                None,
            ]
            for action, src, dst, at, actor, comment, details in d.steps
        ]
        signed = next((step[3] for step in d.steps if step[0] == "sign_on"), None)
        units += [
            [pk, kind, code, name, lead, True, at, signed if signed and at <= signed else None]
            for kind, code, name, lead, at in d.units
        ]
        cards += [[pk, color, clock, due, at, up] for color, clock, due, at, up in d.cards]
    insert_rows(
        TimelineEntry,
        [
            "case_id",
            "at",
            "actor_id",
            "actor_name",
            "action",
            "from_state",
            "to_state",
            "comment",
            "details",
            "deadline",
        ],
        timeline,
    )
    insert_rows(
        CaseAssignment,
        [
            "case_id",
            "unit_kind",
            "unit_code",
            "unit_name",
            "lead",
            "active",
            "assigned_at",
            "signed_on_at",
        ],
        units,
    )
    insert_rows(Card, ["case_id", "color", "clock", "deadline", "issued_at", "escalated"], cards)


def _number(drafts: list[Draft]) -> None:
    drafts.sort(key=lambda d: d.case["reported_at"])
    per_day: dict[str, int] = {}
    for d in drafts:
        day = day_of(d.case["reported_at"])
        per_day[day] = per_day.get(day, 0) + 1
        d.case["number"] = case_number(d.case["grid_code"][:6], day, per_day[day])


def _track(drafts: list[Draft]) -> None:
    """Tracking codes from the generator real reports use (the secrets module, never the seeded
    rng): anyone may try codes on /status/, so a demo case's must be as hard to guess."""
    codes: set[str] = set()
    while len(codes) < len(drafts):
        codes.add(_tracking_code())
    for d, code in zip(drafts, codes, strict=True):
        d.case["tracking_code"] = code


@dataclass(frozen=True)
class Found:
    """A case a known user filed at a known place and time (an inspection's failed item), to be
    walked on like the rest. `gated`: a hazard whose 结案 waits for its re-check, passed at
    `closes_after` (None: not passed yet, the case stays open)."""

    subtype_code: str
    title: str
    description: str
    address_id: int
    lon: float
    lat: float
    grid_code: str
    beat_code: str
    reported_at: dt.datetime
    reporter_id: int
    reporter_name: str
    gated: bool = True
    closes_after: dt.datetime | None = None


def file_found(found: list[Found], seed: int = 2027) -> list[int]:
    """Write cases filed at known places, walked through the table up to now, numbered after
    the day's cases already written (as `next_case_number` numbers a report); returns their
    ids in the order given."""
    if not found:
        return []
    rng, world, now = random.Random(seed), _World.load(), timezone.now()
    subs = {s.code: s for subs in world.subtypes.values() for s in subs}
    drafts = [_found_draft(rng, world, now, f, subs[f.subtype_code]) for f in found]
    order = sorted(drafts, key=lambda d: d.case["reported_at"])
    _number_after(order)
    _track(order)
    _insert(order)
    numbers = [d.case["number"] for d in drafts]
    ids = dict(Case.objects.filter(number__in=numbers).values_list("number", "id"))
    return [ids[d.case["number"]] for d in drafts]


def _found_draft(
    rng: random.Random, world: _World, now: dt.datetime, f: Found, sub: SubType
) -> Draft:
    draft = Draft(
        {
            "number": "",
            "tracking_code": "",
            "source": Source.GRID_PATROL.value,
            "subtype_id": sub.pk,
            "title": f.title[:100],
            "description": f.description,
            "lon": f.lon,
            "lat": f.lat,
            "source_crs": "wgs84",
            "address_id": f.address_id,
            "grid_code": f.grid_code,
            "beat_code": f.beat_code,
            "reporter_id": f.reporter_id,
            "urgency": "normal",
            "sensitivity": for_subtype(sub),
            "state": State.REPORTED.value,
            "version": 0,
            "rework_count": 0,
            "rating": "",
            "followups_failed": 0,
            "result": "",
            "reported_at": f.reported_at,
            "extension_requested": False,
            "sign_on_started": None,
            "sign_on_due": None,
            "handle_started": None,
            "handle_due": None,
            "paused_at": None,
            "closed_at": None,
            "last_followup_at": None,
            "reporter_name": "",
            **Case.reporter_phone.columns(""),
        },
        sub=sub,
        reporter_id=f.reporter_id,
        gated=f.gated,
        closes_after=f.closes_after,
    )
    step = ("report", State.REPORTED, State.REPORTED, f.reported_at, f.reporter_name)
    draft.steps.append((*step, f.description[:500], {}))
    _walk(rng, world, draft, sub, now)
    return draft


def _number_after(drafts: list[Draft]) -> None:
    """Numbers following the last one of each day (drafts in the order they were reported)."""
    last: dict[str, int] = {}
    for d in drafts:
        at, district = d.case["reported_at"], d.case["grid_code"][:6]
        prefix = case_number(district, day_of(at), 0)[:-4]
        if prefix not in last:
            last[prefix] = int(next_case_number(district, at).rsplit("-", 1)[1]) - 1
        last[prefix] += 1
        d.case["number"] = case_number(district, day_of(at), last[prefix])
