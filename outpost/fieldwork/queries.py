"""Field-work reads, each through the scope function: patrol plans and patrols (whoever reads
the registry of the grid sees them) and coverage per grid and worker."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from outpost.accounts.models import User
from outpost.accounts.scope import get_for_user, restrict
from outpost.fieldwork import coverage
from outpost.fieldwork.models import CheckIn, Patrol, PatrolPlan
from outpost.fieldwork.services import PATROL_ACTION, PLAN_ACTION
from outpost.geo.models import Grid
from outpost.registry.models import AddressLevel, StandardAddress

SEEN = "view_registry"  # the area's staff: not reporters (8大员), not department handlers


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


@dataclass(frozen=True)
class CoverageRow:
    grid_code: str
    grid_name: str
    worker: str  # display name; "" for the grid as a whole
    planned: int
    done: int
    addresses: int
    passed: int

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
    people = {u.pk: str(u) for u in User.objects.filter(pk__in=workers)}
    return _rows(names, people, planned, done, points, addresses)


Key = tuple[str, int]  # (grid code, worker id)


def _planned(user: User, grids: dict[str, str], days: int) -> dict[Key, int]:
    rows = plans_for(user).filter(active=True, grid__code__in=grids)
    found: dict[Key, int] = defaultdict(int)
    for code, per_week, worker in rows.values_list("grid__code", "per_week", "workers"):
        if worker is not None:
            found[code, worker] += coverage.planned(per_week, days)
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
    people: dict[int, str],
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
                people[k[1]],
                planned.get(k, 0),
                done.get(k, 0),
                len(here),
                coverage.passed(here, points.get(k, []), metres),
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
