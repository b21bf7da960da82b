"""How sensitive a case is (public, internal, police-only). The sub-type sets the least level: a
涉警 clue is police-only whatever the form or the API says. A reporter may ask for more, never
for less; every path that files a case (web form, API, 110 diversion, reporters) goes through
`report_case`, which stores `for_subtype(subtype, chosen)`, and a change of sub-type must apply
it again, keeping the stricter of the two."""

from outpost.cases.models import SENSITIVITY_ORDER, Sensitivity, SubType


def stricter(*levels: str) -> str:
    """The most sensitive of the levels; an unknown level counts as police-only."""
    rank = {level.value: i for i, level in enumerate(SENSITIVITY_ORDER)}
    worst = max(rank.get(level, len(rank)) for level in levels)
    return SENSITIVITY_ORDER[min(worst, len(rank) - 1)].value


def for_subtype(subtype: SubType, chosen: str = Sensitivity.INTERNAL) -> str:
    return stricter(subtype.sensitivity, chosen)
