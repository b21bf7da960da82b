"""The scan (`outpost warnings scan`, and each round of `outpost cases sweep --loop`): every
rule of the table over the whole district, raising what is new."""

import datetime as dt

from django.utils import timezone

from outpost.warnings.rules import RULES_LIST
from outpost.warnings.services import do_raise


def scan(now: dt.datetime | None = None) -> dict[str, int]:
    """The warnings raised per rule (0 for a rule whose findings were all raised before)."""
    now = now or timezone.now()
    raised = {}
    for rule in RULES_LIST:
        raised[rule.code] = sum(do_raise(rule, f, now) is not None for f in rule.finds(now))
    return raised
