"""Field-work forms for the phone pages."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.cases.forms import photos_field, subtype_choices
from outpost.fieldwork import queries, service_desk, services
from outpost.fieldwork.models import PatrolPlan
from outpost.geo.models import Grid


class StartForm(forms.Form):
    grid = forms.ChoiceField(label=_("Grid"))
    plan = forms.TypedChoiceField(
        label=_("Patrol plan"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grids = [(g.code, g.name) for g in queries.patrol_grids(user)]
        cast(forms.ChoiceField, self.fields["grid"]).choices = grids
        plans = [(p.pk, f"{p.grid.name} · {p.name}") for p in queries.my_plans(user)]
        cast(forms.ChoiceField, self.fields["plan"]).choices = [("", _("Free patrol")), *plans]


class CheckInForm(forms.Form):
    """The position comes from the phone (the page's script fills it before sending)."""

    lon = forms.FloatField(widget=forms.HiddenInput, min_value=-180, max_value=180)
    lat = forms.FloatField(widget=forms.HiddenInput, min_value=-90, max_value=90)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    photos = photos_field()


class FindingForm(forms.Form):
    subtype = forms.ChoiceField(label=_("Case type"))
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["subtype"])
        field.choices = [("", "——"), *subtype_choices(user)]


class VisitForm(forms.Form):
    met = forms.CharField(label=_("Who was met"), max_length=100)
    found = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    case_subtype = forms.ChoiceField(label=_("Open a case (optional)"), required=False)
    case_title = forms.CharField(label=_("Case title"), max_length=100, required=False)
    service_matter = forms.ChoiceField(label=_("Open a service request (optional)"), required=False)
    service_mode = forms.ChoiceField(label=_("How to help"), required=False)
    service_phone = forms.CharField(
        label=_("Phone to call back on"),
        max_length=20,
        required=False,
        help_text=_("The number the resident gives for this request."),
    )
    service_note = forms.CharField(label=_("What is needed"), max_length=500, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["case_subtype"])
        field.choices = [("", _("No case")), *subtype_choices(user)]
        matters, modes = service_desk.choices()
        field = cast(forms.ChoiceField, self.fields["service_matter"])
        field.choices = [("", _("No service request")), *matters]
        cast(forms.ChoiceField, self.fields["service_mode"]).choices = [("", "——"), *modes]

    def service(self) -> service_desk.ServiceAsk | None:
        data = self.cleaned_data
        if not data["service_matter"]:
            return None
        return service_desk.ServiceAsk(
            data["service_matter"],
            data["service_mode"],
            data["service_phone"],
            data["service_note"],
        )


class InspectionForm(forms.Form):
    checklist = forms.ChoiceField(label=_("Checklist"))
    departments = forms.MultipleChoiceField(
        label=_("Joint with (each signs it off)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, checklists: list[Any], departments: list[Any], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["checklist"]).choices = [
            (c.code, f"{c.name}（v{c.version}）") for c in checklists
        ]
        cast(forms.ChoiceField, self.fields["departments"]).choices = [
            (d.code, d.name) for d in departments
        ]


class ResultsForm(forms.Form):
    """One pass/fail choice per checklist item (fields named after the items' codes)."""

    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    rectify_days = forms.IntegerField(
        label=_("Days to rectify"), min_value=1, max_value=90, initial=7
    )

    def __init__(self, *args: Any, items: list[dict[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        choices = [("pass", _("Passed")), ("fail", _("Failed"))]
        for item in items:
            self.fields[f"item_{item['code']}"] = forms.ChoiceField(
                label=item["text"], choices=choices, widget=forms.RadioSelect
            )

    def results(self) -> dict[str, bool]:
        return {
            name.removeprefix("item_"): value == "pass"
            for name, value in self.cleaned_data.items()
            if name.startswith("item_")
        }


class RecheckForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Re-check"),
        choices=[("1", _("Passed: rectified")), ("0", _("Not passed"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PlanGridForm(forms.Form):
    """The first step of a new plan: the grid (a plan's workers and points are the grid's)."""

    grid = forms.ChoiceField(label=_("Grid"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grids = [(g.code, f"{g.name}（{g.code}）") for g in queries.plan_grids(user)]
        cast(forms.ChoiceField, self.fields["grid"]).choices = grids


class PlanForm(forms.Form):
    """A plan's terms: its workers are chosen from who may walk the grid, its route points from
    the grid's standard addresses (the page filters them with a search box)."""

    name = forms.CharField(label=_("Name"), max_length=64)
    per_week = forms.IntegerField(
        label=_("Patrols per week"),
        min_value=1,
        max_value=services.MAX_PER_WEEK,
        initial=3,
        help_text=_("How often the grid is walked, shared by its workers."),
    )
    workers = forms.MultipleChoiceField(
        label=_("Assigned workers"), widget=forms.CheckboxSelectMultiple
    )
    points = forms.MultipleChoiceField(
        label=_("Route points"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: a free patrol of the grid."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, grid: Grid, plan: PatrolPlan | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        workers = {u.username: u for u in queries.plan_workers(grid)}
        addresses = {a.code: a.full_text for a in queries.plan_addresses(grid)}
        if plan is not None:  # its own workers and points stay offered (the check names them)
            workers |= {u.username: u for u in plan.workers.all()}
            addresses |= {a.code: a.full_text for a in plan.points.all()}
            self.initial.update(
                name=plan.name,
                per_week=plan.per_week,
                active=plan.active,
                workers=[u.username for u in plan.workers.all()],
                points=[a.code for a in plan.points.all()],
            )
        else:
            del self.fields["active"]
        self.people = workers
        cast(forms.ChoiceField, self.fields["workers"]).choices = [
            (name, str(u)) for name, u in sorted(workers.items())
        ]
        cast(forms.ChoiceField, self.fields["points"]).choices = sorted(addresses.items())

    def chosen_workers(self) -> list[User]:
        return [self.people[name] for name in self.cleaned_data["workers"]]
