"""Property tests: random action sequences against the real service and database."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outpost.accounts.models import User
from outpost.cases.models import Case
from outpost.cases.services import act, facts_for, relations_for
from outpost.cases.workflow import (
    ACTIONS,
    RATINGS,
    TABLE,
    TERMINAL,
    Relation,
    State,
    allowed_actions,
    follow_ups,
    holds,
)
from outpost.geo.models import Grid
from tests.cases.conftest import file_case
from tests.cases.photos import phone_photo
from tests.conftest import Persona

pytestmark = pytest.mark.django_db
EVERYONE = set(Relation)
PAYLOAD = {
    "mediation_outcome": "调解成功",
    "recheck": "已复查，隐患已消除",
    "rating": "basically_satisfied",
    "outcome": "unreachable",
}
ACTION_LIST = sorted(ACTIONS)


def payload_for(action: str, rating: str = "basically_satisfied") -> dict[str, object]:
    """Everything closing may require: a hazard's 办结 comes with its re-check photo."""
    if action == "complete":
        return {**PAYLOAD, "files": [("复查.jpg", phone_photo(rotated=False))]}
    return {**PAYLOAD, "rating": rating}


def _clocks_agree_with(case: Case) -> None:
    """A clock runs only in the states that need it."""
    state = State(case.state)
    assert (case.sign_on_due is not None) == (state == State.DISPATCHED), state
    if state in (State.HANDLING, State.SUSPENDED):
        assert case.handle_due is not None and case.handle_started is not None
    assert (case.paused_at is not None) == (state == State.SUSPENDED), state


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(st.sampled_from(ACTION_LIST), min_size=1, max_size=14),
    st.sampled_from(["0101", "0201", "0603", "0303"]),
    st.sampled_from(RATINGS),
)
def test_random_actions_never_leave_the_table(
    home_grid: Grid,
    grid_worker: Persona,
    chief: User,
    actions: list[str],
    subtype: str,
    rating: str,
) -> None:
    case = file_case(home_grid, grid_worker.user, subtype)
    for action in actions:
        before = Case.objects.get(pk=case.pk)
        state, version, rows = State(before.state), before.version, before.timeline.count()
        step = TABLE.get((state, action))
        try:
            case = act(
                before,
                action,
                actor=chief,
                comment="处理说明",
                payload=payload_for(action, rating),
            )
        except (ValidationError, PermissionDenied):
            after = Case.objects.get(pk=case.pk)
            assert (after.state, after.version) == (state, version)
            assert after.timeline.count() == rows
            # Only what the table does not allow is refused (every payload rule is met here):
            # no such step, one for others only (the system's), or its guard does not hold yet.
            assert (
                step is None
                or state in TERMINAL
                or not step.who & relations_for(before, chief)
                or not holds(step.guard, facts_for(before))
            )
            continue
        assert step is not None, f"{action} from {state} is not in the table"
        # The system's follow-ups are steps of their own: an unsatisfied rating reopens.
        follows = [
            (f.action, TABLE[(step.target, f.action)])
            for f in follow_ups(action, payload_for(action, rating))
        ]
        target = follows[-1][1].target if follows else step.target
        assert case.state == target and case.version == version + 1 + len(follows)
        new = list(case.timeline.order_by("id"))[rows:]
        assert [(t.action, t.from_state) for t in new] == [
            (action, state),
            *((name, follow.state) for name, follow in follows),
        ]
        _clocks_agree_with(case)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.sampled_from(ACTION_LIST))
def test_a_closed_case_cannot_change(
    home_grid: Grid, grid_worker: Persona, chief: User, action: str
) -> None:
    case = file_case(home_grid, grid_worker.user)
    for step in ("accept", "dispatch", "sign_on", "complete", "rate", "close"):
        case = act(
            case,
            step,
            actor=chief,
            comment="说明",
            payload=payload_for(step),
        )
    assert case.state == State.CLOSED and case.closed_at is not None
    with pytest.raises(ValidationError):
        act(
            case,
            action,
            actor=chief,
            comment="再改",
            payload=dict(PAYLOAD),
        )
    assert Case.objects.get(pk=case.pk).state == State.CLOSED
    assert allowed_actions(State.CLOSED, EVERYONE) == []


def test_suspension_pauses_the_handling_clock(
    home_grid: Grid, grid_worker: Persona, chief: User
) -> None:
    case = file_case(home_grid, grid_worker.user)
    for step in ("accept", "dispatch", "sign_on"):
        case = act(case, step, actor=chief)
    due = case.handle_due
    case = act(case, "suspend", actor=chief, comment="等待当事人返宁")
    Case.objects.filter(pk=case.pk).update(paused_at=case.paused_at - dt.timedelta(hours=30))
    case = act(Case.objects.get(pk=case.pk), "resume", actor=chief)
    assert case.handle_due - due >= dt.timedelta(hours=30)
    assert case.paused_at is None


def test_only_the_related_may_act(
    home_grid: Grid, grid_worker: Persona, outsider: Persona, commander: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user)
    with pytest.raises(PermissionDenied):
        act(case, "accept", actor=grid_worker.user)  # a reporter does not accept own case
    with pytest.raises(PermissionDenied):
        act(case, "accept", actor=outsider.user)
    case = act(case, "accept", actor=commander.user)
    assert case.state == State.ACCEPTED


def test_a_stale_copy_loses_the_race(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    from outpost.cases.services import CaseConflict

    case = file_case(home_grid, grid_worker.user)
    stale = Case.objects.get(pk=case.pk)
    act(case, "accept", actor=commander.user)
    with pytest.raises((CaseConflict, ValidationError, PermissionDenied)) as lost:
        act(stale, "reject", actor=commander.user, comment="重复")
    assert lost.type is CaseConflict
    assert Case.objects.get(pk=case.pk).state == State.ACCEPTED
