"""The demo history walks every case through the real workflow table."""

import lzma

import pytest
from django.db.models import Count
from django.utils import timezone

from outpost.cases.history import generate_history
from outpost.cases.models import Card, Case
from outpost.cases.workflow import TABLE, State
from outpost.registry.imports import run_import
from tests.conftest import GULOU

pytestmark = pytest.mark.django_db


@pytest.fixture
def some_addresses() -> None:
    lines = lzma.decompress((GULOU / "addresses.csv.xz").read_bytes()).decode().splitlines()
    run_import("addresses", "\n".join(lines[:400]).encode(), "addresses.csv")


@pytest.mark.usefixtures("some_addresses")
def test_it_makes_a_believable_mix_that_follows_the_table() -> None:
    assert generate_history(count=600, days=90, seed=7) == 600
    states = dict(
        Case.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n")
    )
    assert states.get("closed", 0) > 300  # most old cases are done
    assert 0 < states.get("rejected", 0) < 60
    assert Case.objects.filter(rework_count__gt=0).exists()
    assert Card.objects.filter(color="red").exists()
    now = timezone.now()
    for case in Case.objects.prefetch_related("timeline")[:200]:
        steps = list(case.timeline.order_by("at", "id"))
        assert steps[0].action == "report" and steps[-1].to_state == case.state
        assert all(s.at <= now for s in steps)
        for step in steps[1:]:
            assert TABLE[(State(step.from_state), step.action)].target == step.to_state
    assert generate_history(count=600) == 0  # a second run adds nothing
