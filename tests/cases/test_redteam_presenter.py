"""Red-team checks of the case presenter on the surfaces beside the case page: what a civil role
is told of a police-only (涉警) case must not give back its pinned point by another road."""

import pytest

from outpost.cases.models import Case
from outpost.geo.models import Grid
from tests.cases.conftest import file_case, point_in
from tests.conftest import Persona

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
