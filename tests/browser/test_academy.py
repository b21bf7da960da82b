"""网格学院 on a phone (390×844): the grid worker finds the course assigned to them on the start
page, reads its lesson (the knowledge base's published article), takes the quiz, passes, and the
course shows completed; their grid leader (网格长) sees it on the team page. Every page fits the
screen and runs under the CSP."""

from typing import Any

from playwright.sync_api import expect

from outpost.academy import services
from outpost.accounts.models import User
from outpost.accounts.roles import Role
from outpost.knowledge.catalogue import load
from outpost.knowledge.models import Article, ArticleTerm, ArticleVersion
from tests.browser.conftest import District
from tests.browser.test_map import sign_in
from tests.browser.test_patrol import fits, thumb_sized
from tests.browser.test_phone_pages import PHONE, WATCH


def test_it_takes_a_grid_worker_through_a_course_and_shows_the_leader(
    gulou: District, people: Any
) -> None:
    load(Article, ArticleVersion, ArticleTerm)  # a live server's database is flushed between tests
    admin = User.objects.get(username="admin")
    text = services.CourseText("矛盾纠纷调解", "调解要点", (Role.GRID_WORKER,), 60, True)
    course = services.create_course(text, actor=admin)
    article = Article.objects.get(code="dispute-mediation-steps")
    lesson = services.add_article_lesson(course, article, actor=admin)
    for question in (
        services.QuestionText("调解应当遵循什么原则？", ("谁先投诉谁有理", "自愿、平等、合法"), 1),
        services.QuestionText("调解不成时怎么办？", ("告知其他解决途径", "不再过问"), 0),
    ):
        services.add_question(course, question, actor=admin)

    worker = people(viewport=PHONE, is_mobile=True, has_touch=True)
    worker.context.add_init_script(WATCH)
    sign_in(worker, gulou, "gridworker", gulou.password)
    worker.goto(gulou.at("/"))
    section = worker.locator("#work-academy")
    expect(section.locator("[data-tile=academy] .n")).to_have_text("1")
    fits(worker)
    section.locator(f"#academy-due [data-course='{course.pk}']").click()
    expect(worker.locator("h1")).to_have_text("矛盾纠纷调解")
    fits(worker)
    worker.click(f"[data-lesson='{lesson.pk}']")
    assert article.published is not None
    expect(worker.locator("#lesson h1")).to_have_text(article.published.title)
    thumb_sized(worker, "#read-form button")
    fits(worker)
    worker.click("#read-form button")
    expect(worker.locator(f"[data-lesson='{lesson.pk}'] .read")).to_be_visible()
    worker.click("#take-quiz")
    for question in course.questions.all():
        worker.check(f"input[name=q{question.pk}][value='{question.answer}']")
    fits(worker)
    worker.click("#quiz-form button[type=submit]")
    expect(worker.locator("#quiz-score")).to_have_attribute("data-passed", "yes")
    expect(worker.locator("#course-state .progress")).to_have_attribute("data-state", "done")
    fits(worker)
    worker.goto(gulou.at("/"))
    expect(worker.locator("#work-academy [data-tile=academy] .n")).to_have_text("0")

    leader = people(viewport=PHONE, is_mobile=True, has_touch=True)
    leader.context.add_init_script(WATCH)
    sign_in(leader, gulou, "leader", gulou.password)
    leader.goto(gulou.at("/academy/"))
    leader.click("#team-link")
    row = leader.locator("#team li[data-member=gridworker]")
    expect(row.locator(f"[data-course='{course.pk}'] .progress")).to_have_attribute(
        "data-state", "done"
    )
    expect(row).to_contain_text("100%")
    fits(leader)
