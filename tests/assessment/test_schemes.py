"""警网双考 on the small world of conftest.py: the score formula by hand, the overlay's pooling of
a beat's joint figures, compute → approve → locked, appeals that change a figure only through
their decision (with the audit row), and the ranking's change from the previous period."""

import math

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from outpost.assessment import scoring, services
from outpost.assessment.models import AppealState, Period, Result, Scheme, SchemeItem, Score
from outpost.core.models import ChangeRecord
from outpost.geo.models import Grid, GridBeatOverlap
from tests.assessment.conftest import World, at, make_case
from tests.conftest import Persona

pytestmark = pytest.mark.django_db


def small_scheme(world: World) -> Scheme:
    """Grids on 办结率 (60) and 满意率 (40); beats on the joint 办结率 (50) and 110 分流率 (50)."""
    beat = world.home.main_beat
    assert beat is not None
    scheme = Scheme.objects.create(
        name="测试方案", area_name="宁海路街道",
        civil_prefix=world.home.code[:9], police_prefix=beat.code[:9],
    )  # fmt: skip
    for n, (kind, code, weight, target, joint) in enumerate(
        (
            ("grid", "case_closure", 60, 0.95, True),
            ("grid", "satisfaction", 40, 0.90, True),
            ("beat", "case_closure", 50, 0.95, True),
            ("beat", "diversion_110", 50, 0.50, False),
        )
    ):
        SchemeItem.objects.create(
            scheme=scheme, unit_kind=kind, indicator=code, weight=weight, target=target,
            joint=joint, position=n,
        )  # fmt: skip
    return scheme


def result(period: Period, kind: str, code: str) -> Result:
    return period.results.get(unit_kind=kind, unit_code=code)


def score(period: Period, kind: str, code: str, indicator: str) -> Score:
    return result(period, kind, code).scores.get(indicator=indicator)


def test_it_scores_achievement_against_targets_both_ways() -> None:
    assert scoring.achievement(0.75, 0.95, True) == pytest.approx(0.75 / 0.95)
    assert scoring.achievement(0.99, 0.95, True) == 1.0  # capped
    assert scoring.achievement(4.0, 2.0, False) == pytest.approx(0.5)  # 4 h against 2 h
    assert scoring.achievement(1.0, 2.0, False) == 1.0
    assert scoring.achievement(0.0, 2.0, False) == 1.0
    assert scoring.achievement(None, 2.0, False) is None
    # A figure without rows is left out: 100 × 30 / 60, not 100 × 30 / 100.
    assert scoring.total([(60, 30.0), (40, None)]) == 50.0
    assert scoring.total([(60, None)]) is None
    assert scoring.ranks([80.0, None, 90.0, 80.0, 70.0]) == [2, None, 1, 2, 4]


def test_it_computes_a_grid_and_its_beat_by_hand(world: World) -> None:
    period = services.do_compute(small_scheme(world), "2026-11", actor=None)
    grid = result(period, "grid", world.home.code)
    # 办结率 3/4 against 95%: 60 × 0.75/0.95; 满意率 1/2 against 90%: 40 × 0.5/0.9.
    closure, satisfied = 60 * 0.75 / 0.95, 40 * 0.5 / 0.9
    assert score(period, "grid", world.home.code, "case_closure").points == pytest.approx(closure)
    assert grid.total == pytest.approx(round(closure + satisfied, 2))
    assert grid.rank == 1 and grid.previous_rank is None
    # The other grids of the street have no rows: no total, unranked, listed all the same.
    others = period.results.filter(unit_kind="grid").exclude(unit_code=world.home.code)
    assert others.exists() and not others.exclude(total=None).exists()
    beat = world.home.main_beat
    assert beat is not None
    # The beat's joint 办结率 is its grids' (only the home grid has cases): 0.75; 分流 2/3 ≥ 50%.
    joint = score(period, "beat", beat.code, "case_closure")
    assert joint.value == pytest.approx(0.75) and joint.joint
    expected = (50 * 0.75 / 0.95 + 50 * 1.0) * 100 / 100
    assert result(period, "beat", beat.code).total == pytest.approx(round(expected, 2))


def test_it_pools_a_beats_joint_figure_over_its_grids_by_their_shares(world: World) -> None:
    beat = world.home.main_beat
    assert beat is not None
    overlaps = GridBeatOverlap.objects.filter(beat=beat).exclude(grid=world.home)
    neighbour = overlaps.select_related("grid").order_by("-grid_share").first()
    assert neighbour is not None
    for state in ("closed", "handling", "handling", "handling"):  # 1 of 4 done
        make_case(neighbour.grid, at(3), state)
    home = GridBeatOverlap.objects.get(beat=beat, grid=world.home).grid_share
    share = neighbour.grid_share
    period = services.do_compute(small_scheme(world), "2026-11", actor=None)
    joint = score(period, "beat", beat.code, "case_closure")
    assert joint.value == pytest.approx((home * 3 + share * 1) / (home * 4 + share * 4))
    assert joint.denominator == pytest.approx(round(home * 4 + share * 4, 2))


def test_it_locks_an_approved_period_even_when_the_records_change(
    world: World, commander: Persona
) -> None:
    scheme = small_scheme(world)
    period = services.do_compute(scheme, "2026-11", actor=commander.user)
    before = score(period, "grid", world.home.code, "case_closure").value
    services.do_approve(period, actor=commander.user)
    for _n in range(3):
        make_case(world.home, at(12), "handling")  # the records change afterwards
    with pytest.raises(services.PeriodLocked):
        services.do_compute(scheme, "2026-11", actor=commander.user)
    call_command("assessment", "compute", "--period", "2026-11")  # the job reports, changes nothing
    assert score(period, "grid", world.home.code, "case_closure").value == before == 0.75
    with pytest.raises(services.PeriodLocked):
        services.do_approve(period, actor=commander.user)
    figure = score(period, "grid", world.home.code, "satisfaction")
    with pytest.raises(services.PeriodLocked):
        services.do_file_appeal(figure, "证据", actor=commander.user)
    assert ChangeRecord.objects.filter(action="assessment_approve").count() == 1
    # A month not yet approved is computed as usual, the job's way.
    assert services.compute_all("2026-12")[0][1] is not None


def test_it_refuses_a_range_of_days_as_a_period(world: World) -> None:
    with pytest.raises(CommandError):
        call_command("assessment", "compute", "--period", "2026-11-01_2026-11-05")


def test_it_changes_a_figure_only_through_the_appeals_decision(
    world: World, grid_worker: Persona, commander: Persona
) -> None:
    period = services.do_compute(small_scheme(world), "2026-11", actor=None)
    figure = score(period, "grid", world.home.code, "satisfaction")
    appeal = services.do_file_appeal(figure, "回访记录有误，见附件", actor=grid_worker.user)
    figure.refresh_from_db()
    assert figure.value == 0.5 and not figure.corrected  # filed: nothing changed yet
    with pytest.raises(ValidationError):  # the period is not approved over a pending appeal
        services.do_approve(period, actor=commander.user)
    for impossible in (None, -0.1, 1.5, math.inf, math.nan):  # a share 0..1, finite
        with pytest.raises(ValidationError):  # an upheld appeal names a plausible value
            services.do_decide_appeal(
                appeal, upheld=True, reason="核实", corrected=impossible, actor=commander.user
            )
    services.do_decide_appeal(
        appeal, upheld=True, reason="核实属实", corrected=0.9, actor=commander.user
    )
    figure.refresh_from_db()
    assert (figure.value, figure.computed_value, figure.corrected) == (0.9, 0.5, True)
    grid = result(period, "grid", world.home.code)
    assert grid.total == pytest.approx(round(60 * 0.75 / 0.95 + 40 * 1.0, 2))
    row = ChangeRecord.objects.get(action="assessment_appeal_decide")
    assert row.object_key == str(figure.pk) and row.actor == commander.user
    assert row.before == {"value": 0.5, "corrected": False}
    assert row.after["value"] == 0.9 and row.after["state"] == AppealState.UPHELD
    # Computing again keeps the decision: the computed value is refreshed, not the figure.
    services.do_compute(period.scheme, "2026-11", actor=None)
    figure.refresh_from_db()
    assert (figure.value, figure.corrected) == (0.9, True)
    with pytest.raises(ValidationError):  # decided once
        services.do_decide_appeal(appeal, upheld=False, reason="再议", corrected=None,
                                  actor=commander.user)  # fmt: skip


def test_it_leaves_the_figure_when_an_appeal_is_rejected(
    world: World, grid_worker: Persona, commander: Persona
) -> None:
    period = services.do_compute(small_scheme(world), "2026-11", actor=None)
    figure = score(period, "grid", world.home.code, "case_closure")
    appeal = services.do_file_appeal(figure, "有一件已办结", actor=grid_worker.user)
    with pytest.raises(ValidationError):  # one pending appeal per figure
        services.do_file_appeal(figure, "再申诉", actor=grid_worker.user)
    services.do_decide_appeal(
        appeal, upheld=False, reason="系统记录无误", corrected=0.99, actor=commander.user
    )
    figure.refresh_from_db()
    appeal.refresh_from_db()
    assert (figure.value, figure.corrected, appeal.corrected_value) == (0.75, False, None)
    assert appeal.state == AppealState.REJECTED
    assert ChangeRecord.objects.filter(
        action="assessment_appeal_decide", object_key=str(figure.pk)
    ).exists()
    assert ChangeRecord.objects.filter(action="assessment_appeal_file").count() == 1


def test_it_ranks_with_the_change_from_the_previous_period(world: World) -> None:
    street = world.home.code[:9]
    siblings = Grid.objects.filter(code__startswith=street).exclude(code=world.home.code)
    second, third = list(siblings.order_by("code")[:2])
    make_case(world.home, at(20, month=10), "handling")  # October: home 1 of 2 done (c5)
    make_case(second, at(20, month=10), "closed")  # October: second 1 of 1
    make_case(second, at(20), "handling")  # November: second 0 of 1
    make_case(third, at(21), "closed")  # November only: third 1 of 1
    scheme = small_scheme(world)
    october = services.do_compute(scheme, "2026-10", actor=None)
    assert result(october, "grid", second.code).rank == 1
    assert result(october, "grid", world.home.code).rank == 2
    november = services.do_compute(scheme, "2026-11", actor=None)
    ranked = {r.unit_code: (r.rank, r.change) for r in november.results.filter(unit_kind="grid")}
    assert ranked[third.code] == (1, None)  # new: unranked in October
    assert ranked[world.home.code] == (2, 0)
    assert ranked[second.code] == (3, -2)


def test_it_creates_the_default_scheme_with_weights_summing_to_100(world: World) -> None:
    street = world.home.community.code[:9] + "000"
    call_command("assessment", "default-scheme", street)
    scheme = Scheme.objects.get()
    for kind in ("grid", "beat"):
        assert sum(i.weight for i in scheme.items.filter(unit_kind=kind)) == 100
    period = services.do_compute(scheme, "2026-11", actor=None)
    home = result(period, "grid", world.home.code)
    assert home.total is not None and home.scores.count() == 9
