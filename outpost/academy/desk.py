"""Editing 网格学院 under /academy/desk/: the courses, a course's details, its lessons (an
article of the knowledge base, or a closed case copied without personal data) and its quiz.
Editors are whoever may `change` somewhere (`queries.edits_courses`); others get 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from outpost.academy import queries, services
from outpost.academy.forms import ArticleLessonForm, CaseLessonForm, CourseForm, QuestionForm
from outpost.academy.models import Course
from outpost.accounts.signed_in import SignedInRequest
from outpost.core.forms import show_refusal
from outpost.knowledge.queries import get_article, published_versions


def _editor(request: SignedInRequest) -> None:
    if not queries.edits_courses(request.user):
        raise PermissionDenied


def _articles() -> list[tuple[int, str]]:
    return [(v.article_id, v.title) for v in published_versions()]


def _cases(request: SignedInRequest) -> list[tuple[str, str]]:
    rows = queries.example_cases(request.user).order_by("-closed_at")[: queries.EXAMPLE_LIMIT]
    return [(c.number, f"{c.number} · {c.subtype.name} · {c.title}") for c in rows]


def _text(form: CourseForm) -> services.CourseText:
    data = form.cleaned_data
    return services.CourseText(
        data["title"], data["summary"], tuple(data["roles"]), data["pass_mark"], data["active"]
    )


@login_required
@require_GET
def desk(request: SignedInRequest) -> HttpResponse:
    _editor(request)
    courses = Course.objects.order_by("-active", "title")
    return render(request, "academy/desk.html", {"courses": courses})


@login_required
def new(request: SignedInRequest) -> HttpResponse:
    _editor(request)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.create_course(_text(form), actor=request.user)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Course saved."))
            return redirect("academy:edit", pk=made.pk)
    return render(request, "academy/new.html", {"form": form})


@login_required
def edit(request: SignedInRequest, pk: int) -> HttpResponse:
    found = queries.editable_course(request.user, pk)
    form = _course_form(found, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_course(found, _text(form), actor=request.user)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Course saved."))
            return redirect("academy:edit", pk=found.pk)
    return _edit_page(request, found, form=form)


def _course_form(found: Course, data: QueryDict | None = None) -> CourseForm:
    initial = {
        "title": found.title,
        "summary": found.summary,
        "roles": found.role_list(),
        "pass_mark": found.pass_mark,
        "active": found.active,
    }
    return CourseForm(data, initial=initial)


def _edit_page(request: SignedInRequest, found: Course, **forms: object) -> HttpResponse:
    context = {
        "course": found,
        "lessons": list(found.lessons.order_by("position", "pk")),
        "questions": queries.questions(found),
        "form": _course_form(found),
        "article_form": ArticleLessonForm(articles=_articles()),
        "case_form": CaseLessonForm(cases=_cases(request)),
        "question_form": QuestionForm(),
    } | forms
    return render(request, "academy/edit.html", context)


@login_required
@require_POST
def add_article(request: SignedInRequest, pk: int) -> HttpResponse:
    found = queries.editable_course(request.user, pk)
    form = ArticleLessonForm(request.POST, articles=_articles())
    if form.is_valid():
        services.add_article_lesson(
            found, get_article(form.cleaned_data["article"]), actor=request.user
        )
        messages.success(request, _("Lesson added."))
        return redirect("academy:edit", pk=found.pk)
    return _edit_page(request, found, article_form=form)


@login_required
@require_POST
def add_case(request: SignedInRequest, pk: int) -> HttpResponse:
    found = queries.editable_course(request.user, pk)
    form = CaseLessonForm(request.POST, cases=_cases(request))
    if form.is_valid():
        services.add_case_lesson(found, form.cleaned_data["case"], actor=request.user)
        messages.success(request, _("Case example added without personal data."))
        return redirect("academy:edit", pk=found.pk)
    return _edit_page(request, found, case_form=form)


@login_required
@require_POST
def add_question(request: SignedInRequest, pk: int) -> HttpResponse:
    found = queries.editable_course(request.user, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        text = services.QuestionText(
            data["text"],
            tuple(data["choices"].splitlines()),
            data["answer"] - 1,
            data["explanation"],
        )
        try:
            services.add_question(found, text, actor=request.user)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Question added."))
            return redirect("academy:edit", pk=found.pk)
    return _edit_page(request, found, question_form=form)


@login_required
@require_POST
def remove(request: SignedInRequest, pk: int, what: str, item: int) -> HttpResponse:
    """Remove a lesson ("lesson") or a question ("question") of the course."""
    found = queries.editable_course(request.user, pk)
    if what == "lesson" and (lesson := found.lessons.filter(pk=item).first()):
        services.remove_lesson(lesson, actor=request.user)
    elif what == "question" and (question := found.questions.filter(pk=item).first()):
        services.remove_question(question, actor=request.user)
    else:
        raise Http404
    messages.success(request, _("Removed."))
    return redirect("academy:edit", pk=found.pk)
