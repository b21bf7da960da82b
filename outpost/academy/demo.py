"""The demo's courses (网格学院): built by the demo administrator through the real services from
the shipped knowledge-base articles and, for the dispute course, a closed dispute of the demo
history copied without personal data."""

from dataclasses import dataclass

from django.db import transaction

from outpost.academy import queries, services
from outpost.academy.models import Course
from outpost.accounts.models import User
from outpost.accounts.roles import Role
from outpost.knowledge.models import Article

Q = services.QuestionText


@dataclass(frozen=True)
class DemoCourse:
    title: str
    summary: str
    roles: tuple[str, ...]
    articles: tuple[str, ...]
    questions: tuple[services.QuestionText, ...]
    example_category: str = ""  # the category of a closed case to copy as an example


COURSES = (
    DemoCourse(
        "网格员入门：职责与上报",
        "网格员的职责、居民反映问题的渠道，以及平安前哨的职能。",
        (Role.GRID_WORKER, Role.GRID_LEADER, Role.REPORTER),
        ("grid-worker-duties", "report-a-problem", "outpost-station-functions"),
        (
            Q(
                "巡查中发现楼道堆物，网格员首先应当怎么做？",
                ("拍照取证并上报事件", "等居民投诉"),
                0,
                "发现即上报，是网格员“前端采”的职责。",
            ),
            Q(
                "居民可以通过哪种方式反映身边的问题？",
                ("只能到派出所", "居民门户、网格员或平安前哨"),
                1,
            ),
            Q("平安前哨设在哪一级？", ("社区", "区"), 0),
        ),
    ),
    DemoCourse(
        "矛盾纠纷调解",
        "人民调解的要点和流程，以及一件已结案的邻里纠纷（已去除个人信息）。",
        (Role.GRID_WORKER, Role.GRID_LEADER, Role.COMMUNITY_OFFICER),
        ("dispute-mediation-steps", "civil-disputes-mediation"),
        (
            Q("调解邻里纠纷应当遵循什么原则？", ("自愿、平等、合法", "谁先投诉谁有理"), 0),
            Q(
                "调解不成时怎么办？",
                ("告知当事人其他解决途径", "不再过问"),
                0,
                "调解不成的，应告知当事人可依法申请仲裁或提起诉讼。",
            ),
        ),
        example_category="01",
    ),
    DemoCourse(
        "出租房屋与居住证",
        "出租房屋登记和居住证申领，社区民警和辅警入户时常用。",
        (Role.COMMUNITY_OFFICER, Role.AUXILIARY_POLICE, Role.GRID_WORKER),
        ("rental-housing-rules", "rental-registration-steps", "residence-permit-application"),
        (Q("出租房屋应当向谁登记？", ("公安机关（社区民警）", "不需要登记"), 0),),
    ),
)


@transaction.atomic
def create_demo_courses(editor_name: str = "admin") -> int:
    """The demo courses not made yet; returns how many were made."""
    editor = User.objects.filter(username=editor_name).first()
    if editor is None:
        return 0
    made = 0
    for spec in COURSES:
        if Course.objects.filter(title=spec.title).exists():
            continue
        _course(spec, editor)
        made += 1
    return made


def _course(spec: DemoCourse, editor: User) -> Course:
    text = services.CourseText(spec.title, spec.summary, spec.roles, 60, True)
    course = services.create_course(text, actor=editor)
    for code in spec.articles:
        article = Article.objects.filter(code=code).exclude(published=None).first()
        if article is not None:
            services.add_article_lesson(course, article, actor=editor)
    if spec.example_category:
        rows = queries.example_cases(editor).filter(subtype__category__code=spec.example_category)
        case = rows.order_by("-closed_at", "-pk").first()
        if case is not None:
            services.add_case_lesson(course, case.number, actor=editor)
    for question in spec.questions:
        services.add_question(course, question, actor=editor)
    return course
