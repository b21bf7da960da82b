"""Query counts, pinned (issue 11, item 7): every list and detail page and every GET API operation
reads in the same number of queries however many rows it shows, and in no more than its baseline.

The endpoints are the permission matrix's GET checks (tests/test_permission_matrix.py), asked by
every persona the matrix lets through, in the matrix's world (tests/matrix_world.py). The world is
grown through the real services twice: first to a few rows of everything a page lists (cases in
several states, their timeline, files, units and inbox messages, instructions, notices, work
items, webhooks and their deliveries, import jobs, 110 calls, users, emergency openings), then to
about three times as many. Each endpoint must answer both in the same count: a query per row (an
N+1) fails here, naming the endpoint and the persona. The counts must also stay under BASELINE,
so a new constant query is a deliberate change of the table, not an accident.
"""

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, reset_queries, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from stdnum.cn.uscc import calc_check_digit

from outpost.accounts.models import BreakGlassGrant, Department, User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.accounts.signin import SEEN
from outpost.assessment import services as assessment
from outpost.assessment.models import Result, Scheme
from outpost.calls.models import Call
from outpost.cases import services as cases
from outpost.cases.models import Case, SubType, WebhookSubscription
from outpost.cases.workflow import Relation, State
from outpost.command import board
from outpost.core.crypto import encrypt
from outpost.fieldwork import services as fieldwork
from outpost.fieldwork.models import Checklist, Hazard, Patrol
from outpost.geo.models import CommandRoom, Grid, OutpostStation
from outpost.guides import services as guides
from outpost.guides.models import Matter
from outpost.instructions import groups, work
from outpost.instructions import services as instructions
from outpost.instructions.models import VirtualGroup
from outpost.knowledge import services as knowledge
from outpost.notifications.models import Notification
from outpost.registry import entries
from outpost.registry import services as registry
from outpost.registry.models import House, ImportJob, Organisation, Person, StandardAddress
from outpost.stations import services as stations
from tests.matrix_world import CITY_MANAGEMENT, PERSONAS, World, build_world, jpeg
from tests.test_permission_matrix import CHECKS, OK, Check, send

pytestmark = pytest.mark.django_db

READS = [c for c in CHECKS if c.method == "GET"]

# The most queries each endpoint may make, over every persona it lets through, at the larger
# size (the same count as at the smaller: see `test_it_reads_in_the_same_queries_...`). Measured
# on SQLite and PostgreSQL alike. Raise a number only for a constant query the endpoint needs
# (a request that also writes the access log, for one, costs one INSERT more per request: bump
# its line by one); never for one that grows with the rows.
# "+2: a second route": the room's queue holds hazard cases (the world's failed inspection) at
# the same place as its disputes; routes are worked out once per sub-type and place, never per row.
# "+5: access-log row": a list read writes one access-log row (savepoint, chain head lock,
# previous hash, insert, head update): constant per request, never per row.
BASELINE: dict[str, int] = {
    # pages: accounts, audit
    "GET /": 18,  # the start page: each role's counts (see START_PAGE)
    "GET /accounts/login/": 7,
    "GET /accounts/2fa/": 3,
    "GET /accounts/2fa/setup/": 14,
    "GET /accounts/users/": 12,
    "GET /accounts/users/<str:username>/": 13,  # +2: the account's lock, its API tokens
    "GET /accounts/user-areas/": 11,  # one read per kind of area (5), the stations of streets
    "GET /audit/": 8,
    "GET /audit/access-log.xlsx": 10,
    "GET /audit/break-glass/": 8,
    # pages: areas
    "GET /areas/": 42,
    "GET /areas/map/": 7,
    "GET /areas/divisions/<str:code>/": 18,
    "GET /areas/grids/<str:code>/": 19,  # +6: its patrol coverage (field work's panel)
    "GET /areas/stations/<str:code>/": 20,
    "GET /areas/beats/<str:code>/": 10,
    # pages: registry
    "GET /registry/": 9,
    "GET /registry/people/": 14,  # +5: access-log row
    "GET /registry/people/break-glass/": 6,  # the header asks the registry right (+ grants)
    "GET /registry/people/<str:number>/": 18,  # +1: the grid's name (not its bare code)
    "GET /registry/people/<str:number>/edit/": 8,
    "GET /registry/queue/": 15,  # +5: access-log row; +3: houses, organisations, their edits
    "GET /registry/addresses/<str:code>/": 18,  # +5: access-log row; +2: grid's, beat's names
    "GET /registry/houses/": 9,  # 8 alone; 9 after some suites (a per-process cache refilled)
    "GET /registry/organisations/": 9,
    "GET /registry/export/<str:name>.xlsx": 11,  # +1: the grids' names (one read)
    "GET /registry/imports/": 8,
    "GET /registry/people/new/": 8,
    "GET /registry/houses/new/": 8,
    "GET /registry/organisations/new/": 8,
    "GET /registry/returned/": 8,
    "GET /registry/people/<str:number>/deregister/": 8,
    "GET /registry/imports/<int:job_id>/": 8,
    "GET /registry/imports/<int:job_id>/report.xlsx": 4,
    # pages: cases
    "GET /cases/": 16,  # +the filter's case types, +each tab's count filtered
    "GET /cases/report/": 9,
    "GET /inbox/": 13,  # +2: early-warning messages (the warnings seen, their units' names)
    "GET /inbox/<int:pk>/": 8,  # the message, marking it read, its page if the reader sees it
    "GET /cases/address-point/": 6,
    "GET /cases/<str:number>/": 23,
    "GET /cases/<str:number>/files/<int:pk>/": 6,
    "GET /status/": 7,
    "GET /status/<str:code>/": 12,
    # Open311: a signed-in persona's session and roles, the per-address rate-limit bucket
    # (one upsert; the clean-up when a window opens), then the answer's own reads
    "GET /open311/v2/discovery.<fmt:fmt>": 5,
    "GET /open311/v2/services.<fmt:fmt>": 6,
    "GET /open311/v2/services/<slug:code>.<fmt:fmt>": 6,
    "GET /open311/v2/requests.<fmt:fmt>": 7,
    "GET /open311/v2/requests/<slug:number>.<fmt:fmt>": 7,
    "GET /open311/v2/tokens/<slug:token>.<fmt:fmt>": 6,
    "GET /open311/keys/": 7,
    # pages: instructions, groups, notices, work items
    "GET /instructions/": 22,
    "GET /instructions/new/": 25,
    "GET /instructions/<int:pk>/": 22,
    "GET /instructions/<int:pk>/photos/<int:photo>/": 9,
    "GET /instructions/groups/": 17,
    "GET /instructions/groups/<int:pk>/": 15,
    "GET /instructions/notices/": 13,
    "GET /instructions/notices/<int:pk>/": 13,
    "GET /instructions/work/": 19,
    "GET /instructions/work/<int:pk>/": 13,
    # pages: 110 calls, command room
    "GET /calls/": 13,  # + the model in use, the latest retrainings; + the filters' counts
    "GET /calls/<str:call_id>/": 14,  # + the grid's and the beat's names; + corrections, sub-types
    "GET /command/": 6,
    # +1: the cases sent up to the room found before the scope is applied (three id reads in
    # place of one OR, which read every case at 2M); the units' names one query a kind.
    "GET /command/<str:station>/board/": 21,  # + the grids to filter by; +2: a second route
    "GET /command/<str:station>/board.json": 16,  # +2: a second route (see below)
    "GET /command/<str:station>/duty/": 14,
    "GET /command/<str:station>/reporters/": 11,
    # pages: field work
    "GET /fieldwork/": 10,
    "GET /fieldwork/app/": 7,
    "GET /fieldwork/sw.js": 3,
    "GET /fieldwork/manifest.webmanifest": 3,
    "GET /fieldwork/patrols/<int:pk>/": 11,
    "GET /fieldwork/patrols/<int:pk>/photos/<int:photo>/": 7,
    "GET /fieldwork/plans/": 11,  # +1: the grids the user plans in (edit, deactivate)
    "GET /fieldwork/plans/new/": 12,
    "GET /fieldwork/plans/<int:pk>/edit/": 14,  # the plan, its grid right, workers, points
    "GET /fieldwork/coverage/": 13,
    "GET /fieldwork/visits/": 15,  # +5: access-log row (care subjects listed)
    "GET /fieldwork/visits/<str:kind>/<str:key>/": 17,  # +5: access-log row; +1: matters
    "GET /fieldwork/inspections/": 9,
    "GET /fieldwork/inspections/new/<str:kind>/<str:key>/": 10,
    "GET /fieldwork/inspections/<int:pk>/": 10,
    "GET /stations/": 10,
    "GET /stations/<int:pk>/": 27,  # +5: access-log row (care visits due); reads 8 parts of the day
    "GET /stations/<int:pk>/window/": 13,
    "GET /stations/<int:pk>/staff/": 15,  # the roles' suggestion: grids, beats, roles
    "GET /stations/<int:pk>/hours/": 12,
    "GET /stations/<int:pk>/rota/": 13,
    # the residents' portal
    "GET /portal/": 7,
    "GET /portal/report/": 10,  # the per-address search limit's bucket, the public types
    "GET /portal/report/details/": 15,  # nearby cases: the cases, their roads, their communities
    "GET /portal/track/": 7,
    "GET /portal/track/<str:token>/": 12,  # the status page's lookup limit, the steps
    "GET /portal/people/": 15,  # search limit, place, station, hours, staff cards
    "GET /portal/my-card/": 8,
    # pages: 网格学院 (training)
    "GET /academy/": 11,
    "GET /academy/c/<int:pk>/": 15,
    "GET /academy/c/<int:pk>/l/<int:lesson_pk>/": 10,
    "GET /academy/c/<int:pk>/quiz/": 9,
    "GET /academy/team/": 14,
    "GET /academy/team/<int:pk>/": 14,
    "GET /academy/desk/": 8,
    "GET /academy/desk/new/": 7,
    "GET /academy/desk/c/<int:pk>/": 12,
    "GET /guides/": 10,
    "GET /guides/m/<slug:code>/": 9,
    "GET /guides/m/<slug:code>/edit/": 7,
    "GET /guides/new/": 6,
    "GET /guides/track/<str:code>/": 10,  # the rate limit's bucket (per client address)
    "GET /guides/requests/": 8,
    "GET /guides/requests/new/": 10,  # the grids the user handles or dispatches in, the matters
    "GET /guides/requests/<int:pk>/": 9,  # may the reader act on it (dispatch, handle)
    "GET /knowledge/": 10,  # the search: terms, the matched versions
    "GET /knowledge/a/<int:pk>/": 8,
    "GET /knowledge/handbook.pdf": 6,  # the published versions, the outposts, their hours
    "GET /knowledge/desk/": 8,
    "GET /knowledge/desk/new/": 7,
    "GET /knowledge/desk/a/<int:pk>/revise/": 8,
    "GET /knowledge/desk/v/<int:pk>/": 8,
    # OGC API – Features: a collection's outlines are keyed by the import token and the rows'
    # count and latest change (2 queries each); the case points read the user's scope
    "GET /ogc/": 3,
    "GET /ogc/conformance": 3,
    "GET /ogc/api": 3,
    "GET /ogc/collections": 16,  # the four collections' extents
    "GET /ogc/collections/<str:collection_id>": 5,
    "GET /ogc/collections/<str:collection_id>/items": 7,
    "GET /ogc/collections/<str:collection_id>/items/<str:feature_id>": 5,
    "GET /assessment/": 7,  # the scopes of each source's action
    "GET /warnings/": 10,
    "GET /warnings/<int:pk>/": 11,  # one read per kind of evidence, who may act
    "GET /warnings/reminder/<slug:kind>/<str:code>/": 14,  # evidence per kind, not per row
    "GET /assessment/<slug:code>/": 9,  # one grouped count for all units, their names
    "GET /assessment/<slug:code>/<slug:kind>/<str:unit>/": 11,  # the figure, a page of rows
    "GET /dashboard/": 10,  # the areas' names, the tiles (a count, satisfaction), the menu
    "GET /dashboard/wall/": 7,  # the areas' names, the tiles; no menu
    "GET /assessment/schemes/": 9,  # the schemes with their periods
    "GET /assessment/schemes/<int:pk>/": 11,  # items, periods, the `assess` scope
    "GET /assessment/periods/<int:pk>/": 12,  # results with scores, appeals
    "GET /assessment/periods/<int:pk>/export/": 13,  # +access-log row
    "GET /assessment/results/<int:pk>/": 10,
    "GET /assessment/scores/<int:pk>/appeal/": 7,
    "GET /assessment/appeals/<int:pk>/": 10,  # its file
    "GET /assessment/appeals/<int:pk>/file/": 9,
    # API
    "GET /api/v1/openapi.json": 3,
    "GET /api/v1/docs": 3,
    "GET /api/v1/": 3,
    "GET /api/v1/geo/locate": 9,
    "GET /api/v1/geo/grids": 8,
    "GET /api/v1/geo/beats": 6,
    "GET /api/v1/geo/labels": 9,  # grids, divisions, the grids' cache stamp
    "GET /api/v1/map/roads": 6,  # the districts' cache stamps; the roads come from the cache
    "GET /api/v1/map/organisations": 6,
    "GET /api/v1/map/cases": 7,
    "GET /api/v1/map/heat": 6,
    "GET /api/v1/geo/grids/{code}": 9,
    "GET /api/v1/geo/beats/{code}": 7,
    "GET /api/v1/cases/duplicates": 5,
    # Once 2 queries more per case (each row re-authorised: 9 for 2 cases, 29 for 12, 405 for
    # 200); the caller's relations to each now come with the page (`services.with_relations`).
    "GET /api/v1/cases": 6,
    "GET /api/v1/notifications": 7,  # the messages, then their cases (a generic subject)
    "GET /api/v1/inbox": 11,  # +2: early-warning messages (as the page)
    "GET /api/v1/cases/{number}": 11,
    "GET /api/v1/webhooks": 4,
    "GET /api/v1/webhooks/{pk}/deliveries": 5,
    "GET /api/v1/addresses/match": 7,
    "GET /api/v1/registry/people": 11,  # +5: access-log row
    "GET /api/v1/registry/people/{number}": 11,
    "GET /api/v1/registry/imports/{job_id}": 4,
    "GET /api/v1/registry/addresses": 6,
    "GET /api/v1/registry/returned": 5,
    "GET /api/v1/instructions": 7,
    "GET /api/v1/instructions/{pk}": 10,
    "GET /api/v1/instructions/{pk}/progress": 10,
    "GET /api/v1/calls": 7,
    "GET /api/v1/calls/model": 5,
    "GET /api/v1/calls/{call_id}": 7,
    "GET /api/v1/fieldwork/plans": 8,
    "GET /api/v1/fieldwork/patrols/{patrol_id}": 9,
    "GET /api/v1/fieldwork/coverage": 11,
    "GET /api/v1/fieldwork/map/coverage": 11,  # the coverage reading, grid rows only
    "GET /api/v1/fieldwork/visits/due": 13,  # +5: access-log row
    "GET /api/v1/fieldwork/today": 19,  # the due list (+5: access-log row), plans, types, matters
    "GET /api/v1/fieldwork/inspections/checklists": 4,
    "GET /api/v1/fieldwork/inspections/{inspection_id}": 8,
    "GET /api/v1/stations/{station_id}": 21,  # +5: access-log row (care visits due)
    "GET /api/v1/assessment/indicators": 5,
    "GET /api/v1/warnings": 7,  # the page of warnings, their units' names
    "GET /api/v1/warnings/map": 5,
    "GET /api/v1/warnings/{pk}": 7,  # one read per kind of evidence
    "GET /api/v1/assessment/indicators/{code}/values": 6,
    "GET /api/v1/dashboard/summary": 7,  # one count, satisfaction, the days grouped
    "GET /api/v1/dashboard/categories": 5,  # one GROUP BY per chart
    "GET /api/v1/dashboard/sources": 5,
    "GET /api/v1/dashboard/workload": 5,
    "GET /api/v1/dashboard/areas": 5,  # the indicator per grid, the grids' names
    "GET /api/v1/assessment/schemes": 7,
    "GET /api/v1/assessment/periods/{pk}": 8,
    "GET /api/v1/guides/matters": 6,
}

FEW, MORE = 2, 6  # rows added per kind: 1 + 2 = 3 of each, then 3 + 6 = 9 (three times as many)


@dataclass(frozen=True)
class Counts:
    few: dict[tuple[str, str], int]  # (check key, persona) → queries with a few rows
    many: dict[tuple[str, str], int]  # the same with three times as many
    world: World  # as grown, for the tests that read it further


def permitted(check: Check) -> list[str]:
    return [p for p in PERSONAS if check.rule.answers[p] == OK]


def measure(world: World, check: Check, persona: str) -> int:
    """One request's queries, inside a savepoint rolled back after it (as the matrix does)."""
    seen_just_now(world, persona)
    # CaptureQueriesContext keeps requests from clearing the connection's query log, which holds
    # at most 9,000 queries: once full, every request would count as 0. Start each one empty.
    reset_queries()
    with transaction.atomic():
        with CaptureQueriesContext(connection) as seen:
            answer = send(world, check, persona)
        transaction.set_rollback(True)
    assert answer.status_code == check.expected(persona), (check.key, persona, answer.status_code)
    return len(seen.captured_queries)


def seen_just_now(world: World, persona: str) -> None:
    """The persona's last request was a moment ago, so the session's last-seen time is not due
    to be saved (it is, once a minute, and the rolled-back requests never save it)."""
    if persona in world.sessions:
        session = import_module(settings.SESSION_ENGINE).SessionStore(world.sessions[persona])
        session[SEEN] = int(time.time())
        session.save()


def measure_all(world: World) -> dict[tuple[str, str], int]:
    return {(c.key, p): measure(world, c, p) for c in READS for p in permitted(c)}


@pytest.fixture(scope="module")
def counts(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Counts]:
    """Build the world, warm every endpoint up once (per-process caches: the spatial index, the
    taxonomy), grow it and measure, grow it three times larger and measure again; all inside a
    transaction rolled back after the module."""
    media = tmp_path_factory.mktemp("query-counts-media")
    # The boards keep their units' names and people for a minute (`board.STOP_SECONDS`): counted
    # without, so no count depends on whether growing the world took more than a minute.
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(board, "STOP_SECONDS", 0)
        cache.clear()  # nor on what earlier tests' boards kept
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world(str(media))
            grow(world, FEW)
            measure_all(world)  # warm-up
            few = measure_all(world)
            grow(world, MORE)
            measured = Counts(few, measure_all(world), world)
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield measured
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# ---------------------------------------------------------------------------------------------
# Growing the world through the real services.


def grow(world: World, n: int) -> None:
    user = {p: User.objects.get(username=f"{p}_m") for p in PERSONAS if p != "anonymous"}
    commander, worker, officer = user["commander"], user["worker"], user["officer"]
    department = Department.objects.get(name=CITY_MANAGEMENT).code
    target = {"kind": "department", "code": department, "lead": True}
    room = CommandRoom.objects.get(station__code=world.station)
    subtype = SubType.objects.select_related("category").get(code="0101")
    deadline = timezone.now() + dt.timedelta(days=2)
    _assessment(world, worker, commander, n)
    for i in range(n):
        # Cases at the world's address in several states, with units, files and messages.
        reported = _case(worker, subtype, world, f"占道经营{i}")
        accepted = cases.act(
            _case(worker, subtype, world, f"噪音扰民{i}"), "accept", actor=commander
        )
        dispatched = cases.act(accepted, "dispatch", actor=commander, payload={"targets": [target]})
        handling = cases.act(
            cases.act(
                _case(user["reporter"], subtype, world, f"井盖缺失{i}"), "accept", actor=commander
            ),
            "dispatch",
            actor=commander,
            payload={"targets": [target]},
        )
        handling = cases.act(handling, "sign_on", actor=user["handler"])
        cases.attach(reported, [(f"scene{i}.jpg", jpeg())], actor=worker, purpose="evidence")
        for one in user.values():
            for case in (reported, dispatched, handling):
                Notification.objects.create(
                    user=one,
                    subject_kind="case",
                    subject_id=case.pk,
                    event="dispatched",
                    created_at=timezone.now(),
                )
        # The world's own case: more timeline, units and files on its detail page.
        case = Case.objects.get(number=world.case)
        cases.act(case, "dispatch", actor=commander, payload={"targets": [target]})
        cases.attach(case, [(f"more{i}.jpg", jpeg())], actor=worker, purpose="evidence")
        # Instructions, notices, work items.
        to_grid = [("grid", world.grid)]
        sent = instructions.send_instruction(
            room, instructions.NewInstruction(f"排查隐患{i}", deadline, targets=to_grid), actor=None
        )
        instructions.sign_on(sent.recipients.get(), actor=worker)
        group = VirtualGroup.objects.get(pk=world.group)
        groups.send_notice(group, actor=commander, title=f"消防检查{i}")
        work.create_work_item(
            room,
            actor=commander,
            title=f"平安创建{i}",
            milestones=[("走访", timezone.localdate() + dt.timedelta(days=30))],
        )
        # The commander's webhooks (deliveries come from the cases above) and import jobs.
        WebhookSubscription.objects.create(
            owner=commander,
            url=f"https://hooks.example.org/{i}",
            secret_enc=encrypt("query-counts"),
            created_at=timezone.now(),
        )
        ImportJob.objects.create(
            kind="persons", filename=f"p{i}.csv", data=b"", status="done", created_by=commander
        )
        # 110 calls, users in the administrator's area, emergency openings.
        Call.objects.create(
            call_id=f"110-Q-{n}-{i}",
            received_at=timezone.now(),
            location_text=world.address_text,
            content="楼下烧烤油烟太大",
            decision="divert",
            subtype="0901",
            grid_code=world.grid,
            beat_code=world.beat,
            reason="query counts",
            imported_at=timezone.now(),
        )
        extra = User.objects.create_user(
            username=f"worker_q{n}_{i}", password=None, display_name=f"网格员{i}"
        )
        grant_role(extra, Role.GRID_WORKER, world.grid, actor=None)
        _field_work(world, worker, officer, f"{n}{i}")
        _patrols(world, worker, extra, commander, f"{n}-{i}")
        _station(world, extra, commander, i)
        _guides(world, worker, i)
        _knowledge(user["commander"], user["admin"], i)
        _warnings(world, f"{n}-{i}")
    opened = BreakGlassGrant.objects.values("object_id")
    elsewhere = Person.objects.exclude(beat_code=world.beat).exclude(pk__in=opened)
    for person in elsewhere.order_by("person_no")[:n]:
        registry.break_glass(person, actor=officer, reason="走失老人身份核查，家属报警求助")


def _warnings(world: World, tag: str) -> None:
    """Early warnings in the home grid with evidence of every kind (cases, a person, an address,
    an inspection), each one new (a window of its own)."""
    from outpost.warnings.evidence import Found
    from outpost.warnings.rules import RULES
    from outpost.warnings.services import do_raise

    home = Case.objects.filter(grid_code=world.grid).order_by("-id")
    person = Person.objects.get(person_no=world.care_person)
    room = StandardAddress.objects.get(code=world.room_address)
    hazard = Hazard.objects.select_related("inspection").get(pk=world.hazard)
    evidence: list[dict[str, object]] = [{"kind": "case", "id": c.pk} for c in home[:3]]
    evidence += [{"kind": "person", "id": person.pk}, {"kind": "address", "id": room.pk}]
    evidence += [{"kind": "inspection", "id": hazard.inspection_id}]
    for code in ("recurring_dispute", "overdue_rectification"):
        found = Found("address", room.pk, tag, world.grid, world.beat, evidence, {"n": 3})
        found.lon, found.lat = world.lon, world.lat
        do_raise(RULES[code], found, timezone.now())


def _field_work(world: World, worker: User, officer: User, tag: str) -> None:
    """The verification queue and the returned list: a pending edit, a returned one, a house
    and an organisation added by the worker."""
    home = Person.objects.filter(grid_code=world.grid, beat_code=world.beat, state="verified")
    pending, returned = home.exclude(person_no=world.person).order_by("person_no")[:2]
    registry.update_person(pending, actor=worker, changes={"care_tags": "独居老人"})
    registry.update_person(returned, actor=worker, changes={"care_tags": "残疾人"})
    registry.return_record(returned, actor=officer, reason="请核对")
    added = House.objects.filter(collected_by=worker).values("address")
    rooms = StandardAddress.objects.filter(grid_code=world.grid, beat_code=world.beat, level="room")
    room = rooms.exclude(pk__in=added).order_by("code").first()
    assert room is not None
    House.objects.filter(address=room).delete()  # a house a registry session may have left
    entries.add_house(room, actor=worker, use="自住")
    body = "91320106MA1Q" + tag.zfill(5)[-5:]
    new = entries.NewOrganisation(
        name=f"便民店{tag}",
        uscc=body + calc_check_digit(body),
        unit_type="个体工商户",
        address=room,
        legal_rep="赵六",
    )
    entries.add_organisation(new, actor=worker)


def _patrols(world: World, worker: User, walker: User, planner: User, key: str) -> None:
    """A plan for another worker, walked and ended, with a photo; one more check-in (and photo)
    on the world's patrol under way."""
    grid = Grid.objects.get(code=world.grid)
    plan = fieldwork.create_plan(fieldwork.NewPlan(grid, f"巡查{key}", 2, [walker]), actor=planner)
    walk = fieldwork.start_patrol(grid, actor=walker, plan=plan)
    photo = [(f"walk{key}.jpg", jpeg())]
    fieldwork.check_in(walk, world.lon, world.lat, actor=walker, files=photo)
    fieldwork.end_patrol(walk, actor=walker)
    ongoing = Patrol.objects.get(pk=world.patrol)
    fieldwork.check_in(ongoing, world.lon, world.lat, actor=worker, files=photo)
    care = Person.objects.get(person_no=world.care_person)
    fieldwork.record_visit(care, fieldwork.NewVisit(f"本人{key}"), actor=worker)
    # More care subjects in the home grid: the due list grows, its queries must not.
    more = Person.objects.filter(grid_code=world.grid, care_tags="").order_by("person_no")[:2]
    Person.objects.filter(pk__in=[p.pk for p in more]).update(care_tags="低保户")
    # More inspections of the world's organisation, each with a hazard case.
    unit = Organisation.objects.get(unit_no=world.inspected_unit)
    fire = Checklist.objects.filter(code="fire").order_by("-version").first()
    assert fire is not None
    officer = User.objects.get(username="officer_m")
    done = fieldwork.start_inspection(unit, fire, actor=officer)
    fieldwork.complete_inspection(
        done, {i["code"]: i["code"] != "F2" for i in fire.items}, actor=officer
    )


def _station(world: World, extra: User, commander: User, i: int) -> None:
    """More staff (the new grid worker), on the rota today and ahead, window visits (one a
    case), opening hours and an instruction to the station waiting for its report back."""
    outpost = OutpostStation.objects.get(pk=world.outpost)
    member = stations.assign_staff(outpost, extra, "grid_worker", actor=commander)
    today = timezone.localdate()
    for ahead in (0, 3):
        stations.book_duty(outpost, member, today + dt.timedelta(days=ahead), "morning", actor=None)
    worker = User.objects.get(username="worker_m")
    for kind in ("consultation", "dispute"):
        new = stations.NewWindowEntry(f"来访{i}", kind, "咨询", "answered", "13912345678")
        stations.record_window_visit(outpost, new, actor=worker)
    subtype = SubType.objects.select_related("category").get(code="0101")
    case = stations.NewWindowEntry(
        f"来访{i}",
        "dispute",
        f"纠纷{i}",
        "case",
        case_subtype=subtype,
        case_address=world.room_address,
    )
    stations.record_window_visit(outpost, case, actor=worker)
    spans = [stations.Span(d, dt.time(8, 30), dt.time(12)) for d in range(i % 7 + 1)]
    stations.set_opening_hours(outpost, spans, actor=None)
    room = CommandRoom.objects.get(station__code=world.station)
    deadline = timezone.now() + dt.timedelta(days=2)
    target = [("outpost", world.community)]
    instructions.send_instruction(
        room, instructions.NewInstruction(f"前哨任务{i}", deadline, targets=target), actor=None
    )


def _guides(world: World, worker: User, i: int) -> None:
    """Residents' requests for help in the home grid: the worker's (one accepted) and the
    officer's (a police matter)."""
    grid = Grid.objects.select_related("main_beat").get(code=world.grid)
    for code in ("senior-card", "residence-permit", "dibao"):
        new = guides.NewServiceRequest(
            matter=Matter.objects.get(code=code),
            mode="assist",
            resident_name=f"居民{i}",
            phone="13912345678",
            address=world.address_text,
            grid=grid,
        )
        asked = guides.create_service_request(new, actor=None)
    guides.act(asked, "accept", actor=worker)


def _knowledge(author: User, reviewer: User, i: int) -> None:
    """Knowledge-base articles: one published, one waiting for review, one draft."""
    for step in ("approve", "submit", "write"):
        text = knowledge.Text(kind="procedure", title=f"充电须知{step}{i}", body="请勿入户充电。")
        version = knowledge.write_article(text, actor=author)
        if step != "write":
            knowledge.submit_version(version, actor=author)
        if step == "approve":
            knowledge.approve_version(version, actor=reviewer)


ASSESSED_MONTHS = iter(range(1, 13))


def _assessment(world: World, worker: User, commander: User, n: int) -> None:
    """More periods of the world's scheme (months of 2025), and appeals decided on more of the
    home grid's figures in its November."""
    scheme = Scheme.objects.get(pk=world.scheme)
    result = Result.objects.get(pk=world.result)
    free = result.scores.exclude(indicator="satisfaction").filter(appeals__isnull=True)
    for _i in range(n):
        assessment.do_compute(scheme, f"2025-{next(ASSESSED_MONTHS):02d}", actor=None)
        appeal = assessment.do_file_appeal(free.first(), "记录有误", actor=worker)  # type: ignore[arg-type]
        assessment.do_decide_appeal(
            appeal, upheld=False, reason="无误", corrected=None, actor=commander
        )


def _case(actor: User, subtype: SubType, world: World, title: str) -> Case:
    """At the world's standard address; reporters (8大员) read no registry: they pin its point."""
    if actor.username == "reporter_m":
        place: dict[str, Any] = {"lon": world.lon, "lat": world.lat}
    else:
        place = {"address": world.room_address}
    new = cases.NewCase(subtype=subtype, title=title, source="grid_patrol", **place)
    return cases.report_case(new, actor=actor)


# ---------------------------------------------------------------------------------------------
# The tests.


def test_it_pins_every_read_endpoint_of_the_matrix() -> None:
    keys = {c.key for c in READS}
    assert set(BASELINE) == keys, (
        f"add to BASELINE: {sorted(keys - set(BASELINE))}; stale: {sorted(set(BASELINE) - keys)}"
    )


@pytest.mark.parametrize("check", READS, ids=[c.key for c in READS])
def test_it_reads_in_the_same_queries_however_many_rows(counts: Counts, check: Check) -> None:
    grew = {
        p: (counts.few[check.key, p], counts.many[check.key, p])
        for p in permitted(check)
        if counts.few[check.key, p] != counts.many[check.key, p]
    }
    assert not grew, f"{check.key}: a query per row: " + ", ".join(
        f"{p} {few} → {many} queries" for p, (few, many) in grew.items()
    )


# The start page (今日待办) per persona: a section per role, a count query per tile.
START_PAGE = {
    "admin": 16,  # locked accounts, users without 2FA, openings to review
    "commander": 14,  # the day's numbers and the worst grids
    # 网格学院: a learner's open courses (+1), and for courses assigned to them their lessons,
    # reads, attempts and completions (+4)
    "worker": 18,  # + edits returned to me; + service requests waiting (2); + courses (5)
    "outsider": 17,  # + service requests waiting (none: no list to read); + courses (5)
    "officer": 16,  # + edits returned to me (an officer collects too); + service requests (2)
    "handler": 10,
    "reporter": 9,  # their open reports
}


def test_it_pins_the_start_page_per_persona(counts: Counts) -> None:
    got = {p: counts.many["GET /", p] for p in START_PAGE}
    assert {p: n for p, n in got.items() if n > START_PAGE[p]} == {}, got


@pytest.mark.parametrize("check", READS, ids=[c.key for c in READS])
def test_it_stays_under_the_baseline(counts: Counts, check: Check) -> None:
    most = max(counts.many[check.key, p] for p in permitted(check))
    assert most <= BASELINE.get(check.key, 0), (
        f"{check.key}: {most} queries, baseline {BASELINE.get(check.key)}"
    )


def test_it_lists_each_case_with_the_actions_and_units_its_own_page_gives(counts: Counts) -> None:
    """The list reads the caller's relations with the page; the detail works them out for the one
    case. Both must say the same for every persona and every case."""
    world = counts.world
    for persona in (p for p in PERSONAS if p != "anonymous"):
        client = world.client(persona)
        listed = client.get("/api/v1/cases", {"limit": 200}).json()["items"]
        assert listed or persona in ("outsider",), persona
        for item in listed:
            one = client.get(f"/api/v1/cases/{item['number']}").json()
            for field in ("allowed_actions", "units", "title", "address"):
                assert item[field] == one[field], (persona, item["number"], field)


def test_it_reads_the_same_relations_with_the_page_as_case_by_case(counts: Counts) -> None:
    held: set[Relation] = set()
    for persona in (p for p in PERSONAS if p != "anonymous"):
        user = User.objects.get(username=f"{persona}_m")
        for case in cases.with_relations(Case.objects.select_related("subtype"), user):
            alone = Case.objects.get(pk=case.pk)
            relations = cases.relations_for(case, user)
            assert relations == cases.relations_for(alone, user), (persona, case.number)
            held |= relations
    assert held == {Relation.REPORTER, Relation.DISPATCHER, Relation.VERIFIER, Relation.HANDLER}


def _cases_page_queries(world: World, persona: str) -> tuple[int, list[dict[str, Any]]]:
    seen_just_now(world, persona)
    reset_queries()
    with CaptureQueriesContext(connection) as seen:
        answer = world.client(persona).get("/api/v1/cases", {"limit": 200})
    assert answer.status_code == 200
    return len(seen.captured_queries), answer.json()["items"]


def test_it_reads_the_recheck_guard_once_for_a_page_of_hazard_cases(counts: Counts) -> None:
    """Hazard cases waiting to close (已回访) each need the re-check guard (field work's hook):
    once a query per case; now one query for the page, however many of them."""
    world = counts.world
    hazards = list(
        Case.objects.filter(pk__in=Hazard.objects.values("case"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert len(hazards) >= 3
    with transaction.atomic():
        Case.objects.filter(pk=hazards[0]).update(state=State.RATED)
        one, _ = _cases_page_queries(world, "commander")
        Case.objects.filter(pk__in=hazards).update(state=State.RATED)
        many, items = _cases_page_queries(world, "commander")
        Hazard.objects.filter(case=hazards[0]).update(recheck_passed=True)
        _, after = _cases_page_queries(world, "commander")
        transaction.set_rollback(True)
    assert one == many, f"{one} → {many} queries for 1 → {len(hazards)} hazard cases"
    closable = {i["number"] for i in after if "close" in i["allowed_actions"]}
    waiting = [i for i in items if i["state"] == State.RATED]
    assert len(waiting) == len(hazards) and not any(
        "close" in i["allowed_actions"] for i in waiting
    )
    assert closable == set(Case.objects.filter(pk=hazards[0]).values_list("number", flat=True))
