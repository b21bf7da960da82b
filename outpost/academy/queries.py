"""Scoped reads of 网格学院.

Who may do what (the one place it is decided):
- learning: any signed-in user reads the open courses; a user's assigned courses are those open
  to a role they hold (`assigned_courses`).
- editing courses: whoever may `change` somewhere (`edits_courses`: the administrator, street
  commanders); they also see courses not yet open. Case examples come only from closed cases
  the editor sees (`cases.services.visible_cases`), never of a restricted category or
  police-only (`example_cases`).
- a team's progress: whoever dispatches or changes over an area (`scope_for(user, "dispatch")`
  and `"change"`: a grid leader over their community, a street commander over their street,
  the administrator over the district); the team is everyone holding a learning role assigned
  inside that area (`team_members`). A member outside it answers 404; a user with no team 403.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outpost.academy.models import Attempt, Completion, Course, Lesson, LessonRead, Question
from outpost.accounts.models import RoleAssignment, User
from outpost.accounts.roles import Role
from outpost.accounts.scope import holds_role, scope_for
from outpost.cases.models import Case, Sensitivity
from outpost.cases.services import visible_cases
from outpost.cases.workflow import State
from outpost.core.scoping import Scope, prefix_q

# The roles that learn (courses are assigned to them) and are counted in a team.
LEARNING_ROLES = (
    Role.GRID_LEADER,
    Role.GRID_WORKER,
    Role.COMMUNITY_OFFICER,
    Role.AUXILIARY_POLICE,
    Role.REPORTER,
)
EXAMPLE_LIMIT = 50


def edits_courses(user: User) -> bool:
    if not user.is_authenticated:
        return False
    scope = scope_for(user, "change")
    return scope.everything or bool(scope.civil or scope.police)


def courses_for(user: User) -> QuerySet[Course]:
    """The courses the user may open: the open ones; all of them for editors."""
    rows = Course.objects.all()
    return rows if edits_courses(user) else rows.filter(active=True)


def get_course(user: User, pk: int) -> Course:
    found = courses_for(user).filter(pk=pk).first() if user.is_authenticated else None
    if found is None:
        raise Http404
    return found


def get_lesson(course: Course, pk: int) -> Lesson:
    found = course.lessons.select_related("article__published").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def editable_course(user: User, pk: int) -> Course:
    """A course to edit: 404 for whoever may not open it, 403 for a learner who may."""
    found = get_course(user, pk)
    if not edits_courses(user):
        raise PermissionDenied
    return found


def roles_of(user: User) -> set[str]:
    """The roles the user holds (from the one read of their assignments the scope makes)."""
    return {role for role in Role.values if holds_role(user, role)}


def assigned(course: Course, roles: Iterable[str]) -> bool:
    return bool(set(course.role_list()) & set(roles))


def assigned_courses(user: User) -> list[Course]:
    """The open courses assigned to a role the user holds."""
    roles = roles_of(user) & set(LEARNING_ROLES)
    if not roles:
        return []
    return [c for c in Course.objects.filter(active=True) if assigned(c, roles)]


def questions(course: Course) -> list[Question]:
    return list(course.questions.order_by("position", "pk"))


def example_cases(user: User) -> QuerySet[Case]:
    """Closed cases the user sees that may become case examples (not restricted, not police)."""
    rows = visible_cases(user).filter(state=State.CLOSED)
    rows = rows.exclude(subtype__category__restricted=True)
    return rows.exclude(sensitivity=Sensitivity.POLICE_ONLY).select_related("subtype")


def get_example_case(user: User, number: str) -> Case:
    found = example_cases(user).filter(number=number).first()
    if found is None:
        raise Http404
    return found


# --- progress ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    course: Course
    lessons: int
    read: int
    best: int | None  # the best quiz score, percent
    passed: bool
    completed_at: dt.datetime | None

    @property
    def done(self) -> bool:
        return self.completed_at is not None


def progress(user: User, courses: list[Course]) -> list[Progress]:
    """Each course's progress for one user."""
    return team_progress([user], courses)[user.pk]


def team_progress(users: list[User], courses: list[Course]) -> dict[int, list[Progress]]:
    """Each user's progress in each course (five queries whatever the numbers)."""
    ids, people = [c.pk for c in courses], [u.pk for u in users]
    counts = dict(
        Lesson.objects.filter(course_id__in=ids)
        .values("course_id")
        .annotate(n=Count("pk"))
        .values_list("course_id", "n")
    )
    reads = LessonRead.objects.filter(user_id__in=people, lesson__course_id__in=ids)
    read = {
        (r["user_id"], r["lesson__course_id"]): r["n"]
        for r in reads.values("user_id", "lesson__course_id").annotate(n=Count("pk"))
    }
    attempts = Attempt.objects.filter(user_id__in=people, course_id__in=ids)
    best = {
        (r["user_id"], r["course_id"]): (r["b"], r["p"])
        for r in attempts.values("user_id", "course_id").annotate(
            b=Max("score"), p=Count("pk", filter=Q(passed=True))
        )
    }
    done = {
        (r[0], r[1]): r[2]
        for r in Completion.objects.filter(user_id__in=people, course_id__in=ids).values_list(
            "user_id", "course_id", "completed_at"
        )
    }
    return {
        u: [_cell(c, counts.get(c.pk, 0), read, best, done, u) for c in courses] for u in people
    }


def _cell(
    course: Course,
    lessons: int,
    read: dict[tuple[int, int], int],
    best: dict[tuple[int, int], tuple[int, int]],
    done: dict[tuple[int, int], dt.datetime],
    user_id: int,
) -> Progress:
    key = (user_id, course.pk)
    score, passes = best.get(key, (None, 0))
    return Progress(course, lessons, read.get(key, 0), score, bool(passes), done.get(key))


def read_lessons(user: User, course: Course) -> set[int]:
    rows = LessonRead.objects.filter(user=user, lesson__course=course)
    return set(rows.values_list("lesson_id", flat=True))


# --- a team ------------------------------------------------------------------------------------


def team_scope(user: User) -> Scope:
    """The area whose learners the user oversees: where they dispatch or change."""
    dispatch, change = scope_for(user, "dispatch"), scope_for(user, "change")
    return Scope(
        civil=tuple(sorted({*dispatch.civil, *change.civil})),
        police=tuple(sorted({*dispatch.police, *change.police})),
        everything=dispatch.everything or change.everything,
    )


def sees_team(user: User) -> bool:
    if not user.is_authenticated:
        return False
    scope = team_scope(user)
    return scope.everything or bool(scope.civil or scope.police)


def team_members(user: User) -> QuerySet[User]:
    """Everyone holding a learning role inside the user's team area (themself excluded)."""
    scope = team_scope(user)
    rows = User.objects.filter(is_active=True).exclude(pk=user.pk)
    if not scope.everything:
        where = prefix_q("assignments__civil_prefix", scope.civil) | prefix_q(
            "assignments__police_prefix", scope.police
        )
        rows = rows.filter(where & Q(assignments__role__in=LEARNING_ROLES))
    else:
        rows = rows.filter(assignments__role__in=LEARNING_ROLES)
    return rows.distinct().order_by("username")


def team_for(user: User) -> list[User]:
    if not sees_team(user):
        raise PermissionDenied
    return list(team_members(user))


def get_member(user: User, pk: int) -> User:
    """One member of the user's team: 404 for anyone else (and for a user with no team)."""
    found = team_members(user).filter(pk=pk).first() if sees_team(user) else None
    if found is None:
        raise Http404
    return found


def roles_by_user(users: list[User]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {u.pk: set() for u in users}
    rows = RoleAssignment.objects.filter(user__in=users).values_list("user_id", "role")
    for user_id, role in rows:
        found[user_id].add(role)
    return found


# --- for the assessment --------------------------------------------------------------------------


def completion_share(users: Iterable[User], period: tuple[dt.date, dt.date]) -> tuple[int, int]:
    """(done, total) of the period's training, for the assessment's indicators.

    `total` counts each (user, course) pair where the course is open and assigned to a role the
    user holds, less those already completed before the period began; `done` counts those of
    them completed within the period (`start` to `end`, both included, in local dates). A share
    is `done / total` (none due when `total` is 0)."""
    start, end = period
    people = list(users)
    roles = roles_by_user(people)
    courses = list(Course.objects.filter(active=True))
    pairs = {(u, c.pk) for u, held in roles.items() for c in courses if assigned(c, held)}
    when = Completion.objects.filter(
        user_id__in=roles, course_id__in=[c.pk for c in courses]
    ).values_list("user_id", "course_id", "completed_at")
    finished = {(u, c): timezone.localdate(at) for u, c, at in when}
    due = {p for p in pairs if not (p in finished and finished[p] < start)}
    done = {p for p in due if p in finished and start <= finished[p] <= end}
    return len(done), len(due)


# --- the start page ----------------------------------------------------------------------------


def work_section(user: User) -> dict[str, Any] | None:
    """The start page's "学习任务" section: the assigned courses not yet completed."""
    if not user.is_authenticated:
        return None
    courses = assigned_courses(user)
    if not courses:
        return None
    due = [p for p in progress(user, courses) if not p.done]
    section: dict[str, Any] = {
        "key": "academy",
        "title": _("Training to do"),
        "template": "academy/work_section.html",
        "due": due,
        "count": len(due),
    }
    if not due:
        section["empty"] = _("Every course assigned to you is completed.")
        section["next"] = reverse("academy:index")
    return section
