"""The dirty resident import samples through the real importer: every row's outcome judged
against an independent reading of the row, the counts of persons_dirty_expected.json, re-runs,
the GBK CSV against the xlsx, dry runs and an import interrupted half way."""

import gc
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from outpost.core.crypto import decrypt, keyed_hash
from outpost.core.masking import mask_phone
from outpost.core.models import ChangeRecord
from outpost.registry.imports import ImportResult, RowOutcome, TableError, run_import
from outpost.registry.models import Person, Residence, StandardAddress
from outpost.registry.validators import normalize_phone
from tests.registry.data import (
    DIRTY_CSV,
    DIRTY_XLSX,
    RegistryData,
    as_csv,
    dirty_expected,
    dirty_rows,
)
from tests.registry.helpers import CJK, DEFECT_FIELDS, classify, kind_counts, lightly_used_house

pytestmark = pytest.mark.django_db

SAMPLES = {"csv": DIRTY_CSV, "xlsx": DIRTY_XLSX}


def _import(path: Path, **options: Any) -> ImportResult:
    return run_import("persons", path.read_bytes(), path.name, **options)


def _first_row(result: ImportResult) -> int:
    return result.header_row + 1


def _writes() -> tuple[int, int, int]:
    return Person.objects.count(), Residence.objects.count(), ChangeRecord.objects.count()


def _hash(number: str) -> str:
    return keyed_hash(number, purpose="id_number")


def _assert_outcomes(result: ImportResult, kinds: list[str], rows: list[dict[str, str]]) -> None:
    assert len(result.outcomes) == len(kinds)
    first = _first_row(result)
    row_of_id: dict[str, int] = {}
    for i, (outcome, kind, row) in enumerate(zip(result.outcomes, kinds, rows, strict=True)):
        number = first + i
        row_of_id.setdefault(row["id_number"], number)
        assert outcome.row == number
        where = f"row {number} ({kind}): {outcome}"
        if kind == "valid":
            assert outcome.outcome == "created", where
        elif kind == "duplicate_of_existing":
            assert outcome.outcome in ("merged", "unchanged"), where
        elif kind == "repeat_in_file":
            assert outcome.outcome == "rejected", where
            assert outcome.field == "id_number", where
            assert f"第 {row_of_id[row['id_number']]} 行" in str(outcome.reason), where
            assert f"第 {number} 行" in str(outcome.reason), where
        else:
            assert outcome.outcome == "rejected", where
            assert outcome.field == DEFECT_FIELDS[kind], where
            assert CJK.search(str(outcome.reason)), where


@pytest.mark.parametrize("sample", SAMPLES)
def test_it_gives_each_dirty_row_the_outcome_its_defect_calls_for(
    registry_data: RegistryData, sample: str
) -> None:
    rows = dirty_rows()
    kinds = classify(rows, registry_data)
    assert kind_counts(kinds) == dirty_expected()

    result = _import(SAMPLES[sample])

    assert result.header_row == (2 if sample == "xlsx" else 1)  # the xlsx has a title row
    _assert_outcomes(result, kinds, rows)
    expected = dirty_expected()
    defective = sum(n for kind, n in expected.items() if kind in DEFECT_FIELDS)
    assert result.counts["created"] == expected["valid"]
    assert result.counts["rejected"] == defective == 28 + expected["repeat_in_file"]
    assert result.counts["merged"] + result.counts["unchanged"] == expected["duplicate_of_existing"]


def test_it_stores_the_valid_rows_once_each_with_their_values(registry_data: RegistryData) -> None:
    rows = dirty_rows()
    kinds = classify(rows, registry_data)
    before = Person.objects.count()

    _import(DIRTY_CSV)

    valid = [row for row, kind in zip(rows, kinds, strict=True) if kind == "valid"]
    assert Person.objects.count() == before + len(valid)
    by_hash = {p.id_number_hash: p for p in Person.objects.select_related("address")}
    for row in valid:
        person = by_hash[_hash(row["id_number"])]
        assert (person.name, str(person.birth_date), person.gender) == (
            row["name"],
            row["birth_date"],
            row["gender"],
        )
        assert decrypt(person.id_number_enc) == row["id_number"]
        assert person.state == "verified"
        assert person.address is not None
        if row["addr_id"]:
            assert person.address.code == row["addr_id"]
        else:
            # The free text is the standard address without the province in front.
            assert person.address.full_text.endswith(row["address"]), row["address"]
        assert (person.grid_code, person.beat_code) == (
            person.address.grid_code,
            person.address.beat_code,
        )
        # Every part of both numbers follows from the encrypted number (hash, mask, tail).
        Person.id_number.check(person)
        Person.phone.check(person)
        phone = normalize_phone(row["phone"]) if row["phone"].strip() else ""
        assert decrypt(person.phone_enc) == phone if phone else person.phone_enc == ""
        lives = Residence.objects.filter(person=person, moved_out__isnull=True)
        assert list(lives.values_list("address_id", flat=True)) == [person.address_id]
    # The person written twice in the file is one record; the known ones were not duplicated.
    repeated = [r["id_number"] for r, k in zip(rows, kinds, strict=True) if k != "valid"]
    hashes = [_hash(n) for n in repeated]
    twice = Person.objects.filter(id_number_hash__in=hashes).values("id_number_hash")
    assert not twice.annotate(n=Count("id")).filter(n__gt=1).exists()


def test_it_matches_the_rows_given_as_free_text_to_the_standard_address(
    registry_data: RegistryData,
) -> None:
    rows = [r for r in dirty_rows() if not r["addr_id"] and r["address"]]
    assert rows, "the sample has rows with a free-text address"
    # The free text is a standard address's full text without the province in front.
    by_text = {a["full_text"]: code for code, a in registry_data.addresses.items()}
    wanted = {_hash(r["id_number"]): by_text["江苏省" + r["address"]] for r in rows}

    _import(DIRTY_CSV)

    stored = dict(
        Person.objects.filter(id_number_hash__in=wanted).values_list(
            "id_number_hash", "address__code"
        )
    )
    assert stored == wanted


@pytest.mark.parametrize("sample", SAMPLES)
def test_it_creates_nothing_when_the_same_file_is_imported_again(sample: str) -> None:
    first = _import(SAMPLES[sample])
    writes = _writes()

    again = _import(SAMPLES[sample])

    assert _writes() == writes
    assert again.counts["created"] == again.counts["merged"] == 0
    assert again.counts["rejected"] == first.counts["rejected"]
    assert again.counts["unchanged"] == len(again.outcomes) - first.counts["rejected"]


def test_it_gives_the_gbk_csv_and_the_xlsx_the_same_outcomes() -> None:
    csv_result = _import(DIRTY_CSV, dry_run=True)
    xlsx_result = _import(DIRTY_XLSX, dry_run=True)

    def shape(result: ImportResult) -> list[tuple[int, str, str]]:
        first = _first_row(result)
        return [(o.row - first, o.outcome, o.field) for o in result.outcomes]

    assert csv_result.encoding != xlsx_result.encoding
    assert shape(csv_result) == shape(xlsx_result)

    def reasons(result: ImportResult) -> list[str]:  # a repeat names rows: one lower in xlsx
        first = _first_row(result)
        return [
            re.sub(r"第 (\d+) 行", lambda m: f"第 {int(m[1]) - first} 行", str(o.reason))
            for o in result.outcomes
            if o.outcome == "rejected"
        ]

    assert reasons(csv_result) == reasons(xlsx_result)


def test_it_writes_nothing_on_a_dry_run_but_reports_as_a_real_run_would() -> None:
    writes = _writes()

    dry = _import(DIRTY_CSV, dry_run=True)

    assert _writes() == writes
    real = _import(DIRTY_CSV)
    assert [(o.outcome, o.field) for o in dry.outcomes] == [
        (o.outcome, o.field) for o in real.outcomes
    ]
    assert Person.objects.count() == writes[0] + real.counts["created"]


def test_it_imports_with_the_cycle_collector_paused_and_turns_it_back_on() -> None:
    paused: list[bool] = []

    result = _import(DIRTY_CSV, progress=lambda done, total: paused.append(not gc.isenabled()))

    assert result.counts["created"] and paused and all(paused)
    assert gc.isenabled()
    with pytest.raises(TableError):
        run_import("persons", b"\x00\x01 not a table", "broken.csv")
    assert gc.isenabled()  # also after a file that cannot be read


def _fail_refresh(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("interrupted after the people were written")


def _fail_second_insert(monkeypatch: pytest.MonkeyPatch) -> None:
    import outpost.registry.imports.persons as persons

    real = persons.insert_rows
    calls: list[object] = []

    def insert_then_fail(*args: Any, **kwargs: Any) -> None:
        calls.append(args[0])
        if len(calls) > 1:
            raise RuntimeError("interrupted after the first insert")
        real(*args, **kwargs)

    monkeypatch.setattr(persons, "insert_rows", insert_then_fail)


@pytest.mark.parametrize("where", ["house_flags", "second_insert"])
def test_it_leaves_no_partial_batch_when_interrupted_and_a_rerun_then_works(
    monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    import outpost.registry.imports.persons as persons

    writes = _writes()
    if where == "house_flags":
        monkeypatch.setattr(persons, "refresh_house_flags_at", _fail_refresh)
    else:
        _fail_second_insert(monkeypatch)

    with pytest.raises(RuntimeError, match="interrupted"):
        _import(DIRTY_CSV)

    assert _writes() == writes
    monkeypatch.undo()
    result = _import(DIRTY_CSV)
    assert result.counts["created"] == dirty_expected()["valid"]
    assert Person.objects.count() == writes[0] + result.counts["created"]


@pytest.mark.parametrize("kind", ["houses", "units"])
def test_it_changes_nothing_when_the_sessions_own_file_is_imported_again(
    registry_data: RegistryData, kind: str
) -> None:
    rows = list((registry_data.houses if kind == "houses" else registry_data.units).values())
    writes = ChangeRecord.objects.count()

    result = run_import(kind, as_csv(rows), f"{kind}.csv")

    assert result.counts == {
        "created": 0,
        "submitted": 0,
        "merged": 0,
        "unchanged": len(rows),
        "rejected": 0,
    }
    assert ChangeRecord.objects.count() == writes


OWN_TABLES = {
    "addresses": '"registry_standardaddress"',
    "houses": '"registry_house"',
    "units": '"registry_organisation"',
}


@pytest.mark.parametrize("kind", ["addresses", "houses", "units"])
def test_it_reads_only_the_records_a_file_names(registry_data: RegistryData, kind: str) -> None:
    """A file of two rows costs two rows' reads, not the registry's 45,000 addresses (3.5M at
    1/10 江苏), every house or unit, nor every person: each read of an address, a person or the
    kind's own records names its keys, and the rows come out as they did."""
    rows = _two_rows(registry_data, kind)
    with CaptureQueriesContext(connection) as seen:
        result = run_import(kind, as_csv(rows), f"{kind}.csv")
    assert result.counts["unchanged"] == 2 and result.counts["rejected"] == 0
    tables = ('"registry_standardaddress"', '"registry_person"', OWN_TABLES[kind])
    reads = [q["sql"] for q in seen.captured_queries if q["sql"].startswith("SELECT")]
    wide = [sql for sql in reads if any(f"FROM {t}" in sql for t in tables) and "WHERE" not in sql]
    assert wide == []
    assert any(f"FROM {OWN_TABLES[kind]}" in sql for sql in reads)  # it did read its own


def _two_rows(registry_data: RegistryData, kind: str) -> list[dict[str, str]]:
    if kind == "addresses":  # two rooms whose building the file does not name
        return [r for r in registry_data.addresses.values() if r["level"] == "户室"][:2]
    return list((registry_data.houses if kind == "houses" else registry_data.units).values())[:2]


def test_it_links_a_new_room_to_a_building_the_file_does_not_name(
    registry_data: RegistryData,
) -> None:
    """The parent is read by its code alone (not with every address); the new room hangs under
    it, and a parent code that is on record as a room is refused, as before."""
    room = next(r for r in registry_data.addresses.values() if r["level"] == "户室")
    new_room = {**room, "addr_id": room["addr_id"] + "N", "room": "9901", "full_text": "新的户室"}
    under_room = {**new_room, "addr_id": room["addr_id"] + "M", "parent_id": room["addr_id"]}

    result = run_import("addresses", as_csv([new_room, under_room]), "rooms.csv")

    assert [o.outcome for o in result.outcomes] == ["created", "rejected"]
    assert result.outcomes[1].field == "parent_id"
    stored = StandardAddress.objects.select_related("parent").get(code=new_room["addr_id"])
    assert stored.parent is not None and stored.parent.code == room["parent_id"]
    assert not StandardAddress.objects.filter(code=under_room["addr_id"]).exists()


def test_it_refuses_a_new_house_in_a_room_another_house_holds(
    registry_data: RegistryData,
) -> None:
    """The house on record in that room is not in the file: it is found by the room."""
    held = next(iter(registry_data.houses.values()))
    newcomer = {**held, "house_id": held["house_id"] + "X"}

    result = run_import("houses", as_csv([newcomer]), "houses.csv")

    assert [(o.outcome, o.field) for o in result.outcomes] == [("rejected", "addr_id")]
    assert held["house_id"] in str(result.outcomes[0].reason)


def test_it_knows_a_unit_whose_code_is_written_in_lower_case(registry_data: RegistryData) -> None:
    """The code is looked up as it is read (upper case, no spaces), so the unit on record is
    found and nothing is created twice."""
    unit = next(iter(registry_data.units.values()))
    written = {**unit, "uscc": " " + unit["uscc"].lower()[:9] + " " + unit["uscc"].lower()[9:]}

    result = run_import("units", as_csv([written]), "units.csv")

    assert result.counts["unchanged"] == 1 and result.counts["created"] == 0


def test_it_merges_a_known_person_whose_row_has_changed(registry_data: RegistryData) -> None:
    row = next(iter(registry_data.persons.values()))
    other_room = next(
        code
        for code, a in registry_data.addresses.items()
        if a["level"] == "户室" and code != row["addr_id"]
    )
    changed = {**row, "addr_id": other_room}
    person = Person.objects.get(person_no=row["person_id"])

    result = run_import("persons", as_csv([changed]), "one.csv")

    assert result.outcomes == [
        RowOutcome(2, "merged", "address", result.outcomes[0].reason),
    ]
    assert CJK.search(str(result.outcomes[0].reason))
    person.refresh_from_db()
    room = StandardAddress.objects.get(code=other_room)
    assert person.address == room and person.grid_code == room.grid_code
    history = list(person.residences.order_by("id").values_list("address__code", "moved_out"))
    assert history[-1] == (other_room, None)
    assert Person.objects.filter(id_number_hash=person.id_number_hash).count() == 1


def test_it_keeps_a_known_persons_phone_consistent_when_a_row_leaves_it_empty(
    registry_data: RegistryData,
) -> None:
    """Whether an empty phone cell keeps or clears the number, the encrypted number, its hash
    and its mask must tell the same story (unmasking must not reveal a number the record no
    longer shows)."""
    row = next(r for r in registry_data.persons.values() if r["phone"])

    run_import("persons", as_csv([{**row, "phone": ""}]), "no_phone.csv")

    person = Person.objects.get(person_no=row["person_id"])
    stored = decrypt(person.phone_enc) if person.phone_enc else ""
    assert person.phone_masked == (mask_phone(stored) if stored else "")
    assert person.phone_hash == (keyed_hash(stored, purpose="phone") if stored else "")


def _moved_elsewhere(registry_data: RegistryData) -> tuple[dict[str, str], str]:
    """A person on record, and a room in another community than the one they live in."""
    row = next(iter(registry_data.persons.values()))
    home = registry_data.addresses[row["addr_id"]]["community_code"]
    room = next(
        code
        for code, a in registry_data.addresses.items()
        if a["level"] == "户室" and a["community_code"] != home
    )
    return row, room


def test_it_recognises_a_person_on_record_elsewhere_among_new_people_and_a_rerun_adds_nothing(
    registry_data: RegistryData,
) -> None:
    known, room = _moved_elsewhere(registry_data)
    rows = dirty_rows()
    kinds = classify(rows, registry_data)
    new = [r for r, k in zip(rows, kinds, strict=True) if k == "valid" and r["addr_id"]][:5]
    columns = list(known)
    upload = as_csv(
        [*({c: r.get(c, "") for c in columns} for r in new), {**known, "addr_id": room}]
    )

    result = run_import("persons", upload, "mixed.csv")

    assert [o.outcome for o in result.outcomes] == ["created"] * len(new) + ["merged"]
    assert result.outcomes[-1].field == "address"
    person = Person.objects.get(id_number_hash=_hash(known["id_number"]))
    assert person.address is not None and person.address.code == room
    assert person.residences.filter(moved_out__isnull=True).count() == 1
    writes = _writes()
    again = run_import("persons", upload, "mixed.csv")
    assert again.counts["unchanged"] == len(new) + 1
    assert _writes() == writes


def test_it_flags_the_house_a_file_crowds_and_clears_it_when_a_file_moves_them_out(
    registry_data: RegistryData, settings: Any
) -> None:
    house, _residents = lightly_used_house(registry_data)
    settings.OUTPOST_MIN_M2_PER_OCCUPANT = house.area_m2  # two people crowd it
    room = house.address.code
    newcomer = next(p for p in registry_data.persons.values() if p["addr_id"] != room)

    run_import("persons", as_csv([{**newcomer, "addr_id": room}]), "in.csv")
    house.refresh_from_db()
    assert house.flags == ["possible_group_rental"]

    run_import("persons", as_csv([newcomer]), "out.csv")
    house.refresh_from_db()
    assert house.flags == []
