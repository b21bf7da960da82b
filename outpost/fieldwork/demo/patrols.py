"""Patrol plans per grid for its grid workers, and the patrols walked by them: check-ins along
the plan's route with a phone's GPS error, located as `check_in` locates them (a point outside
the grid kept and flagged), and every case the history says a grid worker found on patrol
reported from a check-in at its place, as `report_found` does."""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from outpost.cases.models import Case, Source
from outpost.core.bulk import insert_rows
from outpost.fieldwork.demo.base import Ids, World
from outpost.fieldwork.models import CheckIn, Patrol, PatrolPlan
from outpost.geo.geometry import from_geojson_text
from outpost.geo.locator import locate, locate_many
from outpost.geo.models import Grid
from outpost.registry.models import AddressLevel, StandardAddress

GPS_METRES = 8.0  # a phone's error, one standard deviation
STRAY = 0.03  # share of patrols with a point outside their grid (helping next door, a detour)
FREE = 0.1  # share of patrols walked without a plan


@dataclass
class Walk:
    """One patrol being laid out: its interval, and the cases found on it."""

    grid: str
    start: dt.datetime
    end: dt.datetime
    cases: list[tuple[int, str, float, float, dt.datetime]] = field(default_factory=list)
    worker: int | None = None


@dataclass
class Plan:
    pk: int
    grid: str
    grid_pk: int
    per_week: int
    route: list[tuple[int, float, float]]  # standard address id, lon, lat
    workers: list[int]


def generate(world: World, ids: Ids) -> dict[str, int]:
    grids = sorted(world.workers)
    plans = _plans(world, ids, grids)
    found = _found_cases(world, grids)
    walks = [w for p in plans for w in _walks(world, p, found.get(p.grid, []))]
    points = _write_patrols(world, ids, plans, walks)
    return {"plans": len(plans), "patrols": len(walks), "checkins": points}


def _plans(world: World, ids: Ids, grids: list[str]) -> list[Plan]:
    doors = StandardAddress.objects.filter(grid_code__in=grids, level=AddressLevel.DOOR)
    by_grid: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
    for pk, code, lon, lat in doors.order_by("code").values_list("pk", "grid_code", "lon", "lat"):
        by_grid[code].append((pk, lon, lat))
    shapes = {c: (pk, g) for pk, c, g in Grid.objects.values_list("pk", "code", "geometry")}
    made, rng = [], world.rng
    for code in grids:
        route = by_grid.get(code, [])
        route = rng.sample(route, min(len(route), rng.randint(6, 10)))
        if not route:  # a grid without door plates: walked around its middle
            middle = from_geojson_text(shapes[code][1]).representative_point()
            route = [(0, middle.x, middle.y)]
        per_week = rng.choice((2, 3, 3, 4, 5, 7))
        pk, workers = ids.take(PatrolPlan), world.workers[code]
        made.append(Plan(pk, code, shapes[code][0], per_week, route, workers))
    created = world.start - dt.timedelta(days=1)
    insert_rows(
        PatrolPlan,
        ["id", "grid_id", "name", "per_week", "active", "created_at", "updated_at"],
        [[p.pk, p.grid_pk, "日常巡查", p.per_week, True, created, created] for p in made],
    )
    _plan_links(made)
    for p in made:
        after = {"grid": p.grid, "per_week": p.per_week, "points": sum(1 for r in p.route if r[0])}
        after["workers"] = [world.names[w] for w in p.workers]
        world.change(created, None, "create_patrol_plan", "patrol_plan", p.pk, after)
    return made


def _plan_links(plans: list[Plan]) -> None:
    workers = PatrolPlan.workers.through
    rows = [[p.pk, w] for p in plans for w in p.workers]
    insert_rows(workers, ["patrolplan_id", "user_id"], rows)
    points = PatrolPlan.points.through
    rows = [[p.pk, a] for p in plans for a, _, _ in p.route if a]
    insert_rows(points, ["patrolplan_id", "standardaddress_id"], rows)


def _found_cases(world: World, grids: list[str]) -> dict[str, list[Any]]:
    """The history's cases a grid worker reported on patrol, by grid."""
    rows = Case.objects.filter(
        source=Source.GRID_PATROL,
        grid_code__in=grids,
        reported_at__gte=world.start,
        reporter__isnull=True,  # reported by the history's patrols, not by an inspection
    ).values_list("pk", "number", "lon", "lat", "reported_at", "grid_code")
    found: dict[str, list[Any]] = defaultdict(list)
    for pk, number, lon, lat, at, grid in rows.order_by("reported_at"):
        found[grid].append((pk, number, lon, lat, at))
    return found


def _walks(world: World, plan: Plan, cases: list[Any]) -> list[Walk]:
    """The plan's patrols over the period, shared by its workers (`per_week` is the grid's; a
    grid keeps to its plan 70-100%), and one around each case found on patrol, walked by the
    grid's own worker (the history's reports name gw…); a worker's overlapping walks are one."""
    rng, keep = world.rng, world.rng.uniform(0.7, 1.0)
    finder = world.ids_by_name.get(f"gw{plan.grid}", plan.workers[0])
    walks = []
    for worker in plan.workers:
        for back in range(world.days):
            if rng.random() < plan.per_week / 7 / len(plan.workers) * keep:
                start = world.at(world.day(back), rng.uniform(8.5, 16))
                end = start + dt.timedelta(minutes=rng.randint(40, 120))
                walks.append(Walk(plan.grid, start, end, [], worker))
    for case in cases:
        before, after = dt.timedelta(minutes=rng.randint(10, 40)), rng.randint(15, 50)
        end = case[4] + dt.timedelta(minutes=after)
        walks.append(Walk(plan.grid, case[4] - before, end, [case], finder))
    walks = [w for w in walks if w.end < world.now and w.start >= world.start]
    merged: list[Walk] = []
    for walk in sorted(walks, key=lambda w: (w.worker or 0, w.start)):
        last = merged[-1] if merged else None
        if last is not None and last.worker == walk.worker and walk.start <= last.end:
            last.end = max(last.end, walk.end)
            last.cases += walk.cases
        else:
            merged.append(walk)
    return merged


def _write_patrols(world: World, ids: Ids, plans: list[Plan], walks: list[Walk]) -> int:
    rng, by_grid = world.rng, {p.grid: p for p in plans}
    patrols, points, strayed = [], [], set()
    for walk in walks:
        plan = by_grid[walk.grid]
        pk = ids.take(Patrol)
        planned = None if rng.random() < FREE else plan.pk
        patrols.append([pk, planned, plan.grid_pk, walk.worker, walk.start, walk.end])
        # Each grid's first walk strays once, so every grid's list shows a flagged point.
        stray = walk.grid not in strayed or rng.random() < STRAY
        strayed.add(walk.grid)
        points += _points(world, pk, walk, plan, stray)
    insert_rows(
        Patrol, ["id", "plan_id", "grid_id", "worker_id", "started_at", "ended_at"], patrols
    )
    _locate_and_write(world, ids, points, walks, patrols)
    return len(points)


def _points(world: World, patrol: int, walk: Walk, plan: Plan, stray: bool) -> list[list[Any]]:
    """[patrol, at, lon, lat, note, case or None] along the route, the cases' places at their
    time, maybe one stray point next door."""
    rng, route = world.rng, plan.route
    n, first = rng.randint(4, 8), rng.randrange(len(route))
    span = (walk.end - walk.start) / (n + 1)
    found = []
    for i in range(n):
        _, lon, lat = route[(first + i) % len(route)]
        lon, lat = _jitter(rng, lon, lat)
        found.append([patrol, walk.start + span * (i + 1), lon, lat, "", None])
    for pk, number, lon, lat, at in walk.cases:
        found.append([patrol, at - dt.timedelta(minutes=2), lon, lat, "", (pk, number, at)])
    if stray:
        lon, lat = _next_door(route[first], walk.grid)
        found.append([patrol, walk.start + span / 2, lon, lat, "协助邻近网格", None])
    return sorted(found, key=lambda p: p[1])


def _jitter(rng: Any, lon: float, lat: float) -> tuple[float, float]:
    dlat = rng.gauss(0, GPS_METRES) / 110_574.0
    dlon = rng.gauss(0, GPS_METRES) / (111_320.0 * math.cos(math.radians(lat)))
    return round(lon + dlon, 7), round(lat + dlat, 7)


def _next_door(point: tuple[int, float, float], grid: str) -> tuple[float, float]:
    """A point a little way from `point` that lies in another grid (or outside the district)."""
    _, lon, lat = point
    for step in (0.004, 0.008, 0.016, 0.03):
        for dx, dy in ((1, 1), (-1, 1), (1, -1), (-1, -1)):
            x, y = lon + dx * step, lat + dy * step * 0.75
            if locate(x, y).grid_code != grid:
                return x, y
    return lon + 0.05, lat + 0.05


def _locate_and_write(
    world: World, ids: Ids, points: list[list[Any]], walks: list[Walk], patrols: list[list[Any]]
) -> None:
    """Each point's grid as `check_in` finds it, then the check-ins and the patrols' records:
    started, each check-in, each case found, ended."""
    grids, _ = locate_many(np.array([p[2] for p in points]), np.array([p[3] for p in points]))
    home = {row[0]: walk for row, walk in zip(patrols, walks, strict=True)}
    rows: list[list[Any]] = []
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for point, located in zip(points, grids, strict=True):
        walk = home[point[0]]
        pk, inside = ids.take(CheckIn), located == walk.grid
        rows.append([pk, point[0], point[1], point[2], point[3], located or "", inside, point[4]])
        counts[point[0]][0] += 1
        counts[point[0]][1] += int(not inside)
        after = {"checkin": pk, "inside": inside, "photos": 0}
        world.change(point[1], walk.worker, "patrol_check_in", "patrol", point[0], after)
        if point[5] is not None:
            _case, number, at = point[5]
            after = {"case": number, "checkin": pk}
            world.change(at, walk.worker, "patrol_found_case", "patrol", point[0], after)
    columns = ["id", "patrol_id", "at", "lon", "lat", "located_grid", "inside", "note"]
    insert_rows(CheckIn, columns, rows)
    links = [[row[0], c[0]] for row, walk in zip(patrols, walks, strict=True) for c in walk.cases]
    insert_rows(Patrol.cases.through, ["patrol_id", "case_id"], links)
    for pk, plan, _, worker, start, end in patrols:
        walk = home[pk]
        world.change(start, worker, "start_patrol", "patrol", pk, {"grid": walk.grid, "plan": plan})
        ended = {"checkins": counts[pk][0], "outside": counts[pk][1]}
        world.change(end, worker, "end_patrol", "patrol", pk, ended)
