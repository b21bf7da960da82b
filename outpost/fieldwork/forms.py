"""Field-work forms for the phone pages."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.cases.forms import photos_field, subtype_choices
from outpost.fieldwork import queries


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

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["case_subtype"])
        field.choices = [("", _("No case")), *subtype_choices(user)]


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
