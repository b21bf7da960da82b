from django import forms
from django.utils.translation import gettext_lazy as _


class DivertForm(forms.Form):
    file = forms.FileField(label=_("110 calls (CSV in UTF-8 or GBK, or xlsx)"))
