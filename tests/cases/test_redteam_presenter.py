"""Red-team checks of the case presenter on the surfaces beside the case page: what a civil role
is told of a police-only (涉警) case must not give back its pinned point by another road."""

import json

import pytest

from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.cases.models import Case
from outpost.geo.models import Grid
from tests.cases.conftest import file_case, point_in
from tests.conftest import OTHER_GRID, Persona, _persona

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


def test_it_shows_police_only_details_only_where_the_viewers_police_role_reaches(
    home_grid: Grid, grid_worker: Persona
) -> None:
    """A grid worker here who is also auxiliary police on a beat of another street is a civil
    role for this grid's cases: the police role elsewhere does not open their details."""
    other = Grid.objects.get(code=OTHER_GRID)
    assert other.main_beat is not None and home_grid.main_beat is not None
    assert not home_grid.main_beat.code.startswith(other.main_beat.code)
    both = _persona("two_hats_p", Role.GRID_WORKER, home_grid.code)
    grant_role(both.user, Role.AUXILIARY_POLICE, other.main_beat.code, actor=None)
    clue = file_case(home_grid, grid_worker.user, "0301", title="三号楼有人深夜反复踩点")
    page = both.client.get(f"/cases/{clue.number}/")
    assert page.status_code == 200  # the grid worker sees the case: its status
    assert "三号楼有人深夜反复踩点" not in page.content.decode()
    api = both.client.get(f"/api/v1/cases/{clue.number}").json()
    assert api["title"] == "（涉警内容）" and api["description"] is None
    # On their own beat the same person is police and sees a clue in full.
    officer_there = _persona("officer_there_p", Role.COMMUNITY_OFFICER, other.main_beat.code)
    there = file_case(other, officer_there.user, "0301", title="仓库门口可疑车辆")
    assert both.client.get(f"/api/v1/cases/{there.number}").json()["title"] == "仓库门口可疑车辆"
