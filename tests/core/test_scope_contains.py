"""`Scope.contains` is the Python twin of the place rule the database filters by: for any scope
and any place, checking a place in Python agrees with filtering the saved row."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outpost.core.scoping import Scope
from outpost.registry.models import StandardAddress

pytestmark = pytest.mark.django_db

# A small alphabet so that prefixes and codes often share their start.
CODE = st.text(alphabet="123", min_size=0, max_size=5)
PREFIX = st.text(alphabet="123", min_size=1, max_size=4)
PREFIXES = st.lists(PREFIX, max_size=3).map(lambda p: tuple(sorted(set(p))))
SCOPES = st.builds(
    Scope,
    civil=PREFIXES,
    police=PREFIXES,
    departments=PREFIXES,
    everything=st.booleans(),
)


def _place(code: str, grid_code: str, beat_code: str) -> StandardAddress:
    return StandardAddress.objects.create(
        code=code,
        level="door",
        community_code="c",
        road="路",
        door_no="1",
        full_text=code,
        lon=0.0,
        lat=0.0,
        grid_code=grid_code,
        beat_code=beat_code,
    )


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scope=SCOPES, places=st.lists(st.tuples(CODE, CODE), min_size=1, max_size=6))
def test_it_decides_a_place_in_python_as_the_database_filter_does(
    scope: Scope, places: list[tuple[str, str]]
) -> None:
    # Only this test's own rows (other tests' loaded registry may share the database).
    StandardAddress.objects.filter(code__startswith="hyp-").delete()
    for i, (grid_code, beat_code) in enumerate(places):
        _place(f"hyp-{i}", grid_code, beat_code)
    rows = StandardAddress.objects.filter(code__startswith="hyp-")
    if not scope.everything:
        rows = rows.filter(StandardAddress.scope_q(scope))
    passing = set(rows.values_list("code", flat=True))
    for i, (grid_code, beat_code) in enumerate(places):
        inside = f"hyp-{i}" in passing
        assert scope.contains(grid_code, beat_code) == inside, (grid_code, beat_code)


def test_it_holds_nothing_for_an_empty_scope() -> None:
    assert not Scope().contains("320106001001", "320106510001")
