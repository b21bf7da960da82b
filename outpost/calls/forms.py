from django import forms
from django.utils.translation import gettext_lazy as _


class DivertForm(forms.Form):
    file = forms.FileField(label=_("110 calls (CSV in UTF-8 or GBK, or xlsx)"))


class CorrectionForm(forms.Form):
    """The operator's decision on a call: keep it with the police, or a 09xx sub-type."""

    to = forms.ChoiceField(label=_("Correct to"))

    def __init__(self, *args: object, choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["to"].choices = choices  # type: ignore[attr-defined]
