"""The demo's 警网双考: the default scheme over the demo commander's street, its last two months
computed (the earlier one approved, so the ranking shows the change from it)."""

from __future__ import annotations

from outpost.accounts.demo import demo_accounts
from outpost.accounts.models import User
from outpost.assessment import periods, services
from outpost.assessment.models import Scheme


def create_demo_scheme() -> int:
    """The scheme and its periods; returns the number of units assessed this month (0 when the
    scheme was there already: re-running the demo computes nothing twice)."""
    street = next(a.scope_code for a in demo_accounts() if a.username == "commander")
    commander = User.objects.get(username="commander")
    if Scheme.objects.filter(civil_prefix=street[:9]).exists():
        return 0
    scheme = services.do_create_default_scheme(street, actor=commander)
    this_month = periods.this_month().key
    earlier = services.do_compute(scheme, periods.previous(this_month), actor=commander)
    services.do_approve(earlier, actor=commander)
    return services.do_compute(scheme, this_month, actor=commander).results.count()
