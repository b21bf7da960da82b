"""Forms of the knowledge base pages: the search box, an article's text, a review."""

from django import forms
from django.utils.translation import gettext_lazy as _

from outpost.knowledge.models import Kind

REVIEW_CHOICES = (("approve", _("Approve and publish")), ("send_back", _("Send back")))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the knowledge base"), max_length=60, required=False)


class ArticleForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Kind.choices)
    title = forms.CharField(label=_("title"), max_length=100)
    tags = forms.CharField(
        label=_("tags"), max_length=200, required=False, help_text=_("separated by commas")
    )
    body = forms.CharField(
        label=_("text"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Plain text: a blank line between paragraphs, ## for a heading"),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=REVIEW_CHOICES, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Reason (when sending back)"), max_length=300, required=False)
