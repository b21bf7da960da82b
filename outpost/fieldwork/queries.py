"""Field-work reads, each through the scope function: patrol plans and patrols (whoever reads
the registry of the grid sees them), coverage per grid and worker, and the visits due."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, F, Field, Func, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from outpost.accounts.models import RoleAssignment, User
from outpost.accounts.roles import roles_granting
from outpost.accounts.scope import get_for_user, restrict, scope_for
from outpost.cases.models import Case
from outpost.core.access import log_access
from outpost.fieldwork import coverage, schedule
from outpost.fieldwork.models import (
    CheckIn,
    Checklist,
    Hazard,
    Inspection,
    InspectionParty,
    Patrol,
    PatrolPlan,
    Visit,
    VisitKind,
)
from outpost.fieldwork.services import PATROL_ACTION, PLAN_ACTION
from outpost.geo.models import Grid, GridBeatOverlap
from outpost.registry.models import AddressLevel, House, HouseUse, Organisation, StandardAddress
from outpost.registry.queries import houses_for, organisations_for, people_for

SEEN = "view_registry"  # the area's staff: not reporters (8大员), not department handlers


def may_work(user: User) -> bool:
    """Has field work here: walks, visits or inspects (collect), reads the registry it is about,
    plans patrols (dispatch) or signs off a joint inspection for a department (handle). The
    8大员 reporters have none (the menu hides it and its lists answer 403)."""
    actions = ("collect", SEEN, "dispatch", "handle")
    return any(not scope_for(user, action).empty for action in actions)


def plans_for(user: User, action: str = SEEN) -> QuerySet[PatrolPlan]:
    return restrict(PatrolPlan.objects.select_related("grid"), user, action)


def patrols_for(user: User) -> QuerySet[Patrol]:
    return restrict(Patrol.objects.select_related("grid", "worker", "plan"), user, SEEN)


def get_patrol(user: User, pk: int, action: str = SEEN) -> Patrol:
    """The patrol if the user sees it (404 otherwise); 403 for `act` unless they walk it."""
    found = Patrol.objects.select_related("grid", "worker", "plan")
    patrol = get_for_user(found, user, SEEN, seen=SEEN, pk=pk)
    if action != SEEN and patrol.worker_id != user.pk:
        raise PermissionDenied
    return patrol


def open_patrol(user: User) -> Patrol | None:
    return Patrol.objects.select_related("grid").filter(worker=user, ended_at__isnull=True).first()


def patrol_grids(user: User) -> QuerySet[Grid]:
    """Grids the user may walk."""
    return restrict(Grid.objects.order_by("code"), user, PATROL_ACTION)


def plan_grids(user: User) -> QuerySet[Grid]:
    return restrict(Grid.objects.order_by("code"), user, PLAN_ACTION)


def my_plans(user: User) -> QuerySet[PatrolPlan]:
    return plans_for(user, PATROL_ACTION).filter(workers=user, active=True)


def may_plan(user: User) -> bool:
    """Plans patrols somewhere (dispatches in a grid): the plans page offers "new plan"."""
    return not scope_for(user, PLAN_ACTION).empty


def plan_to_edit(user: User, pk: int) -> PatrolPlan:
    """A plan the user may change: 404 unless they see it, 403 unless they plan in its grid."""
    rows = PatrolPlan.objects.select_related("grid").prefetch_related("workers", "points")
    return get_for_user(rows, user, PLAN_ACTION, seen=SEEN, pk=pk)


def plan_workers(grid: Grid) -> QuerySet[User]:
    """Active users who may walk the grid (hold a role granting PATROL_ACTION over an area
    that holds it, directly or through a police beat it overlaps): whom a plan may assign."""
    civil = [grid.code[:n] for n in range(1, len(grid.code) + 1)]
    beats = GridBeatOverlap.objects.filter(grid=grid).values_list("beat__code", flat=True)
    police = {code[:n] for code in beats for n in range(1, len(code) + 1)}
    held = RoleAssignment.objects.filter(role__in=roles_granting(PATROL_ACTION)).filter(
        Q(civil_prefix__in=civil) | Q(police_prefix__in=police)
    )
    return User.objects.filter(is_active=True, pk__in=held.values("user_id")).order_by("username")


def plan_addresses(grid: Grid) -> QuerySet[StandardAddress]:
    """The route points a plan may name: the grid's door plates and buildings."""
    rows = StandardAddress.objects.filter(grid_code=grid.code).exclude(level=AddressLevel.ROOM)
    return rows.order_by("code")


@dataclass(frozen=True)
class CoverageRow:
    grid_code: str
    grid_name: str
    worker: str  # display name; "" for the grid as a whole
    planned: int
    done: int
    addresses: int
    passed: int
    username: str = ""  # the worker's account; "" for the grid as a whole

    @property
    def done_share(self) -> float | None:
        return coverage.share(self.done, self.planned)

    @property
    def passed_share(self) -> float | None:
        return coverage.share(self.passed, self.addresses)


def coverage_rows(user: User, days: int, grid_code: str = "") -> list[CoverageRow]:
    """Per grid in the user's view (and per worker in it) over the last `days` days: patrols
    planned and done, standard addresses passed. Seven queries whatever the number of grids."""
    since = timezone.now() - dt.timedelta(days=days)
    grids = restrict(Grid.objects.all(), user, SEEN)
    if grid_code:
        grids = grids.filter(code=grid_code)
    names = dict(grids.values_list("code", "name"))
    planned = _planned(user, names, days)
    done = _done(user, names, since)
    points = _points(user, names, since)
    addresses = _addresses(names)
    workers = {k[1] for k in (*planned, *done)}
    people = {u.pk: (str(u), u.username) for u in User.objects.filter(pk__in=workers)}
    return _rows(names, people, planned, done, points, addresses)


Key = tuple[str, int]  # (grid code, worker id)


def _planned(user: User, grids: dict[str, str], days: int) -> dict[Key, int]:
    """Patrols planned per grid and worker: each plan's walks of its grid (`per_week` is how
    often the grid is walked, whoever walks it) shared among its workers."""
    rows = plans_for(user).filter(active=True, grid__code__in=grids)
    plans: dict[tuple[int, str, int], list[int]] = defaultdict(list)
    for pk, code, per_week, worker in rows.values_list("pk", "grid__code", "per_week", "workers"):
        if worker is not None:
            plans[pk, code, per_week].append(worker)
    found: dict[Key, int] = defaultdict(int)
    for (_pk, code, per_week), workers in plans.items():
        parts = coverage.split(coverage.planned(per_week, days), len(workers))
        for worker, part in zip(sorted(workers), parts, strict=True):
            found[code, worker] += part
    return found


def _done(user: User, grids: dict[str, str], since: dt.datetime) -> dict[Key, int]:
    rows = patrols_for(user).filter(grid__code__in=grids, ended_at__gte=since)
    counted = rows.values("grid__code", "worker").annotate(n=Count("id"))
    return {(r["grid__code"], r["worker"]): r["n"] for r in counted}


def _points(
    user: User, grids: dict[str, str], since: dt.datetime
) -> dict[Key, list[tuple[float, float]]]:
    seen = patrols_for(user).filter(grid__code__in=grids).values("pk")
    rows = CheckIn.objects.filter(patrol__in=seen, inside=True, at__gte=since).values_list(
        "patrol__grid__code", "patrol__worker", "lon", "lat"
    )
    found: dict[Key, list[tuple[float, float]]] = defaultdict(list)
    for code, worker, lon, lat in rows:
        found[code, worker].append((lon, lat))
    return found


def _addresses(grids: dict[str, str]) -> dict[str, list[tuple[float, float]]]:
    """Each grid's door plates and buildings (a room lies at its building's point, so counting
    rooms would only weight tall buildings)."""
    rows = StandardAddress.objects.filter(grid_code__in=grids).exclude(level=AddressLevel.ROOM)
    found: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for code, lon, lat in rows.values_list("grid_code", "lon", "lat"):
        found[code].append((lon, lat))
    return found


def _rows(
    names: dict[str, str],
    people: dict[int, tuple[str, str]],
    planned: dict[Key, int],
    done: dict[Key, int],
    points: dict[Key, list[tuple[float, float]]],
    addresses: dict[str, list[tuple[float, float]]],
) -> list[CoverageRow]:
    metres = settings.OUTPOST_PATROL_PASS_METRES
    keys = sorted(set(planned) | set(done))
    rows = []
    for code in sorted({k[0] for k in keys}):
        mine = [k for k in keys if k[0] == code]
        everyone = [p for k in mine for p in points.get(k, [])]
        here = addresses.get(code, [])
        rows.append(
            CoverageRow(
                code,
                names[code],
                "",
                sum(planned.get(k, 0) for k in mine),
                sum(done.get(k, 0) for k in mine),
                len(here),
                coverage.passed(here, everyone, metres),
            )
        )
        rows += [
            CoverageRow(
                code,
                names[code],
                people[k[1]][0],
                planned.get(k, 0),
                done.get(k, 0),
                len(here),
                coverage.passed(here, points.get(k, []), metres),
                people[k[1]][1],
            )
            for k in mine
        ]
    return rows


def recent_patrols(user: User, limit: int = 20) -> list[Patrol]:
    found = patrols_for(user).annotate(
        points=Count("checkins"), outside=Count("checkins", filter=Q(checkins__inside=False))
    )
    return list(found.order_by("-started_at", "-id")[:limit])


def visible_grid(user: User, code: str) -> Grid:
    """A grid the user sees (404 otherwise), whatever they may do there."""
    return get_for_user(Grid.objects.all(), user, "view", code=code)


# --- visits (走访) ------------------------------------------------------------------------------


def _last_visit(field: str) -> Subquery:
    """The subject's last visit: one backward step of the (subject, visited_at) index per
    subject. PostgreSQL sends it as seconds since 1970: a long list's times then load as plain
    numbers, not through the driver's timestamp parser (which cost a list of 10k subjects a
    third of its time); `schedule.Due.last` turns them back when read."""
    latest = Visit.objects.filter(**{field: OuterRef("pk")}).order_by("-visited_at")
    if connection.vendor == "postgresql":  # a float8 as it comes: no converter per row
        epoch = "EXTRACT(EPOCH FROM %(expressions)s)::float8"
        seconds = Func(F("visited_at"), template=epoch, output_field=Field())
        return Subquery(latest.annotate(seconds=seconds).values("seconds")[:1])
    return Subquery(latest.values("visited_at")[:1])


BY_DUE = attrgetter("due", "grid_code", "key")
DUE = ("grid_code", "last")  # what each row of a due list ends with


def due_visits(user: User, grids: list[str] | None = None) -> list[schedule.Due]:
    """Every subject in the user's view that is to be visited, soonest due first (overdue at
    the top), optionally only in some grids. Three queries (care subjects, rented houses, key
    units) however many subjects; reading care subjects is written to the access log."""
    today = timezone.localdate()
    care = _care_due(user, grids, today)
    found = [*care, *_rental_due(user, grids, today), *_key_unit_due(user, grids, today)]
    found.sort(key=BY_DUE)
    if care:
        log_access(
            actor=user,
            action="list_people",
            object_type="care_visits",
            object_key=",".join(grids or [])[:64],
            purpose=f"走访到期清单 rows={len(care)}",
        )
    return found


def _in(rows: QuerySet[Any], grids: list[str] | None) -> QuerySet[Any]:
    return rows if grids is None else rows.filter(grid_code__in=grids)


def _care_due(user: User, grids: list[str] | None, today: dt.date) -> list[schedule.Due]:
    rows = _in(people_for(user).exclude(care_tags=""), grids).annotate(last=_last_visit("person"))
    found, due_on = [], schedule.DueDates(today, timezone.get_current_timezone())
    interval, care = schedule.CareIntervals(today), VisitKind.CARE
    for key, name, tags, born, grid, last in rows.order_by().values_list(
        "person_no", "name", "care_tags", "birth_date", "grid_code", "last"
    ):
        every = interval(tags, born)
        if every is not None:
            found.append(schedule.Due(care, key, name, grid, every, last, due_on(last, every)))
    return found


def _rental_due(user: User, grids: list[str] | None, today: dt.date) -> list[schedule.Due]:
    rows = _in(houses_for(user).filter(use=HouseUse.RENTED), grids)
    rows = rows.annotate(last=_last_visit("house")).order_by()
    every, kind = schedule.interval(VisitKind.RENTAL), VisitKind.RENTAL
    return _due_rows(kind, every, rows.values_list("house_no", "address__full_text", *DUE), today)


def _key_unit_due(user: User, grids: list[str] | None, today: dt.date) -> list[schedule.Due]:
    rows = _in(organisations_for(user).filter(is_key_unit=True), grids)
    rows = rows.annotate(last=_last_visit("organisation")).order_by()
    every, kind = schedule.interval(VisitKind.KEY_UNIT), VisitKind.KEY_UNIT
    return _due_rows(kind, every, rows.values_list("unit_no", "name", *DUE), today)


def _due_rows(kind: str, every: int, rows: QuerySet[Any], today: dt.date) -> list[schedule.Due]:
    """The subjects of one kind visited every `every` days, from rows of (key, name, *DUE)."""
    due_on, new = schedule.DueDates(today, timezone.get_current_timezone()), schedule.Due
    return [
        new(kind, key, name, grid, every, last, due_on(last, every))
        for key, name, grid, last in rows
    ]


def worker_grids(user: User, username: str) -> list[str] | None:
    """The grids of a worker the user oversees (their grids the user also sees); None for no
    such worker."""
    worker = User.objects.filter(username=username, is_active=True).first()
    if worker is None:
        return None
    return _grids_of(user, worker)


def overseen_worker(user: User, name_or_id: str) -> tuple[User, list[str]]:
    """A worker named by username (or account number) and their grids the user sees; 404 for
    no such worker or one with no grid in the user's view (so neither can be probed)."""
    rows = User.objects.filter(is_active=True)
    worker = rows.filter(username=name_or_id).first()
    if worker is None and name_or_id.isdigit():
        worker = rows.filter(pk=int(name_or_id)).first()
    grids = _grids_of(user, worker) if worker is not None else []
    if worker is None or not grids:
        raise Http404
    return worker, grids


def _grids_of(user: User, worker: User) -> list[str]:
    theirs = restrict(Grid.objects.all(), worker, PATROL_ACTION).values("pk")
    return list(
        restrict(Grid.objects.filter(pk__in=theirs), user, SEEN).values_list("code", flat=True)
    )


VISIT_SUBJECTS: dict[str, Any] = {
    VisitKind.CARE: (people_for, "person_no"),
    VisitKind.RENTAL: (houses_for, "house_no"),
    VisitKind.KEY_UNIT: (organisations_for, "unit_no"),
}


def visit_subject(user: User, kind: str, key: str) -> Any:
    """The person, house or organisation the user sees (404 otherwise)."""
    if kind not in VISIT_SUBJECTS:
        raise Http404
    reader, field = VISIT_SUBJECTS[kind]
    found = reader(user).filter(**{field: key}).first()
    if found is None:
        raise Http404
    if kind == VisitKind.CARE:  # a care subject's record is read for a stated purpose
        log_access(
            actor=user,
            action="view_person",
            object_type="person",
            object_key=key,
            purpose="走访（关怀对象）",
            civil_code=found.grid_code,
            police_code=found.beat_code,
        )
    return found


def visits_of(user: User, subject: Any) -> QuerySet[Visit]:
    field = {"Person": "person", "House": "house", "Organisation": "organisation"}
    rows = restrict(Visit.objects.select_related("visitor", "case", "service_request"), user, SEEN)
    return rows.filter(**{field[type(subject).__name__]: subject})


# --- inspections (检查) -------------------------------------------------------------------------


def recheck_pending(cases: list[Case]) -> set[int]:
    """The cases hook (`cases.blockers.RECHECK_PENDING`): of these cases, the ids of those an
    inspection opened for a hazard that has no passed re-check yet. One query however many
    cases; a system fact, not a read for a user."""
    pending = Hazard.objects.filter(case__in=[c.pk for c in cases]).exclude(recheck_passed=True)
    return set(pending.values_list("case_id", flat=True))


def inspections_for(user: User) -> QuerySet[Inspection]:
    rows = Inspection.objects.select_related("checklist", "inspector", "organisation", "house")
    return restrict(rows, user, SEEN)


PARTY_ACTION = "handle"  # a department's people: those who handle its cases


def get_inspection(user: User, pk: int) -> Inspection:
    """An inspection the user sees where it lies, or one their department takes part in (404
    otherwise)."""
    found = inspections_for(user).filter(pk=pk).first()
    if found is None:
        mine = scope_for(user, PARTY_ACTION).departments
        parties = InspectionParty.objects.filter(inspection=pk, department__code__in=mine)
        rows = Inspection.objects.select_related("checklist", "inspector", "organisation", "house")
        found = rows.filter(pk=pk, parties__in=parties).first()
    if found is None:
        raise Http404
    return found


def get_party(user: User, inspection: Inspection, department: str) -> InspectionParty:
    party = inspection.parties.select_related("department").filter(department__code=department)
    found = party.first()
    if found is None:
        raise Http404
    return found


def get_hazard(user: User, pk: int) -> Hazard:
    rows = Hazard.objects.select_related("case", "inspection")
    found = rows.filter(pk=pk, inspection__in=inspections_for(user)).first()
    if found is None:
        raise Http404
    return found


def current_checklists() -> list[Checklist]:
    """The newest version of each checklist."""
    newest = Checklist.objects.filter(code=OuterRef("code")).order_by("-version").values("pk")[:1]
    return list(Checklist.objects.filter(pk=Subquery(newest)).order_by("code"))


def inspection_subject(user: User, kind: str, key: str) -> Any:
    """The organisation (by unit number) or house (by house number) the user sees (404)."""
    found: Organisation | House | None
    if kind == "organisation":
        found = organisations_for(user).filter(unit_no=key).first()
    elif kind == "house":
        found = houses_for(user).filter(house_no=key).first()
    else:
        found = None
    if found is None:
        raise Http404
    return found
