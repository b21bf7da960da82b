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


@pytest.mark.django_db
def test_it_keeps_the_danger_sign_in_view_after_the_call_is_corrected_there_and_back(
    commander: Persona, home_grid: Grid
) -> None:
    uploaded(commander, home_grid, "110-R-5", FALSE_ALARM)
    desk_said = str(Call.objects.get(call_id="110-R-5").reason_text)
    assert "砸" in desk_said
    client = commander.client
    assert client.post("/calls/110-R-5/correct/", {"to": "0901"}).status_code == 302
    assert client.post("/calls/110-R-5/correct/", {"to": POLICE_LABEL}).status_code == 302
    call = Call.objects.get(call_id="110-R-5")
    assert call.reason_code == "corrected_police" and call.desk_reason_text == desk_said
    page = client.get("/calls/110-R-5/").content.decode()
    assert "系统原判断" in page and desk_said in page
    answer = json.loads(client.get("/api/v1/calls/110-R-5").content)
    assert answer["reason_code"] == "corrected_police" and answer["desk_reason"] == desk_said
    assert answer["desk_reason_code"] == "danger"
    # Diverted again and confirmed: still the desk's own reason, not an operator's.
    assert client.post("/calls/110-R-5/correct/", {"to": "0902"}).status_code == 302
    assert client.post("/calls/110-R-5/confirm/").status_code == 302
    assert Call.objects.get(call_id="110-R-5").desk_reason_text == desk_said
    # A call no operator corrected shows its reason once, and no "the desk had decided".
    uploaded(commander, home_grid, "110-R-6", POLICE_CALL)
    assert "系统原判断" not in client.get("/calls/110-R-6/").content.decode()
    assert json.loads(client.get("/api/v1/calls/110-R-6").content)["desk_reason"] == ""


def listed(persona: Persona, query: str = "") -> list[str]:
    page = persona.client.get(f"/calls/{query}").context["page"]
    return [c.call_id for c in page.object_list]


@pytest.mark.django_db
def test_it_lists_the_calls_waiting_for_a_second_reading(
    commander: Persona, other_commander: Persona, home_grid: Grid
) -> None:
    uploaded(commander, home_grid, "110-R-7", FALSE_ALARM)  # flagged
    uploaded(commander, home_grid, "110-R-8", POLICE_CALL)  # the model reads police too
    uploaded(commander, home_grid, "110-R-9")  # an everyday call, diverted
    assert set(listed(commander)) == {"110-R-7", "110-R-8", "110-R-9"}
    assert listed(commander, "?show=second") == ["110-R-7"]
    assert set(listed(commander, "?show=unreviewed")) == {"110-R-7", "110-R-8", "110-R-9"}
    desk = commander.client.get("/calls/?show=second").content.decode()
    assert 'data-show="second" class="current"' in desk
    assert '危险迹象待二次研判 <span class="count">1</span>' in desk
    # Another area's commander sees none of it, in the list or in the counts.
    assert listed(other_commander, "?show=second") == []
    theirs = other_commander.client.get("/calls/").content.decode()
    assert '危险迹象待二次研判 <span class="count">0</span>' in theirs
    # Reviewed, it leaves the filter (not the list).
    assert commander.client.post("/calls/110-R-7/confirm/").status_code == 302
    assert listed(commander, "?show=second") == []
    assert "没有待处理的此类警情" in commander.client.get("/calls/?show=second").content.decode()
    assert "110-R-7" not in listed(commander, "?show=unreviewed")
    assert "110-R-7" in listed(commander)


@pytest.mark.django_db
def test_it_shows_all_calls_for_a_filter_it_does_not_know(
    commander: Persona, home_grid: Grid
) -> None:
    uploaded(commander, home_grid, "110-R-10", FALSE_ALARM)
    response = commander.client.get("/calls/?show=%3Cb%3Eall%3C%2Fb%3E")
    assert listed(commander, "?show=%3Cb%3Eall%3C%2Fb%3E") == ["110-R-10"]
    assert "<b>all</b>" not in response.content.decode()


@pytest.mark.django_db
def test_it_still_says_the_model_read_a_danger_call_after_a_correction(
    commander: Persona, home_grid: Grid
) -> None:
    uploaded(commander, home_grid, "110-R-11", POLICE_CALL)  # the model reads police too
    assert commander.client.post("/calls/110-R-11/correct/", {"to": "0901"}).status_code == 302
    page = commander.client.get("/calls/110-R-11/").content.decode()
    assert "模型也把它读作警务警情" in page and "未经模型判断" not in page


@pytest.mark.django_db
def test_it_keeps_the_words_of_a_call_stored_before_reasons_had_codes(
    commander: Persona, home_grid: Grid
) -> None:
    uploaded(commander, home_grid, "110-R-12", FALSE_ALARM)
    legacy = "危险信号：砸（暴力）"
    Call.objects.filter(call_id="110-R-12").update(reason=legacy, reason_code="", reason_params={})
    assert commander.client.post("/calls/110-R-12/correct/", {"to": "0901"}).status_code == 302
    call = Call.objects.get(call_id="110-R-12")
    assert (call.reason_code, call.desk_reason_text, call.desk_reason_code) == (
        "corrected",
        legacy,
        "",
    )
    assert legacy in commander.client.get("/calls/110-R-12/").content.decode()


@pytest.mark.django_db
def test_it_lists_the_same_calls_through_the_api_as_the_desk_does(
    commander: Persona, other_commander: Persona, grid_worker: Persona, home_grid: Grid
) -> None:
    uploaded(commander, home_grid, "110-R-13", FALSE_ALARM)
    uploaded(commander, home_grid, "110-R-14", POLICE_CALL)
    uploaded(commander, home_grid, "110-R-15")
    api = commander.client
    assert commander.client.post("/calls/110-R-15/confirm/").status_code == 302
    everything = api.get("/api/v1/calls").json()
    assert {c["call_id"] for c in everything} == {"110-R-13", "110-R-14", "110-R-15"}
    assert {c["call_id"]: c["reviewed"] for c in everything}["110-R-15"] is True
    assert api.get("/api/v1/calls/110-R-13").json()["reviewed"] is False
    for show in ("", "unreviewed", "marked", "second"):
        answer = api.get("/api/v1/calls", {"show": show} if show else {}).json()
        assert [c["call_id"] for c in answer] == listed(commander, f"?show={show}"), show
    assert "110-R-15" not in [c["call_id"] for c in api.get("/api/v1/calls?show=unreviewed").json()]
    second = api.get("/api/v1/calls", {"show": "second"}).json()
    assert [(c["call_id"], c["reason_code"], c["suggested"]) for c in second] == [
        ("110-R-13", "danger", "0901")
    ]
    assert len(api.get("/api/v1/calls", {"limit": 1}).json()) == 1
    assert api.get("/api/v1/calls", {"offset": 3}).json() == []
    # Another area's commander: none of them; a grid worker, who does not dispatch: 403.
    assert other_commander.client.get("/api/v1/calls").json() == []
    assert grid_worker.client.get("/api/v1/calls").status_code == 403
    # A filter it does not know, or a page out of bounds: refused, saying which field.
    for query in ({"show": "<b>x</b>"}, {"limit": 0}, {"offset": -1}):
        answer = api.get("/api/v1/calls", query)
        assert answer.status_code == 422, query
        assert next(iter(query)) in answer.content.decode() and "<b>" not in answer.content.decode()
