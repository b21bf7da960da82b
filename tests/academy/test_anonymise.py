"""Case examples (案例教学): the copy keeps what happened and where on the road, never a name,
phone or ID number, an exact address or who reported it; only closed cases the editor sees, not
of a restricted category."""

import pytest
from django.http import Http404
from django.urls import reverse

from outpost.academy import services
from outpost.academy.anonymise import strip_personal
from outpost.academy.models import Lesson, LessonKind
from outpost.cases.models import Case
from outpost.cases.workflow import State
from outpost.core.models import ChangeRecord
from outpost.geo.models import Grid
from tests.academy.conftest import make_course
from tests.cases.conftest import file_case
from tests.conftest import Persona

pytestmark = pytest.mark.django_db
PERSONAL = ("李秀英", "张大伟", "320106198001011234", "13912345678", "83456789", "302室", "83号")


def test_it_strips_names_phones_id_numbers_and_rooms_from_text() -> None:
    text = (
        "姓名：王小明，身份证32010619800101123X，电话139 1234 5678、025-83456789，"
        "住中山路83号2栋1单元302室（鼓楼区中山路83号），已联系139****5678。"
    )
    found = strip_personal(text, ["王小明"], [("鼓楼区中山路83号", "中山路")])
    assert found == (
        "姓名：王某，身份证【身份证号】，电话【电话】、【电话】，"
        "住中山路（中山路），已联系【号码】。"
    )


def test_it_leaves_ordinary_text_and_short_numbers_alone() -> None:
    text = "2026年3月楼道堆物3次，一户一档，每天8点清运，楼道畅通。"
    assert strip_personal(text) == text


def test_it_copies_a_closed_case_without_personal_data(
    commander: Persona, closed_case: Case, home_grid: Grid
) -> None:
    course = make_course(commander.user, case=closed_case)
    lesson = Lesson.objects.get(course=course, kind=LessonKind.CASE)
    copy = " ".join((lesson.title, lesson.text, lesson.outcome, lesson.place, lesson.category))
    for personal in PERSONAL:
        assert personal not in copy, personal
    assert "李某" in lesson.text and "张某" in lesson.text and "中山路" in lesson.text
    assert "【身份证号】" in lesson.text and "【电话】" in lesson.outcome
    assert lesson.place.startswith(home_grid.community.name)
    assert closed_case.number not in copy and "worker_p" not in copy
    audit = ChangeRecord.objects.filter(action="course.add_example").get()
    assert "李秀英" not in str(audit.after) and closed_case.number not in str(audit.after)


def test_it_shows_the_copy_as_text_never_as_markup(
    commander: Persona, grid_worker: Persona, closed_case: Case
) -> None:
    course = make_course(commander.user, case=closed_case)
    lesson = course.lessons.get(kind=LessonKind.CASE)
    page = grid_worker.client.get(reverse("academy:lesson", args=[course.pk, lesson.pk]))
    html = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_it_takes_only_closed_unrestricted_cases_the_editor_sees(
    commander: Persona, admin: Persona, grid_worker: Persona, home_grid: Grid, closed_case: Case
) -> None:
    course = make_course(commander.user)
    open_case = file_case(home_grid, grid_worker.user)
    care = file_case(home_grid, commander.user, "0502", title="独居老人探访")
    police = file_case(home_grid, grid_worker.user, "0301", title="可疑人员")
    Case.objects.filter(pk__in=[care.pk, police.pk]).update(state=State.CLOSED)
    for refused in (open_case, care, police):
        with pytest.raises(Http404):
            services.add_case_lesson(course, refused.number, actor=commander.user)
    edit = reverse("academy:edit", args=[course.pk])
    choices = commander.client.get(edit).content.decode()
    assert closed_case.number in choices and care.number not in choices
    assert open_case.number not in choices and police.number not in choices
    forged = commander.client.post(
        reverse("academy:add_case", args=[course.pk]), {"case": care.number}
    )
    assert forged.status_code == 200 and not course.lessons.filter(kind="case").exists()


def test_it_refuses_a_case_outside_the_editors_area(
    commander: Persona, closed_case: Case, outsider: Persona
) -> None:
    from outpost.accounts.roles import Role
    from tests.conftest import OTHER_GRID, _persona

    elsewhere = _persona("commander_x", Role.STREET_COMMANDER, OTHER_GRID[:9] + "000")
    course = make_course(commander.user)
    with pytest.raises(Http404):
        services.add_case_lesson(course, closed_case.number, actor=elsewhere.user)
    answer = elsewhere.client.post(
        reverse("academy:add_case", args=[course.pk]), {"case": closed_case.number}
    )
    assert answer.status_code == 200 and not course.lessons.filter(kind="case").exists()


def test_it_masks_the_reporting_staffs_name_but_not_a_posts_name(
    grid_worker: Persona, home_grid: Grid
) -> None:
    case = file_case(home_grid, grid_worker.user, description="网格员王建国巡查发现，已劝离。")
    grid_worker.user.display_name = "王建国"
    case.reporter = grid_worker.user
    assert services.anonymised_copy(case)["text"] == "网格员王某巡查发现，已劝离。"
    grid_worker.user.display_name = "网格员"  # a post's account: its name is no one's
    case.description = "网格员巡查发现，已劝离。"
    assert services.anonymised_copy(case)["text"] == "网格员巡查发现，已劝离。"
