"""Police calls written to slip past the danger rule (a red-team helper read the defusers and the
English glossary and wrote calls where one of them would hide the only sign). Each must still
keep a danger sign: a defuser that swallows one of them is too wide."""

from pathlib import Path

import pytest

from outpost.calls.classify import POLICE, classify_call, find_danger, normalise
from tests.calls.test_safety import ForcedModel

DATA = Path(__file__).resolve().parent / "data" / "red_team_police.txt"
CALLS = tuple(
    line.strip()
    for line in DATA.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)


def test_it_has_the_red_teams_calls() -> None:
    assert len(CALLS) > 140


@pytest.mark.parametrize("call", CALLS)
def test_it_keeps_each_red_team_call_with_the_police_whatever_the_model_says(call: str) -> None:
    assert find_danger(normalise(call)) is not None, normalise(call)
    assert classify_call(call, ForcedModel()).decision == POLICE
