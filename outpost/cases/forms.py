"""Forms of the case screens: reporting, one form per workflow action, and the public pages."""

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.cases.labels import FOLLOWUP_LABELS, RATING_LABELS, UNIT_KIND_LABELS
from outpost.cases.models import Case, Category, Sensitivity, SubType
from outpost.cases.queries import dispatch_candidates
from outpost.cases.routing import Unit
from outpost.cases.services import MEDIATION_OUTCOMES, NewCase, can_report_restricted
from outpost.cases.workflow import State, transition
from outpost.core.files import read_upload
from outpost.core.models import Urgency

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


class ActionForm(forms.Form):
    """One workflow action, with the fields that action needs and the case's version, so a form
    loaded before someone else acted is refused instead of acting on a case that moved on."""

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
        step = transition(State(case.state), action)
        self.fields["comment"].required = bool(step and step.needs_comment)
        self.fields["comment"].label = COMMENT_LABELS.get(action, _("Comment"))
        self.candidates: list[Unit] = []
        self.suggested: list[Unit] = []
        getattr(self, f"_add_{action}_fields", lambda: None)()

    def _add_dispatch_fields(self) -> None:
        self.suggested, self.candidates = dispatch_candidates(self.case)
        values = [(_value(u), u.name) for u in self.candidates]
        chosen = [_value(u) for u in self.suggested]
        self.fields["units"] = forms.MultipleChoiceField(
            label=_("Units"), choices=values, required=False, initial=chosen
        )
        self.fields["lead"] = forms.ChoiceField(
            label=_("Lead unit"), choices=values, required=False, initial=chosen[:1]
        )
        self.fields["escalate"] = forms.BooleanField(
            label=_("Escalate to the command room one level up"), required=False
        )

    def _add_complete_fields(self) -> None:
        self.fields["photos"] = photos_field()
        need = self.case.subtype.closing_requires
        if need == "mediation_outcome":
            self.fields["mediation_outcome"] = forms.ChoiceField(
                label=_("Mediation outcome"),
                choices=[("", "——"), *((o, o) for o in MEDIATION_OUTCOMES)],
            )
        elif need == "recheck_photo":
            self.fields["recheck"] = forms.CharField(
                label=_("Recheck on site"),
                max_length=500,
                help_text=_("What you found when you checked the place again."),
            )

    def _add_rate_fields(self) -> None:
        self.fields["rating"] = forms.ChoiceField(
            label=_("Satisfaction"), choices=RATING_CHOICES, widget=forms.RadioSelect
        )

    def _add_followup_fields(self) -> None:
        self.fields["outcome"] = forms.ChoiceField(
            label=_("Did the call reach the resident?"),
            choices=list(FOLLOWUP_LABELS.items()),
            widget=forms.RadioSelect,
        )

    def _add_reject_fields(self) -> None:
        self.fields["duplicate_of"] = forms.CharField(
            label=_("Duplicate of case number"), required=False, max_length=24
        )

    def clean(self) -> dict[str, Any]:
        super().clean()  # the stub says it may return None; Django returns cleaned_data
        data = self.cleaned_data
        if self.action == "dispatch" and not data.get("escalate"):
            units = data.get("units") or []
            if not units:
                self.add_error("units", _("Choose at least one unit, or escalate."))
            elif len(units) > 1 and data.get("lead") not in units:
                self.add_error("lead", _("For joint handling, choose the lead among the units."))
        return data

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        if self.action == "dispatch":
            if data.get("escalate"):
                return {"escalate": True}
            units = data["units"]
            lead = units[0] if len(units) == 1 else data["lead"]
            return {"targets": [_target(value, value == lead) for value in units]}
        keys = ("mediation_outcome", "recheck", "rating", "duplicate_of", "outcome")
        payload = {k: data[k] for k in keys if data.get(k)}
        if data.get("photos"):
            payload["files"] = data["photos"]
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
