"""Forms of the roster page."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from outpost.command.models import MemberKind, RoomMember
from outpost.core.bounds import MomentField


class MemberForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=MemberKind.choices)


class ShiftForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=RoomMember.objects.none())
    starts_at = MomentField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = MomentField(
        label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = members  # type: ignore[attr-defined]
        field.label_from_instance = lambda m: m.user.display_name or m.user.username  # type: ignore[attr-defined]


class HandoverForm(forms.Form):
    note = forms.CharField(
        label=_("Handover note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the next shift must know: open matters, calls waiting, promises made."),
    )
