"""Imports and searches are no oracles (issue 10, items 2 and 3).

Each test is the attack a collector with a real account would make: guess a phone number by
importing a known person many times, learn whether an ID number or an address code exists outside
their area from how a row is answered, or look numbers up one by one. Reports are compared whole
(every field but the row number), so any difference between two answers is caught."""

from typing import Any

import pytest
from django.urls import reverse

from outpost.core.crypto import keyed_hash
from outpost.core.masking import mask_id_number, mask_phone
from outpost.core.models import AccessLogEntry
from outpost.registry.imports import ImportResult, run_import
from outpost.registry.models import Organisation, Person, StandardAddress
from tests.conftest import HOME_GRID, OTHER_GRID, Persona
from tests.registry.data import RegistryData, as_csv, read_xz, rows_of
from tests.registry.helpers import (
    assert_chain_intact,
    loaded_in_grid,
    new_person_row,
    page,
    workbook_rows,
)

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/registry/people"


def _import(
    persona: Persona, kind: str, rows: list[dict[str, str]], **options: Any
) -> ImportResult:
    return run_import(kind, as_csv(rows), f"{kind}.csv", actor=persona.user, **options)


def _answer(result: ImportResult) -> list[tuple[str, str, str]]:
    """The report's rows as the uploader reads them, without the row numbers."""
    return [(o.outcome, o.field, str(o.reason)) for o in result.outcomes]


def _room(grid: str, n: int = 0) -> StandardAddress:
    return StandardAddress.objects.filter(grid_code=grid, level="room").order_by("code")[n]


def _home_person_with_phone(data: RegistryData) -> dict[str, str]:
    return next(row for row in loaded_in_grid(data, HOME_GRID).values() if row["phone"])


def _guesses(phone: str) -> list[str]:
    """The true number and wrong ones with the same shown digits (prefix and last four)."""
    middle = phone[3:7]
    wrong = [f"{(int(middle) + k) % 10000:04d}" for k in (1, 2, 5000)]
    return [phone, *(phone[:3] + m + phone[7:] for m in wrong)]


# --- item 2: phone numbers ---------------------------------------------------------------------


def test_it_answers_every_phone_guess_for_a_known_person_alike(
    registry_data: RegistryData, grid_worker: Persona
) -> None:
    """A grid worker may not unmask: whether the guessed phone is the stored one must not show
    in the report of a dry run."""
    row = _home_person_with_phone(registry_data)

    answers = [
        _answer(_import(grid_worker, "persons", [{**row, "phone": guess}], dry_run=True))
        for guess in _guesses(row["phone"])
    ]

    assert all(answer == answers[0] for answer in answers), answers
    assert "phone" not in answers[0][0][1].split(",") or answers[0][0][0] == "submitted"


def test_it_still_tells_an_officer_who_may_unmask_which_field_changed(
    registry_data: RegistryData, officer: Persona
) -> None:
    beat = officer.user.assignments.get().scope_code
    row = next(
        r
        for r in loaded_in_grid(registry_data, HOME_GRID).values()
        if r["phone"] and StandardAddress.objects.get(code=r["addr_id"]).beat_code == beat
    )
    right, wrong = _guesses(row["phone"])[:2]

    same = _import(officer, "persons", [{**row, "phone": right}], dry_run=True)
    other = _import(officer, "persons", [{**row, "phone": wrong}], dry_run=True)

    assert same.outcomes[0].outcome == "unchanged"
    assert (other.outcomes[0].outcome, other.outcomes[0].field) == ("merged", "phone")


def test_it_rejects_repeated_rows_for_one_person_in_one_file_naming_both_rows(
    registry_data: RegistryData, grid_worker: Persona
) -> None:
    """Many guesses for one person in one file: the first row is taken, every repeat is
    rejected as a repeat, whatever it holds."""
    row = _home_person_with_phone(registry_data)
    rows = [{**row, "phone": guess} for guess in _guesses(row["phone"])]

    result = _import(grid_worker, "persons", rows, dry_run=True)

    repeats = result.outcomes[1:]
    assert {(o.outcome, o.field) for o in repeats} == {("rejected", "id_number")}
    for outcome in repeats:
        assert "第 2 行" in str(outcome.reason) and f"第 {outcome.row} 行" in str(outcome.reason)
    assert len({str(o.reason).replace(f"第 {o.row} 行", "") for o in repeats}) == 1


# --- item 2: ID numbers and address codes ------------------------------------------------------


def test_it_answers_an_unknown_and_an_out_of_area_id_number_alike(
    registry_data: RegistryData, grid_worker: Persona
) -> None:
    """A person registered in another street, submitted as living in the worker's grid, is
    answered exactly as somebody nobody has registered; and no second record is made."""
    home_room = _room(HOME_GRID)
    outside_number, outside = next(iter(loaded_in_grid(registry_data, OTHER_GRID).items()))
    known = {**outside, "person_id": "", "addr_id": home_room.code}
    unknown = new_person_row(outside, home_room.code, 917)
    before = Person.objects.get(person_no=outside_number)

    for dry_run in (True, False):
        answer = _answer(_import(grid_worker, "persons", [known, unknown], dry_run=dry_run))
        assert answer[0] == answer[1], answer

    digest = keyed_hash(outside["id_number"], purpose="id_number")
    assert Person.objects.filter(id_number_hash=digest).count() == 1
    after = Person.objects.get(person_no=outside_number)
    assert (after.address_id, after.state, after.name) == (
        before.address_id,
        before.state,
        before.name,
    )


@pytest.mark.parametrize("kind", ["persons", "houses", "units"])
def test_it_answers_an_unknown_and_an_out_of_area_address_code_alike(
    registry_data: RegistryData, grid_worker: Persona, kind: str
) -> None:
    like = {
        "persons": lambda: new_person_row(
            next(iter(loaded_in_grid(registry_data, HOME_GRID).values())), "", 918
        ),
        "houses": lambda: {**next(iter(registry_data.houses.values())), "house_id": "HX918"},
        "units": lambda: next(iter(registry_data.units.values())),
    }[kind]()
    outside_room = _room(OTHER_GRID)
    rows = [{**like, "addr_id": "A9999999"}, {**like, "addr_id": outside_room.code}]
    if kind == "houses":
        rows[1]["house_id"] = "HX919"
        rows = [{**r, "owner_person_id": ""} for r in rows]

    answer = _answer(_import(grid_worker, kind, rows, dry_run=True))

    assert answer[0] == answer[1], answer
    assert answer[0][0] == "rejected"


# --- item 2: every import goes to the access log ----------------------------------------------


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry_run", "real"])
def test_it_logs_every_import_with_its_row_count(
    registry_data: RegistryData, grid_worker: Persona, dry_run: bool
) -> None:
    like = next(iter(loaded_in_grid(registry_data, HOME_GRID).values()))
    rows = [new_person_row(like, _room(HOME_GRID, n).code, 920 + n) for n in range(3)]

    _import(grid_worker, "persons", rows, dry_run=dry_run)

    entry = AccessLogEntry.objects.get(action="import", actor=grid_worker.user)
    assert (entry.actor, entry.object_type) == (grid_worker.user, "persons")
    assert "rows=3" in entry.purpose
    assert ("dry_run" in entry.purpose) == dry_run
    assert like["id_number"] not in str(entry.__dict__)
    assert_chain_intact()


# --- item 2: people?q=<full number> ------------------------------------------------------------


def test_it_logs_an_exact_number_lookup_masked_with_what_it_found(
    registry_data: RegistryData, grid_worker: Persona
) -> None:
    row = _home_person_with_phone(registry_data)

    found = grid_worker.client.get(PEOPLE, {"q": row["phone"]}).json()

    assert [p["person_no"] for p in found] == [row["person_id"]]
    entry = AccessLogEntry.objects.get(action="number_lookup")
    assert (entry.actor, entry.object_key) == (grid_worker.user, mask_phone(row["phone"]))
    assert "rows=1" in entry.purpose
    stored = " ".join(str(v) for v in entry.__dict__.values())
    assert row["phone"] not in stored and row["id_number"] not in stored


def test_it_answers_an_outsiders_number_as_an_unknown_one(
    registry_data: RegistryData, grid_worker: Persona
) -> None:
    outside = next(r for r in loaded_in_grid(registry_data, OTHER_GRID).values() if r["phone"])
    unknown_phone = "19999999999"
    assert not Person.objects.filter(phone_hash=keyed_hash(unknown_phone, purpose="phone"))

    answers = []
    for q in (outside["phone"], unknown_phone, outside["id_number"]):
        response = grid_worker.client.get(PEOPLE, {"q": q})
        answers.append((response.status_code, response.content))

    assert answers[0] == answers[1] == answers[2] == (200, b"[]")
    logged = AccessLogEntry.objects.filter(action="number_lookup").order_by("id")
    assert [e.purpose for e in logged] == ["rows=0"] * 3


def test_it_limits_exact_number_lookups_per_user_in_both_languages(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona, settings: Any
) -> None:
    settings.OUTPOST_NUMBER_LOOKUPS = 3
    row = _home_person_with_phone(registry_data)
    for _ in range(3):
        assert grid_worker.client.get(PEOPLE, {"q": row["phone"]}).status_code == 200

    refused = grid_worker.client.get(PEOPLE, {"q": row["id_number"]})
    by_page = grid_worker.client.get(reverse("registry:people"), {"q": row["phone"]})

    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    body = refused.json()
    assert "查询" in body["detail"] and "lookups" in body["detail_en"]
    assert by_page.status_code == 429 and "查询" in by_page.content.decode()
    grid_worker.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    in_english = grid_worker.client.get(reverse("registry:people"), {"q": row["phone"]})
    assert in_english.status_code == 429 and "Too many lookups" in in_english.content.decode()
    # A search by name is no number lookup, and another user has a count of their own.
    assert grid_worker.client.get(PEOPLE, {"q": row["name"]}).status_code == 200
    assert officer.client.get(PEOPLE, {"q": row["phone"]}).status_code == 200


# --- item 3: list reads ------------------------------------------------------------------------


def test_it_logs_each_people_list_read_with_the_query_and_the_row_count(
    registry_data: RegistryData, officer: Persona
) -> None:
    beat = officer.user.assignments.get().scope_code
    people = {
        no: r
        for no, r in loaded_in_grid(registry_data, HOME_GRID).items()
        if StandardAddress.objects.get(code=r["addr_id"]).beat_code == beat
    }
    surname = sorted(r["name"] for r in people.values())[0][0]
    number, row = next(iter(people.items()))

    listed = page(officer.client.get(reverse("registry:people"), {"q": surname}))
    api = officer.client.get(PEOPLE, {"q": surname, "limit": 2}).json()
    exported = officer.client.get(reverse("registry:export", args=["people"]), {"q": surname})
    by_id = officer.client.get(reverse("registry:people"), {"q": row["id_number"]})

    mine = AccessLogEntry.objects.filter(actor=officer.user).exclude(action="login")
    entries = list(mine.order_by("id"))
    assert [(e.action, e.object_type) for e in entries] == [
        ("list_people", "page"),
        ("list_people", "api"),
        ("export", "people"),
        ("number_lookup", "page"),
    ]
    shown = len(listed.tables["people"])
    _, exported_rows, _ = workbook_rows(exported.content)
    assert [e.object_key for e in entries[:3]] == [surname] * 3
    assert [e.purpose for e in entries[:3]] == [
        f"rows={shown}",
        f"rows={len(api)}",
        f"rows={len(exported_rows)}",
    ]
    assert entries[3].object_key == mask_id_number(row["id_number"])
    assert entries[3].purpose == "rows=1"
    assert number in by_id.content.decode()
    assert row["id_number"] not in " ".join(str(v) for e in entries for v in e.__dict__.values())
    assert_chain_intact()


def test_it_logs_the_queue_and_a_households_people_with_their_counts(
    registry_data: RegistryData, officer: Persona
) -> None:
    beat = officer.user.assignments.get().scope_code
    room = next(
        r["addr_id"]
        for r in loaded_in_grid(registry_data, HOME_GRID).values()
        if StandardAddress.objects.get(code=r["addr_id"]).beat_code == beat
    )

    page(officer.client.get(reverse("registry:queue")))
    household = page(officer.client.get(reverse("registry:address", args=[room])))

    mine = AccessLogEntry.objects.filter(actor=officer.user, action="list_people")
    assert [(e.object_type, e.purpose) for e in mine.order_by("id")] == [
        (
            "queue",
            f"rows={min(50, Person.objects.filter(beat_code=beat, state='pending').count())}",
        ),
        ("household", f"rows={len(registry_data.people_at(room))}"),
    ]
    assert len(household.tables["household"]) == len(registry_data.people_at(room))


def test_it_answers_an_unknown_and_an_out_of_area_organisation_alike(
    registry_data: RegistryData, grid_worker: Persona
) -> None:
    """An organisation registered in another street is neither compared nor rewritten by a
    collector's file: answered as one nobody has registered."""
    outside_rooms = set(
        StandardAddress.objects.filter(grid_code=OTHER_GRID).values_list("code", flat=True)
    )
    outside = next(u for u in registry_data.units.values() if u["addr_id"] in outside_rooms)
    loaded = {u["uscc"] for u in registry_data.units.values()}
    unknown = next(u for u in rows_of(read_xz("units.csv.xz")) if u["uscc"] not in loaded)
    here = _room(HOME_GRID).code
    rows = [{**outside, "addr_id": here}, {**unknown, "unit_id": "", "addr_id": here}]
    before = Organisation.objects.get(uscc=outside["uscc"])

    answer = _answer(_import(grid_worker, "units", rows))

    assert answer[0] == answer[1], answer
    after = Organisation.objects.get(uscc=outside["uscc"])
    assert (after.address_id, after.name, after.state) == (
        before.address_id,
        before.name,
        before.state,
    )


def test_it_answers_an_unknown_and_an_out_of_area_parent_address_alike(
    registry_data: RegistryData, commander: Persona
) -> None:
    street = commander.user.assignments.get().scope_code[:9]
    building = next(
        {**row, "addr_id": "B-NEW-1"}
        for row in registry_data.addresses.values()
        if row["level"] == "楼栋" and row["community_code"].startswith(street)
    )
    outside_door = next(
        code
        for code, row in registry_data.addresses.items()
        if row["level"] == "门牌" and not row["community_code"].startswith(street)
    )
    rows = [{**building, "parent_id": "D-NOWHERE"}, {**building, "parent_id": outside_door}]

    answer = _answer(_import(commander, "addresses", rows, dry_run=True))

    assert answer[0] == answer[1], answer
    assert answer[0][:2] == ("rejected", "parent_id")


def test_it_answers_a_new_person_whose_number_is_taken_elsewhere_as_any_new_person(
    registry_data: RegistryData, grid_worker: Persona
) -> None:
    """A person number (人员编号) held by someone outside the area must not fail the import
    (a failure would tell that the number exists): the newcomer gets a number of its own."""
    outside_number, outside = next(iter(loaded_in_grid(registry_data, OTHER_GRID).items()))
    like = next(iter(loaded_in_grid(registry_data, HOME_GRID).values()))
    rows = [
        {**new_person_row(like, _room(HOME_GRID).code, 931), "person_id": outside_number},
        {**new_person_row(like, _room(HOME_GRID, 1).code, 932), "person_id": "PNEW932"},
    ]

    answer = _answer(_import(grid_worker, "persons", rows))

    assert answer[0] == answer[1], answer
    newcomer = Person.objects.get(
        id_number_hash=keyed_hash(rows[0]["id_number"], purpose="id_number")
    )
    assert newcomer.person_no != outside_number
    assert Person.objects.get(person_no=outside_number).name == outside["name"]
