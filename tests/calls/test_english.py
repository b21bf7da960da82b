"""English words mixed into a call are read as their Chinese by the danger rule and the model."""

import pytest

from outpost.calls.classify import POLICE, classify_call, find_danger, normalise
from tests.calls.test_safety import ForcedModel


@pytest.mark.parametrize(
    "call",
    (
        "楼下有个 man 拿着 knife",
        "There is a FIGHT 在楼下",
        "my bike was stolen 就在楼下",
        "厨房 fire 了",
        "I smell gas，很浓",
        "my friend is bleeding",
        "有人 following me 好久了",
    ),
)
def test_it_keeps_a_call_whose_danger_is_said_in_english_with_the_police(call: str) -> None:
    decision = classify_call(call, ForcedModel())
    assert (decision.decision, decision.reason.code) == (POLICE, "danger"), call


@pytest.mark.parametrize(
    "call",
    ("my passport 丢了，not stolen", "the fire door 关不上", "楼道的 fire exit 被堵了"),
)
def test_it_reads_a_harmless_call_in_english_without_a_false_alarm(call: str) -> None:
    assert find_danger(normalise(call)) is None, normalise(call)


def test_it_reads_known_words_in_chinese_and_leaves_the_rest() -> None:
    said = normalise("Hi，我的 building 的 elevator broken，三天了")
    assert said == "HI，我的楼的电梯坏了，三天了"
    # Words it does not know are kept as written (KTV, SUV); a space between scripts goes.
    assert normalise("楼下 KTV 太吵") == "楼下KTV太吵"


def test_it_reads_a_word_only_when_it_is_a_whole_word() -> None:
    # "hit" inside "white", "gun" inside "gunther": not words of their own.
    assert find_danger(normalise("white 的车 挡住了 gunther 的车位")) is None
