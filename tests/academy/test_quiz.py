"""The quiz: the page carries the questions and choices but nothing telling which is right;
answers are scored on the server, every attempt recorded, and the right answers and
explanations shown only with the result."""

import re

import pytest
from django.urls import reverse

from outpost.academy import services
from outpost.academy.models import Attempt, Course
from tests.academy.conftest import make_course
from tests.conftest import Persona

pytestmark = pytest.mark.django_db


def _fields(course: Course, *picks: int) -> dict[str, int]:
    return {
        f"q{q.pk}": pick
        for q, pick in zip(course.questions.order_by("position"), picks, strict=False)
    }


def test_it_sends_no_right_answer_before_submission(
    commander: Persona, grid_worker: Persona
) -> None:
    course = make_course(commander.user)
    html = grid_worker.client.get(reverse("academy:quiz", args=[course.pk])).content.decode()
    assert "邻里纠纷首先应当怎么做？" in html and "上门了解情况、调解" in html
    assert "先调解" not in html and "checked" not in html and "✓" not in html
    for question in course.questions.all():
        radios = re.findall(rf'<input[^>]*name="q{question.pk}"[^>]*>', html)
        assert len(radios) == len(question.choices)
        # The right choice's radio differs from the others only by its value and id.
        shapes = {re.sub(r'(value|id)="[^"]*"', "", r) for r in radios}
        assert len(shapes) == 1, shapes
        assert sorted(re.findall(r'value="(\d+)"', " ".join(radios))) == ["0", "1"]


def test_it_scores_on_the_server_and_records_each_attempt(
    commander: Persona, grid_worker: Persona
) -> None:
    course = make_course(commander.user)  # pass mark 50%, two questions
    url = reverse("academy:quiz", args=[course.pk])
    failed = grid_worker.client.post(url, _fields(course, 0, 1)).content.decode()
    assert 'data-passed="no"' in failed and "<strong>0%</strong>" in failed
    assert "上门了解情况、调解" in failed and "先调解" in failed  # the right answer, explained
    passed = grid_worker.client.post(url, _fields(course, 1, 1)).content.decode()
    assert 'data-passed="yes"' in passed and "<strong>50%</strong>" in passed
    attempts = list(Attempt.objects.filter(user=grid_worker.user).order_by("pk"))
    assert [(a.score, a.passed) for a in attempts] == [(0, False), (50, True)]
    first = course.questions.order_by("position").first()
    assert first is not None and attempts[1].answers[str(first.pk)] == 1


def test_it_shows_an_editors_markup_as_text(commander: Persona, grid_worker: Persona) -> None:
    course = make_course(commander.user)
    services.add_question(
        course,
        services.QuestionText("<b>哪个</b>对？", ("<i>甲</i>", "乙"), 0),
        actor=commander.user,
    )
    html = grid_worker.client.get(reverse("academy:quiz", args=[course.pk])).content.decode()
    assert "&lt;b&gt;哪个&lt;/b&gt;对？" in html and "&lt;i&gt;甲&lt;/i&gt;" in html
    assert "<b>哪个" not in html and "<i>甲" not in html


def test_it_refuses_answers_that_are_not_among_the_choices(
    commander: Persona, grid_worker: Persona
) -> None:
    course = make_course(commander.user)
    url = reverse("academy:quiz", args=[course.pk])
    answer = grid_worker.client.post(url, _fields(course, 7, 1))
    assert answer.status_code == 200 and 'id="quiz-form"' in answer.content.decode()
    assert not Attempt.objects.exists()
    missing = grid_worker.client.post(url, _fields(course, 1))
    assert 'id="quiz-form"' in missing.content.decode() and not Attempt.objects.exists()
