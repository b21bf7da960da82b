"""前端采、民警核、后端查: a grid worker's edit waits in the beat officer's queue, the officer
verifies or returns it with a reason, a second decision on the same record is refused, and the
back-end checks flag what they must (address outside the collector's grid, possible group
rental)."""

from typing import Any

import pytest
from django.contrib.messages import constants
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from outpost.core.models import ChangeRecord
from outpost.registry import services
from outpost.registry.checks import FLAG_LABELS
from outpost.registry.models import Person, StandardAddress
from tests.conftest import HOME_GRID, OTHER_GRID, Persona
from tests.registry.data import RegistryData
from tests.registry.helpers import (
    CJK,
    lightly_used_house,
    loaded_in_beat,
    loaded_in_grid,
    masked_phone,
    page,
)

pytestmark = pytest.mark.django_db

NEW_PHONE = "13912345678"


def _in_officers_beat(data: RegistryData, officer: Persona) -> list[Person]:
    beat = officer.user.assignments.get().scope_code
    numbers = sorted(set(loaded_in_grid(data, HOME_GRID)) & set(loaded_in_beat(data, beat)))
    return list(Person.objects.filter(person_no__in=numbers).order_by("person_no"))


def _form(person: Person, **changes: Any) -> dict[str, Any]:
    data = {
        "name": person.name,
        "phone": "",
        "pop_type": person.pop_type,
        "hukou_region": person.hukou_region,
        "care_tags": [t for t in person.care_tags.split(";") if t],
        "address_code": person.address.code if person.address else "",
    }
    return {**data, **changes}


def _edit(client: Client, person: Person, **changes: Any) -> Any:
    return client.post(
        reverse("registry:person_edit", args=[person.person_no]),
        _form(person, **changes),
        follow=True,
    )


def _queue(officer: Persona) -> list[str]:
    rows = page(officer.client.get(reverse("registry:queue"))).tables["queue"]
    return [row.links[0] for row in rows if row.links]


def _url(person: Person, name: str = "registry:person") -> str:
    return reverse(name, args=[person.person_no])


def _messages(response: Any) -> list[tuple[int, str]]:
    return [(m.level, str(m)) for m in response.context["messages"]]


def test_it_makes_a_grid_workers_edit_pending_in_the_officers_queue_until_verified(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    person = _in_officers_beat(registry_data, officer)[0]
    assert person.state == "verified" and _url(person) not in _queue(officer)

    response = _edit(grid_worker.client, person, phone=NEW_PHONE)

    assert response.redirect_chain[-1][0] == _url(person)
    assert [level for level, _ in _messages(response)] == [constants.SUCCESS]
    person.refresh_from_db()
    assert (person.state, person.collected_by, person.phone_masked) == (
        "pending",
        grid_worker.user,
        masked_phone(NEW_PHONE),
    )
    assert ChangeRecord.objects.filter(action="update_person", actor=grid_worker.user).exists()
    assert _queue(officer) == [_url(person)]
    assert _url(person) not in _queue(grid_worker)  # a worker verifies nothing

    verified = officer.client.post(_url(person, "registry:person_verify"), follow=True)

    assert verified.redirect_chain[-1][0] == reverse("registry:queue")
    person.refresh_from_db()
    assert person.state == "verified"
    assert _queue(officer) == []


def test_it_shows_the_reason_when_the_officer_returns_an_edit(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    person = _in_officers_beat(registry_data, officer)[1]
    _edit(grid_worker.client, person, phone=NEW_PHONE)
    reason = "手机号与本人不符，请重新核对"

    officer.client.post(_url(person, "registry:person_return"), {"reason": reason})

    person.refresh_from_db()
    # The verified values and their standing are back; the reason stays for the collector.
    assert (person.state, person.return_reason) == ("verified", reason)
    assert _queue(officer) == []
    seen = grid_worker.client.get(_url(person)).content.decode()
    assert reason in seen


def test_it_refuses_to_return_without_a_reason(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    person = _in_officers_beat(registry_data, officer)[2]
    _edit(grid_worker.client, person, phone=NEW_PHONE)

    response = officer.client.post(
        _url(person, "registry:person_return"), {"reason": "  "}, follow=True
    )

    assert [level for level, _ in _messages(response)] == [constants.ERROR]
    person.refresh_from_db()
    assert person.state == "pending"
    assert _queue(officer) == [_url(person)]


def test_it_refuses_the_second_of_two_decisions_in_the_services(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    person = _in_officers_beat(registry_data, officer)[0]
    services.update_person(person, actor=grid_worker.user, changes={"phone": NEW_PHONE})
    first, second = Person.objects.get(pk=person.pk), Person.objects.get(pk=person.pk)

    services.verify_record(first, actor=officer.user)

    with pytest.raises(services.StaleRecord):
        services.return_record(second, actor=officer.user, reason="重复核查")
    with pytest.raises(services.StaleRecord):
        services.verify_record(second, actor=officer.user)
    person.refresh_from_db()
    assert (person.state, person.return_reason) == ("verified", "")
    decisions = ChangeRecord.objects.filter(object_type="person", object_key=str(person.pk))
    assert list(decisions.values_list("action", flat=True)) == ["verified_record"]


def test_it_tells_the_officer_when_someone_else_decided_first(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    person = _in_officers_beat(registry_data, officer)[0]
    _edit(grid_worker.client, person, phone=NEW_PHONE)
    first = officer.client.post(
        _url(person, "registry:person_verify"), {"next": "https://evil.example/"}
    )
    assert first["Location"] == "/registry/queue/"  # never off-site, whatever `next` says

    response = officer.client.post(
        _url(person, "registry:person_return"), {"reason": "重复核查"}, follow=True
    )

    assert [level for level, _ in _messages(response)] == [constants.ERROR]
    assert CJK.search(_messages(response)[0][1])  # told in the page's language
    person.refresh_from_db()
    assert (person.state, person.return_reason) == ("verified", "")


def test_it_refuses_verification_to_a_grid_worker(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    person = _in_officers_beat(registry_data, officer)[0]
    _edit(grid_worker.client, person, phone=NEW_PHONE)

    response = grid_worker.client.post(_url(person, "registry:person_verify"))

    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.verify_record(person, actor=grid_worker.user)
    person.refresh_from_db()
    assert person.state == "pending"


def test_it_takes_an_officers_own_edit_as_verified(
    registry_data: RegistryData, officer: Persona
) -> None:
    person = _in_officers_beat(registry_data, officer)[0]

    _edit(officer.client, person, phone=NEW_PHONE)

    person.refresh_from_db()
    assert person.state == "verified" and person.phone_masked == masked_phone(NEW_PHONE)
    assert _queue(officer) == []


def test_it_does_not_flag_an_officers_edit_inside_their_own_beat(
    registry_data: RegistryData, officer: Persona
) -> None:
    """The officer collects in the beat they are assigned to: that is not "outside the
    collector's grid" (an officer has a beat, not a grid)."""
    person = _in_officers_beat(registry_data, officer)[0]

    services.update_person(person, actor=officer.user, changes={"phone": NEW_PHONE})

    person.refresh_from_db()
    assert person.flags == []


def test_it_keeps_a_grid_worker_to_addresses_of_their_own_grid_on_the_edit_page(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    person = _in_officers_beat(registry_data, officer)[0]
    elsewhere = StandardAddress.objects.filter(grid_code=OTHER_GRID, level="room").first()
    assert elsewhere is not None

    response = _edit(grid_worker.client, person, address_code=elsewhere.code)

    assert response.redirect_chain == []
    assert response.context["form"].errors["address_code"]
    person.refresh_from_db()
    assert person.address != elsewhere and person.state == "verified"


def test_it_flags_a_move_outside_the_collectors_grid_and_keeps_the_history(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona, outsider: Persona
) -> None:
    person = _in_officers_beat(registry_data, officer)[0]
    old_room = person.address
    elsewhere = StandardAddress.objects.filter(grid_code=OTHER_GRID, level="room").first()
    assert elsewhere is not None

    services.update_person(person, actor=grid_worker.user, changes={"address": elsewhere})

    person.refresh_from_db()
    assert person.flags == ["outside_collector_grid"]
    assert (person.grid_code, person.beat_code) == (elsewhere.grid_code, elsewhere.beat_code)
    assert person.state == "pending"
    history = list(person.residences.order_by("id").values_list("address", "moved_out"))
    assert history[0][0] == old_room.pk and history[0][1] is not None
    assert history[-1] == (elsewhere.pk, None)
    # Those who now see the record see the flag, in words.
    page = outsider.client.get(_url(person)).content.decode()
    assert (
        str(FLAG_LABELS["outside_collector_grid"]) == "地址不在采集人所属网格内"
        and str(FLAG_LABELS["outside_collector_grid"]) in page
    )


def test_it_refuses_a_building_as_a_persons_address(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    person = _in_officers_beat(registry_data, officer)[0]
    building = StandardAddress.objects.filter(grid_code=HOME_GRID, level="building").first()
    assert building is not None

    with pytest.raises(ValidationError):
        services.update_person(person, actor=grid_worker.user, changes={"address": building})


@pytest.mark.parametrize("strict", [True, False])
def test_it_flags_a_possible_group_rental_when_a_small_house_gets_crowded(
    registry_data: RegistryData, grid_worker: Persona, settings: Any, strict: bool
) -> None:
    house, residents = lightly_used_house(registry_data)
    area = house.area_m2 or 0
    # Strict: each occupant needs the whole floor area, so two people crowd it.
    settings.OUTPOST_MIN_M2_PER_OCCUPANT = area if strict else 5
    assert house.flags == []
    newcomer = Person.objects.filter(grid_code=HOME_GRID).exclude(address=house.address).first()
    assert newcomer is not None and newcomer.address is not None
    their_room = newcomer.address

    services.update_person(newcomer, actor=grid_worker.user, changes={"address": house.address})

    house.refresh_from_db()
    crowded = area / (residents + 1) < settings.OUTPOST_MIN_M2_PER_OCCUPANT
    assert crowded == strict
    assert house.flags == (["possible_group_rental"] if crowded else [])
    if crowded:
        # Moving back out clears it.
        services.update_person(newcomer, actor=grid_worker.user, changes={"address": their_room})
        house.refresh_from_db()
        assert house.flags == []


def test_it_counts_each_grids_people_and_pending_records_on_the_overview(
    registry_data: RegistryData, grid_worker: Persona, officer: Persona
) -> None:
    person = _in_officers_beat(registry_data, officer)[0]
    _edit(grid_worker.client, person, phone=NEW_PHONE)
    people = loaded_in_grid(registry_data, HOME_GRID)
    rooms = set(StandardAddress.objects.filter(grid_code=HOME_GRID).values_list("code", flat=True))
    unfiled = [
        h
        for h in registry_data.houses.values()
        if h["use"] == "出租" and not h["rental_filing_no"] and h["addr_id"] in rooms
    ]

    rows = page(grid_worker.client.get(reverse("registry:home"))).tables["table0"]

    assert [row.cells[0] for row in rows] == [HOME_GRID]
    floating = sum(1 for p in people.values() if p["pop_type"] == "流动人口")
    assert rows[0].cells[1:] == [str(len(people)), str(floating), "1", "0", str(len(unfiled))]
