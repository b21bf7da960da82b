"""The demo history walks every case through the real workflow table."""

import lzma
import re
from typing import Any

import pytest
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from outpost.cases.history import generate_history
from outpost.cases.models import Card, Case, CaseAssignment, TimelineEntry
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
    _follows_the_same_effects(now)
    assert generate_history(count=600) == 0  # a second run adds nothing


def _follows_the_same_effects(now: Any) -> None:
    """What `act` does beside the state, the history does too, by the same effects."""
    reopens = TimelineEntry.objects.filter(action="reopen")
    assert reopens.exists()
    for reopen in reopens:  # an unsatisfied rating reopens, as the system, at once
        rate = reopen.case.timeline.filter(action="rate", at=reopen.at).get()
        assert reopen.actor_name == "system:unsatisfied_rating" and reopen.case.rework_count
        assert rate.case.timeline.filter(action="reopen").count() == reopen.case.rework_count
    assert not Card.objects.filter(issued_at__gt=now).exists()  # no card before its time
    escalated = Card.objects.filter(color="red", escalated=True).select_related("case")
    assert escalated.exists()  # OUTPOST_ESCALATE_RED_CARDS is on by default
    for card in escalated:
        # the sweep's own step, and the room one level up beside the lead unit
        assert card.case.timeline.filter(action="escalate", actor_name="system:sweep").exists()
        assert card.case.assignments.filter(unit_kind="room", lead=False).exists()
    calls = TimelineEntry.objects.filter(action="followup")
    assert {c.details["outcome"] for c in calls} == {"unreachable"}
    assert all(1 <= c.details["attempt"] <= 3 for c in calls)
    signed = CaseAssignment.objects.filter(lead=True, case__timeline__action="sign_on")
    assert signed.exists() and not signed.filter(signed_on_at__isnull=True).exists()
    for case in Case.objects.filter(state=State.HANDLING)[:50]:
        assert case.handle_started is not None and case.handle_due > case.handle_started


@pytest.mark.usefixtures("some_addresses")
def test_it_gives_demo_cases_tracking_codes_nobody_can_guess(
    anonymous: Client, settings: Any
) -> None:
    generate_history(count=300, days=90, seed=7)
    codes = list(Case.objects.values_list("tracking_code", flat=True))
    # Shaped like a real case's code (10 letters and digits), not a counter.
    assert all(re.fullmatch(r"[A-Z0-9]{10}", code) for code in codes)
    assert len({code[:4] for code in codes}) > 250  # no shared prefix to count from
    for counted in ("D000000000", "D000000001", "D000000299"):
        assert anonymous.get(f"/status/{counted}/").status_code == 404
    # Nor derived from the generator's fixed seed: the same seed gives other codes next time.
    Case.objects.all().delete()
    generate_history(count=300, days=90, seed=7)
    assert not set(codes) & set(Case.objects.values_list("tracking_code", flat=True))
    # The status page's lookup limit holds for these cases too.
    settings.OUTPOST_STATUS_LOOKUPS_PER_MINUTE = 5
    settings.OUTPOST_STATUS_LOOKUP_WINDOW = 3600
    seeded = list(Case.objects.values_list("tracking_code", flat=True)[:6])
    for code in seeded[:5]:
        assert anonymous.get(f"/status/{code}/").status_code == 200
    assert anonymous.get(f"/status/{seeded[5]}/").status_code == 429
