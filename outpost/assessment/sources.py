"""Record sources of the indicators: where rows come from, which unit and which date each row
counts for, and who may see them.

A source is a queryset factory (the rows, with any computed columns as aliases), the scope action
its rows are read with, the units its rows give (`units.UnitSpec`) and how a period selects its
rows: an event source by a date field falling in the period, a stock source by what stood at the
end of the period (a filter built from the period). Nothing here is particular to one indicator:
the indicators (`catalogue`) are filters over these rows.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from outpost.assessment.periods import Period
from outpost.assessment.units import UnitSpec, place_units
from outpost.calls.models import Call
from outpost.cases.models import Case, CaseAssignment, TimelineEntry
from outpost.core.scoping import Scope
from outpost.fieldwork.models import Inspection, Visit
from outpost.instructions.models import InstructionRecipient, units_in_area_q
from outpost.registry.models import (
    FloatingRegistration,
    House,
    HouseUse,
    Person,
    PersonStatus,
    PopulationType,
    RecordEdit,
)


@dataclass(frozen=True)
class Source:
    code: str
    label: Promise
    rows: Callable[[], QuerySet[Any]]
    action: str  # the scope action its rows are read with (`accounts.scope.scope_for`)
    units: dict[str, UnitSpec]
    when: str = ""  # an event source: the date field that falls in the period
    standing: Callable[[Period], Q] | None = None  # a stock source: the rows standing at its end
    scope: Callable[[Scope], Q] | None = None  # default: the model's own `scope_q`
    related: tuple[str, ...] = field(default_factory=tuple)  # for the rows page

    def period_q(self, period: Period) -> Q:
        if self.standing is not None:
            return self.standing(period)
        return Q(**{f"{self.when}__gte": period.starts_at, f"{self.when}__lt": period.ends_at})

    def scope_q(self, scope: Scope) -> Q:
        if scope.everything:
            return Q()
        rule = self.scope or self.rows().model.scope_q
        return rule(scope)


# --- cases ------------------------------------------------------------------------------------


def _case_scope(scope: Scope) -> Q:
    """Rows about cases (assignments, timeline steps) are seen with their case."""
    return Q(case__in=Case.objects.filter(Case.scope_q(scope)).values("pk"))


def _sign_ons() -> QuerySet[CaseAssignment]:
    """Each dispatch signed on (签收): the lead unit's assignment, with when it was made."""
    return CaseAssignment.objects.filter(lead=True, signed_on_at__isnull=False)


def _last_completions() -> QuerySet[TimelineEntry]:
    """Each case's completion (办结) of its last round of handling: the `complete` step at or
    after the handling clock last started (a sign-on, or the reopening that began the round;
    earlier rounds' completions came before it)."""
    return TimelineEntry.objects.filter(action="complete", at__gte=F("case__handle_started"))


# --- registry ---------------------------------------------------------------------------------


def _living_at_end(period: Period) -> Q:
    """People on record by the end of the period and not gone before it ended."""
    gone_later = Q(left_on__gte=period.end)
    return Q(created_at__lt=period.ends_at) & (Q(status=PersonStatus.CURRENT) | gone_later)


def _floating(period: Period) -> Q:
    return Q(pop_type=PopulationType.FLOATING) & _living_at_end(period)


def _care_subjects(period: Period) -> Q:
    return ~Q(care_tags="") & _living_at_end(period)


def _rented(period: Period) -> Q:
    return Q(use=HouseUse.RENTED, created_at__lt=period.ends_at)


def registered_by_end(period: Period) -> Q:
    """A floating resident with a residence registration (居住登记) made before the end."""
    made = FloatingRegistration.objects.filter(person=OuterRef("pk"), registered_on__lt=period.end)
    return Q(Exists(made))


def visited_in(kind: str, subject: str) -> Callable[[Period], Q]:
    """The subject had a visit of this kind during the period."""

    def q(period: Period) -> Q:
        visits = Visit.objects.filter(
            kind=kind,
            visited_at__gte=period.starts_at,
            visited_at__lt=period.ends_at,
            **{subject: OuterRef("pk")},
        )
        return Q(Exists(visits))

    return q


def _recipients_scope(scope: Scope) -> Q:
    return units_in_area_q(scope)


def _recipient_units() -> dict[str, UnitSpec]:
    def code() -> F:
        return F("unit_code")

    return {
        "grid": UnitSpec(code, "unit_code", Q(unit_kind="grid")),
        "community": UnitSpec(code, "unit_code", Q(unit_kind__in=("outpost", "community"))),
        "beat": UnitSpec(code, "unit_code", Q(unit_kind="beat")),
    }


CASES = Source(
    "cases",
    _("Cases"),
    lambda: Case.objects.all(),
    "view_cases",
    place_units(),
    when="reported_at",
    related=("subtype",),
)
SIGN_ONS = Source(
    "sign_ons",
    _("Dispatches signed on"),
    _sign_ons,
    "view_cases",
    place_units("case__grid_code", "case__beat_code"),
    when="case__reported_at",
    scope=_case_scope,
    related=("case__subtype",),
)
COMPLETIONS = Source(
    "completions",
    _("Cases completed (last round)"),
    _last_completions,
    "view_cases",
    place_units("case__grid_code", "case__beat_code"),
    when="case__reported_at",
    scope=_case_scope,
    related=("case__subtype",),
)
RECORD_EDITS = Source(
    "record_edits",
    _("Registry entries verified or returned"),
    lambda: RecordEdit.objects.all(),
    "view_registry",
    place_units(worker="collected_by"),
    when="decided_at",
)
FLOATING = Source(
    "floating_people",
    _("Floating residents"),
    lambda: Person.objects.all(),
    "view_registry",
    place_units(worker="collected_by"),
    standing=_floating,
)
CARE_SUBJECTS = Source(
    "care_subjects",
    _("Care subjects"),
    lambda: Person.objects.all(),
    "view_registry",
    place_units(),
    standing=_care_subjects,
)
RENTED_HOUSES = Source(
    "rented_houses",
    _("Rented houses"),
    lambda: House.objects.all(),
    "view_registry",
    place_units(worker="collected_by"),
    standing=_rented,
    related=("address",),
)
INSPECTIONS = Source(
    "inspections",
    _("Inspections completed"),
    lambda: Inspection.objects.all(),
    "view_registry",
    place_units(worker="inspector"),
    when="completed_at",
    related=("checklist", "organisation", "house"),
)
INSTRUCTION_RECIPIENTS = Source(
    "instruction_recipients",
    _("Instructions received"),
    lambda: InstructionRecipient.objects.all(),
    "view_cases",
    _recipient_units(),
    when="instruction__deadline",
    scope=_recipients_scope,
    related=("instruction",),
)
CALLS = Source(
    "calls",
    _("110 calls"),
    lambda: Call.objects.all(),
    "dispatch",
    {k: v for k, v in place_units().items() if k in ("beat", "station")},
    when="received_at",
)

SOURCES = {
    s.code: s
    for s in (
        CASES,
        SIGN_ONS,
        COMPLETIONS,
        RECORD_EDITS,
        FLOATING,
        CARE_SUBJECTS,
        RENTED_HOUSES,
        INSPECTIONS,
        INSTRUCTION_RECIPIENTS,
        CALLS,
    )
}
