"""Working-day deadlines with 调休, and the supervision sweep's cards."""

import datetime as dt

import pytest

from outpost.accounts.models import User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.cases.models import Card, Case
from outpost.cases.services import act
from outpost.cases.supervision import sweep
from outpost.core.workdays import LOCAL, deadline, is_workday
from outpost.geo.models import Grid
from outpost.notifications.models import Notification
from tests.cases.conftest import file_case
from tests.conftest import Persona


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=LOCAL)


def test_it_counts_make_up_saturdays_and_skips_the_national_day_week() -> None:
    assert is_workday(dt.date(2026, 10, 10))  # Saturday, 调休 make-up day
    assert not is_workday(dt.date(2026, 10, 5))  # Monday inside the holiday
    # Reported on the last day before the holiday: 3 working days = Oct 8, 9, 10 (Sat).
    assert deadline(at("2026-09-30T10:00"), "3d") == at("2026-10-10T17:30")


def test_hour_limits_run_on_the_clock_through_holidays() -> None:
    assert deadline(at("2026-10-01T09:00"), "24h") == at("2026-10-02T09:00")


def test_years_the_calendar_does_not_know_fall_back_to_weekdays() -> None:
    assert deadline(at("2031-03-07T10:00"), "1d") == at("2031-03-10T17:30")  # Fri → Mon


def test_it_refuses_a_malformed_limit() -> None:
    with pytest.raises(ValueError, match="24h or 3d"):
        deadline(at("2026-01-05T09:00"), "3 days")


@pytest.mark.django_db
def test_the_sweep_gives_yellow_then_red_once_each_and_tells_the_handlers(
    home_grid: Grid, grid_worker: Persona, chief: User
) -> None:
    case = file_case(home_grid, grid_worker.user)
    for step in ("accept", "dispatch", "sign_on"):
        case = act(case, step, actor=chief)
    start, due = case.handle_started, case.handle_due
    almost = start + (due - start) * 0.85
    assert sweep(start + (due - start) * 0.5).cards == {}
    assert sweep(almost).cards["yellow"] == 1
    assert sweep(almost).cards == {}  # not twice for the same deadline
    late = sweep(due + dt.timedelta(minutes=1))
    assert late.cards["red"] == 1 and late.escalated == 1
    cards = list(Card.objects.filter(case=case).order_by("issued_at"))
    assert [(c.color, c.clock) for c in cards] == [("yellow", "handling"), ("red", "handling")]
    assert cards[1].escalated
    rooms = case.assignments.filter(unit_kind="room", active=True)
    assert rooms.count() == 1 and not rooms[0].lead
    # The escalation is the workflow's own step, taken by the sweep, on the timeline.
    last = case.timeline.order_by("-id").first()
    assert (last.action, last.actor_id, last.actor_name) == ("escalate", None, "system:sweep")
    assert (last.from_state, last.to_state) == ("handling", "handling")
    texts = [m["text"] for m in grid_worker.client.get("/api/v1/notifications").json()]
    assert any("黄牌" in t for t in texts) and any("红牌" in t for t in texts)


@pytest.mark.django_db
def test_a_suspended_case_gets_no_cards(home_grid: Grid, grid_worker: Persona, chief: User) -> None:
    case = file_case(home_grid, grid_worker.user)
    for step in ("accept", "dispatch", "sign_on"):
        case = act(case, step, actor=chief)
    case = act(case, "suspend", actor=chief, comment="等待鉴定")
    assert sweep(case.handle_due + dt.timedelta(days=3)).cards == {}
    assert not Card.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_dispatch_tells_the_people_of_the_unit(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    from outpost.accounts.models import User

    colleague = User.objects.create_user("colleague", password="x")
    grant_role(colleague, Role.GRID_WORKER, home_grid.code, actor=None)
    case = file_case(home_grid, grid_worker.user)
    case = act(case, "accept", actor=commander.user)
    case = act(case, "dispatch", actor=commander.user)
    assert Notification.objects.filter(
        user=colleague, subject_kind="case", subject_id=case.pk, event="dispatched"
    ).exists()
    assert not Notification.objects.filter(user=commander.user).exists()
    assert Case.objects.get(pk=case.pk).sign_on_due is not None
