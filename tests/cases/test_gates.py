"""Gates of the loop that the workflow table enforces: a sub-type that needs the beat's officer
is accepted only after the officer verified it, and a case closes only after 回访 (the
resident's rating, or as many unanswered follow-up calls as its sub-type says)."""

import datetime as dt
import json
import lzma
from typing import Any

import pytest
from django.test import Client

from outpost.cases import services
from outpost.cases.history import generate_history
from outpost.cases.models import Case, SubType
from outpost.cases.workflow import State
from outpost.geo.models import Grid
from outpost.registry.imports import run_import
from tests.cases.conftest import file_case
from tests.conftest import GULOU, Persona

pytestmark = pytest.mark.django_db
API = "/api/v1/cases"
OUTCOME = {"mediation_outcome": "调解成功"}


@pytest.fixture(autouse=True)
def calls_back_to_back(settings: Any) -> None:
    """These tests count calls, not the time between them (see the spacing test below)."""
    settings.OUTPOST_FOLLOWUP_RETRY_MINUTES = 0


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def completed(home_grid: Grid, grid_worker: Persona, commander: Persona) -> Case:
    """A neighbours' dispute (0101: 回访 required, 3 calls) handled and completed."""
    case = file_case(home_grid, grid_worker.user)
    for step in ("accept", "dispatch"):
        case = services.act(case, step, actor=commander.user)
    case = services.act(case, "sign_on", actor=grid_worker.user)
    return services.act(
        case, "complete", actor=grid_worker.user, comment="双方和解", payload=OUTCOME
    )


# 7. Needs the officer's verification


def test_it_does_not_let_a_dispatcher_accept_what_the_officer_must_verify(
    home_grid: Grid, grid_worker: Persona, commander: Persona, officer: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user, "0401", title="新搬入住户未登记")
    url = f"{API}/{case.number}"
    assert commander.client.get(url).json()["allowed_actions"] == [
        "request_verification",
        "reject",
    ]
    refused = post(commander.client, f"{url}/actions/accept")
    assert refused.status_code == 422, refused.content
    assert "核实" in refused.json()["detail"] and "verif" in refused.json()["detail_en"]
    assert Case.objects.get(pk=case.pk).state == State.REPORTED
    assert post(commander.client, f"{url}/actions/request_verification").status_code == 200
    assert post(officer.client, f"{url}/actions/verify").json()["state"] == "accepted"
    assert post(commander.client, f"{url}/actions/dispatch").json()["state"] == "dispatched"


def test_it_refuses_the_shortcut_on_the_page_and_in_the_service_too(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    case = file_case(home_grid, grid_worker.user, "0205", title="仓库存放不明化学品")
    html = commander.client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-action="accept"' not in html and 'data-action="request_verification"' in html
    answer = commander.client.post(
        f"/cases/{case.number}/act/accept/", {"accept-version": case.version}
    )
    assert answer.status_code == 200 and "须经警格民警核实" in answer.content.decode()
    with pytest.raises(services.ValidationError):
        services.act(case, "accept", actor=commander.user)
    assert Case.objects.get(pk=case.pk).state == State.REPORTED


# 8. 回访 is a gate


def test_it_closes_a_case_only_after_the_residents_rating(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    case = completed(home_grid, grid_worker, commander)
    url = f"{API}/{case.number}"
    assert "close" not in commander.client.get(url).json()["allowed_actions"]
    refused = post(commander.client, f"{url}/actions/close")
    assert refused.status_code == 422, refused.content
    assert "回访" in refused.json()["detail"] and "follow-up" in refused.json()["detail_en"]
    assert Case.objects.get(pk=case.pk).state == State.COMPLETED
    rated = post(commander.client, f"{url}/actions/rate", {"rating": "satisfied"})
    assert "close" in rated.json()["allowed_actions"]
    assert post(commander.client, f"{url}/actions/close").json()["state"] == "closed"


def test_it_closes_after_as_many_unanswered_followup_calls_as_the_subtype_says(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    case = completed(home_grid, grid_worker, commander)
    assert SubType.objects.get(code="0101").followup_attempts == 3
    url = f"{API}/{case.number}/actions"
    reached = post(commander.client, f"{url}/followup", {"outcome": "reached"})
    assert reached.status_code == 200, reached.content
    for n in (1, 2):
        post(commander.client, f"{url}/followup", {"outcome": "unreachable", "comment": "无人接听"})
        assert post(commander.client, f"{url}/close").status_code == 422, n
    third = post(commander.client, f"{url}/followup", {"outcome": "unreachable"})
    assert "close" in third.json()["allowed_actions"]
    assert post(commander.client, f"{url}/close").json()["state"] == "closed"
    calls = Case.objects.get(pk=case.pk).timeline.filter(action="followup").order_by("id")
    assert [(t.actor, t.from_state, t.to_state) for t in calls] == [
        (commander.user, "completed", "completed")
    ] * 4
    # Stored as codes (the outcome, the call's number in the round) beside what was said…
    assert [(t.details, t.comment) for t in calls] == [
        ({"outcome": "reached"}, ""),
        ({"outcome": "unreachable", "attempt": 1}, "无人接听"),
        ({"outcome": "unreachable", "attempt": 2}, "无人接听"),
        ({"outcome": "unreachable", "attempt": 3}, ""),
    ]
    # …and worded when read, in the reader's language.
    timeline = commander.client.get(f"{API}/{case.number}").json()["timeline"]
    assert [t["comment"] for t in timeline if t["action"] == "followup"] == [
        "回访：已联系上",
        "回访：未联系上（第1次）：无人接听",
        "回访：未联系上（第2次）：无人接听",
        "回访：未联系上（第3次）",
    ]
    english = commander.client.get(f"{API}/{case.number}", HTTP_ACCEPT_LANGUAGE="en")
    assert "Follow-up: not reached (call 3)" in [t["comment"] for t in english.json()["timeline"]]


def test_it_counts_the_calls_of_each_round_and_needs_a_known_outcome(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    case = completed(home_grid, grid_worker, commander)
    url = f"{API}/{case.number}/actions"
    bad = post(commander.client, f"{url}/followup", {"outcome": "maybe"})
    assert bad.status_code == 422 and "outcome" in bad.content.decode()
    assert (
        post(grid_worker.client, f"{url}/followup", {"outcome": "unreachable"}).status_code == 403
    )
    for _ in range(2):
        post(commander.client, f"{url}/followup", {"outcome": "unreachable"})
    unhappy = post(commander.client, f"{url}/rate", {"rating": "unsatisfied"})
    assert unhappy.json()["state"] == "handling"  # reopening on dissatisfaction is unchanged
    post(grid_worker.client, f"{url}/complete", {"comment": "再次调解", **OUTCOME})
    post(commander.client, f"{url}/followup", {"outcome": "unreachable"})
    assert post(commander.client, f"{url}/close").status_code == 422  # 1 call in this round


def test_it_records_followup_calls_from_the_case_page(
    home_grid: Grid, grid_worker: Persona, commander: Persona
) -> None:
    case = completed(home_grid, grid_worker, commander)
    url = f"/cases/{case.number}/"
    html = commander.client.get(url).content.decode()
    assert 'data-action="followup"' in html and 'data-action="close"' not in html
    assert "本次回访是否联系上" in html
    for n in range(1, 4):
        case.refresh_from_db()
        form = {"followup-version": case.version, "followup-outcome": "unreachable"}
        answer = commander.client.post(f"{url}act/followup/", form)
        assert answer.status_code == 302, answer.content.decode()[:2000]
        refused = commander.client.post(f"{url}act/close/", {"close-version": case.version + 1})
        assert (refused.status_code == 200) == (n < 3)
        assert ("后方可结案" in refused.content.decode()) == (n < 3)  # says why
    case.refresh_from_db()
    assert case.state == State.CLOSED and case.followups_failed == 3
    html = commander.client.get(url).content.decode()
    assert "回访：未联系上（第3次）" in html and "记录回访" in html


def test_it_closes_without_followup_where_the_subtype_needs_none(
    home_grid: Grid, grid_worker: Persona, commander: Persona, officer: Persona
) -> None:
    assert not SubType.objects.get(code="0401").followup_required
    case = file_case(home_grid, grid_worker.user, "0401", title="住户信息变更")
    case = services.act(case, "request_verification", actor=commander.user)
    case = services.act(case, "verify", actor=officer.user)
    case = services.act(case, "dispatch", actor=commander.user)
    case = services.act(case, "sign_on", actor=grid_worker.user)
    case = services.act(case, "complete", actor=grid_worker.user, comment="已更新登记")
    assert services.act(case, "close", actor=commander.user).state == State.CLOSED


@pytest.fixture
def some_addresses() -> None:
    lines = lzma.decompress((GULOU / "addresses.csv.xz").read_bytes()).decode().splitlines()
    run_import("addresses", "\n".join(lines[:400]).encode(), "addresses.csv")


@pytest.mark.usefixtures("some_addresses")
def test_it_makes_demo_history_that_passes_both_gates() -> None:
    assert generate_history(count=600, days=90, seed=11) == 600
    subtypes = {s.pk: s for s in SubType.objects.all()}
    verified = closed_unreachable = 0
    for case in Case.objects.prefetch_related("timeline"):
        sub = subtypes[case.subtype_id]
        steps = [(t.action, t.from_state) for t in case.timeline.order_by("at", "id")]
        if sub.needs_verification:
            assert ("accept", "reported") not in steps, case.number
            verified += ("verify", "awaiting_verification") in steps
        if case.state == State.CLOSED:
            (closed_from,) = [src for action, src in steps if action == "close"]
            if closed_from == "completed" and sub.followup_required:
                assert case.followups_failed >= sub.followup_attempts, case.number
                closed_unreachable += 1
    assert verified > 0 and closed_unreachable > 0


def test_it_counts_unanswered_calls_only_when_made_at_different_times(
    home_grid: Grid, grid_worker: Persona, commander: Persona, settings: Any
) -> None:
    """Three clicks in a row are not three tries: the next call waits the retry interval."""
    settings.OUTPOST_FOLLOWUP_RETRY_MINUTES = 60
    case = completed(home_grid, grid_worker, commander)
    url = f"{API}/{case.number}/actions"
    assert post(commander.client, f"{url}/followup", {"outcome": "unreachable"}).status_code == 200
    again = post(commander.client, f"{url}/followup", {"outcome": "unreachable"})
    assert again.status_code == 422 and "回访" in again.json()["detail"]
    assert "follow-up call" in again.json()["detail_en"]
    assert Case.objects.get(pk=case.pk).followups_failed == 1
    for _ in range(2):  # an hour passes between the calls
        earlier = Case.objects.get(pk=case.pk).last_followup_at - dt.timedelta(minutes=61)
        Case.objects.filter(pk=case.pk).update(last_followup_at=earlier)
        later = post(commander.client, f"{url}/followup", {"outcome": "unreachable"})
        assert later.status_code == 200
    closed = post(commander.client, f"{url}/close")
    assert closed.status_code == 200 and closed.json()["state"] == State.CLOSED
