"""The rows behind a figure as a table, per source, showing no more than the source's own list
pages show the same viewer: case numbers, titles as `cases.presenter` words them (police-only
titles hidden from civil roles), states and dates; registry rows by their record numbers and
standard addresses, never a person's name, ID or phone number, nor a care subject's tags."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from outpost.accounts.models import User
from outpost.cases.labels import STATE_LABELS, label
from outpost.cases.presenter import present_case


@dataclass(frozen=True)
class Cell:
    text: str
    link: str = ""


Row = list[Cell]


def _when(moment: Any) -> str:
    if moment is None:
        return "—"
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _case(case: Any, user: User) -> Row:
    link = reverse("cases:detail", args=[case.number])
    return [
        Cell(case.number, link),
        Cell(present_case(case, user).title),
        Cell(case.subtype.name),
        Cell(label(STATE_LABELS, case.state)),
        Cell(_when(case.reported_at)),
    ]


def _of_case(row: Any, user: User) -> Row:
    """An assignment or a timeline step, shown as its case."""
    return _case(row.case, user)


def _edit(edit: Any, user: User) -> Row:
    link = reverse("registry:person", args=[edit.record_key]) if edit.kind == "person" else ""
    return [
        Cell(edit.record_key, link),
        Cell(str(RECORD_KINDS.get(edit.kind, edit.kind))),
        Cell(str(EDIT_ACTIONS.get(edit.action, edit.action))),
        Cell(edit.get_state_display()),
        Cell(_when(edit.decided_at)),
        Cell(edit.return_reason or "—"),
    ]


RECORD_KINDS = {"person": L("Person"), "house": L("House"), "organisation": L("Organisation")}
EDIT_ACTIONS = {"add": L("Added"), "update": L("Changed"), "deregister": L("Deregistered")}


def _person(person: Any, user: User) -> Row:
    link = reverse("registry:person", args=[person.person_no])
    return [Cell(person.person_no, link), Cell(person.grid_code), Cell(person.get_status_display())]


def _house(house: Any, user: User) -> Row:
    address = house.address
    link = reverse("registry:address", args=[address.code])
    filed = _("Filed") if house.rental_filing_no else _("Not filed")
    return [Cell(house.house_no), Cell(address.full_text, link), Cell(filed)]


def _inspection(inspection: Any, user: User) -> Row:
    subject = inspection.organisation.name if inspection.organisation else ""
    if inspection.house:
        subject = inspection.house.house_no
    link = reverse("fieldwork:inspection", args=[inspection.pk])
    return [
        Cell(str(inspection.pk), link),
        Cell(str(inspection.checklist)),
        Cell(subject),
        Cell(_when(inspection.completed_at)),
    ]


def _recipient(row: Any, user: User) -> Row:
    link = reverse("instructions:detail", args=[row.instruction_id])
    return [
        Cell(row.instruction.title, link),
        Cell(row.unit_name),
        Cell(_when(row.instruction.deadline)),
        Cell(_when(row.done_at)),
    ]


def _call(call: Any, user: User) -> Row:
    return [
        Cell(call.call_id),
        Cell(_when(call.received_at)),
        Cell(call.get_decision_display()),
        Cell(call.subtype or "—"),
    ]


Presenter = Callable[[Any, User], Row]
PERSON = (L("Person number"), L("Grid code"), L("Status"))
CASE = (L("Number"), L("Title"), L("Case type"), L("State"), L("Reported at"))
TABLES: dict[str, tuple[tuple[Promise, ...], Presenter]] = {
    "cases": (CASE, _case),
    "sign_ons": (CASE, _of_case),
    "completions": (CASE, _of_case),
    "record_edits": (
        (L("Record number"), L("Kind"), L("Action"), L("State"), L("Decided at"), L("Reason")),
        _edit,
    ),
    "floating_people": (PERSON, _person),
    "care_subjects": (PERSON, _person),
    "rented_houses": ((L("House number"), L("Address"), L("Rental filing")), _house),
    "inspections": (
        (L("Inspection"), L("Checklist"), L("Inspected"), L("Completed at")),
        _inspection,
    ),
    "instruction_recipients": (
        (L("Instruction"), L("Recipient"), L("Deadline"), L("Done at")),
        _recipient,
    ),
    "calls": ((L("Call"), L("Received at"), L("Decision"), L("Sub-type")), _call),
}


def headers(source: str) -> list[str]:
    return [str(h) for h in TABLES[source][0]]


def table(source: str, objects: list[Any], user: User) -> list[Row]:
    present = TABLES[source][1]
    return [present(o, user) for o in objects]
