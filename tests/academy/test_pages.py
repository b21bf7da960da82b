"""网格学院's pages by persona: learners read open courses; editors (who may `change`) edit,
learners get 403 there; a course not yet open is hidden (404) from learners; a grid leader sees
their own team's progress, a street commander their street's, an outsider's member page is 404
and a worker without a team gets 403."""

import pytest
from django.urls import reverse

from outpost.academy import services
from outpost.academy.models import Course
from outpost.accounts.roles import Role
from tests.academy.conftest import make_course
from tests.conftest import OTHER_GRID, Persona, _persona

pytestmark = pytest.mark.django_db
COURSE = {"title": "消防安全入门", "summary": "", "roles": ["grid_worker"], "pass_mark": "80"}


def _finish(course: Course, persona: Persona) -> None:
    for lesson in course.lessons.all():
        services.mark_read(lesson, actor=persona.user)
    answers = {q.pk: q.answer for q in course.questions.all()}
    services.submit_quiz(course, answers, actor=persona.user)


def test_it_lets_an_editor_build_a_course_and_a_learner_read_it(
    commander: Persona, grid_worker: Persona
) -> None:
    answer = commander.client.post(reverse("academy:new"), COURSE | {"active": "on"})
    course = Course.objects.get(title="消防安全入门")
    assert answer["Location"] == reverse("academy:edit", args=[course.pk])
    edit = reverse("academy:edit", args=[course.pk])
    article = commander.client.get(edit).content.decode()
    assert "“九小场所”消防安全要求" in article
    from outpost.knowledge.models import Article

    fire = Article.objects.get(code="fire-safety-small-places")
    commander.client.post(reverse("academy:add_article", args=[course.pk]), {"article": fire.pk})
    question = {"text": "灭火器多久检查一次？", "choices": "每月\n从不", "answer": "1"}
    commander.client.post(reverse("academy:add_question", args=[course.pk]), question)
    assert course.lessons.count() == 1 and course.questions.get().answer == 0
    index = grid_worker.client.get(reverse("academy:index")).content.decode()
    assert f'data-course="{course.pk}"' in index[index.index('id="my-courses"') :]
    lesson = course.lessons.get()
    page = grid_worker.client.get(reverse("academy:lesson", args=[course.pk, lesson.pk]))
    assert fire.published is not None
    assert fire.published.title in page.content.decode() and 'id="read-form"' in (
        page.content.decode()
    )


def test_it_answers_outsiders_404_readers_403_and_the_owner(
    admin: Persona, commander: Persona, grid_worker: Persona, outsider: Persona
) -> None:
    draft = make_course(commander.user, active=False)
    course_page = reverse("academy:course", args=[draft.pk])
    edit = reverse("academy:edit", args=[draft.pk])
    assert grid_worker.client.get(course_page).status_code == 404  # not open yet
    assert grid_worker.client.get(edit).status_code == 404
    assert commander.client.get(course_page).status_code == 200
    assert admin.client.get(edit).status_code == 200
    open_course = make_course(commander.user)
    assert grid_worker.client.get(reverse("academy:edit", args=[open_course.pk])).status_code == 403
    assert grid_worker.client.get(reverse("academy:desk")).status_code == 403
    assert outsider.client.post(reverse("academy:new"), COURSE).status_code == 403
    assert grid_worker.client.get(reverse("academy:team")).status_code == 403
    remove = reverse("academy:remove", args=[open_course.pk, "lesson", 99999])
    assert commander.client.post(remove).status_code == 404


def test_it_shows_a_grid_leader_their_team_and_nobody_elses(
    commander: Persona, grid_worker: Persona, outsider: Persona, leader: Persona
) -> None:
    course = make_course(commander.user)
    _finish(course, grid_worker)
    page = leader.client.get(reverse("academy:team")).content.decode()
    team = page[page.index('id="team"') :]
    assert 'data-member="worker_p"' in team and 'data-member="outsider_p"' not in team
    assert 'data-state="done"' in team and "100%" in team
    member = reverse("academy:member", args=[grid_worker.user.pk])
    assert leader.client.get(member).status_code == 200
    assert leader.client.get(reverse("academy:member", args=[outsider.user.pk])).status_code == 404
    assert outsider.client.get(member).status_code == 404
    street = commander.client.get(reverse("academy:team")).content.decode()
    assert 'data-member="worker_p"' in street and 'data-member="leader_p"' in street
    assert 'data-member="outsider_p"' not in street
    other_leader = _persona("leader_x", Role.GRID_LEADER, OTHER_GRID[:12])
    theirs = other_leader.client.get(reverse("academy:team")).content.decode()
    assert 'data-member="outsider_p"' in theirs and 'data-member="worker_p"' not in theirs
    assert other_leader.client.get(member).status_code == 404


def test_it_keeps_the_pages_phone_first(commander: Persona, grid_worker: Persona) -> None:
    course = make_course(commander.user)
    page = grid_worker.client.get(reverse("academy:quiz", args=[course.pk])).content.decode()
    assert "academy/academy.css" in page and 'class="choice"' in page
    assert 'href="/academy/"' in grid_worker.client.get("/").content.decode()
