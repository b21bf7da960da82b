from django import forms
from django.utils.translation import gettext_lazy as _

from outpost.core.bounds import DayField
from outpost.registry.imports.persons import CARE_TAGS
from outpost.registry.models import PopulationType


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
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
        choices=[
            ("persons", _("People")),
            ("addresses", _("Standard addresses")),
            ("houses", _("Houses")),
            ("units", _("Organisations")),
        ],
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
