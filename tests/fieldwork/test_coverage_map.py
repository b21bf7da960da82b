"""Patrol coverage where people look for it: a map layer colouring grids by the share of
planned patrols done (last 7 or 30 days) and a figure on the grid's page linking to the
coverage page."""

import pytest
from django.urls import reverse

from outpost.accounts.roles import Role
from outpost.fieldwork import queries, services
from outpost.fieldwork.models import Patrol
from outpost.geo.models import Grid
from tests.conftest import Persona, _persona
from tests.fieldwork.conftest import point_in

pytestmark = pytest.mark.django_db
URL = "/api/v1/fieldwork/map/coverage"


@pytest.fixture
def walked(patrol: Patrol, grid_worker: Persona, home_grid: Grid) -> Patrol:
    """One patrol of the plan (3 a week) walked and ended, with a check-in inside the grid."""
    where = point_in(home_grid)
    services.check_in(patrol, where.x, where.y, actor=grid_worker.user)
    return services.end_patrol(patrol, actor=grid_worker.user)


@pytest.fixture
def reporter(home_grid: Grid) -> Persona:
    return _persona("reporter_p", Role.REPORTER, home_grid.code)


def test_it_gives_the_map_each_grids_share_of_planned_patrols_done(
    walked: Patrol, commander: Persona, home_grid: Grid
) -> None:
    week = commander.client.get(URL).json()
    [grid] = week["grids"]
    assert week["days"] == 7 and grid["code"] == home_grid.code and grid["name"] == home_grid.name
    assert (grid["planned"], grid["done"]) == (3, 1)
    assert grid["done_share"] == pytest.approx(1 / 3)
    month = commander.client.get(URL, {"period": "30d"}).json()
    assert month["days"] == 30 and month["grids"][0]["planned"] == 13  # 3 a week over 30 days
    assert commander.client.get(URL, {"period": "90d"}).status_code == 422


def test_it_shows_the_layer_only_to_who_reads_the_area(
    walked: Patrol,
    outsider: Persona,
    reporter: Persona,
    nobody: Persona,
    commander: Persona,
) -> None:
    assert outsider.client.get(URL).json()["grids"] == []  # another street: not its grids
    assert reporter.client.get(URL).status_code == 403  # sees the grid, not its registry
    assert nobody.client.get(URL).status_code == 404
    mapped = commander.client.get(reverse("geo:map")).content.decode()
    assert f'data-coverage-url="{URL}"' in mapped and "巡查覆盖率（近7天）" in mapped
    assert "data-coverage-url" not in reporter.client.get(reverse("geo:map")).content.decode()


def test_it_shows_the_grids_coverage_on_its_page_with_a_link(
    walked: Patrol, commander: Persona, reporter: Persona, home_grid: Grid
) -> None:
    page = commander.client.get(reverse("geo:grid", args=[home_grid.code])).content.decode()
    assert 'id="grid-coverage"' in page and "33%" in page and "（1/3）" in page
    link = reverse("fieldwork:coverage") + f"?grid={home_grid.code}&amp;days=7"
    assert link in page
    followed = commander.client.get(reverse("fieldwork:coverage"), {"grid": home_grid.code})
    assert home_grid.name in followed.content.decode()
    # The 8大员 reporter sees the grid's page but has no field work: no coverage figure.
    plain = reporter.client.get(reverse("geo:grid", args=[home_grid.code])).content.decode()
    assert home_grid.name in plain and "grid-coverage" not in plain


def test_it_says_when_a_grid_has_no_patrols(commander: Persona, home_grid: Grid) -> None:
    page = commander.client.get(reverse("geo:grid", args=[home_grid.code])).content.decode()
    assert "此期间本网格没有巡查计划或巡查记录" in page


@pytest.fixture
def second_worker(home_grid: Grid) -> Persona:
    return _persona("worker2_p", Role.GRID_WORKER, home_grid.code)


def test_it_shares_a_plans_walks_among_its_workers(
    home_grid: Grid, commander: Persona, grid_worker: Persona, second_worker: Persona
) -> None:
    """`per_week` is how often the grid is walked: two workers on 3 a week owe 3 between them
    (2 and 1), not 3 each."""
    workers = [grid_worker.user, second_worker.user]
    services.create_plan(services.NewPlan(home_grid, "日常巡查", 3, workers), actor=commander.user)
    rows = {r.username: r for r in queries.coverage_rows(commander.user, 7)}
    assert rows[""].planned == 3
    assert sorted(rows[u.username].planned for u in workers) == [1, 2]
    [grid] = commander.client.get(URL).json()["grids"]
    assert grid["planned"] == 3


def test_it_colours_one_workers_grids_by_their_own_share(
    walked: Patrol, home_grid: Grid, commander: Persona, grid_worker: Persona
) -> None:
    answer = commander.client.get(URL, {"worker": grid_worker.user.username}).json()
    assert answer["worker"] == {"username": "worker_p", "name": str(grid_worker.user)}
    [grid] = answer["grids"]
    assert (grid["code"], grid["planned"], grid["done"]) == (home_grid.code, 3, 1)
    by_id = commander.client.get(URL, {"worker": str(grid_worker.user.pk)}).json()
    assert by_id["grids"] == answer["grids"]
    plain = commander.client.get(URL).json()
    assert plain["worker"] is None
    assert {"username": "worker_p", "name": str(grid_worker.user)} in plain["workers"]


def test_it_colours_a_second_worker_by_their_part_of_the_plan(
    home_grid: Grid, commander: Persona, grid_worker: Persona, second_worker: Persona
) -> None:
    workers = [grid_worker.user, second_worker.user]
    plan = services.create_plan(
        services.NewPlan(home_grid, "日常巡查", 4, workers), actor=commander.user
    )
    walk = services.start_patrol(home_grid, actor=second_worker.user, plan=plan)
    services.end_patrol(walk, actor=second_worker.user)
    theirs = commander.client.get(URL, {"worker": "worker2_p"}).json()["grids"][0]
    mine = commander.client.get(URL, {"worker": "worker_p"}).json()["grids"][0]
    whole = commander.client.get(URL).json()["grids"][0]
    assert (theirs["planned"], theirs["done"], theirs["done_share"]) == (2, 1, 0.5)
    assert (mine["planned"], mine["done"], mine["done_share"]) == (2, 0, 0.0)
    assert (whole["planned"], whole["done"]) == (4, 1)


def test_it_answers_404_for_a_worker_outside_the_viewers_grids(
    walked: Patrol, commander: Persona, grid_worker: Persona, outsider: Persona, nobody: Persona
) -> None:
    assert commander.client.get(URL, {"worker": outsider.user.username}).status_code == 404
    assert commander.client.get(URL, {"worker": str(outsider.user.pk)}).status_code == 404
    assert commander.client.get(URL, {"worker": "no-such-user"}).status_code == 404
    assert commander.client.get(URL, {"worker": nobody.user.username}).status_code == 404
    assert outsider.client.get(URL, {"worker": grid_worker.user.username}).status_code == 404
    assert outsider.client.get(URL).json()["workers"] == []
