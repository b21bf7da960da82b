"""Forms of the instruction screens: send, report back, groups, notices and key work items."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.cases.forms import photos_field
from outpost.core.bounds import DayField, MomentField, check_day
from outpost.core.models import Urgency
from outpost.geo.models import CommandRoom
from outpost.instructions import queries

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


def _checkboxes(label: Any, choices: list[tuple[str, str]]) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class InstructionForm(forms.Form):
    """A new instruction: room, text, deadline, priority, and whom it goes to."""

    KINDS = ("outposts", "grids", "beats", "departments", "groups", "users")

    room: forms.ModelChoiceField[CommandRoom] = forms.ModelChoiceField(
        label=_("From command room"), queryset=None, empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(
        label=_("Text"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    deadline = MomentField(
        label=_("Deadline"),
        input_formats=[LOCAL_MINUTE],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTE),
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = queries.sender_rooms(user)  # type: ignore[attr-defined]
        reach = queries.addressable(user)
        self.fields["outposts"] = _checkboxes(
            _("Outpost stations"), [(o.community.code, o.name) for o in reach.outposts]
        )
        self.fields["grids"] = _checkboxes(_("Grids"), [(g.code, g.name) for g in reach.grids])
        self.fields["beats"] = _checkboxes(
            _("Police beats"), [(b.code, b.name) for b in reach.beats]
        )
        self.fields["departments"] = _checkboxes(
            _("Departments"), [(d.code, d.name) for d in reach.departments]
        )
        self.fields["groups"] = _checkboxes(
            _("Virtual groups"), [(str(g.pk), g.name) for g in reach.groups]
        )
        self.fields["users"] = _checkboxes(
            _("Named people"), [(u.username, f"{u} ({u.username})") for u in reach.users]
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(kind) for kind in self.KINDS):
            raise forms.ValidationError(_("Choose at least one recipient."))
        return cleaned

    def targets(self) -> list[tuple[str, str]]:
        kinds = {"outposts": "outpost", "grids": "grid", "beats": "beat"}
        kinds |= {"departments": "department", "groups": "group", "users": "user"}
        return [(kinds[f], code) for f in self.KINDS for code in self.cleaned_data.get(f, [])]

    def recipient_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.KINDS if self.fields[name].choices]  # type: ignore[attr-defined]


class FeedbackForm(forms.Form):
    """A report back: what was done, photos, and whether this finishes it."""

    text = forms.CharField(
        label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    done = forms.BooleanField(label=_("Finished: this is the final report"), required=False)
    photos = photos_field()


class GroupForm(forms.Form):
    """A virtual group from trades in an area."""

    unit_types = forms.MultipleChoiceField(
        label=_("Trades"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    area_code = forms.ChoiceField(label=_("Area"))
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=64,
        help_text=_("Left empty, the name is made from the area and the trades."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit_types"].choices = [(t, t) for t in queries.trades(user)]  # type: ignore[attr-defined]
        areas = queries.group_areas(user)
        self.fields["area_code"].choices = [(a.code, a.name) for a in areas]  # type: ignore[attr-defined]


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(
        label=_("Text"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


def parse_milestones(text: str) -> list[tuple[str, dt.date]]:
    """Lines of "YYYY-MM-DD title" into (title, due date)."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        day, _sep, title = line.strip().partition(" ")
        try:
            due = check_day(dt.date.fromisoformat(day))
        except (ValueError, ValidationError):
            raise forms.ValidationError(
                _("Line %(n)s: start with a date such as 2026-12-31."), params={"n": number}
            ) from None
        if not title.strip():
            raise forms.ValidationError(_("Line %(n)s: name the milestone."), params={"n": number})
        found.append((title.strip()[:100], due))
    return found


class WorkItemForm(forms.Form):
    room: forms.ModelChoiceField[CommandRoom] = forms.ModelChoiceField(
        label=_("Command room"), queryset=None, empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=100)
    lead_unit = forms.CharField(label=_("Lead unit"), required=False, max_length=64)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    milestones = forms.CharField(
        label=_("Milestones"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2026-12-31 …"}),
        help_text=_("One per line: the due date, a space, then what is to be done."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = queries.sender_rooms(user)  # type: ignore[attr-defined]

    def clean_milestones(self) -> list[tuple[str, dt.date]]:
        return parse_milestones(self.cleaned_data["milestones"])


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=100)
    due_date = DayField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
