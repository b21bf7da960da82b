"""The world the permission matrix walks: the eight personas and one object of every kind the
URLs and API operations take as a parameter, all in the home grid (or its community, street,
beat or station), so that "in scope" and "out of scope" are decided by who asks, never by where
the object lies.

Everything is created through the real services and importers, inside the module's transaction
(see `world` in tests/test_permission_matrix.py), so nothing outlives the module. The world holds
plain values only (codes, ids, session keys): each request runs in its own savepoint and is
rolled back, so a permitted write never changes what the next persona finds.
"""

import csv
import datetime as dt
import io
import lzma
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.test import Client
from django.utils import timezone
from PIL import Image

from outpost.academy import services as academy
from outpost.accounts.models import Department, User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.assessment import services as assessment
from outpost.calls.models import Call
from outpost.cases import services as cases
from outpost.cases.models import SubType, WebhookSubscription
from outpost.cases.taxonomy import load_taxonomy
from outpost.core.crypto import encrypt
from outpost.core.files import clean_upload
from outpost.fieldwork import checklists
from outpost.fieldwork import services as fieldwork
from outpost.fieldwork.models import Checklist
from outpost.geo.models import CommandRoom, Grid, OutpostStation
from outpost.guides import services as guides
from outpost.guides.catalogue import load as load_matters
from outpost.guides.models import Matter, MatterTerm, ServiceRequest
from outpost.instructions import groups, work
from outpost.instructions import services as instructions
from outpost.knowledge import services as knowledge
from outpost.knowledge.catalogue import load as load_articles
from outpost.knowledge.models import Article, ArticleTerm, ArticleVersion
from outpost.notifications.models import Notification
from outpost.portal.models import Ticket, TicketRole
from outpost.registry import services as registry
from outpost.registry.imports import run_import
from outpost.registry.models import ImportJob, Organisation, Person
from outpost.stations import services as stations
from outpost.stations.models import StationStaff
from tests.conftest import GULOU, HOME_GRID, OTHER_GRID

# The personas, in the order the matrix lists them.
PERSONAS = (
    "admin",  # the district's administrator (ADMIN over 320106000000)
    "commander",  # the street commander of the home grid's street
    "worker",  # the grid worker of the home grid
    "outsider",  # a grid worker of a grid in another street
    "officer",  # the community officer of the home grid's main beat
    "handler",  # a handler of 鼓楼区城市管理局 (a department)
    "reporter",  # one of the 8大员 (REPORTER on the home grid)
    "anonymous",  # not signed in
)
CITY_MANAGEMENT = "鼓楼区城市管理局"


@dataclass(frozen=True)
class World:
    sessions: dict[str, str]  # persona → session key (no entry for anonymous)
    managed_user: str  # the worker's username (the administrator manages it)
    grid: str
    community: str
    beat: str
    station: str
    room_address: str  # a room (户室) in the home grid and its main beat
    address_text: str  # its full text
    lon: float  # its point
    lat: float
    person: str  # a person living there (person_no)
    unit: str  # an organisation in the home grid and its main beat (unit_no)
    case: str  # a case there, reported by the worker, dispatched to the department
    case_version: int
    tracking_code: str
    attachment: int
    call: str
    webhook: int  # the commander's subscription
    message: int  # a message in the commander's inbox
    import_job: int  # the commander's import job
    grant: int  # the officer's break-the-glass grant (reviewed by the administrator)
    instruction: int  # from the home room to the home grid, not yet signed on
    recipient: int  # its home-grid row
    reported_instruction: int  # another one, signed on and reported back with a photo
    photo: int
    group: int  # a virtual group of the home community
    notice: int  # broadcast to it
    work_item: int
    milestone: int
    media: str  # MEDIA_ROOT holding the world's files
    later: str  # a deadline two days ahead, ISO 8601
    plan: int  # the commander's patrol plan of the home grid, walked by the worker
    patrol: int  # the worker's patrol of the home grid, under way, by the worker's plan
    patrol_photo: int  # a photo of its one check-in
    care_person: str  # a care subject (关怀对象) in the home grid and beat: visits due
    inspected_unit: str  # an organisation in the home grid and beat (unit_no)
    inspection: int  # the officer's fire inspection of it, open, joint with the handler's dept
    party_department: str  # the handler's department code
    hazard: int  # a hazard another (completed) inspection of it found, its case reported
    outpost: int  # the home community's outpost station, its staff filled from the roles
    outpost_staff: int  # the worker's place on its staff
    matter: str  # a shipped service guide (老年人优待证), not a police matter
    service_request: int  # a resident's 代办 request for it in the home grid: the worker's
    request_code: str  # its tracking code
    article: int  # a shipped, published knowledge-base article
    article_draft: int  # a draft version of a new article, written by the commander
    article_review: int  # a version of another new article, by the commander, in review
    course: int  # an open course for grid workers by the commander: the shipped article, a quiz
    lesson: int  # its one lesson
    question: int  # its one question
    member: int  # the worker's user id (in the commander's and administrator's team)
    scheme: int  # the home street's default 警网双考 scheme
    period: int  # its November 2026, computed (not approved)
    result: int  # the home grid's result in it
    score: int  # the home grid's 办结率 in it (no appeal)
    appeal: int  # the worker's pending appeal on the home grid's 满意率, with a photo
    warning: int  # an open early warning about the world's case, assigned to the home grid

    def client(self, persona: str) -> Client:
        """A fresh client signed in as the persona (or anonymous): no cookie survives a request."""
        client = Client()
        if persona in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[persona]
        return client

    def fill(self, template: str) -> str:
        """A concrete path from a template naming the world's fields: "/cases/{case}/"."""
        return template.format(**{k: v for k, v in vars(self).items() if not isinstance(v, dict)})


def build_world(media: str) -> World:
    load_taxonomy()  # idempotent: the cases and calls folders load it for their sessions too
    grid = Grid.objects.select_related("main_beat__station", "community").get(code=HOME_GRID)
    beat = grid.main_beat
    assert beat is not None
    station = beat.station
    community = grid.community.code
    street = community[:9] + "000"
    department = Department.objects.get(name=CITY_MANAGEMENT).code

    users = {
        "admin": _user("admin_m", Role.ADMIN, "320106000000"),
        "commander": _user("commander_m", Role.STREET_COMMANDER, street),
        "worker": _user("worker_m", Role.GRID_WORKER, HOME_GRID),
        "outsider": _user("outsider_m", Role.GRID_WORKER, OTHER_GRID),
        "officer": _user("officer_m", Role.COMMUNITY_OFFICER, beat.code),
        "handler": _user("handler_m", Role.DEPARTMENT_HANDLER, department),
        "reporter": _user("reporter_m", Role.REPORTER, HOME_GRID),
    }
    commander, worker, officer = users["commander"], users["worker"], users["officer"]
    room = CommandRoom.objects.get(station=station)
    assert room.station.street is not None and room.station.street.code == street

    # The registry: the home community's addresses, its people and organisations.
    addresses, persons, units = _registry_rows(community)
    for kind, rows in (("addresses", addresses), ("persons", persons), ("units", units)):
        counts = run_import(kind, _csv(rows), f"{kind}.csv").counts
        assert counts["rejected"] == 0, (kind, counts)
    home = Person.objects.filter(grid_code=HOME_GRID, beat_code=beat.code, address__isnull=False)
    person = home.select_related("address").order_by("person_no").first()
    assert person is not None and person.address is not None
    room_address = person.address
    # Someone the officer may not see: the emergency opening reviewed on the auditors' page.
    elsewhere = Person.objects.exclude(beat_code=beat.code).order_by("person_no").first()
    assert elsewhere is not None
    grant = registry.break_glass(elsewhere, actor=officer, reason="走失老人身份核查，家属报警求助")

    # A case at the person's address, reported by the worker, dispatched to the department.
    case = cases.report_case(
        cases.NewCase(
            subtype=SubType.objects.select_related("category").get(code="0101"),
            title="楼道堆物影响通行",
            source="grid_patrol",
            address=room_address.code,
        ),
        actor=worker,
    )
    assert case.grid_code == HOME_GRID and case.beat_code == beat.code
    attachment = cases.attach(case, [("photo.jpg", jpeg())], actor=worker, purpose="evidence")[0]
    case = cases.act(case, "accept", actor=commander)
    target = {"kind": "department", "code": department, "lead": True}
    case = cases.act(case, "dispatch", actor=commander, payload={"targets": [target]})
    assert case.state == "dispatched"
    # The portal's ticket of the case (as if a resident had reported it there).
    Ticket.objects.create(
        token=case.tracking_code,
        case=case,
        role=TicketRole.REPORTER,
        created_at=timezone.now(),
        **Ticket.phone.columns("13912345678"),
    )

    now = timezone.now()
    call = Call.objects.create(
        call_id="110-M-00001",
        received_at=now,
        location_text=room_address.full_text,
        content="楼上装修电钻声太吵",
        decision="divert",
        subtype="0901",
        address=room_address,
        grid_code=room_address.grid_code,
        beat_code=room_address.beat_code,
        reason="matrix",
        imported_at=now,
    )
    webhook = WebhookSubscription.objects.create(
        owner=commander,
        url="https://hooks.example.org/outpost",
        secret_enc=encrypt("matrix-secret"),
        created_at=now,
    )
    message = Notification.objects.create(
        user=commander, subject_kind="case", subject_id=case.pk, event="dispatched", created_at=now
    )
    job = ImportJob.objects.create(
        kind="persons", filename="people.csv", data=b"", status="done", created_by=commander
    )

    # Instructions from the home room to the home grid; the second one reported back.
    deadline = now + dt.timedelta(days=2)
    to_grid = [("grid", HOME_GRID)]
    fresh = instructions.send_instruction(
        room,
        instructions.NewInstruction("排查出租屋消防隐患", deadline, targets=to_grid),
        actor=None,
    )
    reported = instructions.send_instruction(
        room, instructions.NewInstruction("清理楼道堆物", deadline, targets=to_grid), actor=None
    )
    row = reported.recipients.get()
    instructions.sign_on(row, actor=worker)
    feedback = instructions.report_back(
        row, actor=worker, text="已清理", files=[("after.jpg", jpeg())]
    )

    # A virtual group of the trade of an organisation in the home grid: its notices reach it.
    trade = Organisation.objects.filter(grid_code=HOME_GRID).values_list("unit_type", flat=True)
    assert trade, "no organisation in the home grid"
    group = groups.create_group(actor=commander, unit_types=[trade[0]], area_code=community)
    assert groups.receiving_grids(group), "the virtual group has no member in any grid"
    notice = groups.send_notice(group, actor=commander, title="开展旅馆业消防检查")
    item = work.create_work_item(
        room,
        actor=commander,
        title="平安社区创建",
        milestones=[("完成入户走访", timezone.localdate() + dt.timedelta(days=30))],
    )

    # Field work: the worker walks the home grid by a plan of the commander's, one check-in.
    plan = fieldwork.create_plan(fieldwork.NewPlan(grid, "日常巡查", 3, [worker]), actor=commander)
    patrol = fieldwork.start_patrol(grid, actor=worker, plan=plan)
    files = [("checkin.jpg", jpeg())]
    point = fieldwork.check_in(
        patrol, room_address.lon, room_address.lat, actor=worker, files=files
    )
    # A care subject (关怀对象) living beside the world's person, visited once by the worker.
    care = home.exclude(pk=person.pk).order_by("person_no").first()
    assert care is not None
    Person.objects.filter(pk=care.pk).update(care_tags="独居老人")
    care.care_tags = "独居老人"
    fieldwork.record_visit(care, fieldwork.NewVisit("本人"), actor=worker)
    # Inspections of an organisation there by the officer: one open and joint with the
    # handler's department, one completed with a failed item (a hazard case).
    inspected = Organisation.objects.filter(grid_code=HOME_GRID, beat_code=beat.code).first()
    assert inspected is not None
    checklists.load(Checklist, Department)
    fire = Checklist.objects.filter(code="fire").order_by("-version").first()
    assert fire is not None
    party = Department.objects.get(code=department)
    open_check = fieldwork.start_inspection(inspected, fire, actor=officer, departments=[party])
    failed = fieldwork.start_inspection(inspected, fire, actor=officer)
    results = {item["code"]: item["code"] != "F1" for item in fire.items}
    [hazard] = fieldwork.complete_inspection(failed, results, actor=officer)
    # The home community's outpost station: the worker and the officer on its staff.
    outpost = OutpostStation.objects.get(community__code=community)
    stations.fill_staff_from_roles(outpost, actor=None)
    # A resident's request for help with a service guide's matter, routed to the worker.
    load_matters(Matter, MatterTerm)  # a live server's database was flushed of the migration's
    asked = guides.create_service_request(
        guides.NewServiceRequest(
            matter=Matter.objects.get(code="senior-card"),
            mode="on_behalf",
            resident_name="王阿姨",
            phone="13912345678",
            address=room_address.full_text,
            grid=grid,
        ),
        actor=None,
    )
    if asked.assignee != worker:  # the browser crawl's demo accounts work the home grid too
        ServiceRequest.objects.filter(pk=asked.pk).update(assignee=worker)
    # The knowledge base: the shipped articles; the commander's draft and a version in review.
    load_articles(Article, ArticleVersion, ArticleTerm)
    shipped = Article.objects.exclude(published=None).order_by("code").first()
    assert shipped is not None
    article_text = knowledge.Text(kind="procedure", title="电动车充电须知", body="请勿入户充电。")
    article_draft = knowledge.write_article(article_text, actor=commander)
    article_review = knowledge.submit_version(
        knowledge.write_article(article_text, actor=commander), actor=commander
    )

    # 网格学院: an open course for grid workers, with the shipped article and one question.
    course = academy.create_course(
        academy.CourseText("邻里纠纷调解入门", roles=(Role.GRID_WORKER,), active=True),
        actor=commander,
    )
    lesson = academy.add_article_lesson(course, shipped, actor=commander)
    question = academy.add_question(
        course, academy.QuestionText("先做什么？", ("报警", "调解"), 1), actor=commander
    )

    # 警网双考: the home street's default scheme, November computed, an appeal pending.
    scheme = assessment.do_create_default_scheme(street, actor=None)
    period = assessment.do_compute(scheme, "2026-11", actor=None)
    result = period.results.get(unit_kind="grid", unit_code=HOME_GRID)
    appeal = assessment.do_file_appeal(
        result.scores.get(indicator="satisfaction"),
        "回访记录有误",
        actor=worker,
        upload=clean_upload("evidence.jpg", jpeg()),
    )

    return World(
        sessions={persona: _session(user) for persona, user in users.items()},
        managed_user=worker.username,
        grid=HOME_GRID,
        community=community,
        beat=beat.code,
        station=station.code,
        room_address=room_address.code,
        address_text=room_address.full_text,
        lon=room_address.lon,
        lat=room_address.lat,
        person=person.person_no,
        unit=_home_unit(HOME_GRID, beat.code),
        case=case.number,
        case_version=case.version,
        tracking_code=case.tracking_code,
        attachment=attachment.pk,
        call=call.call_id,
        webhook=webhook.pk,
        message=message.pk,
        import_job=job.pk,
        grant=grant.pk,
        instruction=fresh.pk,
        recipient=fresh.recipients.get().pk,
        reported_instruction=reported.pk,
        photo=feedback.photos.get().pk,
        group=group.pk,
        notice=notice.pk,
        work_item=item.pk,
        milestone=item.milestones.get().pk,
        media=media,
        later=deadline.isoformat(),
        plan=plan.pk,
        patrol=patrol.pk,
        patrol_photo=point.photos.get().pk,
        care_person=care.person_no,
        inspected_unit=inspected.unit_no,
        inspection=open_check.pk,
        party_department=department,
        hazard=hazard.pk,
        outpost=outpost.pk,
        outpost_staff=StationStaff.objects.get(station=outpost, user=worker).pk,
        matter="senior-card",
        service_request=asked.pk,
        request_code=asked.code,
        article=shipped.pk,
        article_draft=article_draft.pk,
        article_review=article_review.pk,
        course=course.pk,
        lesson=lesson.pk,
        question=question.pk,
        member=worker.pk,
        scheme=scheme.pk,
        period=period.pk,
        result=result.pk,
        score=result.scores.get(indicator="case_closure").pk,
        appeal=appeal.pk,
        warning=_warning(case).pk,
    )


def _home_unit(grid: str, beat: str) -> str:
    unit = Organisation.objects.filter(grid_code=grid, beat_code=beat).order_by("unit_no").first()
    assert unit is not None
    return unit.unit_no


def _user(username: str, role: str, scope: str) -> User:
    # No password: nobody signs in with one here, and hashing would cost time for nothing.
    user = User.objects.create_user(username=username, password=None, display_name=username)
    grant_role(user, role, scope, actor=None)
    return user


def _session(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _registry_rows(community: str) -> tuple[list[dict[str, str]], ...]:
    """The community's addresses, people and organisations (a few hundred rows)."""
    addresses = [r for r in _rows("addresses") if r["community_code"] == community]
    codes = {r["addr_id"] for r in addresses}
    people = [r for r in _rows("persons") if r["addr_id"] in codes]
    units = [r for r in _rows("units") if r["addr_id"] in codes]
    return addresses, people, units


def _rows(kind: str) -> list[dict[str, str]]:
    text = lzma.decompress((GULOU / f"{kind}.csv.xz").read_bytes()).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (40, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def _warning(case: Any) -> Any:
    """An open early warning (预警) about the case, for the home grid (the worker's unit)."""
    from outpost.warnings.evidence import Found
    from outpost.warnings.rules import RULES
    from outpost.warnings.services import do_raise

    found = Found(
        "case", case.pk, "", case.grid_code, case.beat_code, [{"kind": "case", "id": case.pk}],
        {"reworks": 2}, case.address.lon, case.address.lat,
    )  # fmt: skip
    warning = do_raise(RULES["reworked_case"], found, timezone.now())
    assert warning is not None
    return warning
