"""A small world of records with known states and dates, in November 2026, mostly in the home
grid: the figures of every indicator are worked out by hand from it in test_indicators.py.

Rows are written directly (not through the services), because the indicators read states,
moments and outcomes that the services stamp with the clock: only direct rows can be placed on
chosen days. Each helper writes what the service would have left behind.
"""

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from outpost.accounts.models import User
from outpost.calls.models import Call
from outpost.cases.models import Case, CaseAssignment, SubType, TimelineEntry
from outpost.cases.taxonomy import load_taxonomy
from outpost.fieldwork.models import Checklist, Hazard, Inspection, Visit
from outpost.geo.models import CommandRoom, Grid
from outpost.instructions.models import Instruction, InstructionRecipient
from outpost.registry.models import (
    AddressLevel,
    FloatingRegistration,
    House,
    Person,
    RecordEdit,
    StandardAddress,
)
from tests.conftest import HOME_GRID, OTHER_GRID, Persona
from tests.fieldwork.conftest import id_number

PERIOD = "2026-11"
COUNTER = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_taxonomy()


def at(day: int, hour: int = 9, month: int = 11) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour))


def place(grid: Grid) -> dict[str, str]:
    return {"grid_code": grid.code, "beat_code": grid.main_beat.code if grid.main_beat else ""}


def make_case(
    grid: Grid,
    reported: dt.datetime,
    state: str,
    *,
    subtype: str = "0101",
    dispatched: dt.datetime | None = None,
    signed: dt.datetime | None = None,
    completed: dt.datetime | None = None,
    due: dt.datetime | None = None,
    rating: str = "",
    rework: int = 0,
    result: str = "",
) -> Case:
    n = next(COUNTER)
    case = Case.objects.create(
        number=f"T{n:08d}",
        tracking_code=f"TR{n:08d}",
        source="grid_patrol",
        subtype=SubType.objects.get(code=subtype),
        title=f"事件{n}",
        state=state,
        reported_at=reported,
        handle_started=signed,
        handle_due=due,
        rating=rating,
        rework_count=rework,
        result=result,
        **place(grid),
    )
    if dispatched:
        CaseAssignment.objects.create(
            case=case,
            unit_kind="grid",
            unit_code=grid.code,
            unit_name=grid.name,
            assigned_at=dispatched,
            signed_on_at=signed,
        )
    if completed:
        TimelineEntry.objects.create(
            case=case,
            at=completed,
            actor_name="w",
            action="complete",
            from_state="handling",
            to_state="completed",
        )
    return case


def make_address(grid: Grid, key: str) -> StandardAddress:
    return StandardAddress.objects.create(
        code=f"AS-{key}",
        level=AddressLevel.ROOM,
        community_code=grid.code[:12],
        road="中山路",
        door_no="1号",
        room=key,
        full_text=f"中山路1号{key}室",
        lon=118.77,
        lat=32.06,
        **place(grid),
    )


def make_person(grid: Grid, key: str, **fields: Any) -> Person:
    n = next(COUNTER)
    person = Person.objects.create(
        person_no=f"AS-P-{key}",
        name="某人",
        gender="男",
        birth_date=dt.date(1990, 1, 1),
        id_number=id_number(f"32010619900101{n % 1000:03d}"),
        **{"pop_type": "户籍人口", **place(grid), **fields},
    )
    Person.objects.filter(pk=person.pk).update(created_at=at(1, month=10))
    return person


def make_house(grid: Grid, key: str, use: str, filing: str = "") -> House:
    house = House.objects.create(
        house_no=f"AS-H-{key}",
        address=make_address(grid, key),
        use=use,
        rental_filing_no=filing,
        **place(grid),
    )
    House.objects.filter(pk=house.pk).update(created_at=at(1, month=10))
    return house


@dataclass
class World:
    home: Grid
    other: Grid
    cases: dict[str, Case] = field(default_factory=dict)
    edits: dict[str, RecordEdit] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    houses: dict[str, House] = field(default_factory=dict)
    inspections: dict[str, Inspection] = field(default_factory=dict)
    recipients: dict[str, InstructionRecipient] = field(default_factory=dict)
    calls: dict[str, Call] = field(default_factory=dict)


def _cases(w: World) -> None:
    home, c = w.home, w.cases
    c["c1"] = make_case(
        home, at(2, 8), "closed", dispatched=at(2, 10), signed=at(2, 12), completed=at(5, 12),
        due=at(10), rating="satisfied", result="已调解\n调解成功",
    )  # fmt: skip
    c["c2"] = make_case(
        home, at(3, 7), "rated", dispatched=at(3, 8), signed=at(3, 14), completed=at(8, 14),
        due=at(6), rating="unsatisfied", rework=1, result="调解不成功",
    )  # fmt: skip
    c["c3"] = make_case(home, at(4, 8), "handling", dispatched=at(4, 9), signed=at(4, 10))
    c["c4"] = make_case(home, at(5, 8), "rejected")
    c["c5"] = make_case(home, at(30, 8, month=10), "closed", dispatched=at(30, 9, month=10))
    c["c6"] = make_case(w.other, at(2, 8), "closed", completed=at(3), due=at(9))
    c["c7"] = make_case(
        home, at(6, 7), "completed", subtype="0301", dispatched=at(6, 8), signed=at(6, 18),
        completed=at(7, 18), due=at(9),
    )  # fmt: skip


def _registry(w: World, collector: User) -> None:
    home = w.home

    def edit(key: str, state: str, decided: dt.datetime | None, by: User | None) -> None:
        w.edits[key] = RecordEdit.objects.create(
            kind="person", record_id=1, record_key=f"AS-E-{key}", label="某人", action="update",
            state=state, decided_at=decided, collected_by=by, **place(home),
        )  # fmt: skip

    edit("e1", "verified", at(3), collector)
    edit("e2", "verified", at(4), None)
    edit("e3", "returned", at(5), collector)
    edit("e4", "pending", None, collector)
    edit("e5", "verified", at(20, month=10), collector)
    p = w.people
    p["f1"] = make_person(home, "f1", pop_type="流动人口")
    FloatingRegistration.objects.create(person=p["f1"], registered_on=dt.date(2026, 11, 10))
    p["f2"] = make_person(home, "f2", pop_type="流动人口")
    p["f3"] = make_person(home, "f3", pop_type="流动人口")
    FloatingRegistration.objects.create(person=p["f3"], registered_on=dt.date(2026, 12, 5))
    p["f4"] = make_person(
        home, "f4", pop_type="流动人口", status="moved_out", left_on=dt.date(2026, 11, 20)
    )
    p["r1"] = make_person(home, "r1")
    p["k1"] = make_person(home, "k1", care_tags="独居老人")
    p["k2"] = make_person(home, "k2", care_tags="独居老人")
    h = w.houses
    h["h1"] = make_house(home, "h1", "出租", "BA-1")
    h["h2"] = make_house(home, "h2", "出租")
    h["h3"] = make_house(home, "h3", "空置")


def _fieldwork(w: World, worker: User, officer: User) -> None:
    common = {"visitor": worker, "met": "本人", **place(w.home)}
    Visit.objects.create(kind="care", person=w.people["k1"], visited_at=at(12), **common)
    Visit.objects.create(kind="care", person=w.people["k2"], visited_at=at(2, month=12), **common)
    Visit.objects.create(kind="rental", house=w.houses["h2"], visited_at=at(15), **common)
    checklist = Checklist.objects.create(
        code="AS", version=1, name="消防检查", subject="house", subtype="0201",
        items=[{"code": "F1", "text": "灭火器"}],
    )  # fmt: skip
    for key, day in (("i1", 10), ("i2", 11), ("i3", 0)):
        w.inspections[key] = Inspection.objects.create(
            checklist=checklist, house=w.houses["h1"], inspector=officer, started_at=at(9),
            completed_at=at(day) if day else None, **place(w.home),
        )  # fmt: skip
    hazard_case = make_case(w.home, at(11, month=10), "dispatched", subtype="0201")
    Hazard.objects.create(
        inspection=w.inspections["i2"], item_code="F1", case=hazard_case,
        rectify_by=dt.date(2026, 11, 20),
    )  # fmt: skip


def _instructions(w: World) -> None:
    station = w.home.main_beat.station if w.home.main_beat else None
    assert station is not None
    room, _ = CommandRoom.objects.get_or_create(station=station, defaults={"name": "指挥室"})

    def send(key: str, deadline: dt.datetime, done: dt.datetime | None) -> None:
        instruction = Instruction.objects.create(
            room=room, title=f"指令{key}", deadline=deadline, sent_at=at(1)
        )
        w.recipients[key] = InstructionRecipient.objects.create(
            instruction=instruction, unit_kind="grid", unit_code=w.home.code,
            unit_name=w.home.name, state="done" if done else "sent", done_at=done,
        )  # fmt: skip

    send("n1", at(10), at(9))
    send("n2", at(20), None)
    send("n3", at(25), at(27))
    send("n4", at(10, month=12), None)  # due next month


def _calls(w: World) -> None:
    for key, decision in (("a1", "divert"), ("a2", "divert"), ("a3", "police")):
        w.calls[key] = Call.objects.create(
            call_id=f"AS-{key}", received_at=at(8), decision=decision, imported_at=at(8),
            **place(w.home),
        )  # fmt: skip
    Call.objects.create(
        call_id="AS-a4", received_at=at(8, month=10), decision="police", imported_at=at(8),
        **place(w.home),
    )  # fmt: skip


@pytest.fixture
def world(home_grid: Grid, grid_worker: Persona, officer: Persona) -> World:
    w = World(home_grid, Grid.objects.select_related("main_beat").get(code=OTHER_GRID))
    assert w.home.code == HOME_GRID
    _cases(w)
    _registry(w, grid_worker.user)
    _fieldwork(w, grid_worker.user, officer.user)
    _instructions(w)
    _calls(w)
    return w
