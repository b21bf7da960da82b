"""The workflow table declares each action's inputs and effects once: the forms, the API body,
the board's one-click route and the executor all follow from it, and nothing else writes a
case's state."""

import re
from pathlib import Path

import pytest
from django.test import Client

from outpost.accounts.models import User
from outpost.cases.forms import FIELD_NAMES, ActionForm
from outpost.cases.models import SubType
from outpost.cases.services import act
from outpost.cases.workflow import SPECS, TRANSITIONS, Kind, Relation, State, path_to
from outpost.geo.models import Grid
from tests.cases.conftest import file_case
from tests.conftest import Persona

OUTPOST = Path(__file__).resolve().parents[2] / "outpost"


def test_it_declares_every_action_of_the_table_once() -> None:
    assert {t.action for t in TRANSITIONS} == set(SPECS)
    for step in TRANSITIONS:  # the system's steps are taken by the system alone
        assert (Relation.SYSTEM in step.who) <= (step.action in ("escalate", "reopen"))


def test_it_builds_the_api_body_from_the_declared_inputs(anonymous: Client) -> None:
    schema = anonymous.get("/api/v1/openapi.json").json()["components"]["schemas"]["ActionIn"]
    declared = {i.name for s in SPECS.values() for i in s.inputs if i.kind != Kind.FILES}
    assert set(schema["properties"]) == declared | {"comment"}
    rating = schema["properties"]["rating"]["anyOf"][0]["enum"]
    assert rating == list(SPECS["rate"].input("rating").choices)  # type: ignore[union-attr]


@pytest.mark.django_db
@pytest.mark.parametrize("subtype", ["0101", "0201", "0603"])
def test_it_builds_each_action_form_from_the_declared_inputs(
    home_grid: Grid, grid_worker: Persona, subtype: str
) -> None:
    case = file_case(home_grid, grid_worker.user, subtype)
    closing = SubType.objects.get(code=subtype).closing_requires
    for name, spec in SPECS.items():
        form = ActionForm(case=case, action=name)
        assert form.fields["comment"].required == spec.comment, name
        for item in spec.inputs:
            field = "units" if item.kind == Kind.UNITS else FIELD_NAMES.get(item.name, item.name)
            shown = not item.closing or item.closing == closing
            assert (field in form.fields) == shown, (name, item.name)
            if shown and item.closing:
                assert form.fields[field].required, (name, item.name)  # the sub-type needs it


@pytest.mark.django_db
def test_it_refuses_an_input_the_declaration_does_not_allow(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user)
    url = f"/api/v1/cases/{case.number}/actions"
    for step in ("accept", "dispatch"):
        assert commander.client.post(f"{url}/{step}", {}, "application/json").status_code == 200
    bad = commander.client.post(f"{url}/note", {"rating": "great"}, "application/json")
    assert bad.status_code == 422  # not one of the declared choices, whatever the action
    system = commander.client.post(f"{url}/escalate", {}, "application/json")
    assert system.status_code == 403  # the sweep's step is nobody's to take by hand


def test_the_board_routes_to_dispatch_through_the_table() -> None:
    from outpost.cases.workflow import Facts

    dispatcher = {Relation.DISPATCHER}
    plain, checked = Facts(), Facts(needs_verification=True)
    assert path_to(State.REPORTED, "dispatch", dispatcher, plain) == ("accept", "dispatch")
    assert path_to(State.ACCEPTED, "dispatch", dispatcher, plain) == ("dispatch",)
    assert path_to(State.DISPATCHED, "dispatch", dispatcher, plain) == ("dispatch",)
    # A case that needs the officer has no route for the room: it waits for 核实.
    assert path_to(State.REPORTED, "dispatch", dispatcher, checked) is None
    assert path_to(State.AWAITING_VERIFICATION, "dispatch", dispatcher, plain) is None
    assert path_to(State.CLOSED, "dispatch", dispatcher, plain) is None


def test_nothing_but_the_executor_moves_a_case_or_writes_its_timeline() -> None:
    """`act` is the only executor; the demo's history writes in bulk through the same effects."""
    moves = re.compile(
        r"Case\.objects[^\n]*\.update\([^)]*\bstate=|TimelineEntry\.objects\.(bulk_)?create"
        r"|[^ ]TimelineEntry\("
    )
    found = {
        str(path.relative_to(OUTPOST))
        for path in OUTPOST.rglob("*.py")
        if "migrations" not in path.parts and moves.search(path.read_text())
    }
    assert found == {"cases/services.py"}


@pytest.mark.django_db
def test_an_unsatisfied_rating_reopens_as_the_systems_own_step(
    home_grid: Grid, grid_worker: Persona, chief: User
) -> None:
    case = file_case(home_grid, grid_worker.user)
    for step in ("accept", "dispatch", "sign_on"):
        case = act(case, step, actor=chief)
    outcome = {"mediation_outcome": "调解成功"}  # a dispute closes with its outcome
    case = act(case, "complete", actor=chief, comment="已清理", payload=outcome)
    version = case.version
    rated = act(case, "rate", actor=chief, payload={"rating": "unsatisfied"}, comment="没清干净")
    assert (rated.state, rated.version, rated.rework_count) == ("handling", version + 2, 1)
    assert rated.rating == "unsatisfied" and rated.handle_due is not None
    rows = list(rated.timeline.order_by("-id")[:2])
    assert [(r.action, r.actor_name, r.comment) for r in rows] == [
        ("reopen", "system:unsatisfied_rating", ""),
        ("rate", "chief_p", "没清干净"),
    ]
    # The same from every door: the API answers with the reopened case too.
    again = act(rated, "complete", actor=chief, comment="再次清理", payload=outcome)
    url = f"/api/v1/cases/{again.number}/actions/rate"
    answer = grid_worker.client.post(url, {"rating": "unsatisfied"}, "application/json")
    assert answer.status_code == 200 and answer.json()["state"] == "handling"
    assert answer.json()["rework_count"] == 2
