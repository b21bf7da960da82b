"""Inspections (检查) by the current checklist versions: key organisations by fire safety and
their trade's list, some other organisations and rented houses by theirs, some joint with the
departments concerned. Each failed item opens a hazard case (filed and walked by the cases
history, as `complete_inspection` files it through `report_case`) with a rectification deadline
and, once that has come, a re-check; a hazard case closes only after a passed re-check."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from outpost.accounts.models import Department, RoleAssignment
from outpost.accounts.roles import Role
from outpost.cases.history import Found, file_found
from outpost.cases.models import Case
from outpost.core.bulk import insert_rows
from outpost.fieldwork.demo.base import Ids, World
from outpost.fieldwork.models import Checklist, Hazard, Inspection, InspectionParty
from outpost.fieldwork.queries import current_checklists
from outpost.fieldwork.services import RECTIFY_DAYS
from outpost.registry.models import House, HouseUse, Organisation

ITEM_PASSES = 0.93
RECHECK_PASSES = 0.85
OTHER_UNITS = 0.1  # share of organisations that are not key units inspected in the period
RENTALS = 0.08  # share of rented houses inspected
JOINT = {"hazchem": ("YJ", "XF"), "hotel": ("GA",), "delivery": ("GA", "SJ")}


@dataclass
class Planned:
    pk: int
    checklist: Checklist
    kind: str  # "organisation" or "house"
    subject: Any
    inspector: int
    started: dt.datetime
    completed: dt.datetime
    results: dict[str, bool]
    hazards: list[tuple[str, str]] = field(default_factory=list)  # (item code, its text)


def generate(world: World, ids: Ids) -> dict[str, int]:
    lists = {c.code: c for c in current_checklists()}
    planned = [_inspect(world, ids, c, s) for c, s in _subjects(world, lists)]
    _write(world, planned)
    hazards = _hazards(world, planned)
    return {"inspections": len(planned), "hazards": hazards}


def _subjects(world: World, lists: dict[str, Checklist]) -> list[tuple[Checklist, Any]]:
    grids, rng = list(world.workers), world.rng
    found: list[tuple[Checklist, Any]] = []
    units = Organisation.objects.filter(grid_code__in=grids, address__isnull=False)
    for unit in units.select_related("address").order_by("pk"):
        if not unit.is_key_unit and rng.random() >= OTHER_UNITS:
            continue
        found += [(c, unit) for c in lists.values() if _applies(c, unit)]
    houses = House.objects.filter(grid_code__in=grids, use=HouseUse.RENTED, address__isnull=False)
    rental = [c for c in lists.values() if c.subject == "house"]
    for house in houses.select_related("address").order_by("pk"):
        if rental and rng.random() < RENTALS:
            found.append((rental[0], house))
    return found


def _applies(checklist: Checklist, unit: Organisation) -> bool:
    types = checklist.unit_types
    return checklist.subject == "organisation" and (not types or unit.unit_type in types)


def _inspect(world: World, ids: Ids, checklist: Checklist, subject: Any) -> Planned:
    rng = world.rng
    started = world.at(world.day(rng.randint(1, world.days - 1)), rng.uniform(9, 16))
    completed = started + dt.timedelta(minutes=rng.randint(20, 90))
    results = {i["code"]: rng.random() < ITEM_PASSES for i in checklist.items}
    kind = "house" if isinstance(subject, House) else "organisation"
    inspector = rng.choice(world.workers[subject.grid_code])
    found = Planned(
        ids.take(Inspection), checklist, kind, subject, inspector, started, completed, results
    )
    found.hazards = [(i["code"], i["text"]) for i in checklist.items if not results[i["code"]]]
    return found


def _write(world: World, planned: list[Planned]) -> None:
    rows = [
        [
            p.pk,
            p.checklist.pk,
            p.subject.pk if p.kind == "organisation" else None,
            p.subject.pk if p.kind == "house" else None,
            p.subject.grid_code,
            p.subject.beat_code,
            p.inspector,
            p.started,
            p.completed,
            p.results,
            "",
        ]
        for p in planned
    ]
    columns = ["id", "checklist_id", "organisation_id", "house_id", "grid_code", "beat_code"]
    columns += ["inspector_id", "started_at", "completed_at", "results", "notes"]
    insert_rows(Inspection, columns, rows)
    _parties(world, planned)
    for p in planned:
        after: dict[str, Any] = {"checklist": f"{p.checklist.code}@{p.checklist.version}"}
        after["parties"] = list(_joint(world, p))
        world.change(p.started, p.inspector, "start_inspection", "inspection", p.pk, after)


def _joint(world: World, p: Planned) -> tuple[str, ...]:
    """The departments taking part (decided once per inspection, by its id)."""
    codes = JOINT.get(p.checklist.code, ())
    return codes if codes and p.pk % 2 == 0 else ()


def _parties(world: World, planned: list[Planned]) -> None:
    """Joint inspections' parties, signed a day or two later where a handler of the
    department is on the roster (`sign_off`)."""
    departments = dict(Department.objects.values_list("code", "pk"))
    handlers = dict(
        RoleAssignment.objects.filter(role=Role.DEPARTMENT_HANDLER).values_list(
            "scope_code", "user"
        )
    )
    rows = []
    for p in planned:
        for code in _joint(world, p):
            signer = handlers.get(code)
            at = p.completed + dt.timedelta(hours=world.rng.uniform(4, 48)) if signer else None
            if at is not None and at > world.now:
                signer, at = None, None
            rows.append([p.pk, departments[code], signer, at])
            if signer and at:
                world.change(
                    at, signer, "sign_inspection", "inspection", p.pk, {"department": code}
                )
    insert_rows(
        InspectionParty, ["inspection_id", "department_id", "signed_by_id", "signed_at"], rows
    )


def _hazards(world: World, planned: list[Planned]) -> int:
    """The hazard cases of the failed items, then the hazards with their re-checks and every
    inspection's completion record naming its cases."""
    rows, found = [], []
    for p in planned:
        by = timezone.localdate(p.completed) + dt.timedelta(days=RECTIFY_DAYS)
        for code, text in p.hazards:
            rechecks = _rechecks(world, by)
            passed = next((at for at, ok in rechecks if ok), None)
            rows.append((p, code, by, rechecks))
            found.append(_found(p, text, by, passed, world))
    ids = file_found(found, seed=world.rng.randrange(1 << 30))
    numbers = dict(Case.objects.filter(pk__in=ids).values_list("pk", "number"))
    hazards: list[list[Any]] = []
    cases_of: dict[int, list[str]] = {}
    for (p, code, by, rechecks), case in zip(rows, ids, strict=True):
        cases_of.setdefault(p.pk, []).append(numbers[case])
        last = rechecks[-1] if rechecks else (None, None)
        note = "" if not rechecks else ("已整改到位" if last[1] else "未整改到位，继续督促")
        checker = p.inspector if rechecks else None
        hazards.append([p.pk, code, case, by, last[1], last[0], checker, note])
        for at, ok in rechecks:
            after = {"case": numbers[case], "passed": ok}
            world.change(at, p.inspector, "recheck_hazard", "inspection", p.pk, after)
    columns = ["inspection_id", "item_code", "case_id", "rectify_by", "recheck_passed"]
    columns += ["rechecked_at", "rechecked_by_id", "recheck_note"]
    insert_rows(Hazard, columns, hazards)
    for p in planned:
        after = {"failed": [c for c, _ in p.hazards], "cases": cases_of.get(p.pk, [])}
        world.change(p.completed, p.inspector, "complete_inspection", "inspection", p.pk, after)
    return len(hazards)


def _rechecks(world: World, by: dt.date) -> list[tuple[dt.datetime, bool]]:
    """Re-checks around the deadline, as far as their time has come: a failed one is repeated
    a few days later."""
    rng = world.rng
    found: list[tuple[dt.datetime, bool]] = []
    at = world.at(by, rng.uniform(9, 17)) + dt.timedelta(days=rng.randint(-2, 1))
    while at <= world.now and len(found) < 3:
        ok = rng.random() < RECHECK_PASSES
        found.append((at, ok))
        if ok:
            break
        at += dt.timedelta(days=rng.randint(3, 5))
    return found


def _found(p: Planned, text: str, by: dt.date, passed: dt.datetime | None, world: World) -> Found:
    address = p.subject.address
    return Found(
        subtype_code=p.checklist.subtype,
        title=f"{p.checklist.name}：{text}"[:100],
        description=f"{p.subject}：{text}。整改期限 {by:%Y-%m-%d}，复查合格后方可结案。",
        address_id=address.pk,
        lon=address.lon,
        lat=address.lat,
        grid_code=address.grid_code,
        beat_code=address.beat_code,
        reported_at=p.completed,
        reporter_id=p.inspector,
        reporter_name=world.names[p.inspector],
        closes_after=passed,
    )
