"""The demo's 警网双考: the default scheme over the demo commander's street, last month computed
and approved, this month computed with the change in rank from it; made once."""

import pytest

from outpost.accounts.demo import create_demo_accounts
from outpost.assessment import periods
from outpost.assessment.demo import create_demo_scheme
from outpost.assessment.models import Period, PeriodState, Scheme
from outpost.geo.models import Grid

pytestmark = pytest.mark.django_db


def test_it_assesses_the_demo_street_once_with_last_month_locked(home_grid: Grid) -> None:
    create_demo_accounts()
    assessed = create_demo_scheme()
    assert create_demo_scheme() == 0
    scheme = Scheme.objects.get()
    this_month = periods.this_month().key
    now = Period.objects.get(scheme=scheme, key=this_month)
    earlier = Period.objects.get(scheme=scheme, key=periods.previous(this_month))
    assert assessed == now.results.count() > 0
    assert earlier.state == PeriodState.APPROVED and now.state != PeriodState.APPROVED
    assert now.results.filter(unit_kind="grid", unit_code=home_grid.code).exists()
