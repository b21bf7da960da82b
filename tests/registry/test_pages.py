"""The registry pages as a grid worker, an officer and an outsider use them: search by name, ID
digits, whole ID, phone and address words, a room's household, a building's rooms, houses by
rental state, organisations. Expectations come from the data files and the platform's placement
of each address (checked against the grid shapes in test_placement)."""

from collections import Counter
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from outpost.registry.models import House, StandardAddress
from tests.conftest import HOME_GRID, OTHER_GRID, Persona
from tests.registry.data import RegistryData
from tests.registry.helpers import loaded_in_grid, page, unique_name_in

pytestmark = pytest.mark.django_db


def _found(client: Client, q: str) -> set[str]:
    """Every person number the people list shows for the query, over all its pages."""
    numbers: set[str] = set()
    url = reverse("registry:people")
    page_no = 1
    while True:
        response = client.get(url, {"q": q, "page": page_no})
        seen = page(response)
        for row in seen.tables["people"]:
            numbers.update(link.rstrip("/").rsplit("/", 1)[-1] for link in row.links[:1])
        paginator = response.context["page"]
        if not paginator.has_next():
            return numbers
        page_no += 1


def _home(data: RegistryData) -> dict[str, dict[str, str]]:
    return loaded_in_grid(data, HOME_GRID)


def test_it_finds_a_resident_by_name_for_their_grid_worker_and_not_for_an_outsider(
    registry_data: RegistryData, grid_worker: Persona, outsider: Persona
) -> None:
    home = _home(registry_data)
    name = unique_name_in(home, loaded_in_grid(registry_data, OTHER_GRID))
    wanted = {no for no, row in home.items() if row["name"] == name}

    assert _found(grid_worker.client, name) == wanted
    assert _found(outsider.client, name) == set()
    (number,) = wanted
    assert outsider.client.get(reverse("registry:person", args=[number])).status_code == 404
    assert grid_worker.client.get(reverse("registry:person", args=[number])).status_code == 200


def test_it_lists_exactly_the_people_of_the_users_grid(
    registry_data: RegistryData, grid_worker: Persona, outsider: Persona
) -> None:
    assert _found(grid_worker.client, "") == set(_home(registry_data))
    assert _found(outsider.client, "") == set(loaded_in_grid(registry_data, OTHER_GRID))


def test_it_finds_people_by_a_part_of_their_name(
    registry_data: RegistryData, grid_worker: Persona
) -> None:
    home = _home(registry_data)
    surname, _ = Counter(row["name"][0] for row in home.values()).most_common(1)[0]

    found = _found(grid_worker.client, surname)

    assert found == {no for no, row in home.items() if surname in row["name"]}
    assert len(found) > 1


def test_it_finds_people_by_the_last_digits_of_their_id_number(
    registry_data: RegistryData, grid_worker: Persona
) -> None:
    home = _home(registry_data)
    row = next(iter(home.values()))
    for digits in (row["id_number"][-2:], row["id_number"][-1:]):
        wanted = {no for no, r in home.items() if r["id_number"].endswith(digits)}
        assert _found(grid_worker.client, digits) == wanted
        assert row["person_id"] in wanted
    # No more digits than the mask shows: a search by 3 or 4 would reveal the hidden ones.
    for digits in (row["id_number"][-4:], row["id_number"][-3:]):
        assert row["person_id"] not in _found(grid_worker.client, digits)


def test_it_finds_exactly_one_person_by_their_whole_id_number(
    registry_data: RegistryData, grid_worker: Persona, outsider: Persona
) -> None:
    home = _home(registry_data)
    # One ending in the check character X if there is one: it may be typed in lower case.
    row = sorted(home.values(), key=lambda r: not r["id_number"].endswith("X"))[0]

    assert _found(grid_worker.client, row["id_number"]) == {row["person_id"]}
    assert _found(grid_worker.client, row["id_number"].lower()) == {row["person_id"]}
    assert _found(outsider.client, row["id_number"]) == set()


def test_it_finds_people_by_their_phone_number(
    registry_data: RegistryData, grid_worker: Persona
) -> None:
    home = _home(registry_data)
    row = next(r for r in home.values() if r["phone"])
    wanted = {no for no, r in home.items() if r["phone"] == row["phone"]}
    spaced = f"{row['phone'][:3]} {row['phone'][3:7]} {row['phone'][7:]}"

    assert _found(grid_worker.client, row["phone"]) == wanted
    assert _found(grid_worker.client, spaced) == wanted


def test_it_finds_people_by_words_of_their_address(
    registry_data: RegistryData, grid_worker: Persona
) -> None:
    home = _home(registry_data)
    row = next(iter(home.values()))
    address = registry_data.addresses[row["addr_id"]]
    words = address["compound"] or address["road"] + address["door_no"]
    wanted = {
        no for no, r in home.items() if words in registry_data.addresses[r["addr_id"]]["full_text"]
    }

    assert _found(grid_worker.client, words) == wanted
    assert row["person_id"] in wanted


def test_it_lists_a_rooms_residents_on_its_household_page(
    registry_data: RegistryData, grid_worker: Persona
) -> None:
    rooms = Counter(row["addr_id"] for row in _home(registry_data).values())
    room, n = rooms.most_common(1)[0]
    residents = registry_data.people_at(room)
    assert len(residents) == n > 1

    shown = page(grid_worker.client.get(reverse("registry:address", args=[room])))

    names = shown.column("household", 0)
    assert sorted(names) == sorted(r["name"] for r in residents)
    links = {row.links[0] for row in shown.tables["household"]}
    assert links == {reverse("registry:person", args=[r["person_id"]]) for r in residents}


def test_it_lists_a_buildings_rooms_with_their_resident_counts(
    registry_data: RegistryData, grid_worker: Persona
) -> None:
    room = Counter(row["addr_id"] for row in _home(registry_data).values()).most_common(1)[0][0]
    building = registry_data.addresses[room]["parent_id"]
    rooms = {
        code: a
        for code, a in registry_data.addresses.items()
        if a["parent_id"] == building and a["level"] == "户室"
    }
    visible = set(
        StandardAddress.objects.filter(code__in=rooms, grid_code=HOME_GRID).values_list(
            "code", flat=True
        )
    )

    shown = page(grid_worker.client.get(reverse("registry:address", args=[building])))

    listed = {
        row.links[0].rstrip("/").rsplit("/", 1)[-1]: (row.cells[0], int(row.cells[3]))
        for row in shown.tables["rooms"]
    }
    assert listed == {
        code: (rooms[code]["room"], len(registry_data.people_at(code))) for code in visible
    }
    assert sum(n for _, n in listed.values()) > 0


def test_it_answers_404_for_an_address_outside_the_users_area(
    registry_data: RegistryData, outsider: Persona
) -> None:
    room = next(iter(_home(registry_data).values()))["addr_id"]
    assert outsider.client.get(reverse("registry:address", args=[room])).status_code == 404


def _houses(client: Client, **filters: str) -> tuple[set[str], int]:
    response = client.get(reverse("registry:houses"), filters)
    shown = page(response)
    return set(shown.column("houses", 0)), response.context["page"].paginator.count


@pytest.mark.parametrize(
    ("filters", "keep"),
    [
        ({}, lambda h: True),
        ({"use": "出租"}, lambda h: h["use"] == "出租"),
        ({"use": "自住"}, lambda h: h["use"] == "自住"),
        ({"unfiled": "1"}, lambda h: h["use"] == "出租" and not h["rental_filing_no"]),
    ],
)
def test_it_filters_the_houses_of_the_users_grid(
    registry_data: RegistryData,
    grid_worker: Persona,
    filters: dict[str, str],
    keep: Callable[[dict[str, str]], bool],
) -> None:
    rooms = set(StandardAddress.objects.filter(grid_code=HOME_GRID).values_list("code", flat=True))
    wanted = {code for code, h in registry_data.houses.items() if h["addr_id"] in rooms and keep(h)}

    shown, total = _houses(grid_worker.client, **filters)

    assert total == len(wanted)
    assert shown <= wanted and len(shown) == min(50, len(wanted))


def test_it_marks_unfiled_rentals_on_the_houses_list(
    registry_data: RegistryData, grid_worker: Persona
) -> None:
    unfiled = House.objects.filter(grid_code=HOME_GRID, use="出租", rental_filing_no="")
    filed = House.objects.filter(grid_code=HOME_GRID, use="出租").exclude(rental_filing_no="")
    assert unfiled.exists() and filed.exists()

    shown = page(grid_worker.client.get(reverse("registry:houses"), {"use": "出租"}))

    filings = dict(zip(shown.column("houses", 0), shown.column("houses", 5), strict=True))
    for house in filed:
        assert filings[house.house_no].startswith(house.rental_filing_no)
    unfiled_cells = {filings[h.house_no] for h in unfiled}
    assert len(unfiled_cells) == 1 and not unfiled_cells & {h.rental_filing_no for h in filed}


def test_it_lists_the_organisations_of_the_users_area(
    registry_data: RegistryData, grid_worker: Persona, outsider: Persona
) -> None:
    places = dict(StandardAddress.objects.values_list("code", "grid_code"))
    for persona, grid in ((grid_worker, HOME_GRID), (outsider, OTHER_GRID)):
        wanted = {u["uscc"] for u in registry_data.units.values() if places[u["addr_id"]] == grid}
        assert wanted, f"the test data has organisations in {grid}"
        shown = page(persona.client.get(reverse("registry:organisations")))
        assert set(shown.column("organisations", 1)) == wanted


def test_it_finds_an_organisation_by_a_word_of_its_name(
    registry_data: RegistryData, officer: Persona
) -> None:
    beat = officer.user.assignments.get().scope_code
    beats = dict(StandardAddress.objects.values_list("code", "beat_code"))
    in_beat = [u for u in registry_data.units.values() if beats[u["addr_id"]] == beat]
    assert in_beat, "the officer's beat has organisations"
    word = in_beat[0]["name"][2:6]

    found = page(officer.client.get(reverse("registry:organisations"), {"q": word}))

    assert set(found.column("organisations", 1)) == {
        u["uscc"] for u in in_beat if word in u["name"]
    }


def test_it_refuses_the_registry_pages_to_a_reporter(
    registry_data: RegistryData, reporter: Persona
) -> None:
    number = next(iter(_home(registry_data)))
    for url in (
        reverse("registry:home"),
        reverse("registry:people"),
        reverse("registry:houses"),
        reverse("registry:organisations"),
        reverse("registry:queue"),
    ):
        assert reporter.client.get(url).status_code == 403, url
    assert reporter.client.get(reverse("registry:person", args=[number])).status_code == 404
