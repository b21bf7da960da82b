"""Red-team checks of the case presenter on the surfaces beside the case page: what a civil role
is told of a police-only (涉警) case must not give back its pinned point by another road."""

import json

import pytest

from outpost.accounts.roles import Role
from outpost.cases.models import Case
from outpost.geo.models import Grid
from tests.cases.conftest import file_case, point_in
from tests.conftest import Persona, _persona

pytestmark = pytest.mark.django_db


def test_it_gives_a_civil_role_no_distance_to_a_police_only_case_on_the_duplicates_endpoint(
    home_grid: Grid, grid_worker: Persona, commander: Persona, officer: Persona
) -> None:
    clue = file_case(home_grid, grid_worker.user, "0301", title="三号楼有人深夜反复踩点")
    assert clue.sensitivity == "police"
    where = point_in(home_grid)
    # Three probes a few metres apart would place the clue to the decimetre by trilateration.
    for dx in (0.0, 0.0003, -0.0003):
        url = f"/api/v1/cases/duplicates?subtype=0301&lon={where.x + dx}&lat={where.y}"
        answer = commander.client.get(url)
        assert answer.status_code == 200, answer.content
        assert clue.number not in answer.content.decode()
    # The police (and the reporter) still hear of the candidate.
    url = f"/api/v1/cases/duplicates?subtype=0301&lon={where.x}&lat={where.y}"
    for persona in (officer, grid_worker):
        assert [c["number"] for c in persona.client.get(url).json()] == [clue.number]
    assert Case.objects.count() == 1


def test_it_does_not_name_the_reporter_of_a_police_only_clue_to_a_civil_role_on_the_timeline(
    home_grid: Grid, commander: Persona, officer: Persona
) -> None:
    informant = _persona("informant_baoan_li", Role.REPORTER, home_grid.code)
    clue = file_case(home_grid, informant.user, "0301", title="三号楼有人深夜反复踩点")
    assert clue.sensitivity == "police"
    page = commander.client.get(f"/cases/{clue.number}/").content.decode()
    api = commander.client.get(f"/api/v1/cases/{clue.number}").json()
    assert "informant_baoan_li" not in page  # "Reported by" is a detail; so is the report's actor
    assert "informant_baoan_li" not in json.dumps(api["timeline"], ensure_ascii=False)
    assert [t["action"] for t in api["timeline"]] == ["report"]  # the step itself is still shown
    # The police see who reported it.
    assert "informant_baoan_li" in officer.client.get(f"/cases/{clue.number}/").content.decode()
    police = officer.client.get(f"/api/v1/cases/{clue.number}").json()
    assert police["timeline"][0]["actor"] == "informant_baoan_li"
