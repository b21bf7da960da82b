"""The patrol pages on the phone: start, check in, end, report a finding, coverage."""

import pytest
from django.urls import reverse

from outpost.cases.models import Case
from outpost.fieldwork.models import Patrol, PatrolPlan
from outpost.geo.models import Grid
from tests.conftest import Persona
from tests.fieldwork.conftest import point_in, point_outside

pytestmark = pytest.mark.django_db


def test_it_starts_checks_in_and_ends_a_patrol_from_the_page(
    grid_worker: Persona, home_grid: Grid, plan: PatrolPlan
) -> None:
    client = grid_worker.client
    page = client.get(reverse("fieldwork:patrols"))
    assert "开始巡查" in page.content.decode()
    client.post(reverse("fieldwork:start"), {"grid": home_grid.code, "plan": plan.pk})
    patrol = Patrol.objects.get(worker=grid_worker.user)
    assert patrol.plan == plan
    where, away = point_in(home_grid), point_outside()
    client.post(reverse("fieldwork:check_in", args=[patrol.pk]), {"lon": where.x, "lat": where.y})
    answer = client.post(
        reverse("fieldwork:check_in", args=[patrol.pk]), {"lon": away.x, "lat": away.y}, follow=True
    )
    assert "已标记" in answer.content.decode()
    client.post(reverse("fieldwork:end", args=[patrol.pk]))
    patrol.refresh_from_db()
    assert patrol.ended_at is not None
    detail = client.get(reverse("fieldwork:patrol", args=[patrol.pk])).content.decode()
    assert "1 个签到点在巡查网格之外" in detail


def test_it_reports_a_finding_in_one_step(
    patrol: Patrol, grid_worker: Persona, home_grid: Grid
) -> None:
    where = point_in(home_grid)
    url = reverse("fieldwork:check_in", args=[patrol.pk])
    grid_worker.client.post(url, {"lon": where.x, "lat": where.y})
    answer = grid_worker.client.post(
        reverse("fieldwork:patrol", args=[patrol.pk]), {"subtype": "0101", "title": "楼道堆物"}
    )
    case = Case.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"/{case.number}/")
    assert case.grid_code == home_grid.code


def test_it_offers_no_finding_form_to_others(patrol: Patrol, officer: Persona) -> None:
    page = officer.client.get(reverse("fieldwork:patrol", args=[patrol.pk]))
    assert page.status_code == 200 and "finding-form" not in page.content.decode()
    refused = officer.client.post(
        reverse("fieldwork:patrol", args=[patrol.pk]), {"subtype": "0101", "title": "x"}
    )
    assert refused.status_code == 403


def test_it_shows_coverage_per_grid_and_worker(
    patrol: Patrol, grid_worker: Persona, commander: Persona, home_grid: Grid
) -> None:
    where = point_in(home_grid)
    grid_worker.client.post(
        reverse("fieldwork:check_in", args=[patrol.pk]), {"lon": where.x, "lat": where.y}
    )
    grid_worker.client.post(reverse("fieldwork:end", args=[patrol.pk]))
    page = commander.client.get(reverse("fieldwork:coverage")).content.decode()
    assert home_grid.name in page and str(grid_worker.user) in page and "33%" in page
