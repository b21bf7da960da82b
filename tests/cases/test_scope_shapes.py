"""A narrow scope (a grid worker's) reads its cases as ids joined from each part's index, a wide
one by the prefix OR along the newest-first order (`Case.scope_q`): two shapes of one rule. Both
must give the same cases: the grid's own, those dispatched to its unit from elsewhere, and those
the worker reported, never another grid's."""

from typing import Any

import pytest
from django.utils import timezone

from outpost.cases import models, services
from outpost.cases.models import Case, CaseAssignment
from outpost.geo.models import Grid
from tests.cases.conftest import file_case
from tests.conftest import OTHER_GRID, Persona

pytestmark = pytest.mark.django_db


def _world(chief: Any, worker: Persona, home: Grid) -> dict[str, Case]:
    other = Grid.objects.get(code=OTHER_GRID)
    cases = {
        "in the grid": file_case(home, chief),
        "by the worker": file_case(home, worker.user),
        "elsewhere": file_case(other, chief),
        "dispatched here": file_case(other, chief),
        "reported elsewhere": file_case(other, chief),
    }
    # Reported by the worker before they moved to this grid.
    Case.objects.filter(pk=cases["reported elsewhere"].pk).update(reporter=worker.user)
    # Sent across the boundary to this grid's unit (as a joint handling would).
    CaseAssignment.objects.create(
        case=cases["dispatched here"],
        unit_kind="grid",
        unit_code=home.code,
        unit_name=home.name,
        assigned_at=timezone.now(),
    )
    return cases


def test_it_gives_a_grid_worker_the_same_cases_in_either_shape(
    chief: Any, grid_worker: Persona, home_grid: Grid, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = _world(chief, grid_worker, home_grid)
    expected = {c.pk for name, c in cases.items() if name != "elsewhere"}
    assert models.is_narrow(services.scope_for(grid_worker.user, "view_cases"))
    narrow = set(services.visible_cases(grid_worker.user).values_list("pk", flat=True))

    monkeypatch.setattr(models, "is_narrow", lambda scope: False)
    monkeypatch.setattr(services, "is_narrow", lambda scope: False)
    wide = set(services.visible_cases(grid_worker.user).values_list("pk", flat=True))
    assert narrow == wide == expected


def test_it_lists_them_newest_first_through_the_api(
    chief: Any, grid_worker: Persona, home_grid: Grid
) -> None:
    cases = _world(chief, grid_worker, home_grid)
    numbers, page = [], grid_worker.client.get("/api/v1/cases", {"limit": 3}).json()
    while True:
        numbers += [i["number"] for i in page["items"]]
        if page["next"] is None:
            break
        page = grid_worker.client.get("/api/v1/cases", {"limit": 3, "after": page["next"]}).json()
    newest_first = Case.objects.exclude(pk=cases["elsewhere"].pk).order_by("-reported_at", "-id")
    assert numbers == list(newest_first.values_list("number", flat=True))
