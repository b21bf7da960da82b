"""Forms of the station pages: the window log entry, staff, opening hours and the rota."""

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.cases.forms import subtype_choices
from outpost.stations.models import Handling, Post, Shift, StationStaff, VisitKind
from outpost.stations.services import Span

WEEKDAYS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–~]\s*(\d{1,2}):(\d{2})$")


def _staff_choices(staff: list[StationStaff]) -> list[tuple[str, str]]:
    return [(str(s.pk), f"{s.user} · {s.get_post_display()}") for s in staff]


class WindowForm(forms.Form):
    visitor_name = forms.CharField(label=_("Visitor"), max_length=32)
    visitor_phone = forms.CharField(label=_("Phone (optional)"), max_length=20, required=False)
    kind = forms.ChoiceField(label=_("Matter"), choices=VisitKind.choices)
    matter = forms.CharField(label=_("What about"), max_length=200)
    handling = forms.ChoiceField(label=_("Handled"), choices=Handling.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    handled_by = forms.ChoiceField(label=_("Handled by"))
    case_subtype = forms.ChoiceField(label=_("Case type (when opening a case)"), required=False)
    case_address = forms.CharField(
        label=_("Standard address code (when opening a case)"), max_length=32, required=False
    )

    def __init__(self, *args: Any, user: User, staff: list[StationStaff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        handled = cast(forms.ChoiceField, self.fields["handled_by"])
        handled.choices = _staff_choices(staff)
        mine = next((s for s in staff if s.user_id == user.pk), None)
        if mine is not None:
            handled.initial = str(mine.pk)
        subtype = cast(forms.ChoiceField, self.fields["case_subtype"])
        subtype.choices = [("", "——"), *subtype_choices(user)]


class StaffForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    post = forms.ChoiceField(label=_("Post"), choices=Post.choices)

    def clean_username(self) -> User:
        name = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            raise ValidationError(_("No such user: %(name)s"), params={"name": name})
        return user


def parse_spans(weekday: int, text: str) -> list[Span]:
    """ "8:30-12:00, 14:00-17:30" → two spans of the weekday; "" → none (closed)."""
    spans = []
    for part in re.split(r"[,，;；\s]+(?=\d)", text.strip()) if text.strip() else []:
        found = _SPAN.match(part.strip())
        if not found:
            raise ValidationError(
                _("Write hours as 8:30-12:00, 14:00-17:30 (not %(text)s)"),
                params={"text": part[:20]},
            )
        h1, m1, h2, m2 = (int(g) for g in found.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValidationError(_("No such time: %(text)s"), params={"text": part[:20]})
        spans.append(Span(weekday, dt.time(h1, m1), dt.time(h2, m2)))
    return spans


class HoursForm(forms.Form):
    """One line per weekday; spans separated by commas."""

    def __init__(self, *args: Any, initial_spans: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, label in enumerate(WEEKDAYS):
            text = ", ".join(
                f"{s.opens:%H:%M}-{s.closes:%H:%M}" for s in initial_spans or [] if s.weekday == day
            )
            self.fields[f"day{day}"] = forms.CharField(
                label=label, required=False, max_length=100, initial=text
            )

    def spans(self) -> list[Span]:
        found: list[Span] = []
        for day in range(7):
            found += parse_spans(day, self.cleaned_data.get(f"day{day}", ""))
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for day in range(7):
            try:
                parse_spans(day, data.get(f"day{day}", ""))
            except ValidationError as error:
                self.add_error(f"day{day}", error)
        return data


class DutyForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    shift = forms.ChoiceField(label=_("Shift"), choices=Shift.choices)
    staff = forms.ChoiceField(label=_("On duty"))

    def __init__(self, *args: Any, staff: list[StationStaff], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["staff"]).choices = _staff_choices(staff)
