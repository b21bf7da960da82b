"""Demo data for the outpost stations (平安前哨): every community's station gets its staff from
the roles held there, opening hours (Mon–Fri 8:30–12:00 and 14:00–17:30, Sat 9:00–12:00), a duty
rota for the last 30 and the next 14 days, and a few window visits a day over the last 30 days.
Seeded, so every run makes the same rows (relative to today); bulk writes, so it stays fast."""

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from outpost.accounts.models import RoleAssignment
from outpost.accounts.roles import Role
from outpost.geo.models import Grid, OutpostStation
from outpost.stations.models import (
    DutyShift,
    OpeningSpan,
    Post,
    StationStaff,
    WindowEntry,
)
from outpost.stations.services import ROLE_POSTS

SEED = 2026
PAST_DAYS, AHEAD_DAYS = 30, 14
WEEKDAY_SPANS = ((dt.time(8, 30), dt.time(12)), (dt.time(14), dt.time(17, 30)))
SATURDAY_SPANS = ((dt.time(9), dt.time(12)),)
VISITS = (
    ("consultation", "咨询居住证办理", "answered"),
    ("consultation", "咨询低保申请条件", "answered"),
    ("consultation", "咨询电动车上牌", "referred"),
    ("request", "代办老年优待证", "referred"),
    ("request", "代开居住证明", "answered"),
    ("request", "代办残疾人补贴申请", "referred"),
    ("dispute", "楼上漏水邻里纠纷", "referred"),
    ("dispute", "楼道堆物引发争执", "answered"),
    ("other", "捡到钱包交还失主", "answered"),
    ("other", "问路", "answered"),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
PHONE_SHARE = 0.6


@transaction.atomic
def create_demo_stations() -> dict[str, int]:
    """Staff, hours, rota and window log for every station with none yet."""
    stations = list(
        OutpostStation.objects.select_related("community")
        .exclude(pk__in=StationStaff.objects.values("station_id"))
        .order_by("community__code")
    )
    staff = _staff(stations)
    today = timezone.localdate()
    spans, duties, entries = [], [], []
    for station in stations:
        rng = random.Random(f"{SEED}:{station.community.code}")
        spans += _spans(station)
        on_duty = _rota(station, staff.get(station.pk, []), today, rng)
        duties += on_duty
        entries += _visits(station, on_duty, today, rng)
    OpeningSpan.objects.bulk_create(spans)
    DutyShift.objects.bulk_create(duties, batch_size=2000)
    WindowEntry.objects.bulk_create(entries, batch_size=2000)
    members = sum(len(s) for s in staff.values())
    return {
        "stations": len(stations),
        "staff": members,
        "duties": len(duties),
        "visits": len(entries),
    }


def _staff(stations: list[OutpostStation]) -> dict[int, list[StationStaff]]:
    """`services.default_staff` for every station at once (four queries, not four a station)."""
    by_community = {s.community_id: s for s in stations}
    grids = Grid.objects.filter(community_id__in=by_community)
    grid_station: dict[str, OutpostStation] = {}
    beat_stations: dict[str, set[int]] = defaultdict(set)
    for code, community, beat in grids.values_list("code", "community_id", "main_beat__code"):
        grid_station[code] = by_community[community]
        if beat:
            beat_stations[beat].add(community)
    leader_station = {s.community.code: s for s in stations}
    posts = dict(ROLE_POSTS)
    chosen: dict[tuple[int, int], str] = {}
    rows = RoleAssignment.objects.filter(role__in=list(posts), user__is_active=True)
    for user_id, role, code in rows.values_list("user_id", "role", "scope_code").order_by("pk"):
        for station in _stations_for(
            role, code, grid_station, beat_stations, leader_station, by_community
        ):
            key, post = (station.pk, user_id), posts[Role(role)]
            if key not in chosen or _rank(post) < _rank(chosen[key]):
                chosen[key] = post
    made = [StationStaff(station_id=s, user_id=u, post=p) for (s, u), p in sorted(chosen.items())]
    StationStaff.objects.bulk_create(made, batch_size=2000)
    saved = StationStaff.objects.filter(station__in=stations).order_by("station_id", "post", "pk")
    found: dict[int, list[StationStaff]] = defaultdict(list)
    for member in saved:
        found[member.station_id].append(member)
    return found


def _stations_for(
    role: str,
    code: str,
    grid_station: dict[str, OutpostStation],
    beat_stations: dict[str, set[int]],
    leader_station: dict[str, OutpostStation],
    by_community: dict[int, OutpostStation],
) -> list[OutpostStation]:
    if role == "grid_worker":
        return [grid_station[code]] if code in grid_station else []
    if role == "grid_leader":
        return [leader_station[code]] if code in leader_station else []
    return [by_community[c] for c in sorted(beat_stations.get(code, ()))]


def _rank(post: str) -> int:
    return [p for _role, p in ROLE_POSTS].index(Post(post))


def _spans(station: OutpostStation) -> list[OpeningSpan]:
    days = [(d, WEEKDAY_SPANS) for d in range(5)] + [(5, SATURDAY_SPANS)]
    return [
        OpeningSpan(station=station, weekday=day, opens=opens, closes=closes)
        for day, spans in days
        for opens, closes in spans
    ]


def _rota(
    station: OutpostStation, staff: list[StationStaff], today: dt.date, rng: random.Random
) -> list[DutyShift]:
    """Two people a shift on open days (one on Saturday mornings), taking turns."""
    if not staff:
        return []
    duties = []
    for n in range(-PAST_DAYS, AHEAD_DAYS):
        day = today + dt.timedelta(days=n)
        shifts = (
            ("morning", "afternoon") if day.weekday() < 5 else ("morning",) * (day.weekday() == 5)
        )
        for shift in shifts:
            people = rng.sample(staff, min(2 if day.weekday() < 5 else 1, len(staff)))
            duties += [DutyShift(station=station, staff=p, day=day, shift=shift) for p in people]
    return duties


def _visits(
    station: OutpostStation, duties: list[DutyShift], today: dt.date, rng: random.Random
) -> list[WindowEntry]:
    """0–3 visits on each open day up to today, handled by someone on duty then."""
    entries, now = [], timezone.now()
    by_day: dict[dt.date, list[DutyShift]] = defaultdict(list)
    for duty in duties:
        by_day[duty.day].append(duty)
    for n in range(-PAST_DAYS, 1):
        day = today + dt.timedelta(days=n)
        for _ in range(rng.randint(0, 3) if by_day.get(day) else 0):
            duty = rng.choice(by_day[day])
            kind, matter, handling = rng.choice(VISITS)
            hour = rng.choice((9, 10, 11)) if duty.shift == "morning" else rng.choice((14, 15, 16))
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59))))
            if at > now:
                continue  # today's visits so far only
            phone = f"139{rng.randint(0, 99_999_999):08d}" if rng.random() < PHONE_SHARE else ""
            entries.append(
                WindowEntry(
                    station=station,
                    at=at,
                    visitor_name=rng.choice(SURNAMES)
                    + rng.choice(("先生", "女士", "大爷", "阿姨")),
                    **WindowEntry.visitor_phone.columns(phone),
                    kind=kind,
                    matter=matter,
                    handling=handling,
                    handled_by_id=duty.staff.user_id,
                )
            )
    return entries
