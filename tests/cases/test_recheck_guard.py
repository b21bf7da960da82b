"""The re-check guard: a hazard found by an inspection closes only after its re-check passed.
Cases ask through `cases.blockers.RECHECK_PENDING`, which field work fills at start-up."""

import pytest
from django.core.exceptions import ValidationError

from outpost.cases import blockers, services
from outpost.cases.models import Case
from outpost.cases.workflow import Facts, Guard, State, failing, holds
from outpost.geo.models import Grid
from tests.cases.conftest import file_case
from tests.cases.photos import phone_photo
from tests.conftest import Persona

pytestmark = pytest.mark.django_db
RECHECK = {"files": [("复查.jpg", phone_photo(rotated=False))], "recheck": "已整改"}


def _rated(grid: Grid, worker: Persona, commander: Persona, subtype: str = "0603") -> Case:
    case = file_case(grid, worker.user, subtype)
    for step in ("accept", "dispatch"):
        case = services.act(case, step, actor=commander.user)
    case = services.act(case, "sign_on", actor=worker.user)
    case = services.act(case, "complete", actor=worker.user, comment="已整改", payload=RECHECK)
    return services.act(case, "rate", actor=worker.user, payload={"rating": "satisfied"})


def test_it_refuses_to_close_a_hazard_until_the_recheck_passed(
    home_grid: Grid, grid_worker: Persona, commander: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    passed = {"now": False}
    monkeypatch.setattr(
        blockers,
        "RECHECK_PENDING",
        [lambda cases: set() if passed["now"] else {c.pk for c in cases}],
    )
    case = _rated(home_grid, grid_worker, commander)
    assert "close" not in services.actions_for(case, commander.user)
    with pytest.raises(ValidationError) as refused:
        services.act(case, "close", actor=commander.user)
    assert "复查合格后方可结案" in str(refused.value.messages[0])
    passed["now"] = True
    closed = services.act(case, "close", actor=commander.user)
    assert closed.state == State.CLOSED


def test_it_does_not_ask_about_cases_closed_without_a_recheck(
    home_grid: Grid, grid_worker: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(
        blockers, "RECHECK_PENDING", [lambda cases: asked.extend(c.number for c in cases) or set()]
    )
    case = file_case(home_grid, grid_worker.user, "0101")  # a dispute: no re-check photo
    assert blockers.recheck_passed(case) and asked == []


def test_it_holds_a_step_only_when_all_its_guards_hold() -> None:
    both = (Guard.FOLLOWUP_EXHAUSTED, Guard.INSPECTION_RECHECK_PASSED)
    blocked = Facts(inspection_recheck_passed=False)
    assert failing(both, blocked) == Guard.INSPECTION_RECHECK_PASSED
    assert holds(both, Facts()) and not holds(both, blocked) and holds(None, blocked)
