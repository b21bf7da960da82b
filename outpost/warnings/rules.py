"""The early-warning rules (预警规则), declared once: each a code, its Chinese name (through
gettext), the finder that gathers its evidence with the rule's thresholds, the kind of unit a
warning goes to, and its level. `docs/warnings.md` states every rule in words; `scan.scan` runs
them all the same way. Thresholds are data here, not code in the finders."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from outpost.warnings import evidence
from outpost.warnings.evidence import Found
from outpost.warnings.models import Level

Finder = Callable[[dt.datetime], list[Found]]

# The units a warning goes to: civil ones by a grid code's prefix, police ones by a beat's.
UNIT_KINDS: dict[str, Promise] = {
    "grid": _("Grid"),
    "street": _("Street"),
    "beat": _("Police beat"),
    "station": _("Police station"),
}
CIVIL, POLICE = ("grid", "street"), ("beat", "station")


@dataclass(frozen=True)
class Rule:
    code: str
    name: Promise
    finds: Finder
    unit: str  # a key of UNIT_KINDS
    level: str
    summary: Promise  # worded with the finding's figures (numbers only)


RULES_LIST = (
    Rule(
        "recurring_dispute",
        _("Recurring disputes"),
        partial(evidence.recurring_disputes, days=30, least=3),
        "grid",
        Level.ORANGE,
        _("%(n)s disputes in %(days)s days at one address or with one party"),
    ),
    Rule(
        "reworked_case",
        _("Case reopened twice"),
        partial(evidence.reworked_cases, least=2),
        "grid",
        Level.ORANGE,
        _("A case sent back for rework %(reworks)s times"),
    ),
    Rule(
        "red_card",
        _("Red card"),
        partial(evidence.red_cards, days=7),
        "street",
        Level.RED,
        _("A red supervision card on an open case"),
    ),
    Rule(
        "unvisited_care",
        _("Care subject not visited"),
        partial(evidence.unvisited_care, grace=7),
        "grid",
        Level.YELLOW,
        _("A care subject's visit is %(late_days)s days late"),
    ),
    Rule(
        "overdue_rectification",
        _("Rectification overdue"),
        evidence.overdue_rectifications,
        "beat",
        Level.ORANGE,
        _("A hazard's rectification deadline passed %(late_days)s days ago"),
    ),
    Rule(
        "rising_trend",
        _("Rising cases in a grid"),
        partial(evidence.rising_trends, weeks=8, sds=2.0, least=5),
        "grid",
        Level.YELLOW,
        _("%(n)s new cases this week against a weekly baseline of %(baseline)s"),
    ),
    Rule(
        "group_rental",
        _("Possible group rental"),
        evidence.group_rentals,
        "beat",
        Level.YELLOW,
        _("%(occupants)s occupants in a house too small for them"),
    ),
)
RULES: dict[str, Rule] = {r.code: r for r in RULES_LIST}


def unit_of(rule: Rule, grid_code: str, beat_code: str) -> tuple[str, str]:
    """The unit a finding goes to: the rule's kind, from the other hierarchy when the place has
    no code on the rule's side (a house without a beat goes to its grid)."""
    kind = rule.unit
    if kind in POLICE and not beat_code:
        kind = "grid" if kind == "beat" else "street"
    elif kind in CIVIL and not grid_code:
        kind = "beat" if kind == "grid" else "station"
    code = {
        "grid": grid_code,
        "street": grid_code[:9] + "000",
        "beat": beat_code,
        "station": beat_code[:9] + "000",
    }[kind]
    return kind, code


def unit_prefix(kind: str, code: str) -> str:
    """The code prefix a unit covers: a grid or beat its code, a street or station 9 digits."""
    return code[:9] if kind in ("street", "station") else code
