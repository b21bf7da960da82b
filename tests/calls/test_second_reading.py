"""The second reading (二次研判): a call the danger rule keeps stays with the police whatever the
model says, and no case is opened; when the model would divert it had there been no sign, the
operator sees that sub-type beside the sign (desk, call page, API) and decides. A call the model
also reads as police, or cannot place, carries no suggestion."""

import json

import pytest

from outpost.calls.classify import (
    POLICE,
    POLICE_CAP,
    POLICE_LABEL,
    THRESHOLD,
    classify_call,
    second_reading,
)
from outpost.calls.model import Suggestion
from outpost.calls.models import Call
from outpost.cases.models import Case
from outpost.geo.models import Grid
from tests.calls.test_corrections import uploaded
from tests.calls.test_safety import DANGER, ForcedModel
from tests.conftest import Persona

# A false alarm as callers make them (砸 is a danger word; here it is renovation noise) and a
# police call the model reads as police too.
FALSE_ALARM = "楼上天天砸东西的声音，装修到半夜，吵得睡不着"
POLICE_CALL = "楼下有人打架，流了好多血"


def read(text: str, model: ForcedModel) -> tuple[str, str, str, str]:
    decision = second_reading(text, classify_call(text, ForcedModel()), model)
    return decision.decision, decision.subtype, decision.reason.code, decision.suggested


def test_it_shows_what_the_model_reads_but_keeps_the_call_with_the_police() -> None:
    assert read(FALSE_ALARM, ForcedModel("0901", 0.99)) == (POLICE, "", "danger", "0901")


def test_it_adds_nothing_when_the_model_would_not_divert() -> None:
    assert read(FALSE_ALARM, ForcedModel(POLICE_LABEL, 0.99)) == (POLICE, "", "danger", "")
    assert read(FALSE_ALARM, ForcedModel("0901", THRESHOLD - 0.01)) == (POLICE, "", "danger", "")


def test_it_adds_nothing_when_the_model_finds_the_call_police_like() -> None:
    class Wary(ForcedModel):
        def suggest(self, text: str) -> Suggestion:
            return Suggestion("0901", 0.99, (), POLICE_CAP)

    assert read(FALSE_ALARM, Wary()) == (POLICE, "", "danger", "")


def test_it_leaves_a_call_without_a_danger_sign_as_the_model_decided() -> None:
    decided = classify_call("楼上装修电钻太吵", ForcedModel("0902", 0.99))
    assert second_reading("楼上装修电钻太吵", decided, ForcedModel("0901", 0.99)) is decided


@pytest.mark.parametrize("danger", DANGER)
def test_it_keeps_every_danger_phrase_with_the_police_whatever_the_reading(danger: str) -> None:
    text = f"楼上装修电钻太吵，{danger}"
    assert read(text, ForcedModel("0901", 0.99)) == (POLICE, "", "danger", "0901")


@pytest.mark.django_db
def test_it_shows_the_operator_the_reading_of_a_kept_call(
    commander: Persona, home_grid: Grid
) -> None:
    call = uploaded(commander, home_grid, "110-R-1", FALSE_ALARM)
    assert (call.decision, call.reason_code, call.case) == ("police", "danger", None)
    assert call.suggested == "0901" and call.model_version == 1
    page = commander.client.get("/calls/110-R-1/").content.decode()
    assert "危险迹象规则将此警情留给公安，任何模型都不能推翻" in page
    assert "噪音扰民" in page and "砸" in page  # the reading's sub-type and the sign
    desk = commander.client.get("/calls/").content.decode()
    assert "危险迹象“砸" in desk and "”；模型读作" in desk
    answer = json.loads(commander.client.get("/api/v1/calls/110-R-1").content)
    assert (answer["decision"], answer["reason_code"], answer["suggested"]) == (
        "police",
        "danger",
        "0901",
    )
    assert answer["case_number"] == "" and not Case.objects.exists()


@pytest.mark.django_db
def test_it_shows_the_reading_to_no_one_who_may_not_see_the_call(
    commander: Persona, grid_worker: Persona, home_grid: Grid
) -> None:
    uploaded(commander, home_grid, "110-R-3", FALSE_ALARM)
    assert grid_worker.client.get("/calls/110-R-3/").status_code in (403, 404)
    assert grid_worker.client.get("/api/v1/calls/110-R-3").status_code in (403, 404)


@pytest.mark.django_db
def test_it_stops_inviting_a_correction_once_an_operator_confirmed_the_call(
    commander: Persona, home_grid: Grid
) -> None:
    uploaded(commander, home_grid, "110-R-4", FALSE_ALARM)
    assert commander.client.post("/calls/110-R-4/confirm/").status_code == 302
    page = commander.client.get("/calls/110-R-4/").content.decode()
    assert 'id="second-reading"' not in page and "确认" in page
    assert "模型读作" not in commander.client.get("/calls/").content.decode()
    assert Call.objects.get(call_id="110-R-4").decision == "police"


@pytest.mark.django_db
def test_it_says_so_when_the_model_reads_a_kept_call_as_police_too(
    commander: Persona, home_grid: Grid
) -> None:
    call = uploaded(commander, home_grid, "110-R-2", POLICE_CALL)
    assert (call.decision, call.reason_code, call.suggested, call.case) == (
        "police",
        "danger",
        "",
        None,
    )
    assert call.model_version == 1  # the model read it, and suggested nothing
    page = commander.client.get("/calls/110-R-2/").content.decode()
    assert "模型也把它读作警务警情，或无法判断" in page
    assert "任何模型都不能推翻" not in page
    assert "模型读作" not in commander.client.get("/calls/").content.decode()
    # A call stored before the second reading existed: the model was not asked, and says so.
    Call.objects.filter(call_id="110-R-2").update(model_version=None)
    page = commander.client.get("/calls/110-R-2/").content.decode()
    assert "未经模型判断" in page and "模型也把它读作" not in page
