"""Retraining: a candidate is kept as a new model version with its scores on the sample and on
the unseen set, and adopted only if it diverts no police call and scores no worse than the model
in use; the model in use is the default one, trained at first use, until one is adopted."""

import csv
import io
import pickle
from hashlib import sha256
from pathlib import Path

import pytest
from django.core.management import call_command

from outpost.calls import learning
from outpost.calls.classify import POLICE_LABEL
from outpost.calls.learning import consider, correction_examples, current_model, retrain
from outpost.calls.model import Classifier, Suggestion
from outpost.calls.models import Call, CallModel, Correction
from outpost.calls.training import (
    SAMPLE,
    Scores,
    default_examples,
    description_examples,
    police_examples,
    read_rows,
    spent_examples,
)
from outpost.core.models import ChangeRecord
from tests.calls.test_classify import DIVERTED
from tests.conftest import Persona

pytestmark = pytest.mark.django_db
COLUMNS = ("call_id", "received_at", "caller_phone", "location_text", "content", "label", "addr_id")
# A police matter in words the danger rule does not know: only a model can divert it.
QUIET_POLICE = "我要报案，有人在网上造谣诋毁我"
MUMBLED = "嗯……那个……算了，改天再讲"


class Oracle:
    """A candidate that answers from a table, `otherwise` for texts it does not hold."""

    def __init__(self, answers: dict[str, str], otherwise: str = POLICE_LABEL) -> None:
        self.answers, self.otherwise = answers, otherwise

    def suggest(self, text: str) -> Suggestion:
        return Suggestion(self.answers.get(text, self.otherwise), 0.99, ())

    def to_bytes(self) -> bytes:
        return pickle.dumps(self)


@pytest.fixture
def unseen(tmp_path: Path) -> Path:
    """A small unseen set of our own: the paraphrases and one quiet police call."""
    rows = [{"content": c, "label": s} for c, s in DIVERTED.items()]
    rows.append({"content": QUIET_POLICE, "label": POLICE_LABEL})
    rows.append({"content": MUMBLED, "label": "0905"})  # no model can tell; only the oracle
    path = tmp_path / "unseen.csv"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, restval="")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def labels(unseen: Path) -> dict[str, str]:
    return {r["content"]: r["label"] for r in read_rows(SAMPLE) + read_rows(unseen)}


def test_it_trains_the_default_model_at_first_use_and_keeps_it() -> None:
    assert not CallModel.objects.exists()
    model = current_model()
    assert (model.version, model.adopted, model.verdict) == (1, True, "first")
    assert model.counts == {
        "sample": 240,
        "descriptions": len(description_examples()),
        "police_phrases": len(police_examples()),
        "spent": len(spent_examples()),
    }
    assert model.counts["spent"] > 4 * 600  # the four spent held-out sets
    assert model.counts["descriptions"] > 8 * 12  # a dozen phrasings and more per sub-type
    assert model.scores["sample"]["police_diverted"] == 0
    assert current_model().pk == model.pk


def test_it_refuses_a_candidate_that_diverts_a_police_call(unseen: Path) -> None:
    answers = labels(unseen)
    answers[QUIET_POLICE] = "0905"  # right on everything else, but this police call leaves
    record = consider(Oracle(answers), [], unseen=unseen)  # type: ignore[arg-type]
    assert (record.version, record.adopted, record.verdict) == (2, False, "refused_police")
    assert record.scores["unseen"]["police_diverted"] == 1
    assert record.verdict_text == "未采用：会分流 1 条警务警情"
    assert current_model().version == 1
    audit = ChangeRecord.objects.get(action="retrain_calls", object_key="2")
    assert audit.after["adopted"] is False


def test_it_refuses_a_candidate_that_scores_worse(unseen: Path) -> None:
    record = consider(Oracle({}), [], unseen=unseen)  # type: ignore[arg-type]
    assert (record.adopted, record.verdict) == (False, "refused_worse")
    assert record.scores["unseen"]["right"] == 0 and record.scores["unseen"]["police_diverted"] == 0
    assert record.verdict_params["basis"] == "unseen"
    assert record.verdict_text.startswith("未采用：在未见警情集上分类正确率 0.0%")
    assert current_model().version == 1
    # A refused model is never loaded: its blob (about 60 MB for a real one) is not kept.
    assert bytes(CallModel.objects.values_list("blob", flat=True).get(version=2)) == b""


def test_it_does_not_store_a_refused_candidate_again(unseen: Path) -> None:
    first = consider(Oracle({}), [], unseen=unseen)  # type: ignore[arg-type]
    assert first is not None and not first.adopted
    again = consider(Oracle({}), [], unseen=unseen)  # type: ignore[arg-type]
    assert again is None
    assert list(CallModel.objects.values_list("version", flat=True)) == [2, 1]


def test_it_adopts_a_better_candidate(unseen: Path) -> None:
    record = consider(Oracle(labels(unseen)), [], unseen=unseen)  # type: ignore[arg-type]
    assert (record.adopted, record.verdict) == (True, "adopted")
    assert record.scores["unseen"]["right_share"] == 1.0
    assert float(record.verdict_params["new"].rstrip("%")) > float(
        record.verdict_params["old"].rstrip("%")
    )
    assert current_model().version == 2
    assert set(CallModel.objects.values_list("version", "adopted")) == {(1, True), (2, True)}


def test_it_retrains_on_corrections_and_scores_on_the_sample_when_there_is_no_unseen_set(
    tmp_path: Path,
) -> None:
    call = Call.objects.create(
        call_id="110-L-1",
        received_at="2026-11-20T21:30:00+08:00",
        content="小区里的共享单车堆成了山，没人管",
        decision="police",
        imported_at="2026-11-20T21:31:00+08:00",
    )
    Correction.objects.create(call=call, at=call.imported_at, from_label="POLICE", to_label="0906")
    kept = Call.objects.create(
        call_id="110-L-2",
        received_at="2026-11-20T21:40:00+08:00",
        content=QUIET_POLICE,
        decision="police",
        imported_at="2026-11-20T21:41:00+08:00",
    )
    confirmed = {"from_label": POLICE_LABEL, "to_label": POLICE_LABEL}
    Correction.objects.create(call=kept, at=kept.imported_at, **confirmed)
    assert [(e.text, e.label, e.source) for e in correction_examples()] == [
        (call.content, "0906", "correction"),
        (QUIET_POLICE, POLICE_LABEL, "confirmation"),
    ]
    record = retrain(unseen=tmp_path / "none.csv")
    assert record is not None
    assert (record.counts["correction"], record.counts["confirmation"]) == (1, 1)
    assert set(record.scores) == {"sample"}
    assert record.scores["sample"]["police_diverted"] == 0
    assert record.adopted, record.verdict_text  # no worse on the sample: adopted


def correct(n: int, content: str, label: str) -> None:
    """An operator's correction of a kept call: new training data."""
    at = f"2026-11-20T21:{30 + n}:00+08:00"
    call = Call.objects.create(
        call_id=f"110-L-{n}", received_at=at, content=content, decision="police", imported_at=at
    )
    Correction.objects.create(call=call, at=at, from_label=POLICE_LABEL, to_label=label)


def test_it_reports_the_scores_of_both_sets_from_the_command(unseen: Path) -> None:
    printed = io.StringIO()
    call_command("calls", "retrain", "--unseen", str(unseen), stdout=printed)
    # Nothing learnt since the default model: no copy of it is stored.
    assert printed.getvalue() == "沿用模型 v1：重新训练得到的模型与之相同\n"
    assert list(CallModel.objects.values_list("version", flat=True)) == [1]
    correct(1, "小区里的共享单车堆成了山，没人管", "0906")
    printed = io.StringIO()
    call_command("calls", "retrain", "--unseen", str(unseen), stdout=printed)
    said = printed.getvalue()
    assert said.startswith("模型 v2：") and "sample：240 条" in said
    assert "在未见警情集上分类正确率" in said
    assert f"unseen：{len(DIVERTED) + 2} 条" in said
    correct(2, "楼下花坛里的月季被人挖走种到自家院子里了，物业说不归他们管", "0903")
    printed = io.StringIO()
    call_command("calls", "retrain", "--unseen", str(unseen.with_name("x.csv")), stdout=printed)
    said = printed.getvalue()
    assert said.startswith("模型 v3：") and "在样本集上分类正确率" in said
    assert "仅在样本上评分" in said


def test_it_pools_two_sets_scores_as_if_they_were_one_set() -> None:
    first, second, both = Scores(), Scores(), Scores()
    for label, answer in (("POLICE", "POLICE"), ("0901", "0901"), ("0902", "POLICE")):
        first.add(label, answer)
        both.add(label, answer)
    for label, answer in (("POLICE", "0903"), ("0903", "0904"), ("0901", "0901")):
        second.add(label, answer)
        both.add(label, answer)
    pooled = first + second
    assert pooled == both
    assert (pooled.police_diverted, pooled.right, pooled.kept, pooled.wrong) == (1, 2, 1, 1)


def test_it_tells_the_same_model_again_by_its_digest_without_reading_the_blob(
    unseen: Path,
) -> None:
    first = current_model()
    blob = bytes(CallModel.objects.values_list("blob", flat=True).get(pk=first.pk))
    assert first.verdict_params == {"digest": sha256(blob).hexdigest()}
    # The latest stored model is another one (refused), so the model in use's digest decides.
    refused = consider(Oracle({}), [], unseen=unseen)  # type: ignore[arg-type]
    assert refused is not None and not refused.adopted
    # Were the stored bytes, or the loaded model's, compared (rather than the digest), this
    # would count as new: the blob is emptied and the loaded model stands in for another.
    CallModel.objects.filter(pk=first.pk).update(blob=b"")
    learning._LOADED[first.version, first.trained_at] = Oracle({})  # type: ignore[assignment]
    assert retrain(unseen=unseen) is None
    assert list(CallModel.objects.values_list("version", flat=True)) == [2, 1]


def test_it_tells_the_same_model_again_when_the_one_in_use_was_stored_before_digests(
    unseen: Path,
) -> None:
    """A deployed v1 has no digest and a blob in the older layout (bytes that no candidate
    matches): it is compared as the loaded model pickles now, its blob never read."""
    first = current_model()
    CallModel.objects.filter(pk=first.pk).update(verdict_params={}, blob=b"an older pickle")
    assert retrain(unseen=unseen) is None
    assert list(CallModel.objects.values_list("version", flat=True)) == [1]
    # Its digest is kept now: the next run compares digests, the loaded model not pickled again.
    same = sha256(learning.current_classifier()[0].to_bytes()).hexdigest()
    assert CallModel.objects.get(pk=first.pk).verdict_params == {"digest": same}
    # Another model in use, stored before digests (trained on less): the candidate is new.
    CallModel.objects.filter(pk=first.pk).update(verdict_params={})
    fewer = [e for e in default_examples() if e.source != "spent"]
    learning._LOADED[first.version, first.trained_at] = Classifier.train(fewer)
    second = retrain(unseen=unseen)
    assert second is not None and second.version == 2
    assert "digest" in second.verdict_params


def test_it_shows_the_desk_what_the_latest_retrainings_made_of_its_corrections(
    commander: Persona, unseen: Path
) -> None:
    current_model()
    desk = commander.client.get("/calls/").content.decode()
    assert 'id="model-history"' not in desk  # one model so far: nothing to compare
    correct(1, "小区里的共享单车堆成了山，没人管", "0906")
    refused = consider(Oracle({}), correction_examples(), unseen=unseen)  # type: ignore[arg-type]
    assert refused is not None and not refused.adopted
    desk = commander.client.get("/calls/").content.decode()
    history = desk[desk.index('id="model-history"') :]
    assert history.index('data-version="2"') < history.index('data-version="1"')
    assert "未采用" in history and refused.verdict_text in history
    assert "（更正 1 条，确认 0 条）" in history
