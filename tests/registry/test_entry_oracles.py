"""Adding a record is no oracle for an actor who both collects and verifies where they add (a
community officer in their own beat), and credit codes are looked up under the ID numbers' limit.

Each test is the attack of an officer with a real account: add a person (or an organisation)
twice, once with a number on record outside the beat and once with a new one, and compare the
two answers whole, on the page, in the API and in an import's report."""

from typing import Any

import pytest

from outpost.core.models import AccessLogEntry
from outpost.registry.imports import run_import
from outpost.registry.models import Organisation, Person, StandardAddress
from tests.conftest import OTHER_GRID, Persona
from tests.registry.data import RegistryData, as_csv
from tests.registry.helpers import loaded_in_grid, new_person_row
from tests.registry.test_field_entries import (
    _add,
    _free_room,
    _messages,
    _person_form,
    id_number,
    uscc,
)

pytestmark = pytest.mark.django_db


def _held_number(data: RegistryData) -> str:
    """An ID number on record in another community (outside the officer's beat)."""
    return next(iter(loaded_in_grid(data, OTHER_GRID).values()))["id_number"]


def _held_code() -> str:
    unit = Organisation.objects.filter(grid_code=OTHER_GRID).order_by("unit_no").first()
    assert unit is not None, "the other community has organisations"
    return unit.uscc


def _unit(room: StandardAddress, code: str) -> dict[str, Any]:
    return {
        "name": "鼓楼便民超市",
        "uscc": code,
        "unit_type": "个体工商户",
        "address_code": room.code,
        "legal_rep": "赵六",
    }


def _post(persona: Persona, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    answer = persona.client.post(path, body, content_type="application/json")
    return answer.status_code, answer.json()


def test_it_answers_an_officer_alike_on_the_page_whether_the_number_is_held_or_new(
    registry_data: RegistryData, officer: Persona
) -> None:
    held, fresh = _held_number(registry_data), id_number(611)
    assert not Person.objects.by_id_number(fresh).exists()

    known = _add(
        officer.client, "registry:person_new", _person_form(_free_room(officer, 0), id_number=held)
    )
    new = _add(
        officer.client, "registry:person_new", _person_form(_free_room(officer, 1), id_number=fresh)
    )

    assert known.redirect_chain == new.redirect_chain
    assert _messages(known) == _messages(new)
    # The officer's own entry needs no second look: it is on record, verified, at once.
    assert Person.objects.by_id_number(fresh).get().state == "verified"
    assert Person.objects.by_id_number(held).get().grid_code == OTHER_GRID


def test_it_answers_an_officer_alike_in_the_api_for_people_and_organisations(
    registry_data: RegistryData, officer: Persona
) -> None:
    people = "/api/v1/registry/people"
    person = {"name": "李雷", "address_code": _free_room(officer).code, "pop_type": "户籍人口"}
    held = _post(officer, people, {**person, "id_number": _held_number(registry_data)})
    fresh = _post(officer, people, {**person, "id_number": id_number(612)})
    assert held == fresh
    assert held[0] == 202 and held[1]["number"] is None

    units = "/api/v1/registry/organisations"
    room = _free_room(officer, 2)
    held_unit = _post(officer, units, _unit(room, _held_code()))
    fresh_unit = _post(officer, units, _unit(room, uscc("BBBB01")))
    assert held_unit == fresh_unit == held
    assert Organisation.objects.get(uscc=uscc("BBBB01")).state == "verified"


def test_it_reports_an_officers_import_alike_for_a_held_and_a_new_number(
    registry_data: RegistryData, officer: Persona
) -> None:
    like = next(iter(loaded_in_grid(registry_data, OTHER_GRID).values()))
    held = {**like, "person_id": "", "addr_id": _free_room(officer, 3).code}
    rows = [held, new_person_row(like, _free_room(officer, 4).code, 913)]
    assert not Person.objects.by_id_number(rows[1]["id_number"]).exists()
    result = run_import("persons", as_csv(rows), "people.csv", actor=officer.user)

    held, new = ((o.outcome, o.field, str(o.reason)) for o in result.outcomes)
    assert held == new


def test_it_counts_each_credit_code_an_outsider_tries_against_the_lookup_limit(
    registry_data: RegistryData, outsider: Persona, settings: Any
) -> None:
    settings.OUTPOST_NUMBER_LOOKUPS = 2
    room = StandardAddress.objects.filter(grid_code=OTHER_GRID, level="room").order_by("code")[0]
    path = "/api/v1/registry/organisations"
    for tail in ("CCCC01", "CCCC02"):
        assert _post(outsider, path, _unit(room, uscc(tail)))[0] == 202

    status, body = _post(outsider, path, _unit(room, uscc("CCCC03")))

    assert status == 422 and "信用代码" in body["detail"]
    assert not Organisation.objects.filter(uscc=uscc("CCCC03")).exists()
    logged = AccessLogEntry.objects.filter(actor=outsider.user, object_type="add_organisation")
    assert logged.count() == 2
    assert all(uscc("CCCC01") not in row.object_key for row in logged)
