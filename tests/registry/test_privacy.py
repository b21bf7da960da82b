"""Nobody sees an unmasked ID number without a logged purpose: encrypted columns, masks on every
page and API answer, unmasking only for a role that may and with a stated purpose, and every
unmask and every view of a person's detail in the hash-chained access log."""

import pytest
from django.db import connection
from django.urls import reverse

from outpost.core.access import chained_fields, row_digest
from outpost.core.crypto import decrypt
from outpost.core.models import AccessLogEntry
from outpost.registry.models import Person
from outpost.registry.views.records import PAGE
from tests.conftest import HOME_GRID, Persona
from tests.registry.data import RegistryData
from tests.registry.helpers import (
    assert_chain_intact,
    loaded_in_beat,
    loaded_in_grid,
    masked_id,
    masked_phone,
    page,
)

pytestmark = pytest.mark.django_db


def _home_person(data: RegistryData, officer: Persona) -> dict[str, str]:
    """A home-grid resident in the officer's beat, with a phone number."""
    beat = officer.user.assignments.get().scope_code
    in_beat = loaded_in_beat(data, beat)
    return next(
        row
        for no, row in sorted(loaded_in_grid(data, HOME_GRID).items())
        if no in in_beat and row["phone"]
    )


def _person_url(row: dict[str, str], name: str = "registry:person") -> str:
    return reverse(name, args=[row["person_id"]])


def test_it_keeps_no_plain_id_or_phone_number_in_any_column(registry_data: RegistryData) -> None:
    numbers = {p["id_number"] for p in registry_data.persons.values()}
    phones = {p["phone"] for p in registry_data.persons.values() if p["phone"]}
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        columns = [c[0] for c in cursor.description]
        rows = cursor.fetchall()
    assert len(rows) == len(registry_data.persons)
    enc = columns.index("id_number_enc")
    decrypted = set()
    for row in rows:
        text = "|".join(str(v) for v in row)
        leaked = [n for n in (*numbers, *phones) if n in text]
        assert not leaked, f"plain numbers stored: {leaked}"
        decrypted.add(decrypt(row[enc]))
    assert decrypted == numbers  # encrypted, not lost


def test_it_masks_every_number_on_the_people_list_even_for_an_officer(
    registry_data: RegistryData, officer: Persona
) -> None:
    beat = officer.user.assignments.get().scope_code
    seen = page(officer.client.get(reverse("registry:people")))
    html_rows = seen.tables["people"]
    assert len(html_rows) == min(PAGE, len(loaded_in_beat(registry_data, beat)))
    for row in html_rows:
        person = registry_data.persons[row.links[0].rstrip("/").rsplit("/", 1)[-1]]
        assert row.cells[1] == masked_id(person["id_number"])
        assert row.cells[2] == (masked_phone(person["phone"]) if person["phone"] else "")
        assert person["id_number"] not in str(row) and (
            not person["phone"] or person["phone"] not in str(row)
        )


def test_it_masks_the_detail_page_and_logs_the_view(
    registry_data: RegistryData, officer: Persona
) -> None:
    row = _home_person(registry_data, officer)

    response = officer.client.get(_person_url(row))

    shown = page(response)
    body = response.content.decode()
    assert shown.ids["id-number"] == masked_id(row["id_number"])
    assert shown.ids["phone"] == masked_phone(row["phone"])
    assert row["id_number"] not in body and row["phone"] not in body
    entry = AccessLogEntry.objects.get(action="view_person")
    assert (entry.actor, entry.action, entry.object_key) == (
        officer.user,
        "view_person",
        row["person_id"],
    )
    assert_chain_intact()


def test_it_unmasks_for_the_beats_officer_with_a_purpose_and_logs_it(
    registry_data: RegistryData, officer: Persona
) -> None:
    row = _home_person(registry_data, officer)
    purpose = "核查出租屋住户身份"

    response = officer.client.post(_person_url(row, "registry:person_unmask"), {"purpose": purpose})

    shown = page(response)
    assert shown.ids["id-number"] == row["id_number"]
    assert shown.ids["phone"] == row["phone"]
    entry = AccessLogEntry.objects.get(action="unmask")
    assert (entry.actor, entry.object_key, entry.purpose) == (
        officer.user,
        row["person_id"],
        purpose,
    )
    assert_chain_intact()


@pytest.mark.parametrize("purpose", ["", "   ", "看看"])
def test_it_refuses_to_unmask_without_a_stated_purpose(
    registry_data: RegistryData, officer: Persona, purpose: str
) -> None:
    row = _home_person(registry_data, officer)

    response = officer.client.post(_person_url(row, "registry:person_unmask"), {"purpose": purpose})

    body = response.content.decode()
    assert row["id_number"] not in body and row["phone"] not in body
    assert page(response).ids["id-number"] == masked_id(row["id_number"])
    assert not AccessLogEntry.objects.filter(action="unmask").exists()


@pytest.mark.parametrize("who", ["grid_worker", "admin"])
def test_it_refuses_to_unmask_for_roles_without_the_unmask_action(
    registry_data: RegistryData, officer: Persona, request: pytest.FixtureRequest, who: str
) -> None:
    row = _home_person(registry_data, officer)
    persona: Persona = request.getfixturevalue(who)
    detail = persona.client.get(_person_url(row))
    assert detail.status_code == 200  # they may read the record, masked

    response = persona.client.post(
        _person_url(row, "registry:person_unmask"), {"purpose": "核查出租屋住户身份"}
    )

    assert response.status_code == 403
    assert row["id_number"] not in response.content.decode()
    assert not AccessLogEntry.objects.filter(action="unmask").exists()
    assert _person_url(row, "registry:person_unmask") not in detail.content.decode()


def test_it_answers_404_to_an_outsider_for_a_person_outside_their_area(
    registry_data: RegistryData, officer: Persona, outsider: Persona
) -> None:
    row = _home_person(registry_data, officer)

    for response in (
        outsider.client.get(_person_url(row)),
        outsider.client.post(
            _person_url(row, "registry:person_unmask"), {"purpose": "核查身份信息"}
        ),
        outsider.client.get(f"/api/v1/registry/people/{row['person_id']}"),
    ):
        assert response.status_code == 404
        assert row["name"] not in response.content.decode()
    assert not AccessLogEntry.objects.filter(object_type="person").exists()


def test_it_masks_the_api_answers_and_logs_the_api_detail_view(
    registry_data: RegistryData, grid_worker: Persona
) -> None:
    listed = grid_worker.client.get("/api/v1/registry/people", {"limit": 200}).json()
    assert listed
    for person in listed:
        row = registry_data.persons[person["person_no"]]
        assert person["id_number"] == masked_id(row["id_number"])
        assert person["phone"] == (masked_phone(row["phone"]) if row["phone"] else "")
    one = listed[0]

    detail = grid_worker.client.get(f"/api/v1/registry/people/{one['person_no']}").json()

    assert detail == one
    entry = AccessLogEntry.objects.get(action="view_person")
    assert (entry.actor, entry.action, entry.object_key) == (
        grid_worker.user,
        "view_person",
        one["person_no"],
    )


def test_it_chains_every_read_and_shows_a_tampered_row(
    registry_data: RegistryData, officer: Persona, grid_worker: Persona
) -> None:
    people = sorted(loaded_in_grid(registry_data, HOME_GRID))[:3]
    row = _home_person(registry_data, officer)
    for number in people:
        grid_worker.client.get(reverse("registry:person", args=[number]))
        officer.client.get(reverse("registry:person", args=[number]))
    officer.client.post(
        _person_url(row, "registry:person_unmask"), {"purpose": "核查出租屋住户身份"}
    )

    entries = assert_chain_intact()

    assert [e.action for e in entries].count("view_person") == 2 * len(people)
    assert [e.action for e in entries].count("unmask") == 1
    # Rewriting a stated purpose afterwards no longer matches the row's hash.
    unmask = next(e for e in entries if e.action == "unmask")
    AccessLogEntry.objects.filter(pk=unmask.pk).update(purpose="例行检查")
    unmask.refresh_from_db()
    assert row_digest(unmask.prev_hash, chained_fields(unmask)) != unmask.row_hash
