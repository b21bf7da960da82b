"""Requests for help: routing (the grid's worker, the beat's officer for police matters, the
outpost when nobody holds the post), deadlines by mode, the steps, the rating, the audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from outpost.core.models import ChangeRecord
from outpost.geo.models import Grid
from outpost.guides import services
from outpost.guides.models import HandledBy, Matter, RequestState, ServiceRequest
from tests.conftest import Persona
from tests.guides.conftest import ask

pytestmark = pytest.mark.django_db


def test_it_routes_a_civil_matter_to_the_grid_worker(home_grid: Grid, grid_worker: Persona) -> None:
    req = ask(home_grid)
    assert (req.handled_by, req.assignee) == (HandledBy.GRID, grid_worker.user)
    assert req.grid_code == home_grid.code and req.state == RequestState.SUBMITTED


def test_it_routes_a_police_matter_to_the_beats_officer(
    home_grid: Grid, grid_worker: Persona, officer: Persona
) -> None:
    req = ask(home_grid, "residence-permit")
    assert (req.handled_by, req.assignee) == (HandledBy.POLICE, officer.user)
    assert home_grid.main_beat is not None and req.beat_code == home_grid.main_beat.code


def test_it_leaves_it_to_the_outpost_when_nobody_holds_the_post(home_grid: Grid) -> None:
    req = ask(home_grid, "rental-registration")
    assert (req.handled_by, req.assignee) == (HandledBy.OUTPOST, None)


def test_it_stores_the_phone_protected_and_shows_it_masked(home_grid: Grid) -> None:
    req = ask(home_grid)
    assert req.phone_masked == "139****5678" and "13912345678" not in req.phone_enc
    assert str(req.phone) == "139****5678" and req.phone.reveal() == "13912345678"
    assert ServiceRequest.objects.filter(ServiceRequest.phone.q("13912345678")).count() == 1


def test_it_sets_the_deadline_by_mode_and_the_matters_time_limit(home_grid: Grid) -> None:
    deliver = ask(home_grid, "business-license", mode="deliver")
    on_behalf = ask(home_grid, "dibao", mode="on_behalf")
    end_to_end = ask(home_grid, "dibao", mode="end_to_end")
    assert deliver.due_at < on_behalf.due_at < end_to_end.due_at
    # 低保 takes 30 working days at the office: doing it for the resident takes longer still.
    assert (on_behalf.due_at - on_behalf.submitted_at).days >= 30


def test_it_refuses_a_request_missing_what_is_needed_and_writes_nothing(home_grid: Grid) -> None:
    with pytest.raises(ValidationError) as refused:
        ask(home_grid, phone="12", name=" ")
    assert set(refused.value.message_dict) == {"phone", "resident_name"}
    assert not ServiceRequest.objects.exists()
    with pytest.raises(ValidationError):
        ask(home_grid, mode="teleport")


def test_it_runs_the_steps_and_audits_each(
    request_in_home: ServiceRequest, grid_worker: Persona
) -> None:
    worker = grid_worker.user
    for step, state in (("accept", "accepted"), ("start", "in_progress"), ("finish", "done")):
        req = services.act(request_in_home, step, actor=worker)
        assert req.state == state
    assert req.closed_at is not None
    actions = list(
        ChangeRecord.objects.filter(object_key=req.code)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "create_service_request",
        "accept_service_request",
        "start_service_request",
        "finish_service_request",
    ]
    assert "13912345678" not in str(ChangeRecord.objects.filter(object_key=req.code).values())


def test_it_declines_only_with_a_reason(
    request_in_home: ServiceRequest, grid_worker: Persona
) -> None:
    with pytest.raises(ValidationError):
        services.act(request_in_home, "decline", actor=grid_worker.user)
    req = services.act(request_in_home, "decline", actor=grid_worker.user, reason="本人已自行办理")
    assert (req.state, req.decline_reason) == ("declined", "本人已自行办理")
    with pytest.raises(ValidationError):
        services.act(req, "accept", actor=grid_worker.user)


def test_it_lets_only_the_assignee_or_a_dispatcher_act(
    request_in_home: ServiceRequest, officer: Persona, commander: Persona, admin: Persona
) -> None:
    for someone in (officer, admin):
        with pytest.raises(PermissionDenied):
            services.act(request_in_home, "accept", actor=someone.user)
    req = services.act(request_in_home, "accept", actor=commander.user)
    assert req.state == "accepted"


def test_it_gives_an_outpost_request_to_whoever_accepts_it(
    home_grid: Grid, officer: Persona
) -> None:
    req = ask(home_grid, "business-license")  # no grid worker: the outpost's
    assert req.assignee is None
    req = services.act(req, "accept", actor=officer.user)
    assert req.assignee == officer.user


def test_it_takes_one_rating_of_a_done_request(
    request_in_home: ServiceRequest, grid_worker: Persona
) -> None:
    with pytest.raises(ValidationError):
        services.rate(request_in_home, 5)
    services.act(request_in_home, "accept", actor=grid_worker.user)
    services.act(request_in_home, "finish", actor=grid_worker.user)
    with pytest.raises(ValidationError):
        services.rate(request_in_home, 6)
    req = services.rate(request_in_home, 5, "很及时")
    assert (req.rating, req.rating_comment) == (5, "很及时")
    with pytest.raises(ValidationError):
        services.rate(req, 4)


def test_it_reindexes_an_edited_matter_and_refuses_non_editors(
    admin: Persona, commander: Persona
) -> None:
    matter = Matter.objects.get(code="ebike-plate")
    matter.keywords += " 滑板车"
    with pytest.raises(PermissionDenied):
        services.save_matter(matter, actor=commander.user)
    services.save_matter(matter, actor=admin.user)
    assert matter.terms.filter(term="滑板").exists()
    assert ChangeRecord.objects.filter(action="save_matter", object_key="ebike-plate").exists()


def test_it_lets_staff_enter_requests_only_in_their_own_area(
    home_grid: Grid, grid_worker: Persona, outsider: Persona
) -> None:
    """A worker of another street cannot send work to this grid's worker by entering a request
    for a resident here; in their own grid they can."""
    new = services.NewServiceRequest(
        matter=Matter.objects.get(code="senior-card"),
        mode="on_behalf",
        resident_name="王阿姨",
        phone="13912345678",
        address="中山路83号102室",
        grid=home_grid,
    )
    with pytest.raises(ValidationError) as refused:
        services.create_service_request(new, actor=outsider.user)
    assert list(refused.value.message_dict) == ["grid"]
    assert not ServiceRequest.objects.exists()
    entered = services.create_service_request(new, actor=grid_worker.user)
    assert entered.entered_by == grid_worker.user and entered.assignee == grid_worker.user
