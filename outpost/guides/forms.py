"""Forms of the service guide pages: the search box, asking for help (public and staff), a
step on a request, the resident's rating, and a matter of the catalogue."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from outpost.geo.models import Grid
from outpost.guides.models import Matter, Mode


class SearchForm(forms.Form):
    q = forms.CharField(label=_("What do you need to do?"), max_length=60, required=False)


def grid_choices(rows: QuerySet[Grid] | None = None) -> list[tuple[str, str]]:
    rows = (rows if rows is not None else Grid.objects.select_related("community")).order_by(
        "community__name", "name"
    )
    return [("", "——")] + [(g.code, f"{g.community.name} · {g.name}") for g in rows]


class HelpForm(forms.Form):
    """A resident asking for help with one matter."""

    mode = forms.ChoiceField(
        label=_("How would you like to be helped?"),
        choices=Mode.choices,
        widget=forms.RadioSelect,
        initial=Mode.ON_BEHALF,
    )
    resident_name = forms.CharField(label=_("Your name"), max_length=32)
    phone = forms.CharField(label=_("Contact phone"), max_length=20)
    grid = forms.ChoiceField(label=_("Your community and grid"))
    address = forms.CharField(label=_("Your address"), max_length=200)
    note = forms.CharField(
        label=_("What do you need? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["grid"]).choices = grid_choices()

    def chosen_grid(self) -> Grid | None:
        code = self.cleaned_data.get("grid") or ""
        return Grid.objects.select_related("main_beat").filter(code=code).first()


class StaffHelpForm(HelpForm):
    """Staff entering a request for a resident: the matter is chosen here too."""

    matter = forms.ModelChoiceField(
        label=_("Service matter"), queryset=Matter.objects.filter(published=True).order_by("title")
    )
    field_order = ["matter", "mode", "resident_name", "phone", "grid", "address", "note"]

    def __init__(self, *args: Any, grids: QuerySet[Grid], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the grids the staff member works in (the service checks it again).
        cast(forms.ChoiceField, self.fields["grid"]).choices = grid_choices(grids)


class StepForm(forms.Form):
    step = forms.ChoiceField(
        choices=[
            ("accept", "accept"),
            ("start", "start"),
            ("finish", "finish"),
            ("decline", "decline"),
        ]
    )
    reason = forms.CharField(label=_("Reason for declining"), max_length=200, required=False)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment (optional)"), max_length=300, required=False)


class MatterForm(forms.ModelForm):
    documents = forms.CharField(
        label=_("Documents (one per line)"), widget=forms.Textarea(attrs={"rows": 5})
    )

    class Meta:
        model = Matter
        fields = [
            "code",
            "title",
            "keywords",
            "summary",
            "eligibility",
            "documents",
            "place",
            "fees",
            "time_limit",
            "time_limit_days",
            "department",
            "police",
            "published",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "eligibility": forms.Textarea(attrs={"rows": 3}),
            "place": forms.Textarea(attrs={"rows": 2}),
        }
