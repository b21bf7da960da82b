"""Operators correct the desk: see the model's suggestion, its confidence and why, then divert a
call to another sub-type, keep it with the police, or divert a kept call, or confirm it as it
stands; on the page and in the API, for the dispatchers of the call's area only. Each correction
and confirmation is kept (who, when, from, to), audited, and becomes training data."""

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from outpost.calls.learning import correction_examples, retrain
from outpost.calls.models import Call, Correction
from outpost.cases.models import Case
from outpost.core.models import ChangeRecord
from outpost.geo.models import Grid
from tests.calls.conftest import call_at, vague_call
from tests.calls.test_pages import upload
from tests.conftest import OTHER_GRID, Persona

pytestmark = pytest.mark.django_db


def uploaded(persona: Persona, grid: Grid, call_id: str, content: str | None = None) -> Call:
    row = call_at(grid.code, call_id) if content is None else call_at(grid.code, call_id, content)
    assert upload(persona.client, [row]).status_code == 200
    return Call.objects.select_related("case").get(call_id=call_id)


def correct_page(client: Client, call_id: str, to: str) -> Any:
    return client.post(f"/calls/{call_id}/correct/", {"to": to})


def correct_api(client: Client, call_id: str, to: str) -> Any:
    body = json.dumps({"to": to})
    return client.post(f"/api/v1/calls/{call_id}/correct", body, content_type="application/json")


def test_it_shows_the_suggestion_its_confidence_and_why(
    commander: Persona, home_grid: Grid
) -> None:
    call = uploaded(commander, home_grid, "110-C-0")
    assert (call.decision, call.suggested, call.model_version) == ("divert", "0901", 1)
    assert call.confidence is not None and call.confidence >= 0.45 and call.why
    page = commander.client.get("/calls/110-C-0/").content.decode()
    assert "模型建议" in page and f"{call.confidence:.2f}" in page
    assert "装修施工噪音" in page  # the situation that weighed most, in Chinese
    desk = commander.client.get("/calls/").content.decode()
    assert "在用模型" in desk and "版本 1" in desk and "默认模型" in desk


def test_it_diverts_a_call_to_another_subtype_and_moves_its_case(
    commander: Persona, home_grid: Grid
) -> None:
    call = uploaded(commander, home_grid, "110-C-1")
    first = call.case
    assert first is not None and first.subtype.code == "0901"
    answer = correct_page(commander.client, "110-C-1", "0902")
    assert answer.status_code == 302 and answer["Location"] == "/calls/110-C-1/"
    call.refresh_from_db()
    assert (call.decision, call.subtype, call.reason_code, call.marked) == (
        "divert",
        "0902",
        "corrected",
        False,
    )
    assert call.case is not None and call.case.subtype.code == "0902"
    assert call.case.state == "dispatched" and call.case.pk != first.pk
    first.refresh_from_db()
    assert first.state == "rejected"
    correction = Correction.objects.get(call=call)
    assert (correction.actor, correction.from_label, correction.to_label) == (
        commander.user,
        "0901",
        "0902",
    )
    audit = ChangeRecord.objects.get(action="correct_call", object_key="110-C-1")
    assert (audit.before, audit.after["label"]) == ({"label": "0901"}, "0902")
    assert [(e.text, e.label) for e in correction_examples()] == [(call.content, "0902")]
    page = commander.client.get("/calls/110-C-1/").content.decode()
    assert "更正记录" in page and "接警员改派至" in page


def test_it_keeps_a_diverted_call_with_the_police_through_the_api(
    commander: Persona, home_grid: Grid
) -> None:
    call = uploaded(commander, home_grid, "110-C-2")
    case = call.case
    answer = correct_api(commander.client, "110-C-2", "POLICE")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["decision"], body["subtype"], body["case_number"]) == ("police", "", "")
    assert body["suggested"] == "0901" and body["why"]
    assert Case.objects.get(pk=case.pk).state == "rejected"
    assert Correction.objects.get(call=call).to_label == "POLICE"
    again = correct_api(commander.client, "110-C-2", "POLICE")
    assert again.status_code == 422 and again.json()["detail"] == "该警情已是此处理结果"


def test_it_marks_a_call_it_cannot_tell_and_lets_the_operator_divert_it(
    commander: Persona, home_grid: Grid
) -> None:
    call = uploaded(commander, home_grid, "110-C-3", vague_call())
    assert (call.decision, call.marked, call.case) == ("police", True, None)
    assert call.reason_code == "unsure"
    assert "无法判断" in commander.client.get("/calls/").content.decode()
    assert correct_page(commander.client, "110-C-3", "0905").status_code == 302
    call.refresh_from_db()
    assert (call.decision, call.subtype, call.marked) == ("divert", "0905", False)
    assert call.case is not None and call.case.subtype.code == "0905"
    assert Correction.objects.get(call=call).from_label == "POLICE"


def test_it_refuses_a_label_the_desk_does_not_divert_to(
    commander: Persona, home_grid: Grid
) -> None:
    uploaded(commander, home_grid, "110-C-4")
    page = correct_page(commander.client, "110-C-4", "0101")
    assert page.status_code == 200 and page.context["form"].errors["to"]
    assert correct_api(commander.client, "110-C-4", "0999").status_code == 422
    assert not Correction.objects.exists()


def test_it_lets_only_the_dispatchers_of_the_calls_area_correct_it(
    commander: Persona,
    grid_worker: Persona,
    outsider: Persona,
    other_commander: Persona,
    home_grid: Grid,
) -> None:
    uploaded(commander, home_grid, "110-C-5")
    assert correct_page(grid_worker.client, "110-C-5", "0902").status_code == 403
    assert correct_api(grid_worker.client, "110-C-5", "0902").status_code == 403
    for persona in (outsider, other_commander):
        assert correct_page(persona.client, "110-C-5", "0902").status_code == 404
        assert correct_api(persona.client, "110-C-5", "0902").status_code == 404
    assert grid_worker.client.get("/api/v1/calls/model").status_code == 403
    model = commander.client.get("/api/v1/calls/model").json()
    assert model["version"] == 1 and model["scores"]["sample"]["police_diverted"] == 0
    assert not Correction.objects.exists()
    assert Call.objects.get(call_id="110-C-5").subtype == "0901"


def confirm_page(client: Client, call_id: str) -> Any:
    return client.post(f"/calls/{call_id}/confirm/")


def confirm_api(client: Client, call_id: str) -> Any:
    return client.post(f"/api/v1/calls/{call_id}/confirm", "{}", content_type="application/json")


def test_it_confirms_a_kept_call_so_the_next_model_learns_it_stays(
    commander: Persona, home_grid: Grid
) -> None:
    call = uploaded(commander, home_grid, "110-C-6", vague_call())
    assert (call.decision, call.marked) == ("police", True)
    answer = confirm_page(commander.client, "110-C-6")
    assert answer.status_code == 302 and answer["Location"] == "/calls/110-C-6/"
    call.refresh_from_db()
    assert (call.decision, call.subtype, call.marked, call.case) == ("police", "", False, None)
    confirmation = Correction.objects.get(call=call)
    assert (confirmation.actor, confirmation.from_label, confirmation.to_label) == (
        commander.user,
        "POLICE",
        "POLICE",
    )
    audit = ChangeRecord.objects.get(action="confirm_call", object_key="110-C-6")
    assert audit.after == {"label": "POLICE"}
    examples = [(e.text, e.label, e.source) for e in correction_examples()]
    assert examples == [(vague_call(), "POLICE", "confirmation")]
    page = commander.client.get("/calls/110-C-6/").content.decode()
    assert "已确认，下一版模型将从中学习" in page and "确认</span>" not in page
    assert "：确认 <span" in page  # the list says confirmed, not POLICE → POLICE
    again = commander.client.post("/calls/110-C-6/confirm/", follow=True).content.decode()
    assert "接警员已确认或设定过此处理结果" in again
    assert Correction.objects.filter(call=call).count() == 1
    retrained = retrain(unseen=Path("/nonexistent"))
    assert retrained is not None and retrained.adopted
    desk = commander.client.get("/calls/").content.decode()
    assert "从接警员处学习：更正 0 条，确认 1 条" in desk


def test_it_confirms_a_diverted_call_through_the_api_and_leaves_its_case(
    commander: Persona, home_grid: Grid
) -> None:
    call = uploaded(commander, home_grid, "110-C-7")
    case = call.case
    answer = confirm_api(commander.client, "110-C-7")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["decision"], body["subtype"], body["case_number"]) == (
        "divert",
        "0901",
        case.number,
    )
    assert Case.objects.get(pk=case.pk).state == "dispatched"
    assert [(e.label, e.source) for e in correction_examples()] == [("0901", "confirmation")]
    again = confirm_api(commander.client, "110-C-7")
    assert again.status_code == 422 and again.json()["detail"] == "接警员已确认或设定过此处理结果"
    assert correct_api(commander.client, "110-C-7", "0902").status_code == 200
    assert confirm_api(commander.client, "110-C-7").status_code == 422  # set by an operator
    assert [(e.label, e.source) for e in correction_examples()] == [("0902", "correction")]


def test_it_lets_only_the_dispatchers_of_the_calls_area_confirm_it(
    commander: Persona,
    grid_worker: Persona,
    outsider: Persona,
    other_commander: Persona,
    home_grid: Grid,
) -> None:
    uploaded(commander, home_grid, "110-C-8")
    assert confirm_page(grid_worker.client, "110-C-8").status_code == 403
    assert confirm_api(grid_worker.client, "110-C-8").status_code == 403
    for persona in (outsider, other_commander):
        assert confirm_page(persona.client, "110-C-8").status_code == 404
        assert confirm_api(persona.client, "110-C-8").status_code == 404
    assert grid_worker.client.get("/calls/110-C-8/confirm/").status_code in (403, 405)
    assert not Correction.objects.exists()
    assert not ChangeRecord.objects.filter(action="confirm_call").exists()


def confirm_selected(client: Client, call_ids: list[str], page: str = "") -> Any:
    return client.post(f"/calls/{page}", {"confirm": "1", "call": call_ids})


def test_it_confirms_the_calls_ticked_on_the_desk_and_passes_over_the_rest(
    commander: Persona, other_commander: Persona, home_grid: Grid
) -> None:
    other_grid = Grid.objects.get(code=OTHER_GRID)
    uploaded(commander, home_grid, "110-C-9")
    uploaded(commander, home_grid, "110-C-10", vague_call())
    uploaded(other_commander, other_grid, "110-C-11")  # not the commander's to see
    desk = commander.client.get("/calls/").content.decode()
    assert desk.count('type="checkbox" name="call"') == 2 and "110-C-11" not in desk

    chosen = ["110-C-9", "110-C-10", "110-C-11", "110-NONE", "110-C-9"]
    answer = confirm_selected(commander.client, chosen, "?page=1")
    assert answer.status_code == 302 and answer["Location"] == "/calls/?page=1"
    confirmed = Correction.objects.values_list("call__call_id", "from_label", "to_label")
    assert sorted(confirmed) == [("110-C-10", "POLICE", "POLICE"), ("110-C-9", "0901", "0901")]
    assert not Call.objects.get(call_id="110-C-10").marked
    page = commander.client.get("/calls/").content.decode()
    assert "已确认 2 条；跳过 2 条" in page  # the hidden call and the unknown one, alike
    assert 'type="checkbox" name="call"' not in page and page.count("已复核") == 2
    again = confirm_selected(commander.client, ["110-C-9"])
    assert again.status_code == 302 and Correction.objects.count() == 2


def test_it_lets_no_one_but_a_dispatcher_confirm_from_the_desk(
    commander: Persona, grid_worker: Persona, outsider: Persona, home_grid: Grid
) -> None:
    uploaded(commander, home_grid, "110-C-12")
    for persona in (grid_worker, outsider):
        assert confirm_selected(persona.client, ["110-C-12"]).status_code == 403
    assert not Correction.objects.exists()


def test_it_says_no_model_is_trained_before_the_first_call(commander: Persona) -> None:
    """Showing the desk trains nothing: the default model comes with the first call."""
    desk = commander.client.get("/calls/").content.decode()
    assert "尚未训练模型" in desk
    assert commander.client.get("/api/v1/calls/model").json()["version"] is None
