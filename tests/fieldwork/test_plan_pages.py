"""Patrol plans on the web: a new plan (grid, then its terms), a plan's edit page and its
deactivation, for who plans patrols in the grid (the API's create_plan right), with change
records and errors in Chinese."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from outpost.core.models import ChangeRecord
from outpost.fieldwork import queries, services
from outpost.fieldwork.models import PatrolPlan
from outpost.geo.models import Grid
from outpost.registry.models import AddressLevel, StandardAddress
from tests.conftest import Persona
from tests.fieldwork.conftest import point_in

pytestmark = pytest.mark.django_db


def door(grid: Grid, code: str, text: str) -> StandardAddress:
    where = point_in(grid)
    beat = grid.main_beat.code if grid.main_beat else ""
    return StandardAddress.objects.create(
        code=code,
        level=AddressLevel.DOOR,
        community_code=grid.community.code,
        road="中山路",
        door_no=text,
        full_text=f"中山路{text}",
        lon=where.x,
        lat=where.y,
        grid_code=grid.code,
        beat_code=beat,
    )


def test_it_creates_a_plan_from_the_page_with_points_found_by_search(
    commander: Persona, grid_worker: Persona, outsider: Persona, home_grid: Grid
) -> None:
    first, second = door(home_grid, "FW-D-1", "81号"), door(home_grid, "FW-D-2", "83号")
    start = commander.client.get(reverse("fieldwork:new_plan")).content.decode()
    assert f'value="{home_grid.code}"' in start
    url = reverse("fieldwork:new_plan") + f"?grid={home_grid.code}"
    form = commander.client.get(url).content.decode()
    assert "中山路81号" in form and 'class="pick-search"' in form
    assert grid_worker.user.username in form and outsider.user.username not in form
    answer = commander.client.post(
        url,
        {
            "name": "夜间巡查",
            "per_week": "4",
            "workers": [grid_worker.user.username],
            "points": [second.code, first.code],
        },
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("fieldwork:plans")
    plan = PatrolPlan.objects.get(name="夜间巡查")
    assert plan.grid == home_grid and plan.per_week == 4 and plan.active
    assert list(plan.workers.all()) == [grid_worker.user]
    assert {a.code for a in plan.points.all()} == {first.code, second.code}
    record = ChangeRecord.objects.get(action="create_patrol_plan", object_key=str(plan.pk))
    assert record.actor == commander.user


def test_it_says_in_chinese_what_is_wrong_and_writes_nothing(
    commander: Persona, home_grid: Grid, outsider: Persona
) -> None:
    url = reverse("fieldwork:new_plan") + f"?grid={home_grid.code}"
    page = commander.client.post(url, {"name": " ", "per_week": "30"}).content.decode()
    assert "这个字段是必填项" in page  # no workers chosen
    assert "确保该值小于或等于21" in page
    assert not PatrolPlan.objects.exists()
    # A worker of another street, sent by hand: the choice is refused, in Chinese.
    forged = {"name": "巡查", "per_week": "2", "workers": [outsider.user.username]}
    page = commander.client.post(url, forged).content.decode()
    assert "选择一个有效的选项" in page and not PatrolPlan.objects.exists()


def test_it_edits_a_plan_and_keeps_the_terms_before_and_after(
    commander: Persona, grid_worker: Persona, officer: Persona, home_grid: Grid
) -> None:
    plan = services.create_plan(
        services.NewPlan(home_grid, "日常巡查", 3, [grid_worker.user]), actor=commander.user
    )
    point = door(home_grid, "FW-D-3", "85号")
    url = reverse("fieldwork:edit_plan", args=[plan.pk])
    page = commander.client.get(url).content.decode()
    assert 'value="日常巡查"' in page and 'name="active"' in page
    answer = commander.client.post(
        url,
        {
            "name": "重点巡查",
            "per_week": "5",
            "workers": [grid_worker.user.username, officer.user.username],
            "points": [point.code],
            "active": "on",
        },
    )
    assert answer.status_code == 302
    plan.refresh_from_db()
    assert (plan.name, plan.per_week, plan.active) == ("重点巡查", 5, True)
    assert set(plan.workers.all()) == {grid_worker.user, officer.user}
    assert [a.code for a in plan.points.all()] == [point.code]
    record = ChangeRecord.objects.get(action="edit_patrol_plan", object_key=str(plan.pk))
    assert record.before["name"] == "日常巡查" and record.after["per_week"] == 5
    assert record.after["workers"] == sorted([grid_worker.user.username, officer.user.username])


def test_it_deactivates_a_plan_once(
    commander: Persona, grid_worker: Persona, home_grid: Grid
) -> None:
    plan = services.create_plan(
        services.NewPlan(home_grid, "日常巡查", 3, [grid_worker.user]), actor=commander.user
    )
    listed = commander.client.get(reverse("fieldwork:plans")).content.decode()
    assert reverse("fieldwork:deactivate_plan", args=[plan.pk]) in listed
    url = reverse("fieldwork:deactivate_plan", args=[plan.pk])
    commander.client.post(url)
    plan.refresh_from_db()
    assert not plan.active
    assert ChangeRecord.objects.filter(action="deactivate_patrol_plan").count() == 1
    again = commander.client.post(url, follow=True).content.decode()
    assert "该计划已停用" in again
    assert ChangeRecord.objects.filter(action="deactivate_patrol_plan").count() == 1
    # Its worker no longer starts a patrol by it.
    assert not queries.my_plans(grid_worker.user).exists()


def test_it_lets_only_planners_of_the_grid_change_plans(
    commander: Persona, grid_worker: Persona, outsider: Persona, home_grid: Grid
) -> None:
    plan = services.create_plan(
        services.NewPlan(home_grid, "日常巡查", 3, [grid_worker.user]), actor=commander.user
    )
    new = reverse("fieldwork:new_plan") + f"?grid={home_grid.code}"
    edit = reverse("fieldwork:edit_plan", args=[plan.pk])
    off = reverse("fieldwork:deactivate_plan", args=[plan.pk])
    # The grid worker reads plans but plans none: no buttons, 403 on every page and write.
    listed = grid_worker.client.get(reverse("fieldwork:plans")).content.decode()
    assert "新建巡查计划" not in listed and edit not in listed
    assert grid_worker.client.get(reverse("fieldwork:new_plan")).status_code == 403
    for answer in (
        grid_worker.client.get(new),
        grid_worker.client.get(edit),
        grid_worker.client.post(edit, {"name": "x", "per_week": "1"}),
        grid_worker.client.post(off),
    ):
        assert answer.status_code == 403
    # A worker of another street does not see the grid or the plan at all.
    for answer in (outsider.client.get(new), outsider.client.get(edit), outsider.client.post(off)):
        assert answer.status_code == 404
    plan.refresh_from_db()
    assert plan.active and plan.name == "日常巡查"


def test_it_offers_exactly_the_workers_the_plan_may_assign(
    commander: Persona,
    grid_worker: Persona,
    officer: Persona,
    outsider: Persona,
    admin: Persona,
    home_grid: Grid,
) -> None:
    offered = set(queries.plan_workers(home_grid))
    for one in (commander, grid_worker, officer, outsider, admin):
        new = services.NewPlan(home_grid, "试", 1, [one.user])
        try:
            services.create_plan(new, actor=commander.user)
        except ValidationError:
            accepted = False
        else:
            accepted = True
        assert (one.user in offered) == accepted, one.user.username
    assert {grid_worker.user, officer.user} <= offered
