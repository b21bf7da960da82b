"""The demo's courses: made by the demo administrator from the shipped articles and a closed
dispute (copied without personal data), open to the learning roles, made once."""

import pytest

from outpost.academy.demo import COURSES, create_demo_courses
from outpost.academy.models import Course, LessonKind
from outpost.accounts.demo import create_demo_accounts
from outpost.cases.models import Case

pytestmark = pytest.mark.django_db


def test_it_makes_the_demo_courses_once(closed_case: Case) -> None:
    create_demo_accounts()
    assert create_demo_courses() == len(COURSES)
    assert create_demo_courses() == 0
    dispute = Course.objects.get(title="矛盾纠纷调解")
    example = dispute.lessons.get(kind=LessonKind.CASE)
    assert "李秀英" not in example.text and "13912345678" not in example.text
    assert all(
        c.active and c.questions.exists() and c.lessons.exists() for c in Course.objects.all()
    )
