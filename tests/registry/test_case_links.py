"""Cases tied to the registry: reported at a standard address, with parties found by ID number."""

import json
from typing import Any

import pytest
from django.test import Client

from outpost.cases.models import Case
from outpost.cases.taxonomy import load_taxonomy
from outpost.core.models import AccessLogEntry
from outpost.registry.models import Person, StandardAddress
from tests.conftest import HOME_GRID, OTHER_GRID, Persona
from tests.registry.data import RegistryData

pytestmark = pytest.mark.django_db
API = "/api/v1/cases"


@pytest.fixture(autouse=True)
def taxonomy(db: None) -> None:
    load_taxonomy()


def report(client: Client, **body: Any) -> Any:
    body = {"subtype": "0101", "title": "楼上楼下因漏水争吵", **body}
    return client.post(API, json.dumps(body), content_type="application/json")


def resident(data: RegistryData, grid: str) -> tuple[Person, str]:
    """A person living in `grid`, with the ID number the file gives for them."""
    person = Person.objects.filter(address__grid_code=grid).order_by("person_no").first()
    assert person is not None
    return person, data.persons[person.person_no]["id_number"]


def test_it_reports_at_a_standard_address_without_a_point(grid_worker: Persona) -> None:
    room = StandardAddress.objects.filter(grid_code=HOME_GRID, level="room").first()
    assert room is not None
    answer = report(grid_worker.client, address=room.code)
    assert answer.status_code == 201, answer.content
    case = Case.objects.get(number=answer.json()["number"])
    assert case.address == room and case.grid_code == HOME_GRID
    assert (case.lon, case.lat) == (room.lon, room.lat)
    assert answer.json()["address"] == room.code
    html = grid_worker.client.get(f"/cases/{case.number}/").content.decode()
    assert room.full_text in html


def test_it_refuses_an_address_outside_the_area_as_if_it_did_not_exist(
    grid_worker: Persona,
) -> None:
    elsewhere = StandardAddress.objects.filter(grid_code=OTHER_GRID).first()
    assert elsewhere is not None
    for code in (elsewhere.code, "A9999999"):
        answer = report(grid_worker.client, address=code)
        assert answer.status_code == 422
        assert answer.json()["detail"] == f"标准地址不存在或不在您的辖区内：{code}"
    assert not Case.objects.exists()


def test_it_links_parties_found_by_id_number(
    grid_worker: Persona, registry_data: RegistryData
) -> None:
    person, id_number = resident(registry_data, HOME_GRID)
    room = StandardAddress.objects.filter(grid_code=HOME_GRID, level="room").first()
    assert room is not None
    answer = report(grid_worker.client, address=room.code, parties=[id_number.lower()])
    assert answer.status_code == 201, answer.content
    case = Case.objects.get(number=answer.json()["number"])
    assert list(case.parties.all()) == [person]
    html = grid_worker.client.get(f"/cases/{case.number}/").content.decode()
    assert person.name in html and person.id_number_masked in html
    assert id_number not in html  # masked on the page, like everywhere else


def test_it_answers_unknown_and_out_of_area_parties_alike_and_keeps_nothing(
    grid_worker: Persona, registry_data: RegistryData
) -> None:
    _, elsewhere = resident(registry_data, OTHER_GRID)
    _, here = resident(registry_data, HOME_GRID)
    room = StandardAddress.objects.filter(grid_code=HOME_GRID, level="room").first()
    assert room is not None
    unknown = "11010519491231002X"
    for parties in ([here, elsewhere], [here, unknown]):
        answer = report(grid_worker.client, address=room.code, parties=parties)
        assert answer.status_code == 422
        assert answer.json()["detail"] == "第 2 位当事人不在您辖区的实有人口中"
        assert answer.json()["detail_en"] == "Party 2 is not among the people of your area"
    bad = report(grid_worker.client, address=room.code, parties=["320106194808100088"])
    assert bad.status_code == 422 and bad.json()["detail"].startswith("第 1 位当事人：")
    assert "校验" in bad.json()["detail"]
    assert (
        bad.json()["detail_en"].startswith("Party 1: ") and "check digit" in bad.json()["detail_en"]
    )
    assert not Case.objects.exists()


def test_it_counts_and_logs_every_party_guess_even_when_the_report_is_refused(
    grid_worker: Persona, registry_data: RegistryData, settings: Any
) -> None:
    """Naming a party by a whole ID number is an exact lookup: a guessed number that finds
    nobody costs the same as a right one, is logged masked, and the per-user limit ends it."""
    settings.OUTPOST_NUMBER_LOOKUPS = 3
    _, here = resident(registry_data, HOME_GRID)
    _, elsewhere = resident(registry_data, OTHER_GRID)
    room = StandardAddress.objects.filter(grid_code=HOME_GRID, level="room").first()
    assert room is not None
    guesses = (elsewhere, here)
    answers = [report(grid_worker.client, address=room.code, parties=[n]) for n in guesses]
    assert [a.status_code for a in answers] == [422, 201]
    lookups = AccessLogEntry.objects.filter(action="number_lookup", actor=grid_worker.user)
    assert sorted(lookups.values_list("purpose", flat=True)) == ["rows=0", "rows=1"]
    assert not any(n in str(list(lookups.values())) for n in (here, elsewhere))
    # The fourth lookup in the window is refused whatever the number, before anyone is found.
    report(grid_worker.client, address=room.code, parties=[elsewhere])
    over = [report(grid_worker.client, address=room.code, parties=[n]) for n in (here, elsewhere)]
    assert {a.status_code for a in over} == {422}
    assert over[0].json() == over[1].json() and "Too many" in over[0].json()["detail_en"]
    assert Case.objects.count() == 1
