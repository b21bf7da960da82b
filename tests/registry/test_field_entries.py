"""Registry work in the field (issue 12, item 4): a grid worker adds a person, a house and an
organisation on the phone and deregisters (注销) a person; houses and organisations go through
the beat officer's queue like people, which shows each field before → after; a returned edit is
not shown as current data and is listed for its collector with the reason. Adding a person is no
oracle on ID numbers outside the worker's area."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outpost.accounts.roles import Role
from outpost.core.models import ChangeRecord
from outpost.geo.models import Grid
from outpost.registry import edits, entries, queries, services
from outpost.registry.imports import run_import
from outpost.registry.models import (
    House,
    Organisation,
    Person,
    RecordEdit,
    Residence,
    StandardAddress,
)
from tests.conftest import HOME_GRID, OTHER_GRID, Persona, _persona
from tests.registry.data import RegistryData, as_csv
from tests.registry.helpers import CJK, masked_phone, page

pytestmark = pytest.mark.django_db

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
USCC = "91320106MA1XXXXX"  # completed with its check character below


def id_number(serial: int, born: str = "19850312") -> str:
    """A valid GB 11643 number of Gulou district (320106) with the given serial."""
    body = f"320106{born}{serial:03d}"
    total = sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def uscc(tail: str) -> str:
    from stdnum.cn import uscc as check

    body = "91320106MA1" + tail
    return body + check.calc_check_digit(body)


def _beat(persona: Persona) -> str:
    return persona.user.assignments.get().scope_code


def _free_room(officer: Persona, n: int = 0, without_house: bool = False) -> StandardAddress:
    rooms = StandardAddress.objects.filter(
        grid_code=HOME_GRID, beat_code=_beat(officer), level="room"
    )
    room = rooms.order_by("code")[n]
    if without_house:  # the session's files give every room its house: start from an empty one
        House.objects.filter(address=room).delete()
    return room


def _person_form(room: StandardAddress, **changes: Any) -> dict[str, Any]:
    return {
        "name": "王小明",
        "id_number": id_number(101),
        "phone": "13912340001",
        "pop_type": "户籍人口",
        "hukou_region": "320106",
        "moved_in": "2024-05-01",
        "address_q": room.full_text,
        "address": room.code,
        "save": "1",
        **changes,
    }


def _add(client: Client, name: str, data: dict[str, Any]) -> Any:
    return client.post(reverse(name), data, follow=True)


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _queue_rows(officer: Persona) -> list[Any]:
    return page(officer.client.get(reverse("registry:queue"))).tables["queue"]


@pytest.fixture
def other_officer(db: None) -> Persona:
    beat = Grid.objects.get(code=OTHER_GRID).main_beat
    assert beat is not None
    return _persona("officer_x", Role.COMMUNITY_OFFICER, beat.code)


# --- adding a person -----------------------------------------------------------------------


def test_it_adds_a_person_found_by_address_text_pending_for_the_beats_officer(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    room = _free_room(officer)
    found = grid_worker.client.get(reverse("registry:person_new"), {"address_q": room.full_text})
    assert room.code in found.content.decode()  # offered as a choice, never typed

    response = _add(grid_worker.client, "registry:person_new", _person_form(room))

    assert _messages(response) and CJK.search(_messages(response)[0])
    person = Person.objects.by_id_number(id_number(101)).get()
    assert (person.state, person.address, person.collected_by) == (
        "pending",
        room,
        grid_worker.user,
    )
    assert (person.gender, person.birth_date) == ("男", dt.date(1985, 3, 12))
    assert person.phone_masked == masked_phone("13912340001")
    assert list(person.residences.values_list("address", "moved_in")) == [
        (room.pk, dt.date(2024, 5, 1))
    ]
    rows = _queue_rows(officer)
    mine = [r for r in rows if reverse("registry:person", args=[person.person_no]) in r.links]
    assert mine and "王小明" in mine[0].cells[3]  # the changes column: name — → 王小明


def test_it_answers_an_id_number_of_the_area_with_a_link_to_that_person(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    room = _free_room(officer)
    _add(grid_worker.client, "registry:person_new", _person_form(room))
    person = Person.objects.by_id_number(id_number(101)).get()

    again = _add(grid_worker.client, "registry:person_new", _person_form(room, name="王二"))

    assert again.redirect_chain[-1][0] == reverse("registry:person", args=[person.person_no])
    assert Person.objects.by_id_number(id_number(101)).count() == 1


def test_it_answers_an_id_number_outside_the_area_exactly_as_a_new_one(
    registry_data: RegistryData, grid_worker: Persona, outsider: Persona, officer: Persona
) -> None:
    elsewhere = id_number(202)
    room = _free_room(officer)
    _add(grid_worker.client, "registry:person_new", _person_form(room, id_number=elsewhere))
    theirs = StandardAddress.objects.filter(grid_code=OTHER_GRID, level="room").order_by("code")
    people = Person.objects.count()

    known = _add(
        outsider.client, "registry:person_new", _person_form(theirs[0], id_number=elsewhere)
    )
    fresh = _add(
        outsider.client, "registry:person_new", _person_form(theirs[1], id_number=id_number(303))
    )

    assert known.redirect_chain == fresh.redirect_chain
    assert _messages(known) == _messages(fresh)
    assert Person.objects.count() == people + 1  # the known number was not registered twice
    held = ChangeRecord.objects.filter(action="add_person_held")
    assert list(held.values_list("actor", flat=True)) == [outsider.user.pk]
    assert Person.objects.by_id_number(elsewhere).get().grid_code == HOME_GRID


def test_it_counts_each_added_person_as_a_lookup_by_id_number(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona, settings: Any
) -> None:
    settings.OUTPOST_NUMBER_LOOKUPS = 2
    room = _free_room(officer)
    for serial in (401, 402):
        _add(
            grid_worker.client,
            "registry:person_new",
            _person_form(room, id_number=id_number(serial)),
        )

    refused = _add(
        grid_worker.client, "registry:person_new", _person_form(room, id_number=id_number(403))
    )

    assert "id_number" in refused.context["form"].errors
    assert not Person.objects.filter(Person.id_number.q(id_number(403))).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id_number": "320106198503121230"}, "id_number"),  # wrong check digit
        ({"phone": "1391234"}, "phone"),
        ({"moved_in": "2099-01-01"}, "moved_in"),
        ({"moved_in": "1980-01-01"}, "moved_in"),  # before the birth date
    ],
)
def test_it_names_the_field_in_chinese_when_a_value_is_refused(
    registry_data: RegistryData,
    grid_worker: Persona,
    officer: Persona,
    changes: dict[str, str],
    field: str,
) -> None:
    room = _free_room(officer)
    people = Person.objects.count()

    response = _add(grid_worker.client, "registry:person_new", _person_form(room, **changes))

    errors = response.context["form"].errors
    assert field in errors and CJK.search(errors[field][0])
    assert Person.objects.count() == people


def test_it_refuses_the_field_pages_to_a_read_only_user(
    registry_data: RegistryData, admin: Persona, officer: Persona
) -> None:
    for name in ("person_new", "house_new", "organisation_new", "returned"):
        assert admin.client.get(reverse(f"registry:{name}")).status_code == 403
    room = _free_room(officer)
    response = admin.client.post(reverse("registry:person_new"), _person_form(room))
    assert response.status_code == 403


def test_it_offers_an_outsider_no_address_of_another_area(
    registry_data: RegistryData, outsider: Persona, officer: Persona
) -> None:
    room = _free_room(officer)
    people = Person.objects.count()

    response = _add(outsider.client, "registry:person_new", _person_form(room))

    form = response.context["form"]
    assert room.code not in dict(form.fields["address"].choices)
    assert "address" in form.errors
    assert Person.objects.count() == people


# --- 注销 ----------------------------------------------------------------------------------


def _resident(officer: Persona) -> Person:
    return (
        Person.objects.filter(grid_code=HOME_GRID, beat_code=_beat(officer), status="current")
        .exclude(address=None)
        .order_by("person_no")
        .first()
    )  # type: ignore[return-value]


def test_it_deregisters_a_person_who_moved_out_and_keeps_the_residence_history(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    person = _resident(officer)
    room = person.address
    assert room is not None
    url = reverse("registry:person_deregister", args=[person.person_no])
    left_on = timezone.localdate() - dt.timedelta(days=3)

    grid_worker.client.post(
        url, {"status": "moved_out", "left_on": left_on.isoformat(), "left_reason": "迁往外省"}
    )

    person.refresh_from_db()
    assert (person.status, person.left_on, person.state) == ("moved_out", left_on, "pending")
    history = list(Residence.objects.filter(person=person).values_list("address", "moved_out"))
    assert (room.pk, left_on) in history
    link = reverse("registry:person", args=[person.person_no])
    listed = grid_worker.client.get(reverse("registry:people"), {"q": person.name})
    assert link not in listed.content.decode()  # no longer a current resident
    with_left = grid_worker.client.get(reverse("registry:people"), {"q": person.name, "left": 1})
    assert link in with_left.content.decode()  # still findable with the filter
    household = grid_worker.client.get(reverse("registry:address", args=[room.code]))
    assert reverse("registry:person", args=[person.person_no]) not in household.content.decode()
    changes = next(r for r in _queue_rows(officer) if person.name in r.cells[0]).cells[3]
    assert "→" in changes and "迁往外省" in changes


@pytest.mark.parametrize(
    ("left_on", "field"), [("2099-01-01", "left_on"), ("1900-01-01", "left_on")]
)
def test_it_refuses_a_deregistration_date_in_the_future_or_before_birth(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona, left_on: str, field: str
) -> None:
    person = _resident(officer)
    url = reverse("registry:person_deregister", args=[person.person_no])

    response = grid_worker.client.post(
        url, {"status": "deceased", "left_on": left_on, "left_reason": "病故"}
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and CJK.search(errors[field][0])
    person.refresh_from_db()
    assert person.status == "current"


def test_it_hides_deregistration_from_an_outsider_and_refuses_a_read_only_user(
    registry_data: RegistryData, outsider: Persona, admin: Persona, officer: Persona
) -> None:
    person = _resident(officer)
    url = reverse("registry:person_deregister", args=[person.person_no])
    form = {"status": "deceased", "left_on": "2024-01-01", "left_reason": "病故"}

    assert outsider.client.post(url, form).status_code == 404
    assert admin.client.post(url, form).status_code == 403
    person.refresh_from_db()
    assert person.status == "current"


# --- houses and organisations through 民警核 ------------------------------------------------


def _house_form(room: StandardAddress) -> dict[str, Any]:
    return {
        "use": "出租",
        "area_m2": "68",
        "occupants": "3",
        "rental_filing_no": "",
        "address_q": room.full_text,
        "address": room.code,
        "save": "1",
    }


def test_it_lets_only_the_beats_officer_verify_a_house_a_worker_added(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona, other_officer: Persona
) -> None:
    room = _free_room(officer, without_house=True)
    _add(grid_worker.client, "registry:house_new", _house_form(room))
    house = House.objects.get(address=room)
    assert (house.state, house.collected_by) == ("pending", grid_worker.user)
    verify = reverse("registry:record_verify", args=["house", house.house_no])

    assert other_officer.client.post(verify).status_code == 404
    assert grid_worker.client.post(verify).status_code == 403
    assert [r for r in _queue_rows(officer) if house.house_no in r.cells[0]]
    officer.client.post(verify)

    house.refresh_from_db()
    assert house.state == "verified"
    assert not [r for r in _queue_rows(officer) if house.house_no in r.cells[0]]


def test_it_lets_the_beats_officer_verify_an_imported_house(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    beat = _beat(officer)
    row = next(
        r
        for r in registry_data.houses.values()
        if House.objects.filter(house_no=r["house_id"], grid_code=HOME_GRID, beat_code=beat)
    )
    row = {**row, "occupants": str(int(row.get("occupants") or 0) + 4)}
    run_import("houses", as_csv([row]), "houses.csv", actor=grid_worker.user)
    house = House.objects.get(house_no=row["house_id"])
    assert house.state == "pending"

    officer.client.post(reverse("registry:record_verify", args=["house", house.house_no]))

    house.refresh_from_db()
    assert house.state == "verified"


def test_it_verifies_an_organisation_through_the_api_for_the_beats_officer_only(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona, other_officer: Persona
) -> None:
    room = _free_room(officer)
    body = {
        "name": "鼓楼便民超市",
        "uscc": uscc("AAAA01"),
        "unit_type": "个体工商户",
        "address_code": room.code,
        "legal_rep": "赵六",
        "contact_phone": "025-83456789",
    }
    added = grid_worker.client.post(
        "/api/v1/registry/organisations", body, content_type="application/json"
    )
    assert added.status_code == 202 and added.json()["number"] is None
    unit = Organisation.objects.get(uscc=body["uscc"])
    path = f"/api/v1/registry/organisations/{unit.unit_no}/verify"

    assert other_officer.client.post(path, {}, content_type="application/json").status_code == 404
    assert grid_worker.client.post(path, {}, content_type="application/json").status_code == 403
    assert officer.client.post(path, {}, content_type="application/json").json() == {
        "state": "verified"
    }
    again = grid_worker.client.post(
        "/api/v1/registry/organisations", body, content_type="application/json"
    )
    assert (again.status_code, again.json()["number"]) == (409, unit.unit_no)


# --- returned edits ------------------------------------------------------------------------


def test_it_keeps_the_verified_data_current_when_an_edit_is_returned(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    person = _resident(officer)
    before = (person.name, person.phone_masked, person.address_id)
    calls: list[RecordEdit] = []
    edits.RETURN_HOOKS.append(calls.append)
    try:
        services.update_person(
            person, actor=grid_worker.user, changes={"name": "错名字", "phone": "13912349999"}
        )
        rows = [r for r in _queue_rows(officer) if "错名字" in r.cells[0]]
        assert person.name in rows[0].cells[3] and "错名字" in rows[0].cells[3]  # before → after
        reason = "姓名与户籍不符"
        officer.client.post(
            reverse("registry:person_return", args=[person.person_no]), {"reason": reason}
        )
    finally:
        edits.RETURN_HOOKS.remove(calls.append)

    person.refresh_from_db()
    assert (person.name, person.phone_masked, person.address_id) == before
    assert [(e.collected_by, e.return_reason) for e in calls] == [(grid_worker.user, reason)]
    returned = page(grid_worker.client.get(reverse("registry:returned"))).tables["returned"]
    assert [(r.links[0], r.cells[1]) for r in returned] == [
        (reverse("registry:person", args=[person.person_no]), reason)
    ]
    assert officer.client.get(reverse("registry:returned")).status_code == 200
    assert not page(officer.client.get(reverse("registry:returned"))).tables["returned"][0].links
    # The collector is told in their inbox, with the reason; the officer hears nothing of it.
    inbox = grid_worker.client.get("/api/v1/inbox").json()
    assert any("已退回" in m["text"] and reason in m["text"] for m in inbox), inbox
    assert not any(reason in m["text"] for m in officer.client.get("/api/v1/inbox").json())


def test_it_answers_the_api_add_person_with_submitted_and_exists(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona, admin: Persona
) -> None:
    room = _free_room(officer)
    body = {
        "name": "李雷",
        "id_number": id_number(505),
        "address_code": room.code,
        "pop_type": "户籍人口",
    }
    post = "/api/v1/registry/people"

    assert admin.client.post(post, body, content_type="application/json").status_code == 403
    first = grid_worker.client.post(post, body, content_type="application/json")
    second = grid_worker.client.post(post, body, content_type="application/json")

    assert (first.status_code, first.json()["status"]) == (202, "submitted")
    number = Person.objects.by_id_number(id_number(505)).get().person_no
    assert (second.status_code, second.json()["number"]) == (409, number)
    found = grid_worker.client.get("/api/v1/registry/addresses", {"q": room.full_text})
    assert room.code in [a["code"] for a in found.json()]


def test_it_undoes_a_returned_deregistration_and_reopens_the_residence(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    person = _resident(officer)
    open_before = list(Residence.objects.filter(person=person, moved_out=None).values("pk"))
    entries.deregister_person(
        person, actor=grid_worker.user, status="deceased", on=timezone.localdate(), reason="病故"
    )

    services.return_record(person, actor=officer.user, reason="未见死亡证明")

    person.refresh_from_db()
    # Back to the verified record, standing included (the return is on the edit, for the collector).
    assert (person.status, person.left_on, person.state) == ("current", None, "verified")
    assert list(Residence.objects.filter(person=person, moved_out=None).values("pk")) == open_before
    listed = grid_worker.client.get(reverse("registry:people"), {"q": person.name})
    assert reverse("registry:person", args=[person.person_no]) in listed.content.decode()


def test_it_closes_a_collectors_open_edit_when_the_officer_changes_the_record_himself(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    person = _resident(officer)
    services.update_person(person, actor=grid_worker.user, changes={"care_tags": "独居老人"})

    services.update_person(person, actor=officer.user, changes={"care_tags": "残疾人"})

    person.refresh_from_db()
    assert person.state == "verified"
    assert list(RecordEdit.objects.filter(record_id=person.pk).values_list("state", flat=True)) == [
        "verified"
    ]
    assert not [r for r in _queue_rows(officer) if person.name in r.cells[0]]


def test_it_counts_a_deregistered_person_no_more_as_a_resident(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    person = _resident(officer)
    before = {r["grid_code"]: r["people"] for r in queries.grid_counts(grid_worker.user)}

    entries.deregister_person(
        person, actor=grid_worker.user, status="moved_out", on=timezone.localdate(), reason="迁出"
    )

    after = {r["grid_code"]: r["people"] for r in queries.grid_counts(grid_worker.user)}
    assert after[HOME_GRID] == before[HOME_GRID] - 1
    assert person not in list(queries.household(grid_worker.user, person.address))  # type: ignore[arg-type]
    found = queries.search_people(grid_worker.user, person.name)
    assert person in list(found)  # still on record: the list's filter finds them


def test_it_frees_the_number_of_an_added_person_the_officer_returned(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    """A wrong entry the officer returned holds no real person's number for good: entering the
    number right afterwards makes a record, not a silent hold."""
    room = _free_room(officer)
    _add(grid_worker.client, "registry:person_new", _person_form(room))
    wrong = Person.objects.by_id_number(id_number(101)).get()
    services.return_record(wrong, actor=officer.user, reason="身份证号与本人不符")
    again = _add(grid_worker.client, "registry:person_new", _person_form(_free_room(officer, 1)))
    assert _messages(again)
    right = Person.objects.by_id_number(id_number(101)).get()
    assert right.pk != wrong.pk and right.state == "pending"


def test_it_restores_a_verified_records_standing_when_an_edit_is_returned(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    person = _resident(officer)
    assert person.state == "verified"
    services.update_person(person, actor=grid_worker.user, changes={"name": "错名字"})
    services.return_record(person, actor=officer.user, reason="姓名有误")
    person.refresh_from_db()
    assert (person.state, person.name) != ("returned", "错名字")
    assert person.state == "verified"


def test_it_clears_a_return_from_the_list_once_the_collector_enters_the_record_again(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    """退回给我的 is work to do: once the record is entered again it leaves the list and
    the start page's count (the return stays on record as the edit's history)."""
    person = _resident(officer)
    services.update_person(person, actor=grid_worker.user, changes={"name": "错名字"})
    services.return_record(person, actor=officer.user, reason="姓名有误")
    assert edits.returned_to(grid_worker.user).count() == 1
    person.refresh_from_db()
    services.update_person(person, actor=grid_worker.user, changes={"name": "王正名"})
    assert edits.returned_to(grid_worker.user).count() == 0
    assert RecordEdit.objects.filter(record_id=person.pk, state="returned").exists()
    shown = page(grid_worker.client.get(reverse("registry:returned"))).tables["returned"]
    assert not [r for r in shown if r.links]
