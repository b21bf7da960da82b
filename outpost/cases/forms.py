"""Forms of the case screens: reporting, one form per workflow action, and the public pages."""

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.cases.inputs import needed, required
from outpost.cases.labels import FOLLOWUP_LABELS, RATING_LABELS, UNIT_KIND_LABELS
from outpost.cases.models import Case, Category, Sensitivity, SubType
from outpost.cases.queries import dispatch_candidates
from outpost.cases.routing import Unit
from outpost.cases.services import NewCase, can_report_restricted
from outpost.cases.workflow import SPECS, Input, Kind
from outpost.core.files import read_upload
from outpost.core.models import Urgency

# The form field an input is posted as, where it is not the input's own name.
FIELD_NAMES = {"files": "photos"}

RATING_CHOICES = [(key, label) for key, label in RATING_LABELS.items()]


def subtype_choices(user: User) -> list[tuple[str, list[tuple[str, str]]]]:
    """Sub-types grouped by category; 关怀帮扶 (restricted) only for those who may file it."""
    categories = Category.objects.prefetch_related("subtypes").order_by("code")
    if not can_report_restricted(user):
        categories = categories.filter(restricted=False)
    return [
        (
            f"{c.code} {c.name}",
            [(s.code, f"{s.code} {s.name}") for s in c.subtypes.all() if s.active],
        )
        for c in categories
    ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos or PDFs at once; what they are is checked by the service, by content."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"})

    def clean(self, data: Any, initial: Any = None) -> list[tuple[str, bytes]]:
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        checked = [super(PhotosField, self).clean(f, initial) for f in files]
        return [read_upload(f) for f in checked if f]


def photos_field() -> PhotosField:
    return PhotosField(
        label=_("Photos or PDF"),
        required=False,
        help_text=_("JPEG, PNG, WebP or PDF. Location data is removed from photos."),
    )


def id_numbers(text: str) -> list[str]:
    return [
        line.strip()
        for line in text.replace("，", "\n").replace(",", "\n").splitlines()
        if line.strip()
    ]


class ReportForm(forms.Form):
    subtype = forms.ChoiceField(label=_("Case type"))
    title = forms.CharField(label=_("Title"), min_length=2, max_length=100)
    description = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    # Raises the sub-type's level only: 涉警 clues are police-only whether ticked or not.
    police_only = forms.BooleanField(
        label=_("Police only"),
        required=False,
        help_text=_("Only the police see the details; others see the status and the outcome."),
    )
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    address = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    parties = forms.CharField(
        label=_("Parties (ID numbers)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
        help_text=_("One ID number a line; they are linked to the people registry."),
    )
    photos = photos_field()

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        subtype = cast(forms.ChoiceField, self.fields["subtype"])
        subtype.choices = [("", "——"), *subtype_choices(user)]

    def clean(self) -> dict[str, Any]:
        super().clean()  # the stub says it may return None; Django returns cleaned_data
        data = self.cleaned_data
        if (data.get("lon") is None or data.get("lat") is None) and not data.get("address"):
            self.add_error("lon", _("Pin the place on the map, or find it by its address."))
        return data

    def new_case(self, source: str) -> NewCase:
        data = self.cleaned_data
        return NewCase(
            subtype=SubType.objects.select_related("category").get(code=data["subtype"]),
            title=data["title"],
            source=source,
            description=data["description"],
            lon=data["lon"],
            lat=data["lat"],
            urgency=data["urgency"],
            sensitivity=Sensitivity.POLICE_ONLY if data["police_only"] else Sensitivity.INTERNAL,
            address=data["address"],
            parties=id_numbers(data["parties"]),
            files=data["photos"],
        )


COMMENT_LABELS = {
    "complete": _("Result"),
    "reject": _("Reason"),
    "return": _("Reason"),
    "suspend": _("Reason"),
    "request_extension": _("Reason"),
    "reopen": _("Reason"),
    "note": _("Progress"),
}
CHOICE_LABELS: dict[str, dict[str, Any]] = {"rating": RATING_LABELS, "outcome": FOLLOWUP_LABELS}
INPUT_LABELS = {
    "duplicate_of": _("Duplicate of case number"),
    "mediation_outcome": _("Mediation outcome"),
    "recheck": _("Recheck on site"),
    "rating": _("Satisfaction"),
    "outcome": _("Did the call reach the resident?"),
    "escalate": _("Escalate to the command room one level up"),
}
HELP = {"recheck": _("What you found when you checked the place again.")}


def input_field(item: Input, case: Case) -> forms.Field:
    """The form field of one declared input (`workflow.SPECS`)."""
    label, need = INPUT_LABELS.get(item.name, item.name), required(item, case)
    if item.kind == Kind.FILES:
        return photos_field()
    if item.kind == Kind.FLAG:
        return forms.BooleanField(label=label, required=False)
    if item.kind == Kind.CHOICE and item.name in CHOICE_LABELS:
        pills = list(CHOICE_LABELS[item.name].items())
        return forms.ChoiceField(label=label, choices=pills, widget=forms.RadioSelect)
    if item.kind == Kind.CHOICE:
        options = [("", "——"), *((c, c) for c in item.choices)]
        return forms.ChoiceField(label=label, choices=options, required=need)
    length = item.max_length or None
    return forms.CharField(
        label=label, required=need, max_length=length, help_text=HELP.get(item.name, "")
    )


class ActionForm(forms.Form):
    """One workflow action, with the fields its declaration asks for (`workflow.SPECS`) and the
    case's version, so a form loaded before someone else acted is refused instead of acting on
    a case that moved on."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, case: Case, action: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["version"] = case.version
        kwargs.setdefault("prefix", action)
        super().__init__(*args, **kwargs)
        self.case, self.action = case, action
        self.spec = SPECS[action]
        self.fields["comment"].required = self.spec.comment
        self.fields["comment"].label = COMMENT_LABELS.get(action, _("Comment"))
        self.candidates: list[Unit] = []
        self.suggested: list[Unit] = []
        for item in self.spec.inputs:
            if item.kind == Kind.UNITS:
                self._add_units()
            elif needed(item, case):
                self.fields[FIELD_NAMES.get(item.name, item.name)] = input_field(item, case)

    def _add_units(self) -> None:
        self.suggested, self.candidates = dispatch_candidates(self.case)
        values = [(_value(u), u.name) for u in self.candidates]
        chosen = [_value(u) for u in self.suggested]
        self.fields["units"] = forms.MultipleChoiceField(
            label=_("Units"), choices=values, required=False, initial=chosen
        )
        self.fields["lead"] = forms.ChoiceField(
            label=_("Lead unit"), choices=values, required=False, initial=chosen[:1]
        )

    def inputs(self) -> list[tuple[forms.BoundField, bool]]:
        """The declared inputs' fields in order, each with whether it shows as choice pills
        (the dispatch form's units, and the photos after the comment, are drawn apart)."""
        shown = []
        for item in self.spec.inputs:
            name = FIELD_NAMES.get(item.name, item.name)
            if name in self.fields and item.kind not in (Kind.UNITS, Kind.FLAG, Kind.FILES):
                pills = isinstance(self.fields[name].widget, forms.RadioSelect)
                shown.append((self[name], pills))
        return shown

    def clean(self) -> dict[str, Any]:
        super().clean()  # the stub says it may return None; Django returns cleaned_data
        data = self.cleaned_data
        if "units" in self.fields and not data.get("escalate"):
            units = data.get("units") or []
            if not units:
                self.add_error("units", _("Choose at least one unit, or escalate."))
            elif len(units) > 1 and data.get("lead") not in units:
                self.add_error("lead", _("For joint handling, choose the lead among the units."))
        return data

    def payload(self) -> dict[str, Any]:
        """The inputs as `act` takes them (the same keys as the API's action body)."""
        data, payload = self.cleaned_data, {}
        for item in self.spec.inputs:
            value = data.get(FIELD_NAMES.get(item.name, item.name))
            if item.kind == Kind.UNITS and not data.get("escalate"):
                units = data["units"]
                lead = units[0] if len(units) == 1 else data["lead"]
                payload["targets"] = [_target(value, value == lead) for value in units]
            elif value:
                payload[item.name] = value
        return payload

    def unit_rows(self) -> list[dict[str, Any]]:
        """The dispatch form's table: each candidate with its kind, checked and lead as posted
        (or as suggested on a fresh form)."""
        if self.is_bound:
            chosen = set(cast(QueryDict, self.data).getlist(self.add_prefix("units")))
            lead = self.data.get(self.add_prefix("lead"), "")
        else:
            chosen = set(self.fields["units"].initial)
            lead = next(iter(self.fields["lead"].initial), "")
        suggested = {_value(u) for u in self.suggested}
        return [
            {
                "value": _value(u),
                "name": u.name,
                "kind": UNIT_KIND_LABELS.get(u.kind, u.kind),
                "checked": _value(u) in chosen,
                "lead": _value(u) == lead,
                "suggested": _value(u) in suggested,
            }
            for u in self.candidates
        ]


def _value(unit: Unit) -> str:
    return f"{unit.kind}:{unit.code}"


def _target(value: str, lead: bool) -> dict[str, Any]:
    kind, code = value.split(":", 1)
    return {"kind": kind, "code": code, "lead": lead}


class TrackingForm(forms.Form):
    code = forms.RegexField(
        label=_("Tracking code"),
        regex=r"^[A-Za-z0-9]{6,12}$",
        max_length=12,
        error_messages={"invalid": _("A tracking code has 6 to 12 letters and digits.")},
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


class RatingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    rating = forms.ChoiceField(
        label=_("How satisfied are you with the result?"),
        choices=RATING_CHOICES,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you want to add (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
