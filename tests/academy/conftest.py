"""网格学院: the taxonomy and the shipped articles, the grid leader of the home community, a
closed case full of personal data, and a course with an article, a case example and a quiz."""

from typing import Any

import pytest
from django.utils import timezone

from outpost.academy import services
from outpost.academy.models import Course
from outpost.accounts.models import User
from outpost.accounts.roles import Role
from outpost.cases.models import Case
from outpost.cases.taxonomy import load_taxonomy
from outpost.cases.workflow import State
from outpost.geo.models import Grid
from outpost.knowledge.catalogue import load as load_articles
from outpost.knowledge.models import Article, ArticleTerm, ArticleVersion
from tests.cases.conftest import file_case
from tests.conftest import Persona, _persona

DESCRIPTION = (
    "居民李秀英（身份证号320106198001011234，手机13912345678）反映中山路83号2栋1单元302室"
    "门口楼道长期堆放杂物，与名叫张大伟的邻居多次争吵。<script>alert(1)</script>"
)
RESULT = "网格员上门调解，李秀英同意三日内清理，回访电话025-83456789确认已清理。"
QUESTIONS = (
    services.QuestionText("邻里纠纷首先应当怎么做？", ("报警", "上门了解情况、调解"), 1, "先调解"),
    services.QuestionText("楼道堆物属于什么隐患？", ("消防安全隐患", "没有隐患"), 0),
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_taxonomy()
        load_articles(Article, ArticleVersion, ArticleTerm)


@pytest.fixture
def leader(home_grid: Grid) -> Persona:
    """The grid leader (网格长) of the home grid's community."""
    return _persona("leader_p", Role.GRID_LEADER, home_grid.community.code)


@pytest.fixture
def closed_case(home_grid: Grid, grid_worker: Persona) -> Case:
    case = file_case(
        home_grid,
        grid_worker.user,
        title="李秀英家门口楼道堆物",
        description=DESCRIPTION,
        reporter_name="李秀英",
        reporter_phone="13912345678",
    )
    # Closed as the loop leaves it (the loop itself is the cases app's to test).
    Case.objects.filter(pk=case.pk).update(
        state=State.CLOSED, result=RESULT, closed_at=timezone.now()
    )
    case.refresh_from_db()
    return case


def make_course(editor: User, *, case: Case | None = None, active: bool = True) -> Course:
    text = services.CourseText(
        "邻里纠纷调解入门", "从知识库和真实案例学调解", (Role.GRID_WORKER,), 50, active
    )
    course = services.create_course(text, actor=editor)
    article = Article.objects.get(code="dispute-mediation-steps")
    services.add_article_lesson(course, article, actor=editor)
    if case is not None:
        services.add_case_lesson(course, case.number, actor=editor)
    for question in QUESTIONS:
        services.add_question(course, question, actor=editor)
    return course
