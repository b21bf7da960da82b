"""Forms of 网格学院: a course's details, adding a lesson or a question, and a quiz (its radio
buttons carry the choices' positions only; which one is right stays on the server)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from outpost.academy.models import Question
from outpost.academy.queries import LEARNING_ROLES

MAX_CHOICES = 6


class CourseForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=100)
    summary = forms.CharField(label=_("summary"), max_length=300, required=False)
    roles = forms.MultipleChoiceField(
        label=_("assigned to roles"),
        choices=[(role.value, role.label) for role in LEARNING_ROLES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    pass_mark = forms.IntegerField(label=_("pass mark (%)"), min_value=1, max_value=100, initial=80)
    active = forms.BooleanField(label=_("open to learners"), required=False)


class ArticleLessonForm(forms.Form):
    article = forms.TypedChoiceField(label=_("article"), coerce=int)

    def __init__(self, *args: Any, articles: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["article"].choices = articles  # type: ignore[attr-defined]


class CaseLessonForm(forms.Form):
    case = forms.ChoiceField(label=_("closed case"))

    def __init__(self, *args: Any, cases: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = cases  # type: ignore[attr-defined]


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("question"), max_length=300)
    choices = forms.CharField(
        label=_("choices"),
        max_length=1200,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One choice a line, two to six"),
    )
    answer = forms.IntegerField(
        label=_("number of the right choice"), min_value=1, max_value=MAX_CHOICES
    )
    explanation = forms.CharField(label=_("explanation"), max_length=500, required=False)


class QuizForm(forms.Form):
    """One radio group a question, named q<pk>, valued by the choice's position."""

    def __init__(self, *args: Any, asked: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for q in asked:
            self.fields[f"q{q.pk}"] = forms.TypedChoiceField(
                label=q.text,
                choices=list(enumerate(q.choices)),
                coerce=int,
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[int, int]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}
