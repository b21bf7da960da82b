"""What each rule finds, over the whole district (the scan is the system's, not a viewer's):
each finder answers `Found` rows naming their subject, window and evidence by id only. The
thresholds are the rules' own (`rules.RULES` passes them); the rules they reuse stay where they
live: the visit interval (`fieldwork.schedule`), the 群租 flag (`registry.checks`), the red card
(`cases.supervision`, read from its `Card` rows)."""

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from outpost.areas.queries import grid_label_points
from outpost.cases.models import Card, Case, Sensitivity
from outpost.cases.workflow import TERMINAL
from outpost.fieldwork import schedule
from outpost.fieldwork.models import Hazard, Visit
from outpost.geo.models import Grid
from outpost.registry.models import House, Person, PersonStatus

DISPUTES = "01"  # 矛盾纠纷
OPEN_CASE = ~Q(state__in=[s.value for s in TERMINAL])
MAX_EVIDENCE = 50


@dataclass
class Found:
    subject_kind: str  # case, address, person, house, hazard, grid
    subject_id: int
    window: str  # what makes a later finding of the same subject a new warning
    grid_code: str
    beat_code: str
    evidence: list[dict[str, object]] = field(default_factory=list)
    params: dict[str, object] = field(default_factory=dict)
    lon: float | None = None
    lat: float | None = None
    police_only: bool = False

    def with_window(self, window: str) -> "Found":
        self.window = window
        return self


def _cases(rows: Iterable[Case]) -> list[dict[str, object]]:
    return [{"kind": "case", "id": c.pk} for c in rows][:MAX_EVIDENCE]


def _from_cases(kind: str, pk: int, cases: list[Case], **params: object) -> Found:
    """A finding whose evidence is cases: placed at the newest, windowed by the oldest."""
    newest, oldest = cases[0], cases[-1]
    return Found(
        kind,
        pk,
        timezone.localtime(oldest.reported_at).date().isoformat(),
        newest.grid_code,
        newest.beat_code,
        _cases(cases),
        {"n": len(cases), **params},
        newest.address.lon if newest.address else None,
        newest.address.lat if newest.address else None,
        any(c.sensitivity == Sensitivity.POLICE_ONLY for c in cases),
    )


def recurring_disputes(now: dt.datetime, days: int, least: int) -> list[Found]:
    """Disputes at one standard address, or with one party, `least` times within `days`."""
    recent = (
        Case.objects.filter(
            subtype__category__code=DISPUTES, reported_at__gte=now - dt.timedelta(days=days)
        )
        .select_related("address")
        .order_by("-reported_at", "-id")
    )
    by_address: dict[int, list[Case]] = defaultdict(list)
    for case in recent.filter(address__isnull=False):
        by_address[case.address_id or 0].append(case)
    found = [
        _from_cases("address", pk, rows, days=days)
        for pk, rows in by_address.items()
        if len(rows) >= least
    ]
    per_party = Counter(
        Case.parties.through.objects.filter(case__in=recent).values_list("person_id", flat=True)
    )
    for person_id, n in sorted(per_party.items()):
        if n >= least:
            rows = list(recent.filter(parties=person_id))
            found.append(_from_cases("person", person_id, rows, days=days))
    return found


def reworked_cases(now: dt.datetime, least: int) -> list[Found]:
    """Open cases sent back (返工) `least` times or more."""
    rows = Case.objects.filter(OPEN_CASE, rework_count__gte=least).select_related("address")
    return [_from_cases("case", c.pk, [c], reworks=c.rework_count).with_window("") for c in rows]


def red_cards(now: dt.datetime, days: int) -> list[Found]:
    """Red cards (督办) issued in the last `days` on cases still open: one warning per card."""
    cards = (
        Card.objects.filter(color="red", issued_at__gte=now - dt.timedelta(days=days))
        .filter(case__in=Case.objects.filter(OPEN_CASE))
        .select_related("case__address")
    )
    return [
        _from_cases("case", card.case_id, [card.case], clock=card.clock).with_window(
            f"card{card.pk}"
        )
        for card in cards
    ]


def unvisited_care(now: dt.datetime, grace: int) -> list[Found]:
    """Care subjects whose visit (the field-work interval) is more than `grace` days late."""
    today = timezone.localtime(now).date()
    last = Visit.objects.filter(person=OuterRef("pk")).order_by("-visited_at")
    people = (
        Person.objects.filter(status=PersonStatus.CURRENT)
        .exclude(care_tags="")
        .annotate(last=Subquery(last.values("visited_at")[:1]))
        .select_related("address")
    )
    found = []
    for p in people:
        every = schedule.care_interval(p.care_tags, p.birth_date, today)
        if every is None:
            continue
        # Never visited: due one interval after the subject was registered.
        due = schedule.due_on(p.last or p.created_at, every, today)
        if (today - due).days > grace:
            found.append(_person_found(p, due, today))
    return found


def _person_found(p: Person, due: dt.date, today: dt.date) -> Found:
    return Found(
        "person",
        p.pk,
        due.isoformat(),
        p.grid_code,
        p.beat_code,
        [{"kind": "person", "id": p.pk}],
        {"late_days": (today - due).days},
        p.address.lon if p.address else None,
        p.address.lat if p.address else None,
    )


def overdue_rectifications(now: dt.datetime) -> list[Found]:
    """Hazards found by an inspection whose rectification deadline passed without a passed
    re-check (复查)."""
    today = timezone.localtime(now).date()
    rows = Hazard.objects.filter(rectify_by__lt=today).exclude(recheck_passed=True)
    found = []
    for h in rows.select_related("inspection", "case__address"):
        case = h.case
        found.append(
            Found(
                "hazard",
                h.pk,
                h.rectify_by.isoformat(),
                h.inspection.grid_code,
                h.inspection.beat_code,
                [{"kind": "inspection", "id": h.inspection_id}, {"kind": "case", "id": case.pk}],
                {"late_days": (today - h.rectify_by).days},
                case.address.lon if case.address else None,
                case.address.lat if case.address else None,
                case.sensitivity == Sensitivity.POLICE_ONLY,
            )
        )
    return found


def rising_trends(now: dt.datetime, weeks: int, sds: float, least: int) -> list[Found]:
    """Grids whose new cases of the last 7 days exceed the mean of the `weeks` weeks before by
    more than `sds` standard deviations, and number at least `least`."""
    start = now - dt.timedelta(days=7 * (weeks + 1))
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * (weeks + 1))
    rows = Case.objects.filter(reported_at__gte=start, reported_at__lt=now).exclude(grid_code="")
    for grid, at in rows.values_list("grid_code", "reported_at"):
        week = min(weeks, int((now - at).total_seconds() // (7 * 86400)))
        counts[grid][week] += 1
    points, found = grid_label_points(), []
    for grid, per_week in counts.items():
        this, base = per_week[0], per_week[1:]
        mean, sd = statistics.fmean(base), statistics.pstdev(base)
        if this >= least and this > mean + sds * sd:
            found.append(_trend(grid, this, mean, now, points.get(grid)))
    return found


def _trend(
    grid: str,
    this: int,
    mean: float,
    now: dt.datetime,
    point: tuple[float, float] | None,
) -> Found:
    week = Case.objects.filter(grid_code=grid, reported_at__gte=now - dt.timedelta(days=7))
    newest = week.order_by("-reported_at", "-id")
    beat = Grid.objects.filter(code=grid).values_list("main_beat__code", flat=True).first() or ""
    year, number, _day = timezone.localtime(now).isocalendar()
    return Found(
        "grid",
        Grid.objects.filter(code=grid).values_list("pk", flat=True).first() or 0,
        f"{year}-W{number:02d}",
        grid,
        beat,
        _cases(newest),
        {"n": this, "baseline": round(mean, 1)},
        point[0] if point else None,
        point[1] if point else None,
        newest.filter(sensitivity=Sensitivity.POLICE_ONLY).exists(),
    )


def group_rentals(now: dt.datetime) -> list[Found]:
    """Houses the registry flags as possible group rentals (`registry.checks`), per quarter."""
    quarter = f"{now.year}-Q{(now.month - 1) // 3 + 1}"
    houses = House.objects.exclude(flags=[]).select_related("address")
    residents = dict(
        Person.objects.filter(status=PersonStatus.CURRENT, address__house__in=houses)
        .values_list("address_id")
        .annotate(n=Count("id"))
        .values_list("address_id", "n")
    )
    return [
        Found(
            "house",
            h.pk,
            quarter,
            h.grid_code,
            h.beat_code,
            [{"kind": "address", "id": h.address_id}],
            {"occupants": max(h.occupants, residents.get(h.address_id, 0)), "area": h.area_m2},
            h.address.lon,
            h.address.lat,
        )
        for h in houses
        if "possible_group_rental" in h.flags
    ]
