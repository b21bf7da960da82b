"""The scan runs as `outpost warnings scan` and in each round of the sweep loop."""

import io

import pytest
from django.core.management import call_command

from outpost.cases.management.commands.cases import Command as CasesCommand
from outpost.geo.models import Grid
from outpost.warnings.models import EarlyWarning
from tests.warnings.conftest import NOW, days_ago, make_case

pytestmark = pytest.mark.django_db


def test_it_scans_from_the_command_line(home_grid: Grid) -> None:
    make_case(home_grid, days_ago(2), rework_count=2)
    out = io.StringIO()
    call_command("warnings", "scan", "--now", NOW.isoformat(), stdout=out)
    assert "reworked_case: 1" in out.getvalue()
    call_command("warnings", "scan", "--now", NOW.isoformat(), stdout=io.StringIO())
    assert EarlyWarning.objects.count() == 1


def test_it_scans_in_each_round_of_the_sweep_loop(home_grid: Grid) -> None:
    make_case(home_grid, days_ago(2), rework_count=2)
    command = CasesCommand(stdout=io.StringIO())
    command._round(NOW)  # one round of `outpost cases sweep --loop`
    assert EarlyWarning.objects.filter(rule="reworked_case").count() == 1
