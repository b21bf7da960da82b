"""The work queue's filters (GET parameters): state, case type, grid, source, period, overdue,
a red card, the unit a case is with, a search by number, title and address, and the order. The
same `CaseFilter` narrows the queue's list and the start page's counts (`outpost.workbench`), so a
count and the list it links to agree.

Every filter narrows a list that already went through the scope function; a grid is looked up
among the grids the user sees, and the text search reads a case's title and address only where
the viewer may see them (`presenter.sees_details`: a police-only case's title is no search key
for a civil role)."""

import datetime as dt
import re
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.db.models import Case as Case_
from django.db.models import F, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.accounts.scope import restrict, scope_for
from outpost.accounts.units import SPELLINGS
from outpost.cases.labels import STATE_LABELS
from outpost.cases.models import Card, Case, CaseAssignment, Sensitivity, Source, SubType
from outpost.cases.presenter import POLICE_ROLES
from outpost.cases.workflow import State
from outpost.core.bounds import DayField
from outpost.core.scoping import prefix_q
from outpost.geo.models import Grid

PERIODS = (
    ("", _("Any time")),
    ("today", _("Today")),
    ("7d", _("Last 7 days")),
    ("30d", _("Last 30 days")),
)
OPEN = "open"
SORTS = (("", _("Newest first")), ("deadline", _("Deadline first")))
CARDS = (("", _("Any card")), ("red", _("Red card")))
UNIT = re.compile(r"^([a-z]{1,12}):([0-9A-Za-z-]{1,32})$", re.ASCII)


def _states() -> list[tuple[str, Any]]:
    return [("", _("Any state")), (OPEN, _("Open")), *((s.value, STATE_LABELS[s]) for s in State)]


def _sources() -> list[tuple[str, Any]]:
    return [("", _("Any source")), *Source.choices]


def _types() -> list[tuple[str, Any]]:
    """Categories (two digits) with their sub-types (four) beneath them, in one read."""
    rows: list[tuple[str, Any]] = [("", _("Any type"))]
    subtypes = SubType.objects.select_related("category").order_by("category__code", "code")
    seen = ""
    for sub in subtypes:
        if seen != sub.category.code:
            seen = sub.category.code
            rows.append((sub.category.code, f"{sub.category.code} {sub.category.name}"))
        rows.append((sub.code, f"　{sub.code} {sub.name}"))
    return rows


class CaseFilter(forms.Form):
    q = forms.CharField(label=_("Number, title or address"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False, choices=_states)
    type = forms.ChoiceField(label=_("Case type"), required=False)
    grid = forms.CharField(label=_("Grid"), required=False, max_length=50)
    source = forms.ChoiceField(label=_("Source"), required=False, choices=_sources)
    period = forms.ChoiceField(label=_("Period"), required=False, choices=PERIODS)
    since = DayField(label=_("From"), required=False, widget=forms.DateInput({"type": "date"}))
    until = DayField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    due = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=(("", _("Any deadline")), ("today", _("Due today"))),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    card = forms.ChoiceField(label=_("Card"), required=False, choices=CARDS)
    # A handling unit as kind:code (the dashboards' workload chart links here).
    unit = forms.CharField(label=_("Handling unit"), required=False, max_length=45)
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=SORTS)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # Read once per form (a callable would be read again on each render and each check).
        cast(forms.ChoiceField, self.fields["type"]).choices = _types()
        self.grid_codes: list[str] = []

    def clean_grid(self) -> str:
        """A grid by its name or code, among the grids the user sees."""
        wanted = self.cleaned_data["grid"].strip()
        if wanted:
            grids = restrict(Grid.objects.all(), self.user, "view_cases")
            found = grids.filter(Q(code=wanted) | Q(name=wanted)).values_list("code", flat=True)
            self.grid_codes = list(found)
            if not self.grid_codes:
                raise forms.ValidationError(
                    _("There is no grid called “%(grid)s” in your area"), params={"grid": wanted}
                )
        return wanted

    def clean_unit(self) -> str:
        wanted = self.cleaned_data["unit"].strip()
        if wanted and (not UNIT.match(wanted) or wanted.split(":")[0] not in SPELLINGS):
            raise forms.ValidationError(_("That is not a unit"))
        return wanted

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date"))
        return data

    def apply(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        """The cases that match; none when the filter itself is wrong (the form says why)."""
        if not self.is_bound:
            return cases
        if not self.is_valid():
            return cases.none()
        return narrowed(cases, self.cleaned_data, self.grid_codes, self.user)

    def query(self) -> str:
        """The filter as a query string (for the pager and the links), without the page."""
        if not self.is_bound:
            return ""
        return urlencode({k: v for k, v in self.data.items() if k in self.fields and v})


def narrowed(
    cases: QuerySet[Case], data: dict[str, Any], grid_codes: list[str], user: User
) -> QuerySet[Case]:
    """The cleaned filter applied to a list the scope function already narrowed."""
    now = timezone.now()
    if data.get("state") == OPEN:
        cases = cases.exclude(state__in=(State.CLOSED, State.REJECTED))
    elif data.get("state"):
        cases = cases.filter(state=data["state"])
    if kind := data.get("type"):
        cases = cases.filter(
            **{"subtype__category__code" if len(kind) == 2 else "subtype__code": kind}
        )
    if grid_codes:
        cases = cases.filter(grid_code__in=grid_codes)
    if data.get("source"):
        cases = cases.filter(source=data["source"])
    cases = _period(cases, data, now)
    if data.get("overdue"):
        cases = cases.filter(overdue_q(now))
    if data.get("due") == "today":
        cases = cases.filter(due_today_q(now))
    if data.get("card") == "red":
        cases = cases.filter(red_card_q())
    if data.get("unit"):
        cases = cases.filter(with_unit_q(data["unit"]))
    if text := (data.get("q") or "").strip():
        cases = cases.filter(search_q(text, user))
    if data.get("sort") == "deadline":
        return by_deadline(cases)
    return cases


def _period(cases: QuerySet[Case], data: dict[str, Any], now: dt.datetime) -> QuerySet[Case]:
    today = day_start(timezone.localdate(now))
    starts = {
        "today": today,
        "7d": today - dt.timedelta(days=6),
        "30d": today - dt.timedelta(days=29),
    }
    if data.get("period") in starts:
        cases = cases.filter(reported_at__gte=starts[data["period"]])
    if data.get("since"):
        cases = cases.filter(reported_at__gte=day_start(data["since"]))
    if data.get("until"):
        cases = cases.filter(reported_at__lt=day_start(data["until"] + dt.timedelta(days=1)))
    return cases


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def overdue_q(now: dt.datetime) -> Q:
    """Past the deadline in force (`queries.deadline_in_force`: "overdue"): sign-on while
    dispatched, handling while handled. A suspended case's clock is paused."""
    return Q(state=State.DISPATCHED, sign_on_due__lte=now) | Q(
        state=State.HANDLING, handle_due__lte=now
    )


def red_card_q() -> Q:
    """The cases that were given a red card (a deadline passed: `supervision.card_color`)."""
    return Q(pk__in=Card.objects.filter(color="red").values("case_id"))


def with_unit_q(unit: str) -> Q:
    """The cases with an active assignment to the unit (`kind:code`, any spelling of the kind)."""
    kind, code = unit.split(":", 1)
    active = CaseAssignment.objects.filter(
        active=True, unit_kind__in=SPELLINGS[kind], unit_code=code
    )
    return Q(pk__in=active.values("case_id"))


def due_today_q(now: dt.datetime) -> Q:
    """The deadline in force falls later today (not yet overdue)."""
    end = day_start(timezone.localdate(now) + dt.timedelta(days=1))
    return Q(state=State.DISPATCHED, sign_on_due__gt=now, sign_on_due__lt=end) | Q(
        state=State.HANDLING, handle_due__gt=now, handle_due__lt=end
    )


def by_deadline(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with a deadline in force first, the soonest first; the others, newest first."""
    due = Case_(
        When(state=State.DISPATCHED, then=F("sign_on_due")),
        When(state__in=(State.HANDLING, State.SUSPENDED), then=F("handle_due")),
        default=None,
    )
    ordered = cases.annotate(due_in_force=due)
    return ordered.order_by(F("due_in_force").asc(nulls_last=True), "-reported_at", "-id")


def search_q(text: str, user: User) -> Q:
    """The number (whole or in part) for everyone; the title and the address only where the
    viewer sees the case's details."""
    words = Q(title__icontains=text) | Q(address__full_text__icontains=text)
    return Q(number__icontains=text) | (words & details_q(user))


def details_q(user: User) -> Q:
    """The rows whose details the viewer sees (`presenter.sees_details`, as a filter): every
    case but a police-only one, which only police roles over its beat and its reporter see."""
    if scope_for(user, "view_cases").everything:
        return Q()
    held = user.assignments.filter(role__in=POLICE_ROLES).values_list("police_prefix", flat=True)
    police = tuple(p for p in held if p)
    return (
        ~Q(sensitivity=Sensitivity.POLICE_ONLY)
        | Q(reporter=user)
        | prefix_q("beat_code", police)
        | Q(pk__in=CaseAssignment.objects.filter(prefix_q("unit_code", police)).values("case_id"))
    )
