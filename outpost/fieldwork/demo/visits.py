"""Visits (走访) to the registry's care subjects, rented houses and key organisations at the
frequencies of `schedule`, by the grid's workers: most kept up, some fallen behind (overdue
now), a few never visited. Written as `record_visit` writes them: the visit, its change record
and, for a care subject, the access-log row with its purpose."""

from typing import Any

from outpost.core.bulk import insert_rows
from outpost.fieldwork import schedule
from outpost.fieldwork.demo.base import Ids, World
from outpost.fieldwork.models import Visit, VisitKind
from outpost.registry.models import House, HouseUse, Organisation, Person

BEHIND = 0.2  # share of subjects whose visits have fallen behind
NEVER = 0.03  # share never visited in the period
MET: dict[str, tuple[str, ...]] = {
    VisitKind.CARE: ("本人", "本人及家属", "家属", "本人"),
    VisitKind.RENTAL: ("房东", "承租人", "承租人", "无人在家"),
    VisitKind.KEY_UNIT: ("负责人", "安全员", "负责人"),
}
FOUND: dict[str, tuple[str, ...]] = {
    VisitKind.CARE: ("身体状况良好，生活正常", "已了解近况，无特殊需求", "反映行动不便，已登记"),
    VisitKind.RENTAL: ("承租人信息与登记一致", "新增承租人，已提醒登记", "房屋状况正常"),
    VisitKind.KEY_UNIT: ("安全制度落实到位", "消防通道畅通", "已提醒更新从业人员台账"),
}
FIELD: dict[str, str] = {
    VisitKind.CARE: "person",
    VisitKind.RENTAL: "house",
    VisitKind.KEY_UNIT: "organisation",
}
PURPOSE = "走访（关怀对象）"


def subjects(world: World) -> list[tuple[str, int, str, str, str, int]]:
    """(kind, id, key, grid, beat, days between visits) of every subject in a worked grid."""
    grids, today = list(world.workers), world.day(0)
    found: list[tuple[str, int, str, str, str, int]] = []
    people = Person.objects.filter(grid_code__in=grids).exclude(care_tags="")
    for pk, key, tags, born, grid, beat in people.order_by("pk").values_list(
        "pk", "person_no", "care_tags", "birth_date", "grid_code", "beat_code"
    ):
        every = schedule.care_interval(tags, born, today)
        if every is not None:
            found.append((VisitKind.CARE, pk, key, grid, beat, every))
    houses = House.objects.filter(grid_code__in=grids, use=HouseUse.RENTED).order_by("pk")
    every = schedule.interval(VisitKind.RENTAL)
    for pk, key, grid, beat in houses.values_list("pk", "house_no", "grid_code", "beat_code"):
        found.append((VisitKind.RENTAL, pk, key, grid, beat, every))
    units = Organisation.objects.filter(grid_code__in=grids, is_key_unit=True).order_by("pk")
    every = schedule.interval(VisitKind.KEY_UNIT)
    for pk, key, grid, beat in units.values_list("pk", "unit_no", "grid_code", "beat_code"):
        found.append((VisitKind.KEY_UNIT, pk, key, grid, beat, every))
    return found


def generate(world: World, ids: Ids) -> int:
    rows, seen = [], set()
    for subject in subjects(world):
        first = subject[3] not in seen  # each grid has a subject fallen behind at least
        seen.add(subject[3])
        days = _days(world, subject[5], behind=first)
        rows += [_visit(world, ids, subject, day) for day in days]
    columns = ["id", "kind", "person_id", "house_id", "organisation_id", "grid_code"]
    columns += ["beat_code", "visitor_id", "visited_at", "met", "found", "case_id"]
    insert_rows(Visit, columns, rows)
    return len(rows)


def _days(world: World, every: int, behind: bool = False) -> list[int]:
    """How many days ago each visit was: the last one within its interval (or past it, for a
    subject fallen behind), the earlier ones a little more often than asked."""
    rng = world.rng
    if rng.random() < NEVER and not behind:
        return []
    late = rng.random() < BEHIND or behind
    back = every * (rng.uniform(1.1, 1.8) if late else rng.uniform(0.05, 0.95))
    found = [max(1, int(back))]  # the last visit, maybe from before the period (quarterly)
    back += every * rng.uniform(0.7, 1.0)
    while back < world.days:
        found.append(max(1, int(back)))
        back += every * rng.uniform(0.7, 1.0)
    return found


def _visit(
    world: World, ids: Ids, subject: tuple[str, int, str, str, str, int], back: int
) -> list[Any]:
    kind, pk, key, grid, beat, _ = subject
    rng = world.rng
    visitor = rng.choice(world.workers[grid])
    at = world.at(world.day(back), rng.uniform(9, 17.5))
    visit = ids.take(Visit)
    found = rng.choice(FOUND[kind]) if rng.random() < 0.6 else ""
    after = {"kind": str(kind), "subject": key, "case": None}
    world.change(at, visitor, "record_visit", "visit", visit, after)
    if kind == VisitKind.CARE:
        world.read(at, visitor, key, PURPOSE, grid, beat)
    subject_ids = [pk if FIELD[kind] == f else None for f in ("person", "house", "organisation")]
    met = rng.choice(MET[kind])
    return [visit, str(kind), *subject_ids, grid, beat, visitor, at, met, found, None]
