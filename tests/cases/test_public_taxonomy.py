"""The part of the taxonomy residents may report (the portal, Open311)."""

import pytest

from outpost.cases.taxonomy import load_taxonomy, public_subtypes

pytestmark = pytest.mark.django_db


def test_it_offers_residents_street_problems_only() -> None:
    load_taxonomy()
    codes = {s.code for s in public_subtypes()}
    assert {"0101", "0201", "0603", "0703", "9901"} <= codes
    # Police leads, registry changes, care records, emergencies and 110's own are not theirs.
    assert not codes & {"0301", "0401", "0501", "0801", "0901"}
