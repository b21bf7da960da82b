"""Writes of 网格学院: editing courses (their lessons and quiz), reading a lesson, taking the quiz,
and completing a course. Every write runs in a transaction, checks who acts, and writes a change
record."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.academy import queries
from outpost.academy.anonymise import strip_personal
from outpost.academy.models import (
    Attempt,
    Completion,
    Course,
    Lesson,
    LessonKind,
    LessonRead,
    Question,
)
from outpost.accounts.models import User
from outpost.cases.models import Case
from outpost.core.audit import record_change
from outpost.core.refusals import refusal
from outpost.geo.models import Grid
from outpost.knowledge.models import Article

MAX_CHOICES = 6
# A staff account named after its post (网格员, 网格长, 社区民警, 信息员), not after a person.
ROLE_ENDINGS = ("员", "长", "警")


@dataclass(frozen=True)
class CourseText:
    title: str
    summary: str = ""
    roles: tuple[str, ...] = ()
    pass_mark: int = 80
    active: bool = False


@dataclass(frozen=True)
class QuestionText:
    text: str
    choices: tuple[str, ...]
    answer: int
    explanation: str = ""


def _record(actor: User, action: str, course: Course, **after: Any) -> None:
    record_change(
        actor=actor,
        action=action,
        object_type="course",
        object_key=str(course.pk),
        after={"title": course.title, **after},
    )


def _editor(actor: User) -> None:
    if not queries.edits_courses(actor):
        raise PermissionDenied


def _checked(text: CourseText) -> CourseText:
    problems: dict[str, Any] = {}
    if not text.title.strip():
        problems["title"] = refusal(_("Give the course a title"))
    if any(r not in queries.LEARNING_ROLES for r in text.roles):
        problems["roles"] = refusal(_("Choose roles from the list"))
    if not 0 < text.pass_mark <= 100:
        problems["pass_mark"] = refusal(_("The pass mark is a percentage from 1 to 100"))
    if problems:
        raise ValidationError(problems)
    return CourseText(
        text.title.strip(), text.summary.strip(), text.roles, text.pass_mark, text.active
    )


def _fields(text: CourseText) -> dict[str, Any]:
    return {
        "title": text.title,
        "summary": text.summary,
        "roles": ",".join(text.roles),
        "pass_mark": text.pass_mark,
        "active": text.active,
    }


@transaction.atomic
def create_course(text: CourseText, *, actor: User) -> Course:
    _editor(actor)
    course = Course.objects.create(author=actor, **_fields(_checked(text)))
    _record(actor, "course.create", course, roles=course.roles, active=course.active)
    return course


@transaction.atomic
def edit_course(course: Course, text: CourseText, *, actor: User) -> Course:
    _editor(actor)
    course = Course.objects.select_for_update().get(pk=course.pk)
    for name, value in _fields(_checked(text)).items():
        setattr(course, name, value)
    course.save()
    _record(actor, "course.edit", course, roles=course.roles, active=course.active)
    return course


def _next_position(course: Course, related: Any) -> int:
    top = related.filter(course=course).aggregate(top=Max("position"))["top"]
    return (top or 0) + 1


@transaction.atomic
def add_article_lesson(course: Course, article: Article, *, actor: User) -> Lesson:
    """A lesson reading a knowledge-base article (its published text when read)."""
    _editor(actor)
    if article.published is None:
        raise ValidationError({"article": refusal(_("Choose a published article"))})
    lesson = Lesson.objects.create(
        course=course,
        position=_next_position(course, Lesson.objects),
        kind=LessonKind.ARTICLE,
        title=article.published.title,
        article=article,
    )
    _record(actor, "course.add_lesson", course, lesson=lesson.title)
    return lesson


@transaction.atomic
def add_case_lesson(course: Course, number: str, *, actor: User) -> Lesson:
    """A case example: an anonymised copy of a closed case the editor sees (404 otherwise)."""
    _editor(actor)
    case = queries.get_example_case(actor, number)
    copy = anonymised_copy(case)
    lesson = Lesson.objects.create(
        course=course, position=_next_position(course, Lesson.objects), **copy
    )
    # The change record names the lesson, never the case or anyone in it.
    _record(actor, "course.add_example", course, lesson=lesson.title)
    return lesson


def anonymised_copy(case: Case) -> dict[str, Any]:
    """A lesson's fields from a case, with everything personal taken out (see `anonymise`)."""
    names = [case.reporter_name, *case.parties.values_list("name", flat=True)]
    if case.reporter is not None and not case.reporter.display_name.endswith(ROLE_ENDINGS):
        names.append(case.reporter.display_name)  # not a post's name such as 网格员
    road, place = _place(case)
    addresses = [(case.address.full_text, road)] if case.address is not None else []

    def strip(text: str) -> str:
        return strip_personal(text, names, addresses)

    return {
        "kind": LessonKind.CASE,
        "title": strip(case.title)[:100],
        "category": case.subtype.name,
        "place": place,
        "text": strip(case.description),
        "outcome": strip(case.result),
    }


def _place(case: Case) -> tuple[str, str]:
    """(the road, where the lesson says it happened): the road, else the community's name."""
    grid = Grid.objects.select_related("community").filter(code=case.grid_code).first()
    community = grid.community.name if grid is not None else ""
    road = case.address.road if case.address is not None else ""
    return road or community, "".join(p for p in (community, road) if p)


@transaction.atomic
def add_question(course: Course, text: QuestionText, *, actor: User) -> Question:
    _editor(actor)
    choices = tuple(c.strip() for c in text.choices if c.strip())
    problems: dict[str, Any] = {}
    if not text.text.strip():
        problems["text"] = refusal(_("Write the question"))
    if not 2 <= len(choices) <= MAX_CHOICES:
        problems["choices"] = refusal(_("Give two to six choices"))
    elif not 0 <= text.answer < len(choices):
        problems["answer"] = refusal(_("Say which choice is right"))
    if problems:
        raise ValidationError(problems)
    question = Question.objects.create(
        course=course,
        position=_next_position(course, Question.objects),
        text=text.text.strip(),
        choices=list(choices),
        answer=text.answer,
        explanation=text.explanation.strip(),
    )
    _record(actor, "course.add_question", course, question=question.text)
    return question


@transaction.atomic
def remove_lesson(lesson: Lesson, *, actor: User) -> None:
    _editor(actor)
    course = lesson.course
    lesson.delete()
    _record(actor, "course.remove_lesson", course, lesson=lesson.title)


@transaction.atomic
def remove_question(question: Question, *, actor: User) -> None:
    _editor(actor)
    course = question.course
    question.delete()
    _record(actor, "course.remove_question", course, question=question.text)


# --- learning ----------------------------------------------------------------------------------


@transaction.atomic
def mark_read(lesson: Lesson, *, actor: User) -> LessonRead:
    read, _created = LessonRead.objects.get_or_create(
        user=actor, lesson=lesson, defaults={"read_at": timezone.now()}
    )
    complete_if_done(lesson.course, actor)
    return read


def score(course: Course, answers: dict[int, int]) -> tuple[int, dict[str, int]]:
    """The percent of the course's questions answered right, and the answers as stored."""
    asked = queries.questions(course)
    if not asked:
        return 100, {}
    kept = {str(q.pk): answers[q.pk] for q in asked if q.pk in answers}
    right = sum(1 for q in asked if answers.get(q.pk) == q.answer)
    return round(100 * right / len(asked)), kept


@transaction.atomic
def submit_quiz(course: Course, answers: dict[int, int], *, actor: User) -> Attempt:
    """Score the learner's answers on the server and record the attempt."""
    percent, kept = score(course, answers)
    attempt = Attempt.objects.create(
        user=actor,
        course=course,
        answers=kept,
        score=percent,
        passed=percent >= course.pass_mark,
        taken_at=timezone.now(),
    )
    record_change(
        actor=actor,
        action="course.quiz",
        object_type="course",
        object_key=str(course.pk),
        after={"score": percent, "passed": attempt.passed},
    )
    complete_if_done(course, actor)
    return attempt


def complete_if_done(course: Course, user: User) -> Completion | None:
    """Every lesson read and the quiz passed (or no quiz): the course is completed, dated."""
    if Completion.objects.filter(user=user, course=course).exists():
        return None
    lessons = set(course.lessons.values_list("pk", flat=True))
    if lessons - queries.read_lessons(user, course):
        return None
    has_quiz = course.questions.exists()
    if has_quiz and not course.attempts.filter(user=user, passed=True).exists():
        return None
    if not lessons and not has_quiz:
        return None
    done = Completion.objects.create(user=user, course=course, completed_at=timezone.now())
    record_change(
        actor=user, action="course.complete", object_type="course", object_key=str(course.pk)
    )
    return done
