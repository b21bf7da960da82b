from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from outpost.core.bounds import DayField
from outpost.registry.imports import KIND_LABELS
from outpost.registry.imports.persons import CARE_TAGS
from outpost.registry.models import HouseUse, PersonStatus, PopulationType


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to keep the number on record."),
    )
    pop_type = forms.ChoiceField(label=_("Population type"), choices=PopulationType.choices)
    hukou_region = forms.RegexField(
        label=_("Household registration region"), regex=r"^\d{6}$", max_length=6
    )
    care_tags = forms.MultipleChoiceField(
        label=_("Care tags"),
        required=False,
        choices=[(t, t) for t in CARE_TAGS],
        widget=forms.CheckboxSelectMultiple,
    )
    address_code = forms.CharField(label=_("Address code (room)"), max_length=20)


class PurposeForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"),
        min_length=4,
        max_length=200,
        help_text=_("Why you need the full numbers. This is logged."),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[(kind, KIND_LABELS[kind]) for kind in ("persons", "addresses", "houses", "units")],
    )
    file = forms.FileField(label=_("File (CSV in UTF-8 or GBK, or xlsx)"))
    dry_run = forms.BooleanField(label=_("Check only, write nothing"), required=False)


class RegistrationForm(forms.Form):
    registered_on = DayField(
        label=_("Registered on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    permit_no = forms.CharField(label=_("Residence permit number"), max_length=32, required=False)
    permit_expires = DayField(
        label=_("Permit expires"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class BreakGlassForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=20)
    reason = forms.CharField(
        label=_("Reason"),
        min_length=10,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Why you must see this person's record although they live outside your area. "
            "It is logged and reviewed."
        ),
    )


class AddressPickForm(forms.Form):
    """A place chosen from the standard addresses of the user's area, found by its text."""

    address_q = forms.CharField(
        label=_("Find the address"),
        max_length=100,
        required=False,
        help_text=_("Type words of the address (road, door number, building, room), then Find."),
    )
    address = forms.ChoiceField(label=_("Address"), widget=forms.RadioSelect, choices=[])

    def __init__(self, *args: Any, rooms: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["address"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = rooms or []


class NewPersonForm(AddressPickForm):
    name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID number"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    pop_type = forms.ChoiceField(label=_("Population type"), choices=PopulationType.choices)
    hukou_region = forms.RegexField(
        label=_("Household registration region"), regex=r"^\d{6}$", max_length=6, required=False
    )
    moved_in = DayField(
        label=_("Moved in"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    field_order = ["name", "id_number", "phone", "pop_type", "hukou_region", "moved_in"]


class NewHouseForm(AddressPickForm):
    use = forms.ChoiceField(label=_("Use"), choices=HouseUse.choices)
    area_m2 = forms.FloatField(
        label=_("Floor area (m²)"), required=False, min_value=1, max_value=10000
    )
    occupants = forms.IntegerField(label=_("Occupants"), min_value=0, max_value=500, initial=0)
    rental_filing_no = forms.CharField(
        label=_("Rental filing number"), max_length=32, required=False
    )
    field_order = ["use", "area_m2", "occupants", "rental_filing_no"]


class NewOrganisationForm(AddressPickForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=20)
    unit_type = forms.CharField(label=_("Type"), max_length=32)
    legal_rep = forms.CharField(label=_("Legal representative"), max_length=50)
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    employees = forms.IntegerField(label=_("Employees"), min_value=0, max_value=1000000, initial=0)
    field_order = ["name", "uscc", "unit_type", "legal_rep", "contact_phone", "employees"]


class DeregisterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Why"),
        choices=[(PersonStatus.MOVED_OUT, _("Moved away")), (PersonStatus.DECEASED, _("Deceased"))],
        widget=forms.RadioSelect,
    )
    left_on = DayField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    left_reason = forms.CharField(label=_("Reason"), max_length=200)
