"""网格学院's pages for learners and team leaders under /academy/ (namespace "academy").

A learner: their assigned courses and the open ones, a course, a lesson (read, then marked read),
the quiz (scored on the server; the right choices are shown only with the result). A team
leader: their team's progress and one member's. Editing is in `outpost.academy.desk`."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from outpost.academy import queries, services
from outpost.academy.forms import QuizForm
from outpost.academy.models import Course, LessonKind
from outpost.accounts.signed_in import SignedInRequest
from outpost.knowledge.text import blocks


@login_required
@require_GET
def index(request: SignedInRequest) -> HttpResponse:
    user = request.user
    mine = queries.assigned_courses(user)
    others = [c for c in queries.courses_for(user).filter(active=True) if c not in mine]
    context = {
        "mine": queries.progress(user, mine),
        "others": others,
        "team": queries.sees_team(user),
        "editor": queries.edits_courses(user),
    }
    return render(request, "academy/index.html", context)


@login_required
@require_GET
def course(request: SignedInRequest, pk: int) -> HttpResponse:
    found = queries.get_course(request.user, pk)
    [state] = queries.progress(request.user, [found])
    context = {
        "course": found,
        "lessons": list(found.lessons.order_by("position", "pk")),
        "read": queries.read_lessons(request.user, found),
        "state": state,
        "has_quiz": found.questions.exists(),
    }
    return render(request, "academy/course.html", context)


@login_required
def lesson(request: SignedInRequest, pk: int, lesson_pk: int) -> HttpResponse:
    found = queries.get_course(request.user, pk)
    shown = queries.get_lesson(found, lesson_pk)
    if request.method == "POST":
        services.mark_read(shown, actor=request.user)
        messages.success(request, _("Lesson marked as read."))
        return redirect("academy:course", pk=found.pk)
    published = shown.article.published if shown.article is not None else None
    text = published.body if published is not None else shown.text
    context: dict[str, Any] = {
        "course": found,
        "lesson": shown,
        "article": published,
        "blocks": blocks(text),
        "outcome": blocks(shown.outcome),
        "is_case": shown.kind == LessonKind.CASE,
        "read": shown.pk in queries.read_lessons(request.user, found),
    }
    return render(request, "academy/lesson.html", context)


@login_required
def quiz(request: SignedInRequest, pk: int) -> HttpResponse:
    found = queries.get_course(request.user, pk)
    asked = queries.questions(found)
    form = QuizForm(request.POST or None, asked=asked)
    if request.method == "POST" and form.is_valid():
        attempt = services.submit_quiz(found, form.answers(), actor=request.user)
        [state] = queries.progress(request.user, [found])
        return render(request, "academy/result.html", _result(found, asked, form, attempt, state))
    return render(request, "academy/quiz.html", {"course": found, "form": form, "asked": asked})


def _result(
    course: Course, asked: list[Any], form: QuizForm, attempt: Any, state: Any
) -> dict[str, Any]:
    answers = form.answers()
    rows = [
        {
            "question": q,
            "chosen": q.choices[answers[q.pk]],
            "right": q.choices[q.answer],
            "ok": answers.get(q.pk) == q.answer,
        }
        for q in asked
    ]
    return {"course": course, "attempt": attempt, "rows": rows, "state": state}


@login_required
@require_GET
def team(request: SignedInRequest) -> HttpResponse:
    members = queries.team_for(request.user)
    courses = list(Course.objects.filter(active=True))
    cells = queries.team_progress(members, courses)
    roles = queries.roles_by_user(members)
    rows = [
        {"member": m, "cells": [p for p in cells[m.pk] if queries.assigned(p.course, roles[m.pk])]}
        for m in members
    ]
    return render(request, "academy/team.html", {"rows": rows})


@login_required
@require_GET
def member(request: SignedInRequest, pk: int) -> HttpResponse:
    found = queries.get_member(request.user, pk)
    courses = queries.assigned_courses(found)
    context = {"member": found, "cells": queries.progress(found, courses)}
    return render(request, "academy/member.html", context)
