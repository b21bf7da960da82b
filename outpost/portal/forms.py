"""The portal's forms: Chinese first, phone size."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from outpost.cases.forms import RatingForm, photos_field
from outpost.cases.taxonomy import public_subtypes
from outpost.portal.models import PublicContact
from outpost.registry.validators import FieldProblem, normalize_phone

__all__ = [
    "CodeForm",
    "DetailsForm",
    "PhoneForm",
    "PlaceForm",
    "PublicContactForm",
    "RatingForm",
    "SearchForm",
]


def _subtype_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for sub in public_subtypes():
        groups.setdefault(sub.category.name, []).append((sub.code, sub.name))
    return list(groups.items())


class PlaceForm(forms.Form):
    """Step one: what the problem is about and where (a pin from the phone's location, or a
    door plate found by a search)."""

    subtype = forms.ChoiceField(label=_("What is the problem about?"))
    q = forms.CharField(label=_("Search an address"), required=False, max_length=60)
    address = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["subtype"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "——"), *_subtype_choices()]


class DetailsForm(forms.Form):
    """Step two: the description and photos (the place and type come from step one)."""

    description = forms.CharField(
        label=_("Describe the problem"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = photos_field()


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Your mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("The 6-digit code sent to your phone"),
        regex=r"^\s*\d{6}\s*$",
        max_length=8,
        error_messages={"invalid": _("Enter the 6 digits of the code")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class SearchForm(forms.Form):
    """Find my people: an address search, or the phone's location."""

    q = forms.CharField(label=_("Search an address"), required=False, max_length=60)
    address = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)


class PublicContactForm(forms.ModelForm):
    class Meta:
        model = PublicContact
        fields = ["show_name", "work_phone"]
        help_texts = {
            "work_phone": _("A work number residents may call; leave empty to show none"),
        }

    def clean_work_phone(self) -> str:
        raw = str(self.cleaned_data.get("work_phone") or "").strip()
        if not raw:
            return ""
        try:
            return normalize_phone(raw)
        except FieldProblem:
            raise forms.ValidationError(_("Not a phone number")) from None
