"""The scan (`outpost warnings scan`, and each round of `outpost cases sweep --loop`): every
rule of the table over the whole district, raising what is new. What each rule raised before is
read once per rule (its keys, and the subjects of its warnings still open), so a scan that finds
nothing new costs a query per rule, not per finding."""

import datetime as dt

from django.utils import timezone

from outpost.warnings.models import EarlyWarning, WarningState
from outpost.warnings.rules import RULES_LIST, Rule
from outpost.warnings.services import do_raise, key_of


def scan(now: dt.datetime | None = None) -> dict[str, int]:
    """The warnings raised per rule (0 for a rule whose findings were all raised before)."""
    now = now or timezone.now()
    raised = {}
    for rule in RULES_LIST:
        keys, still_open = _raised_before(rule)
        new = [
            f
            for f in rule.finds(now)
            if key_of(rule, f) not in keys and (f.subject_kind, f.subject_id) not in still_open
        ]
        raised[rule.code] = sum(do_raise(rule, f, now) is not None for f in new)
    return raised


def _raised_before(rule: Rule) -> tuple[set[str], set[tuple[str, int]]]:
    rows = EarlyWarning.objects.filter(rule=rule.code).values_list(
        "key", "subject_kind", "subject_id", "state"
    )
    keys, still_open = set(), set()
    for key, kind, subject, state in rows:
        keys.add(key)
        if state != WarningState.CLOSED:
            still_open.add((kind, subject))
    return keys, still_open
