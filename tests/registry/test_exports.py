"""Exports of the scoped lists to xlsx: they open, carry masked numbers only, hold no formula,
contain what the user's scope holds and nothing else, are refused to roles without the export
action, and each writes an 'export' row to the access log."""

from typing import Any

import pytest
from django.urls import reverse

from outpost.core.access import chained_fields
from outpost.core.models import AccessLogEntry
from outpost.registry.imports import run_import
from outpost.registry.models import StandardAddress
from tests.conftest import HOME_GRID, Persona
from tests.registry.data import RegistryData, as_csv
from tests.registry.helpers import (
    XLSX,
    assert_chain_intact,
    formula_cells,
    loaded_in_beat,
    masked_id,
    masked_phone,
    workbook_rows,
)

pytestmark = pytest.mark.django_db


def _export(persona: Persona, name: str, **query: str) -> tuple[list[str], list[list[Any]], Any]:
    response = persona.client.get(reverse("registry:export", args=[name]), query)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    return workbook_rows(response.content)


def _column(header: list[str], rows: list[list[Any]], name: str) -> list[Any]:
    index = header.index(name)
    return [row[index] for row in rows]


def test_it_exports_the_district_for_the_admin_with_numbers_masked(
    registry_data: RegistryData, admin: Persona
) -> None:
    header, rows, sheet = _export(admin, "people")

    numbers = _column(header, rows, "人员编号")
    assert sorted(numbers) == sorted(registry_data.persons)
    for number, shown_id, shown_phone in zip(
        numbers, _column(header, rows, "身份证号"), _column(header, rows, "手机号"), strict=True
    ):
        person = registry_data.persons[number]
        assert shown_id == masked_id(person["id_number"])
        assert (shown_phone or "") == (masked_phone(person["phone"]) if person["phone"] else "")
    plain = {p["id_number"] for p in registry_data.persons.values()} | {
        p["phone"] for p in registry_data.persons.values() if p["phone"]
    }
    assert not [v for row in rows for v in row if str(v) in plain]
    assert formula_cells(sheet) == []


def test_it_exports_only_the_officers_beat(registry_data: RegistryData, officer: Persona) -> None:
    beat = officer.user.assignments.get().scope_code

    header, rows, _ = _export(officer, "people")

    assert set(_column(header, rows, "人员编号")) == set(loaded_in_beat(registry_data, beat))
    assert len(rows) == len(loaded_in_beat(registry_data, beat))


def test_it_exports_only_the_people_the_search_finds(
    registry_data: RegistryData, officer: Persona
) -> None:
    beat = officer.user.assignments.get().scope_code
    people = loaded_in_beat(registry_data, beat)
    surname = sorted(row["name"] for row in people.values())[0][0]

    header, rows, _ = _export(officer, "people", q=surname)

    assert set(_column(header, rows, "人员编号")) == {
        no for no, row in people.items() if surname in row["name"]
    }
    entry = AccessLogEntry.objects.get(action="export")
    assert (entry.object_type, entry.object_key) == ("people", surname)


def test_it_keeps_a_searched_id_number_out_of_the_access_log(
    registry_data: RegistryData, officer: Persona
) -> None:
    """An export of a search by whole ID number finds that person; the log row that records
    the export must not itself become a plain copy of the number."""
    beat = officer.user.assignments.get().scope_code
    number, row = next(iter(loaded_in_beat(registry_data, beat).items()))

    header, rows, _ = _export(officer, "people", q=row["id_number"])

    assert _column(header, rows, "人员编号") == [number]
    entry = AccessLogEntry.objects.get(action="export")
    stored = " ".join(str(v) for v in chained_fields(entry).values())
    assert row["id_number"] not in stored


@pytest.mark.parametrize("name", ["people", "houses", "organisations"])
def test_it_logs_each_export_in_the_access_log(
    registry_data: RegistryData, admin: Persona, name: str
) -> None:
    _export(admin, name)
    _export(admin, name)

    entries = assert_chain_intact()

    assert [(e.actor, e.action, e.object_type) for e in entries if e.action != "login"] == [
        (admin.user, "export", name)
    ] * 2


@pytest.mark.parametrize("who", ["grid_worker", "reporter", "nobody"])
def test_it_refuses_exports_to_roles_without_the_export_action(
    registry_data: RegistryData, request: pytest.FixtureRequest, who: str
) -> None:
    persona: Persona = request.getfixturevalue(who)
    for name in ("people", "houses", "organisations"):
        response = persona.client.get(reverse("registry:export", args=[name]))
        assert response.status_code == 403
        assert response.get("Content-Type") != XLSX
    assert not AccessLogEntry.objects.filter(action="export").exists()


def test_it_exports_the_houses_and_organisations_in_scope(
    registry_data: RegistryData, officer: Persona
) -> None:
    beat = officer.user.assignments.get().scope_code
    beats = dict(StandardAddress.objects.values_list("code", "beat_code"))

    header, rows, _ = _export(officer, "houses")
    assert set(_column(header, rows, "房屋编号")) == {
        code for code, h in registry_data.houses.items() if beats[h["addr_id"]] == beat
    }
    header, rows, _ = _export(officer, "organisations")
    units = [u for u in registry_data.units.values() if beats[u["addr_id"]] == beat]
    assert set(_column(header, rows, "统一社会信用代码")) == {u["uscc"] for u in units}
    phones = {u["contact_phone"] for u in units if u["contact_phone"]}
    shown = _column(header, rows, "联系电话")
    assert not phones & set(shown)
    assert sorted(shown) == sorted(masked_phone(u["contact_phone"]) for u in units)


def test_it_writes_text_that_looks_like_a_formula_as_inert_text(
    registry_data: RegistryData, admin: Persona
) -> None:
    unit = dict(next(iter(registry_data.units.values())))
    hostile = '=HYPERLINK("http://x","点我")'
    unit.update(name=hostile, legal_rep="张三", unit_type="-2+3")
    result = run_import("units", as_csv([unit]), "units.csv")
    assert result.counts["merged"] == 1  # an organisation name is free text

    header, rows, sheet = _export(admin, "organisations")

    row = rows[_column(header, rows, "统一社会信用代码").index(unit["uscc"])]
    assert row[header.index("名称")] == "'" + hostile
    assert row[header.index("类型")] == "'-2+3"
    assert formula_cells(sheet) == []


def test_it_keeps_the_home_grid_in_the_admins_house_export(
    registry_data: RegistryData, admin: Persona
) -> None:
    header, rows, _ = _export(admin, "houses")

    grids = dict(
        zip(_column(header, rows, "房屋编号"), _column(header, rows, "网格编码"), strict=True)
    )
    assert set(grids) == set(registry_data.houses)
    assert HOME_GRID in grids.values()
