"""Completion per worker: every lesson read and the quiz passed completes a course, dated; the
start page lists the assigned courses not yet completed; `completion_share` counts them for the
assessment."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from outpost.academy import queries, services
from outpost.academy.models import Completion, Course
from outpost.accounts.roles import Role
from outpost.core.worklist import sections_for
from tests.academy.conftest import make_course
from tests.conftest import Persona

pytestmark = pytest.mark.django_db


def _pass(course: Course, persona: Persona) -> None:
    answers = {q.pk: q.answer for q in course.questions.all()}
    services.submit_quiz(course, answers, actor=persona.user)


def _read_all(course: Course, persona: Persona) -> None:
    for lesson in course.lessons.all():
        persona.client.post(reverse("academy:lesson", args=[course.pk, lesson.pk]))


def test_it_completes_a_course_once_lessons_are_read_and_the_quiz_passed(
    commander: Persona, grid_worker: Persona
) -> None:
    course = make_course(commander.user)
    _pass(course, grid_worker)
    assert not Completion.objects.exists()  # the lesson is not read yet
    _read_all(course, grid_worker)
    done = Completion.objects.get(user=grid_worker.user, course=course)
    assert done.completed_at.date() == timezone.now().date()
    page = grid_worker.client.get(reverse("academy:course", args=[course.pk])).content.decode()
    assert 'data-state="done"' in page


def test_it_does_not_complete_on_a_failed_quiz(commander: Persona, grid_worker: Persona) -> None:
    course = make_course(commander.user)
    _read_all(course, grid_worker)
    services.submit_quiz(course, {}, actor=grid_worker.user)
    assert not Completion.objects.exists()
    [state] = queries.progress(grid_worker.user, [course])
    assert (state.read, state.lessons, state.best, state.passed) == (1, 1, 0, False)


def test_it_lists_assigned_courses_not_yet_completed_on_the_start_page(
    commander: Persona, grid_worker: Persona, officer: Persona
) -> None:
    course = make_course(commander.user)
    make_course(commander.user, active=False)  # not open: not assigned to anyone yet
    [section] = [s for s in sections_for(grid_worker.user) if s["key"] == "academy"]
    assert [p.course for p in section["due"]] == [course]
    assert not [s for s in sections_for(officer.user) if s["key"] == "academy"]
    home = grid_worker.client.get("/").content.decode()
    assert 'id="work-academy"' in home and f'data-course="{course.pk}"' in home
    _read_all(course, grid_worker)
    _pass(course, grid_worker)
    [section] = [s for s in sections_for(grid_worker.user) if s["key"] == "academy"]
    assert section["due"] == [] and section["empty"]


def test_it_counts_the_share_completed_in_a_period(
    commander: Persona, grid_worker: Persona, officer: Persona, outsider: Persona
) -> None:
    course = make_course(commander.user)
    services.edit_course(
        course,
        services.CourseText(
            course.title,
            roles=(Role.GRID_WORKER, Role.COMMUNITY_OFFICER),
            pass_mark=50,
            active=True,
        ),
        actor=commander.user,
    )
    users = [grid_worker.user, officer.user, outsider.user, commander.user]
    today = timezone.localdate()
    period = (today - dt.timedelta(days=30), today)
    assert queries.completion_share(users, period) == (0, 3)  # the commander is not assigned
    _read_all(course, grid_worker)
    _pass(course, grid_worker)
    assert queries.completion_share(users, period) == (1, 3)
    later = (today + dt.timedelta(days=1), today + dt.timedelta(days=31))
    assert queries.completion_share(users, later) == (0, 2)  # done before: no longer due
    earlier = (today - dt.timedelta(days=60), today - dt.timedelta(days=31))
    assert queries.completion_share(users, earlier) == (0, 3)
