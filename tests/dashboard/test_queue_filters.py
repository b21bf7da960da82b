"""The case queue's two filters the dashboards link to: a red card and a handling unit."""

import pytest

from outpost.cases.models import CaseAssignment
from tests.conftest import Persona
from tests.dashboard.conftest import World

pytestmark = pytest.mark.django_db


def numbers(persona: Persona, **params: str) -> set[str]:
    response = persona.client.get("/cases/", {"tab": "all", **params})
    assert response.status_code == 200
    return {case.number for case in response.context["page"].object_list}


def test_it_lists_the_red_carded_cases(world: World, commander: Persona) -> None:
    assert numbers(commander, card="red") == {world.cases["e"].number}


def test_it_lists_the_cases_with_a_unit(world: World, commander: Persona) -> None:
    with_grid = {world.cases["b"].number, world.cases["e"].number}
    assert numbers(commander, unit=f"grid:{world.home.code}") == with_grid
    assert numbers(commander, unit=f"grid:{world.other.code}") == set()


def test_it_reads_a_communitys_old_spelling(world: World, commander: Persona) -> None:
    case = world.cases["a"]
    community = world.home.code[:12]
    CaseAssignment.objects.create(
        case=case,
        unit_kind="outpost",
        unit_code=community,
        unit_name="前哨",
        assigned_at=case.reported_at,
    )
    assert numbers(commander, unit=f"community:{community}") == {case.number}


@pytest.mark.parametrize("bad", ["grid", "planet:1", "grid:<b>", "grid:" + "9" * 40])
def test_it_refuses_a_unit_it_does_not_know(world: World, commander: Persona, bad: str) -> None:
    response = commander.client.get("/cases/", {"tab": "all", "unit": bad})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "无效的承办单位" in response.content.decode()
