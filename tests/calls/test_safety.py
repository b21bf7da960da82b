"""The danger rule sits above the model: a call with a danger sign stays with the police whatever
any model says, and a model's sub-type below the threshold leaves the call with the police too,
marked for the operator. Plain functions, no database; the model is a stub that says what we
tell it to."""

import re
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from outpost.calls.classify import (
    DANGER_SIGNS,
    DIVERT,
    POLICE,
    POLICE_LABEL,
    POLICE_SURE,
    THRESHOLD,
    classify_call,
    find_danger,
    normalise,
)
from outpost.calls.model import Suggestion
from outpost.calls.training import WRITTEN as WRITTEN_CORPUS
from outpost.calls.training import description_examples, read_rows, sample_examples
from tests.calls.test_classify import DIVERTED
from tests.calls.test_danger_lexicon import PHRASES as LEXICON_PHRASES
from tests.calls.test_danger_lexicon import dev_rows


@dataclass
class ForcedModel:
    """A model that always says the same thing, and counts how often it was asked."""

    label: str = "0901"
    confidence: float = 0.99
    asked: list[str] = field(default_factory=list)

    def suggest(self, text: str) -> Suggestion:
        self.asked.append(text)
        return Suggestion(self.label, self.confidence, (("噪音", 0.5),))


def top_level(pattern: str) -> list[str]:
    """The alternatives of a pattern outside any group."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(pattern):
        if char == "(" and pattern[i - 1 : i] != "\\":
            depth += 1
        elif char == ")" and pattern[i - 1 : i] != "\\":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    return [*parts, pattern[start:]]


def rule_words() -> list[str]:
    """The danger rule's own words: every plain top-level alternative of its patterns."""
    words = []
    for patterns in DANGER_SIGNS.values():
        for pattern in patterns:
            words += [w for w in top_level(pattern) if re.fullmatch(r"[\u4e00-\u9fff]+", w)]
    return sorted(set(words))


# A handful of our own, in callers' words (one in traditional characters).
OUR_PHRASES = (
    "他拿着菜刀追我",
    "有人从楼上摔下来了",
    "我被人骗了两万块",
    "楼道里冒出浓烟",
    "我家孩子找不到了",
    "有个人站在天台上说不想活了",
    "電梯裡有人被困",
    "有人要砍人",
)
DEV_POLICE = tuple(r["content"] for r in dev_rows() if r["label"] == POLICE_LABEL)
# The rule's own words, our phrases, the lexicon's phrases by kind and the development set's
# police calls (each a whole call inserted into another).
# The written corpus's police calls the rule keeps by itself (each is a test of the lexicon in
# tests/calls/test_danger_lexicon.py's sense; the rest are for the model).
WRITTEN_POLICE = tuple(
    r["content"]
    for r in read_rows(WRITTEN_CORPUS)
    if r["label"] == POLICE_LABEL and find_danger(normalise(r["content"]))
)
DANGER = tuple(rule_words()) + OUR_PHRASES + LEXICON_PHRASES + DEV_POLICE + WRITTEN_POLICE
# The calls a phrase is inserted into include the written corpus's non-police calls, many of
# them with a denied danger word ("没有人受伤", "没闻到煤气味"): a denial must never reach an
# inserted phrase.
WRITTEN = read_rows(WRITTEN_CORPUS)
CALLS = tuple(
    sorted({e.text for e in sample_examples() if e.label != POLICE_LABEL} | set(DIVERTED))
    + [e.text for e in description_examples()]
    + [r["content"] for r in WRITTEN if r["label"] != POLICE_LABEL]
)
SEPARATORS = ("，", "。", "！", "；", " ", ",", "、", "\n")


def test_it_reads_every_word_of_the_rule_as_a_danger_sign() -> None:
    assert len(rule_words()) > 150
    missed = [w for w in DANGER if find_danger(normalise(w)) is None]
    assert missed == []


def test_it_diverts_a_plain_call_when_the_stub_says_so() -> None:
    """The stub works: without a danger sign its word is taken."""
    decision = classify_call("楼上装修电钻太吵", ForcedModel())
    assert (decision.decision, decision.subtype, decision.confidence) == (DIVERT, "0901", 0.99)


@settings(max_examples=3000)
@given(
    st.sampled_from(CALLS),
    st.sampled_from(DANGER),
    st.integers(min_value=0),
    st.sampled_from(SEPARATORS),
    st.sampled_from(SEPARATORS),
)
def test_it_keeps_any_call_with_a_danger_phrase_inserted_with_the_police(
    content: str, danger: str, at: int, before: str, after: str
) -> None:
    """Any danger phrase, inserted as its own clause anywhere in any call, keeps the call with
    the police although the model says "divert to 0901, 99% sure" (and the model is not asked)."""
    at %= len(content) + 1
    text = f"{content[:at]}{before}{danger}{after}{content[at:]}"
    model = ForcedModel()
    decision = classify_call(text, model)
    assert (decision.decision, decision.subtype) == (POLICE, ""), text
    assert decision.reason.code == "danger" and model.asked == []


def test_it_keeps_a_call_below_the_threshold_with_the_police_marked_for_the_operator() -> None:
    unsure = classify_call("楼上装修电钻太吵", ForcedModel("0902", THRESHOLD - 0.01))
    assert (unsure.decision, unsure.subtype, unsure.marked) == (POLICE, "", True)
    assert (unsure.reason.code, unsure.suggested) == ("unsure", "0902")
    sure = classify_call("楼上装修电钻太吵", ForcedModel("0902", THRESHOLD))
    assert (sure.decision, sure.subtype, sure.marked) == (DIVERT, "0902", False)


def test_it_keeps_a_call_the_model_calls_police_matter_unmarked() -> None:
    decision = classify_call("楼上装修电钻太吵", ForcedModel(POLICE_LABEL, 0.99))
    assert (decision.decision, decision.marked, decision.reason.code) == (
        POLICE,
        False,
        "model_police",
    )


def test_it_marks_a_weak_police_guess_for_the_operator_and_keeps_it_either_way() -> None:
    weak = classify_call("楼上装修电钻太吵", ForcedModel(POLICE_LABEL, POLICE_SURE - 0.01))
    assert (weak.decision, weak.marked, weak.reason.code) == (POLICE, True, "unsure")
    sure = classify_call("楼上装修电钻太吵", ForcedModel(POLICE_LABEL, POLICE_SURE))
    assert (sure.decision, sure.marked, sure.reason.code) == (POLICE, False, "model_police")


def test_it_keeps_a_class_it_does_not_know_with_the_police() -> None:
    decision = classify_call("楼上装修电钻太吵", ForcedModel("0999", 0.99))
    assert (decision.decision, decision.marked) == (POLICE, True)


def test_it_never_asks_the_model_about_an_empty_call() -> None:
    model = ForcedModel()
    assert classify_call("  ", model).decision == POLICE and model.asked == []


def test_it_reads_traditional_characters_as_danger_signs_too() -> None:
    for text in ("路口發生車禍", "樓下有人打架", "廚房著火了", "有人被殺"):
        assert classify_call(text, ForcedModel()).decision == POLICE, text
