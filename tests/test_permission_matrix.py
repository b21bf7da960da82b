"""The permission matrix (issue 6): every URL and every API operation, asked by eight personas.

`CHECKS` declares, for each endpoint, the request sent and the rule it answers by; a rule names
what each persona gets: let through (the endpoint's own success answer), refused (403: sees the
thing but may not do this), hidden (404: outside what they see, the same answer as for nothing)
or sent to sign in (302 for pages, 401 for the API). `test_it_declares_every_endpoint` compares
the declarations with the URL patterns and the OpenAPI description, so a new endpoint fails until
its rule is written here.

Writes are sent so that the permission check decides the answer: either a valid request (the
permitted write happens and is rolled back) or one that fails a check made after the permission
check (the permitted get their 200 form with errors, 302 back, or 422; the others 403 or 404).
For the API the body must satisfy the schema, as Ninja validates it before the view runs.

Nothing is skipped: static files are served by WhiteNoise's middleware (no URL pattern), media by
scoped views (covered here), the Django admin is not installed, and the language switch and the
API's own pages (root, docs, openapi.json) are declared like any other page.

The world (tests/matrix_world.py) is built once for the module inside a transaction that is
rolled back after it; every request runs in its own savepoint, rolled back too.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponseBase
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from outpost.api import api
from tests.matrix_world import PERSONAS, World, build_world, jpeg

# Every test asks for the database: the world (module-scoped) needs it set up even when only the
# declaration test is selected.
pytestmark = pytest.mark.django_db

# ---------------------------------------------------------------------------------------------
# The vocabulary: what each persona gets.

OK, NO, HIDDEN, LOGIN = "ok", "no", "hidden", "login"
SIGNED_IN_PERSONAS = tuple(p for p in PERSONAS if p != "anonymous")


@dataclass(frozen=True)
class Rule:
    name: str
    answers: dict[str, str]  # persona → OK, NO, HIDDEN or LOGIN

    def __str__(self) -> str:
        return self.name


def rule(name: str, ok: str = "", hidden: str = "", *, public: bool = False) -> Rule:
    """Personas named in `ok` are let through, in `hidden` get 404; every other signed-in
    persona gets 403, and anonymous is sent to sign in (unless `public`)."""
    let, hide = set(ok.split()), set(hidden.split())
    assert (let | hide) <= set(PERSONAS), (let | hide) - set(PERSONAS)
    answers = {p: OK if p in let else HIDDEN if p in hide else NO for p in SIGNED_IN_PERSONAS}
    answers["anonymous"] = OK if public else LOGIN
    return Rule(name, answers)


EVERYONE = " ".join(SIGNED_IN_PERSONAS)

# Open to all, signed in or not.
PUBLIC = rule("PUBLIC", EVERYONE, public=True)
# Any signed-in user; lists answer with what the user's own scope holds (empty for some).
SIGNED_IN = rule("SIGNED_IN", EVERYONE)
# User management and the auditors' pages: the administrator (the only persona holding ADMIN
# and the `audit` action).
ADMIN_ONLY = rule("ADMIN_ONLY", "admin")
# The map's roads: whoever sees an area; its organisations: whoever reads the registry (the
# reporter sees areas only); the heat map: who commands a street or a station (`heat`).
MAP_AREA = rule("MAP_AREA", "admin commander worker outsider officer reporter", "handler")
MAP_REGISTRY = rule("MAP_REGISTRY", "admin commander worker outsider officer", "handler")
HEAT = rule("HEAT", "admin commander")
# Area objects of the home grid (its community, grid, station, beat): whoever holds `view` there,
# the officer through the overlay; the department handler holds no area at all.
AREA = rule("AREA", "admin commander worker officer reporter", "outsider handler")
# Changing an area object: `change` (administrator, commander); others who see it 403.
AREA_EDITORS = rule("AREA_EDITORS", "admin commander", "outsider handler")
# Registry lists, searches and the import page: anyone reading or collecting the registry
# (the outsider gets their own, empty, area); reporters and department handlers hold no
# registry role.
REGISTRY_STAFF = rule("REGISTRY_STAFF", "admin commander worker outsider officer")
# One registry record (person, address) in the home grid.
REGISTRY_RECORD = rule(
    "REGISTRY_RECORD", "admin commander worker officer", "outsider handler reporter"
)
# Collecting (前端采) on a record: grid worker and officer; the administrator and commander see it
# but do not collect.
COLLECTORS = rule("COLLECTORS", "worker officer", "outsider handler reporter")
# Unmasking and verifying (民警核) a record: the beat's officer only.
RECORD_OFFICER = rule("RECORD_OFFICER", "officer", "outsider handler reporter")
# Starting an import of people: `collect` anywhere (the outsider in their own area).
COLLECTOR_STAFF = rule("COLLECTOR_STAFF", "worker outsider officer")
# Break-the-glass: sworn officers.
BREAK_GLASS = rule("BREAK_GLASS", "officer")
# Exports (xlsx of scoped lists): administrator, commander, officer.
EXPORTERS = rule("EXPORTERS", "admin commander officer")
# Filing a case: every role with `report`; the administrator and department handler have none.
REPORTERS = rule("REPORTERS", "commander worker outsider officer reporter")
# Roles that see cases (all but the reporter, who sees only their own reports).
CASE_STAFF = rule("CASE_STAFF", "admin commander worker outsider officer handler")
# The case in the home grid (reported by the worker, dispatched to the handler's department):
# the reporter persona did not report it.
CASE = rule("CASE", "admin commander worker officer handler", "outsider reporter")
# Taking part in the case (reporter of it, dispatcher, verifier, handler): adding files.
CASE_PARTIES = rule("CASE_PARTIES", "commander worker officer handler", "outsider reporter")
# Returning the dispatched case (回退): its dispatcher and its handler.
CASE_RETURNERS = rule("CASE_RETURNERS", "commander handler", "outsider reporter")
# Dispatch work with no object yet (the 110 desk, building groups, adding work items): whoever
# holds `dispatch` (the commander).
DISPATCHERS = rule("DISPATCHERS", "commander")
# The home command room: those who run it (the commander); those who only see its station 403.
ROOM = rule("ROOM", "commander", "outsider handler")
# A 110 call in the home grid: its dispatchers; 403 for those who see its cases.
CALL = rule("CALL", "commander", "outsider handler reporter")
# The room side's own objects (virtual group, work item): the commander who sends from the room
# and the administrator whose area covers it.
OVERSEERS = rule("OVERSEERS", "admin commander", "worker outsider officer handler reporter")
# Changing them: the commander; the administrator sees them only.
SENDERS = rule("SENDERS", "commander", "worker outsider officer handler reporter")
# An instruction or notice to the home grid: the room's side and the grid's worker. Not the
# grid's reporters (8大员), who see only their own reports (they read these, feedback photos
# included, while instructions were scoped by `view`), nor the beat's officer.
# The instructions' inbox (and the header's item): senders, receiving units, the rooms' overseers
# and anyone an instruction names; not the reporters (8大员).
INSTRUCTED = rule("INSTRUCTED", "admin commander worker outsider officer handler")
RECEIVED = rule("RECEIVED", "admin commander worker", "outsider officer handler reporter")
# Acting on a received row (sign on, report back, confirm): the grid's worker.
RECIPIENT = rule("RECIPIENT", "worker", "outsider officer handler reporter")
# Objects owned by one user (the commander's webhook and import job): nobody else sees them.
OWNER = rule("OWNER", "commander", "admin worker outsider officer handler reporter")
# A patrol of the home grid (walked by the worker): the area's staff who read the registry;
# reporters (8大员) and department handlers do not see patrols.
# The field-work lists: everyone with field work (all but the 8大员 reporter), each their own.
FIELD = rule("FIELD", "admin commander worker outsider officer handler")
PATROL = rule("PATROL", "admin commander worker officer", "outsider handler reporter")
# Acting on it (check in, end, report a finding): its walker alone; who sees it gets 403.
WALKER = rule("WALKER", "worker", "outsider handler reporter")
# Planning patrols of the home grid: who dispatches there (the commander).
PLANNERS = rule("PLANNERS", "commander", "outsider handler")
# Starting a patrol of the home grid: who collects there (worker, officer); the others who see
# the grid get 403.
# A patrol plan's edit page and its deactivation: who plans in its grid (the commander); who
# does not see the plan (it is read with the grid's registry) gets 404.
PLAN_EDITORS = rule("PLAN_EDITORS", "commander", "outsider handler reporter")
PATROLLERS = rule("PATROLLERS", "worker officer", "outsider handler")
# An inspection in the home grid, joint with the handler's department: the area's registry
# readers and the department's people (the handler).
INSPECTION = rule("INSPECTION", "admin commander worker officer handler", "outsider reporter")
# Entering its results: its inspector (the officer).
INSPECTOR = rule("INSPECTOR", "officer", "outsider reporter")
# Signing it off for a department: that department's people (the handler).
PARTY = rule("PARTY", "handler", "outsider reporter")
# The home community's outpost station (平安前哨): whoever reads the community's registry (the
# officer through the overlay); reporters (8大员) and department handlers do not see it.
STATION = rule("STATION", "admin commander worker officer", "outsider handler reporter")
# Its staff, opening hours and rota: whoever may change or dispatch over the community.
STATION_MANAGERS = rule("STATION_MANAGERS", "admin commander", "outsider handler reporter")
# Its window log: its staff, filled from the roles (the grid worker and the beat's officer).
STATION_STAFF = rule("STATION_STAFF", "worker officer", "outsider handler reporter")
# Editing the service guides (一网通办): `change` over the whole district (the administrator);
# the commander changes one street only.
GUIDE_EDITORS = rule("GUIDE_EDITORS", "admin")
# A resident's request for help in the home grid: whoever reads the registry there (the officer
# through the beat); reporters and department handlers do not see it.
SERVICE_REQUEST = rule(
    "SERVICE_REQUEST", "admin commander worker officer", "outsider handler reporter"
)
# Acting on it: its assignee (the worker) and who dispatches there (the commander); the officer
# and the administrator who read it get 403.
SERVICE_HANDLERS = rule("SERVICE_HANDLERS", "commander worker", "outsider handler reporter")
# Entering a request for a resident: whoever handles in a grid or beat (the outsider in theirs).
SERVICE_ENTRY = rule("SERVICE_ENTRY", "commander worker outsider officer")
# Writing knowledge-base articles: whoever may `change` somewhere (the administrator, the
# commander); other signed-in users get 403.
ARTICLE_WRITERS = rule("ARTICLE_WRITERS", "admin commander")
# A version not yet published: its author (the commander) and reviewers (the administrator,
# `change` over the whole district); nobody else sees it.
ARTICLE_VERSION = rule(
    "ARTICLE_VERSION", "admin commander", "worker outsider officer handler reporter"
)
# Reviewing it: a reviewer who did not write it; its author gets 403.
ARTICLE_REVIEWERS = rule("ARTICLE_REVIEWERS", "admin", "worker outsider officer handler reporter")
# Editing 网格学院's courses: whoever may `change` somewhere (the administrator, the commander);
# learners who open the (open) course get 403.
COURSE_EDITORS = rule("COURSE_EDITORS", "admin commander")
# A team's training progress: who dispatches or changes over an area (the commander, the
# administrator); others have no team (403).
TEAM_LEADERS = rule("TEAM_LEADERS", "admin commander")
# One member's progress (the worker): their team's leaders; nobody else finds them (404).
TEAM_MEMBER = rule("TEAM_MEMBER", "admin commander", "worker outsider officer handler reporter")
# Indicators (警网双考): whoever sees the rows of some source (not the 8大员 reporter). One
# indicator's page: who is assessed on a unit kind of it (the department handler on none, so 404);
# a unit's rows: those whose area holds the whole home grid (the officer is assessed on beats,
# the outsider on their own grid).
ASSESSORS = rule("ASSESSORS", "admin commander worker outsider officer handler")
ASSESSED = rule("ASSESSED", "admin commander worker outsider officer", "handler")
ASSESSED_UNIT = rule("ASSESSED_UNIT", "admin commander worker", "outsider officer handler")
# 警网双考: a scheme of the home street and its periods, seen where the area overlaps (the
# officer through the station's beats); its leaders (`assess`: administrator, commander)
# compute, approve and decide appeals; exports for `export`; appeals by the assessed grid's
# worker (`handle` over the grid).
ASSESSMENT_AREA = rule("ASSESSMENT_AREA", "admin commander worker officer", "outsider handler")
ASSESSMENT_LEADERS = rule("ASSESSMENT_LEADERS", "admin commander", "outsider handler")
ASSESSMENT_EXPORTERS = rule("ASSESSMENT_EXPORTERS", "admin commander officer", "outsider handler")
ASSESSMENT_APPELLANT = rule("ASSESSMENT_APPELLANT", "worker", "outsider officer handler")
ASSESSMENT_DECIDERS = rule("ASSESSMENT_DECIDERS", "admin commander", "outsider officer handler")
# Early warnings: who sees cases over an area reads them (not department handlers, not reporters);
# one lying in the home grid is hidden from the outsider; its unit (the home grid) is acted for
# by the grid's worker and the street's commander.
WARNING_READERS = rule("WARNING_READERS", "admin commander worker outsider officer")
WARNING_SEEN = rule("WARNING_SEEN", "admin commander worker officer", "outsider")
WARNING_UNIT = rule("WARNING_UNIT", "commander worker", "outsider")


# ---------------------------------------------------------------------------------------------
# The table: one check per (method, route).


class Upload:
    """A file part, made afresh for each request."""

    def __init__(self, name: str, content: bytes, content_type: str) -> None:
        self.name, self.content, self.content_type = name, content, content_type

    def make(self) -> SimpleUploadedFile:
        return SimpleUploadedFile(self.name, self.content, self.content_type)


PHOTO = Upload("photo.jpg", jpeg(), "image/jpeg")
FIRE_PASSED = {f"item_F{n}": "pass" for n in range(1, 6)} | {"rectify_days": "7"}
WINDOW_ENTRY = {
    "visitor_name": "张大爷",
    "kind": "consultation",
    "matter": "咨询",
    "handling": "answered",
}
GUIDE_HELP = {
    "mode": "on_behalf",
    "resident_name": "王阿姨",
    "phone": "13912345678",
    "address": "中山路83号102室",
}
ARTICLE = {"kind": "procedure", "title": "电动车充电须知", "tags": "", "body": "请勿入户充电。"}
PEOPLE_CSV = Upload("people.csv", b"person_id,name\n", "text/csv")


@dataclass(frozen=True)
class Check:
    key: str  # "METHOD route": a URL pattern's route for pages, an OpenAPI path for the API
    rule: Rule
    path: str  # the request's path (and query), naming World fields: "/cases/{case}/"
    ok: int | dict[str, int] = 200  # what a persona let through gets (per persona if it differs)
    data: Any = None  # form fields (pages, API multipart) or the JSON body (API `json=True`)
    json: bool = False
    note: str = ""  # why the rule or the answer is what it is, where not obvious

    @property
    def method(self) -> str:
        return self.key.split()[0]

    @property
    def route(self) -> str:
        return self.key.split()[1]

    @property
    def is_api(self) -> bool:
        return self.route.startswith(API_PREFIX)

    def expected(self, persona: str) -> int:
        answer = self.rule.answers[persona]
        if answer == OK:
            return self.ok if isinstance(self.ok, int) else self.ok.get(persona, 200)
        return {NO: 403, HIDDEN: 404, LOGIN: 401 if self.is_api else 302}[answer]


API_PREFIX = "/api/v1/"
EMPTY_FORM: dict[str, str] = {}

CHECKS: list[Check] = [
    # --- accounts, audit -------------------------------------------------------------------
    Check("GET /", SIGNED_IN, "/"),
    Check("GET /accounts/login/", PUBLIC, "/accounts/login/"),
    Check("POST /accounts/logout/", PUBLIC, "/accounts/logout/", ok=302),
    Check(
        "GET /accounts/2fa/",
        SIGNED_IN,
        "/accounts/2fa/",
        ok=302,
        note="nobody has an authenticator yet: sent to set one up",
    ),
    Check("GET /accounts/2fa/setup/", SIGNED_IN, "/accounts/2fa/setup/"),
    Check("GET /accounts/users/", ADMIN_ONLY, "/accounts/users/"),
    Check("GET /accounts/users/<str:username>/", ADMIN_ONLY, "/accounts/users/{managed_user}/"),
    Check(
        "POST /accounts/users/<str:username>/<str:action>/",
        ADMIN_ONLY,
        "/accounts/users/{managed_user}/unlock/",
        ok=302,
        data=EMPTY_FORM,
    ),
    Check("GET /accounts/user-areas/", ADMIN_ONLY, "/accounts/user-areas/?q=社区"),
    Check("GET /audit/", ADMIN_ONLY, "/audit/"),
    Check("GET /audit/access-log.xlsx", ADMIN_ONLY, "/audit/access-log.xlsx"),
    Check("GET /audit/break-glass/", ADMIN_ONLY, "/audit/break-glass/"),
    Check(
        "POST /audit/break-glass/<int:grant_id>/review/",
        ADMIN_ONLY,
        "/audit/break-glass/{grant}/review/",
        ok=302,
        data=EMPTY_FORM,
    ),
    # --- areas -------------------------------------------------------------------------------
    Check("GET /areas/", SIGNED_IN, "/areas/"),
    Check("GET /areas/map/", SIGNED_IN, "/areas/map/"),
    Check("GET /areas/divisions/<str:code>/", AREA, "/areas/divisions/{community}/"),
    Check("GET /areas/grids/<str:code>/", AREA, "/areas/grids/{grid}/"),
    Check("GET /areas/stations/<str:code>/", AREA, "/areas/stations/{station}/"),
    Check("GET /areas/beats/<str:code>/", AREA, "/areas/beats/{beat}/"),
    # --- registry ----------------------------------------------------------------------------
    Check("GET /registry/", REGISTRY_STAFF, "/registry/"),
    Check("GET /registry/people/", REGISTRY_STAFF, "/registry/people/"),
    Check("GET /registry/people/break-glass/", BREAK_GLASS, "/registry/people/break-glass/"),
    Check("GET /registry/people/<str:number>/", REGISTRY_RECORD, "/registry/people/{person}/"),
    Check(
        "POST /registry/people/<str:number>/unmask/",
        RECORD_OFFICER,
        "/registry/people/{person}/unmask/",
        data=EMPTY_FORM,
        note="no purpose stated: the officer gets the form back",
    ),
    Check("GET /registry/people/<str:number>/edit/", COLLECTORS, "/registry/people/{person}/edit/"),
    Check(
        "POST /registry/people/<str:number>/verify/",
        RECORD_OFFICER,
        "/registry/people/{person}/verify/",
        ok=302,
        data=EMPTY_FORM,
    ),
    Check(
        "POST /registry/people/<str:number>/return/",
        RECORD_OFFICER,
        "/registry/people/{person}/return/",
        ok=302,
        data=EMPTY_FORM,
    ),
    Check(
        "POST /registry/people/<str:number>/register/",
        COLLECTORS,
        "/registry/people/{person}/register/",
        ok=302,
        data=EMPTY_FORM,
        note="an empty registration: back to the person with the form's errors",
    ),
    Check("GET /registry/queue/", REGISTRY_STAFF, "/registry/queue/"),
    Check("GET /registry/people/new/", COLLECTOR_STAFF, "/registry/people/new/"),
    Check("GET /registry/houses/new/", COLLECTOR_STAFF, "/registry/houses/new/"),
    Check("GET /registry/organisations/new/", COLLECTOR_STAFF, "/registry/organisations/new/"),
    Check("GET /registry/returned/", COLLECTOR_STAFF, "/registry/returned/"),
    Check(
        "GET /registry/people/<str:number>/deregister/",
        COLLECTORS,
        "/registry/people/{person}/deregister/",
    ),
    Check(
        "POST /registry/queue/<str:kind>/<str:key>/verify/",
        RECORD_OFFICER,
        "/registry/queue/organisation/{unit}/verify/",
        ok=302,
        data=EMPTY_FORM,
        note="already verified: the officer is told so on the queue",
    ),
    Check(
        "POST /registry/queue/<str:kind>/<str:key>/return/",
        RECORD_OFFICER,
        "/registry/queue/organisation/{unit}/return/",
        ok=302,
        data=EMPTY_FORM,
    ),
    Check(
        "GET /registry/addresses/<str:code>/",
        REGISTRY_RECORD,
        "/registry/addresses/{room_address}/",
    ),
    Check("GET /registry/houses/", REGISTRY_STAFF, "/registry/houses/"),
    Check("GET /registry/organisations/", REGISTRY_STAFF, "/registry/organisations/"),
    Check("GET /registry/export/<str:name>.xlsx", EXPORTERS, "/registry/export/people.xlsx"),
    Check("GET /registry/imports/", REGISTRY_STAFF, "/registry/imports/"),
    Check("GET /registry/imports/<int:job_id>/", OWNER, "/registry/imports/{import_job}/"),
    Check(
        "GET /registry/imports/<int:job_id>/report.xlsx",
        OWNER,
        "/registry/imports/{import_job}/report.xlsx",
    ),
    # --- cases -------------------------------------------------------------------------------
    Check("GET /cases/", SIGNED_IN, "/cases/"),
    Check("GET /cases/report/", REPORTERS, "/cases/report/"),
    Check("GET /inbox/", SIGNED_IN, "/inbox/", note="each reads their own"),
    Check("POST /inbox/read-all/", SIGNED_IN, "/inbox/read-all/", ok=302),
    Check("GET /inbox/<int:pk>/", OWNER, "/inbox/{message}/", ok=302),
    Check(
        "GET /cases/address-point/",
        REGISTRY_RECORD,
        "/cases/address-point/?code={room_address}",
    ),
    Check("GET /cases/<str:number>/", CASE, "/cases/{case}/"),
    Check(
        "POST /cases/<str:number>/act/<str:action>/",
        CASE_RETURNERS,
        "/cases/{case}/act/return/",
        data={"return-version": "{case_version}"},
        note="no comment: the returner gets the form back",
    ),
    Check("GET /cases/<str:number>/files/<int:pk>/", CASE, "/cases/{case}/files/{attachment}/"),
    Check("GET /status/", PUBLIC, "/status/"),
    Check("GET /status/<str:code>/", PUBLIC, "/status/{tracking_code}/"),
    Check(
        "POST /status/<str:code>/rate/",
        PUBLIC,
        "/status/{tracking_code}/rate/",
        ok=302,
        data={"rating": "satisfied"},
        note="the case is not completed yet: back to its status",
    ),
    # --- Open311 GeoReport v2 (open to all software) and its keys ------------------------------
    Check("GET /open311/v2/discovery.<fmt:fmt>", PUBLIC, "/open311/v2/discovery.xml"),
    Check("GET /open311/v2/services.<fmt:fmt>", PUBLIC, "/open311/v2/services.json"),
    Check(
        "GET /open311/v2/services/<slug:code>.<fmt:fmt>", PUBLIC, "/open311/v2/services/0101.xml"
    ),
    Check("GET /open311/v2/requests.<fmt:fmt>", PUBLIC, "/open311/v2/requests.xml"),
    Check(
        "POST /open311/v2/requests.<fmt:fmt>",
        PUBLIC,
        "/open311/v2/requests.json",
        ok=403,
        data={"service_code": "0101"},
        note="no api_key: Open311's 403 error for everyone",
    ),
    Check(
        "GET /open311/v2/requests/<slug:number>.<fmt:fmt>",
        PUBLIC,
        "/open311/v2/requests/{case}.json",
    ),
    Check(
        "GET /open311/v2/tokens/<slug:token>.<fmt:fmt>",
        PUBLIC,
        "/open311/v2/tokens/nosuchtoken.xml",
        ok=404,
        note="no token in the world: Open311's 404 error for everyone",
    ),
    Check("GET /open311/keys/", ADMIN_ONLY, "/open311/keys/"),
    Check(
        "POST /open311/keys/",
        ADMIN_ONLY,
        "/open311/keys/",
        data={"name": "", "owner": "x", "posts_per_hour": "1"},
        note="no name: the administrator gets the form back",
    ),
    Check(
        "POST /open311/keys/<int:pk>/deactivate/",
        ADMIN_ONLY,
        "/open311/keys/999999/deactivate/",
        ok=404,
        note="no such key: 404 after the administrator check",
    ),
    # --- OGC API – Features (open data for GIS tools; case points scoped, docs/ogc.md) -------
    Check("GET /ogc/", PUBLIC, "/ogc/"),
    Check("GET /ogc/conformance", PUBLIC, "/ogc/conformance"),
    Check("GET /ogc/api", PUBLIC, "/ogc/api"),
    Check("GET /ogc/collections", PUBLIC, "/ogc/collections"),
    Check("GET /ogc/collections/<str:collection_id>", PUBLIC, "/ogc/collections/cases"),
    Check(
        "GET /ogc/collections/<str:collection_id>/items",
        PUBLIC,
        "/ogc/collections/grids/items?bbox=118.76,32.05,118.78,32.07&limit=3",
    ),
    Check(
        "GET /ogc/collections/<str:collection_id>/items/<str:feature_id>",
        PUBLIC,
        "/ogc/collections/cases/items/{case}",
        note="a public sub-type: its rounded point is open data",
    ),
    # --- the residents' portal: public, but each staff member's own card ----------------------
    Check("GET /portal/", PUBLIC, "/portal/"),
    Check("GET /portal/report/", PUBLIC, "/portal/report/?subtype=0605&q=路"),
    Check(
        "GET /portal/report/details/",
        PUBLIC,
        "/portal/report/details/?subtype=0101&lon={lon}&lat={lat}",
    ),
    Check(
        "POST /portal/report/follow/",
        PUBLIC,
        "/portal/report/follow/?subtype=0605&lon={lon}&lat={lat}",
        ok=400,
        data={"case": "1"},
        note="no phone verified in this session: the start-again page",
    ),
    Check(
        "POST /portal/phone/",
        PUBLIC,
        "/portal/phone/",
        data={"step": "check", "code": "123456"},
        note="no code was asked for: the form again with the error",
    ),
    Check("GET /portal/track/", PUBLIC, "/portal/track/"),
    Check("GET /portal/track/<str:token>/", PUBLIC, "/portal/track/{tracking_code}/"),
    Check(
        "POST /portal/track/<str:token>/rate/",
        PUBLIC,
        "/portal/track/{tracking_code}/rate/",
        ok=302,
        data={"rating": "satisfied", "version": "{case_version}"},
        note="the case is not completed yet: back to its status",
    ),
    Check("GET /portal/people/", PUBLIC, "/portal/people/?lon={lon}&lat={lat}"),
    Check("GET /portal/my-card/", SIGNED_IN, "/portal/my-card/", note="each edits their own"),
    Check(
        "POST /portal/my-card/",
        SIGNED_IN,
        "/portal/my-card/",
        ok=302,
        data={"show_name": "on", "work_phone": "025-83456789"},
    ),
    # --- instructions, groups, notices, work items -------------------------------------------
    Check("GET /instructions/", INSTRUCTED, "/instructions/"),
    Check("GET /instructions/new/", DISPATCHERS, "/instructions/new/"),
    Check("GET /instructions/<int:pk>/", RECEIVED, "/instructions/{instruction}/"),
    Check(
        "POST /instructions/<int:pk>/recipients/<int:rid>/sign-on/",
        RECIPIENT,
        "/instructions/{instruction}/recipients/{recipient}/sign-on/",
        ok=302,
        data=EMPTY_FORM,
    ),
    Check(
        "POST /instructions/<int:pk>/recipients/<int:rid>/feedback/",
        RECIPIENT,
        "/instructions/{instruction}/recipients/{recipient}/feedback/",
        data=EMPTY_FORM,
        note="no text: the worker gets the form back",
    ),
    Check(
        "GET /instructions/<int:pk>/photos/<int:photo>/",
        RECEIVED,
        "/instructions/{reported_instruction}/photos/{photo}/",
    ),
    Check("GET /instructions/groups/", SIGNED_IN, "/instructions/groups/"),
    Check(
        "POST /instructions/groups/",
        DISPATCHERS,
        "/instructions/groups/",
        data=EMPTY_FORM,
        note="the list is for everyone; creating a group (empty form back) only for dispatchers",
    ),
    Check("GET /instructions/groups/<int:pk>/", OVERSEERS, "/instructions/groups/{group}/"),
    Check(
        "POST /instructions/groups/<int:pk>/rebuild/",
        SENDERS,
        "/instructions/groups/{group}/rebuild/",
        ok=302,
        data=EMPTY_FORM,
    ),
    Check(
        "POST /instructions/groups/<int:pk>/notify/",
        SENDERS,
        "/instructions/groups/{group}/notify/",
        ok=302,
        data=EMPTY_FORM,
    ),
    Check("GET /instructions/notices/", SIGNED_IN, "/instructions/notices/"),
    Check("GET /instructions/notices/<int:pk>/", RECEIVED, "/instructions/notices/{notice}/"),
    Check(
        "POST /instructions/notices/<int:pk>/confirm/",
        RECIPIENT,
        "/instructions/notices/{notice}/confirm/",
        ok=302,
        data=EMPTY_FORM,
    ),
    Check("GET /instructions/work/", SIGNED_IN, "/instructions/work/"),
    Check(
        "POST /instructions/work/",
        DISPATCHERS,
        "/instructions/work/",
        data=EMPTY_FORM,
        note="the list is for everyone; adding an item (empty form back) only for dispatchers",
    ),
    Check("GET /instructions/work/<int:pk>/", OVERSEERS, "/instructions/work/{work_item}/"),
    Check(
        "POST /instructions/work/<int:pk>/milestones/",
        SENDERS,
        "/instructions/work/{work_item}/milestones/",
        ok=302,
        data=EMPTY_FORM,
    ),
    Check(
        "POST /instructions/work/<int:pk>/milestones/<int:mid>/done/",
        SENDERS,
        "/instructions/work/{work_item}/milestones/{milestone}/done/",
        ok=302,
        data=EMPTY_FORM,
    ),
    # --- 110 calls, command room -------------------------------------------------------------
    Check("GET /calls/", DISPATCHERS, "/calls/"),
    Check("GET /calls/<str:call_id>/", CALL, "/calls/{call}/"),
    Check(
        "POST /calls/<str:call_id>/correct/",
        CALL,
        "/calls/{call}/correct/",
        data={"to": ""},
        note="no label: the form back with its error, after the check",
    ),
    Check(
        "POST /calls/<str:call_id>/confirm/",
        CALL,
        "/calls/{call}/confirm/",
        ok=302,
        data=EMPTY_FORM,
        note="confirmed, back to the call (rolled back)",
    ),
    Check(
        "GET /command/",
        DISPATCHERS,
        "/command/",
        ok={"commander": 302},
        note="a user running one room goes straight to its board; one running none is refused",
    ),
    Check("GET /command/<str:station>/board/", ROOM, "/command/{station}/board/"),
    Check("GET /command/<str:station>/board.json", ROOM, "/command/{station}/board.json"),
    Check(
        "POST /command/<str:station>/dispatch/",
        ROOM,
        "/command/{station}/dispatch/",
        ok=302,
        data=EMPTY_FORM,
    ),
    Check("GET /command/<str:station>/duty/", ROOM, "/command/{station}/duty/"),
    Check("GET /command/<str:station>/reporters/", ROOM, "/command/{station}/reporters/"),
    # --- field work ---------------------------------------------------------------------------
    Check("GET /fieldwork/", FIELD, "/fieldwork/", note="each sees their own patrols"),
    Check("GET /fieldwork/app/", FIELD, "/fieldwork/app/", note="the phone app: today's own"),
    Check("GET /fieldwork/sw.js", PUBLIC, "/fieldwork/sw.js", note="lists static files only"),
    Check("GET /fieldwork/manifest.webmanifest", PUBLIC, "/fieldwork/manifest.webmanifest"),
    Check(
        "POST /fieldwork/patrols/start/",
        SIGNED_IN,
        "/fieldwork/patrols/start/",
        ok=302,
        data={"grid": "{grid}"},
        note="each may start in the grids they walk; anything else comes back with a message",
    ),
    Check("GET /fieldwork/patrols/<int:pk>/", PATROL, "/fieldwork/patrols/{patrol}/"),
    Check(
        "POST /fieldwork/patrols/<int:pk>/",
        WALKER,
        "/fieldwork/patrols/{patrol}/",
        ok=302,
        data={"subtype": "0101", "title": "矩阵测试发现"},
        note="the finding becomes a case: to its page",
    ),
    Check(
        "POST /fieldwork/patrols/<int:pk>/check-in/",
        WALKER,
        "/fieldwork/patrols/{patrol}/check-in/",
        ok=302,
        data={"lon": "{lon}", "lat": "{lat}"},
    ),
    Check(
        "POST /fieldwork/patrols/<int:pk>/end/",
        WALKER,
        "/fieldwork/patrols/{patrol}/end/",
        ok=302,
        data=EMPTY_FORM,
    ),
    Check(
        "GET /fieldwork/patrols/<int:pk>/photos/<int:photo>/",
        PATROL,
        "/fieldwork/patrols/{patrol}/photos/{patrol_photo}/",
    ),
    Check("GET /fieldwork/plans/", FIELD, "/fieldwork/plans/"),
    Check(
        "GET /fieldwork/plans/new/",
        PLANNERS,
        "/fieldwork/plans/new/?grid={grid}",
        note="the grid picker without ?grid= answers 403 to who plans nowhere",
    ),
    Check(
        "POST /fieldwork/plans/new/",
        PLANNERS,
        "/fieldwork/plans/new/?grid={grid}",
        data=EMPTY_FORM,
        note="the empty form comes back with its errors",
    ),
    Check("GET /fieldwork/plans/<int:pk>/edit/", PLAN_EDITORS, "/fieldwork/plans/{plan}/edit/"),
    Check(
        "POST /fieldwork/plans/<int:pk>/edit/",
        PLAN_EDITORS,
        "/fieldwork/plans/{plan}/edit/",
        data=EMPTY_FORM,
        note="the empty form comes back with its errors",
    ),
    Check(
        "POST /fieldwork/plans/<int:pk>/deactivate/",
        PLAN_EDITORS,
        "/fieldwork/plans/{plan}/deactivate/",
        ok=302,
        data=EMPTY_FORM,
    ),
    Check("GET /fieldwork/coverage/", FIELD, "/fieldwork/coverage/"),
    Check("GET /fieldwork/visits/", FIELD, "/fieldwork/visits/", note="their own area's"),
    Check(
        "GET /fieldwork/visits/<str:kind>/<str:key>/",
        REGISTRY_RECORD,
        "/fieldwork/visits/care/{care_person}/",
    ),
    Check(
        "POST /fieldwork/visits/<str:kind>/<str:key>/",
        COLLECTORS,
        "/fieldwork/visits/care/{care_person}/",
        ok=302,
        data={"met": "本人"},
        note="who collects there visits; the administrator and commander only read",
    ),
    Check("GET /fieldwork/inspections/", FIELD, "/fieldwork/inspections/"),
    Check(
        "GET /fieldwork/inspections/new/<str:kind>/<str:key>/",
        REGISTRY_RECORD,
        "/fieldwork/inspections/new/organisation/{inspected_unit}/",
    ),
    Check(
        "POST /fieldwork/inspections/new/<str:kind>/<str:key>/",
        COLLECTORS,
        "/fieldwork/inspections/new/organisation/{inspected_unit}/",
        ok=302,
        data={"checklist": "fire"},
    ),
    Check(
        "GET /fieldwork/inspections/<int:pk>/", INSPECTION, "/fieldwork/inspections/{inspection}/"
    ),
    Check(
        "POST /fieldwork/inspections/<int:pk>/",
        INSPECTOR,
        "/fieldwork/inspections/{inspection}/",
        ok=302,
        data=FIRE_PASSED,
    ),
    Check(
        "POST /fieldwork/inspections/<int:pk>/sign/<str:department>/",
        PARTY,
        "/fieldwork/inspections/{inspection}/sign/{party_department}/",
        ok=302,
        data=EMPTY_FORM,
    ),
    Check(
        "POST /fieldwork/hazards/<int:pk>/recheck/",
        COLLECTORS,
        "/fieldwork/hazards/{hazard}/recheck/",
        ok=302,
        data={"passed": "1"},
    ),
    # --- outpost stations (平安前哨) ------------------------------------------------------------
    Check("GET /stations/", REGISTRY_STAFF, "/stations/", note="each sees their own area's"),
    Check("GET /stations/<int:pk>/", STATION, "/stations/{outpost}/"),
    Check("GET /stations/<int:pk>/window/", STATION, "/stations/{outpost}/window/"),
    Check(
        "POST /stations/<int:pk>/window/",
        STATION_STAFF,
        "/stations/{outpost}/window/",
        ok=302,
        data=WINDOW_ENTRY | {"handled_by": "{outpost_staff}"},
    ),
    Check("GET /stations/<int:pk>/staff/", STATION, "/stations/{outpost}/staff/"),
    Check(
        "POST /stations/<int:pk>/staff/",
        STATION_MANAGERS,
        "/stations/{outpost}/staff/",
        ok=302,
        data={"action": "fill"},
    ),
    Check("GET /stations/<int:pk>/hours/", STATION, "/stations/{outpost}/hours/"),
    Check(
        "POST /stations/<int:pk>/hours/",
        STATION_MANAGERS,
        "/stations/{outpost}/hours/",
        ok=302,
        data={"day0": "8:30-12:00, 14:00-17:30"},
    ),
    Check("GET /stations/<int:pk>/rota/", STATION, "/stations/{outpost}/rota/"),
    Check(
        "POST /stations/<int:pk>/rota/",
        STATION_MANAGERS,
        "/stations/{outpost}/rota/",
        data={"action": "book"},
        note="no date or shift: the manager gets the form back with its errors",
    ),
    # --- knowledge base (知识库) and the handbook ------------------------------------------
    Check("GET /knowledge/", PUBLIC, "/knowledge/?q=居住证"),
    Check("GET /knowledge/a/<int:pk>/", PUBLIC, "/knowledge/a/{article}/"),
    Check("GET /knowledge/handbook.pdf", PUBLIC, "/knowledge/handbook.pdf"),
    Check("GET /knowledge/desk/", ARTICLE_WRITERS, "/knowledge/desk/"),
    Check("GET /knowledge/desk/new/", ARTICLE_WRITERS, "/knowledge/desk/new/"),
    Check(
        "POST /knowledge/desk/new/", ARTICLE_WRITERS, "/knowledge/desk/new/", ok=302, data=ARTICLE
    ),
    Check(
        "GET /knowledge/desk/a/<int:pk>/revise/",
        ARTICLE_WRITERS,
        "/knowledge/desk/a/{article}/revise/",
    ),
    Check(
        "POST /knowledge/desk/a/<int:pk>/revise/",
        ARTICLE_WRITERS,
        "/knowledge/desk/a/{article}/revise/",
        ok=302,
        data=ARTICLE,
    ),
    Check("GET /knowledge/desk/v/<int:pk>/", ARTICLE_VERSION, "/knowledge/desk/v/{article_draft}/"),
    Check(
        "POST /knowledge/desk/v/<int:pk>/",
        ARTICLE_VERSION,
        "/knowledge/desk/v/{article_draft}/",
        ok=302,
        data=ARTICLE,
    ),
    Check(
        "POST /knowledge/desk/v/<int:pk>/submit/",
        ARTICLE_VERSION,
        "/knowledge/desk/v/{article_draft}/submit/",
        ok=302,
    ),
    Check(
        "POST /knowledge/desk/v/<int:pk>/review/",
        ARTICLE_REVIEWERS,
        "/knowledge/desk/v/{article_review}/review/",
        ok=302,
        data={"decision": "approve"},
    ),
    # --- 网格学院 (training) ------------------------------------------------------------------
    Check("GET /academy/", SIGNED_IN, "/academy/"),
    Check("GET /academy/c/<int:pk>/", SIGNED_IN, "/academy/c/{course}/"),
    Check(
        "GET /academy/c/<int:pk>/l/<int:lesson_pk>/", SIGNED_IN, "/academy/c/{course}/l/{lesson}/"
    ),
    Check(
        "POST /academy/c/<int:pk>/l/<int:lesson_pk>/",
        SIGNED_IN,
        "/academy/c/{course}/l/{lesson}/",
        ok=302,
        data=EMPTY_FORM,
    ),
    Check("GET /academy/c/<int:pk>/quiz/", SIGNED_IN, "/academy/c/{course}/quiz/"),
    Check(
        "POST /academy/c/<int:pk>/quiz/",
        SIGNED_IN,
        "/academy/c/{course}/quiz/",
        data=EMPTY_FORM,
        note="no answer: the learner gets the quiz back with its errors",
    ),
    Check("GET /academy/team/", TEAM_LEADERS, "/academy/team/"),
    Check("GET /academy/team/<int:pk>/", TEAM_MEMBER, "/academy/team/{member}/"),
    Check("GET /academy/desk/", COURSE_EDITORS, "/academy/desk/"),
    Check("GET /academy/desk/new/", COURSE_EDITORS, "/academy/desk/new/"),
    Check(
        "POST /academy/desk/new/",
        COURSE_EDITORS,
        "/academy/desk/new/",
        ok=302,
        data={"title": "消防安全入门", "pass_mark": "80", "roles": "grid_worker"},
    ),
    Check("GET /academy/desk/c/<int:pk>/", COURSE_EDITORS, "/academy/desk/c/{course}/"),
    Check(
        "POST /academy/desk/c/<int:pk>/",
        COURSE_EDITORS,
        "/academy/desk/c/{course}/",
        ok=302,
        data={"title": "邻里纠纷调解", "pass_mark": "60", "active": "on"},
    ),
    Check(
        "POST /academy/desk/c/<int:pk>/article/",
        COURSE_EDITORS,
        "/academy/desk/c/{course}/article/",
        ok=302,
        data={"article": "{article}"},
    ),
    Check(
        "POST /academy/desk/c/<int:pk>/case/",
        COURSE_EDITORS,
        "/academy/desk/c/{course}/case/",
        data={"case": "{case}"},
        note="the world's case is not closed: editors get the form back with its error",
    ),
    Check(
        "POST /academy/desk/c/<int:pk>/question/",
        COURSE_EDITORS,
        "/academy/desk/c/{course}/question/",
        ok=302,
        data={"text": "灭火器多久检查一次？", "choices": "每月\n从不", "answer": "1"},
    ),
    Check(
        "POST /academy/desk/c/<int:pk>/<str:what>/<int:item>/remove/",
        COURSE_EDITORS,
        "/academy/desk/c/{course}/question/{question}/remove/",
        ok=302,
    ),
    # --- early warnings ---------------------------------------------------------------------
    Check("GET /warnings/", WARNING_READERS, "/warnings/?rule=reworked_case"),
    Check("GET /warnings/<int:pk>/", WARNING_SEEN, "/warnings/{warning}/"),
    Check(
        "POST /warnings/<int:pk>/sign-off/",
        WARNING_UNIT,
        "/warnings/{warning}/sign-off/",
        ok=302,
        data={"version": "0"},
    ),
    Check(
        "POST /warnings/<int:pk>/close/",
        WARNING_UNIT,
        "/warnings/{warning}/close/",
        ok=302,
        data={"version": "0", "note": "已处置"},
        note="not yet signed off: back to the page",
    ),
    Check(
        "GET /warnings/reminder/<slug:kind>/<str:code>/",
        WARNING_SEEN,
        "/warnings/reminder/grid/{grid}/",
    ),
    # --- indicators (assessment) ---------------------------------------------------------------
    Check("GET /assessment/", ASSESSORS, "/assessment/?period=2026-11"),
    Check("GET /assessment/<slug:code>/", ASSESSED, "/assessment/case_closure/?period=2026-Q4"),
    Check(
        "GET /assessment/<slug:code>/<slug:kind>/<str:unit>/",
        ASSESSED_UNIT,
        "/assessment/case_closure/grid/{grid}/?part=den",
    ),
    # --- dashboards: who commands a street or a station's room (`heat`) -------------------------
    Check("GET /dashboard/", HEAT, "/dashboard/?period=7d"),
    Check("GET /dashboard/wall/", HEAT, "/dashboard/wall/?period=today&every=30"),
    # --- 警网双考 (assessment schemes) ------------------------------------------------------------
    Check("GET /assessment/schemes/", ASSESSORS, "/assessment/schemes/"),
    Check("GET /assessment/schemes/<int:pk>/", ASSESSMENT_AREA, "/assessment/schemes/{scheme}/"),
    Check(
        "POST /assessment/schemes/<int:pk>/compute/",
        ASSESSMENT_LEADERS,
        "/assessment/schemes/{scheme}/compute/",
        ok=302,
        data={"period": "2026-10"},
    ),
    Check("GET /assessment/periods/<int:pk>/", ASSESSMENT_AREA, "/assessment/periods/{period}/"),
    Check(
        "POST /assessment/periods/<int:pk>/approve/",
        ASSESSMENT_LEADERS,
        "/assessment/periods/{period}/approve/",
        ok=302,
        note="refused while the worker's appeal is pending: back to the period with the reason",
    ),
    Check(
        "GET /assessment/periods/<int:pk>/export/",
        ASSESSMENT_EXPORTERS,
        "/assessment/periods/{period}/export/",
    ),
    Check("GET /assessment/results/<int:pk>/", ASSESSED_UNIT, "/assessment/results/{result}/"),
    Check(
        "GET /assessment/scores/<int:pk>/appeal/",
        ASSESSMENT_APPELLANT,
        "/assessment/scores/{score}/appeal/",
    ),
    Check(
        "POST /assessment/scores/<int:pk>/appeal/",
        ASSESSMENT_APPELLANT,
        "/assessment/scores/{score}/appeal/",
        ok=302,
        data={"evidence": "有一件已办结未计入"},
    ),
    Check("GET /assessment/appeals/<int:pk>/", ASSESSED_UNIT, "/assessment/appeals/{appeal}/"),
    Check(
        "GET /assessment/appeals/<int:pk>/file/",
        ASSESSED_UNIT,
        "/assessment/appeals/{appeal}/file/",
    ),
    Check(
        "POST /assessment/appeals/<int:pk>/decide/",
        ASSESSMENT_DECIDERS,
        "/assessment/appeals/{appeal}/decide/",
        ok=302,
        data={"decision": "rejected", "reason": "系统记录无误"},
    ),
    # --- service guides (一网通办) ---------------------------------------------------------------
    Check("GET /guides/", PUBLIC, "/guides/?q=老人乘车卡"),
    Check("GET /guides/m/<slug:code>/", PUBLIC, "/guides/m/{matter}/"),
    Check(
        "POST /guides/m/<slug:code>/help/",
        PUBLIC,
        "/guides/m/{matter}/help/",
        ok=302,
        data=GUIDE_HELP | {"grid": "{grid}"},
    ),
    Check("GET /guides/m/<slug:code>/edit/", GUIDE_EDITORS, "/guides/m/{matter}/edit/"),
    Check(
        "POST /guides/m/<slug:code>/edit/",
        GUIDE_EDITORS,
        "/guides/m/{matter}/edit/",
        data={"title": ""},
        note="no title: the editor gets the form back with its errors",
    ),
    Check("GET /guides/new/", GUIDE_EDITORS, "/guides/new/"),
    Check(
        "POST /guides/new/",
        GUIDE_EDITORS,
        "/guides/new/",
        data={"code": "x"},
        note="incomplete: the editor gets the form back with its errors",
    ),
    Check("GET /guides/track/<str:code>/", PUBLIC, "/guides/track/{request_code}/"),
    Check(
        "POST /guides/track/<str:code>/",
        PUBLIC,
        "/guides/track/{request_code}/",
        data={"rating": "5"},
        note="not done yet: no rating form, the page again",
    ),
    Check(
        "GET /guides/requests/",
        REGISTRY_STAFF,
        "/guides/requests/?show=all",
        note="each sees their own area's",
    ),
    Check("GET /guides/requests/new/", SERVICE_ENTRY, "/guides/requests/new/"),
    Check(
        "POST /guides/requests/new/",
        SERVICE_ENTRY,
        "/guides/requests/new/",
        data={"mode": "assist"},
        note="incomplete: the form again with its errors",
    ),
    Check("GET /guides/requests/<int:pk>/", SERVICE_REQUEST, "/guides/requests/{service_request}/"),
    Check(
        "POST /guides/requests/<int:pk>/",
        SERVICE_HANDLERS,
        "/guides/requests/{service_request}/",
        ok=302,
        data={"step": "accept"},
    ),
    Check(
        "POST /guides/requests/<int:pk>/phone/",
        SERVICE_HANDLERS,
        "/guides/requests/{service_request}/phone/",
    ),
    # --- Django's language switch; the API's own pages ---------------------------------------
    Check(
        "POST /i18n/setlang/",
        PUBLIC,
        "/i18n/setlang/",
        ok=302,
        data={"language": "en", "next": "/"},
    ),
    Check("GET /api/v1/openapi.json", PUBLIC, "/api/v1/openapi.json"),
    Check("GET /api/v1/docs", PUBLIC, "/api/v1/docs"),
    Check(
        "GET /api/v1/",
        PUBLIC,
        "/api/v1/",
        ok=404,
        note="Ninja's root only names the API's base path: 404 for everyone",
    ),
    # --- API: auth, geo ----------------------------------------------------------------------
    Check(
        "POST /api/v1/auth/token",
        PUBLIC,
        "/api/v1/auth/token",
        ok=401,
        data={"username": "worker_m", "password": "wrong"},
        json=True,
        note="no password is right here: everyone, signed in or not, gets 401",
    ),
    Check(
        "GET /api/v1/geo/locate",
        AREA,
        "/api/v1/geo/locate?lon={lon}&lat={lat}",
        note="the room address's point: 404 for those who see neither its grid nor its beat",
    ),
    Check("GET /api/v1/geo/grids", SIGNED_IN, "/api/v1/geo/grids"),
    Check("GET /api/v1/geo/beats", SIGNED_IN, "/api/v1/geo/beats"),
    Check("GET /api/v1/geo/labels", SIGNED_IN, "/api/v1/geo/labels"),
    Check("GET /api/v1/map/roads", MAP_AREA, "/api/v1/map/roads"),
    Check("GET /api/v1/map/organisations", MAP_REGISTRY, "/api/v1/map/organisations"),
    Check("GET /api/v1/map/cases", SIGNED_IN, "/api/v1/map/cases"),
    Check("GET /api/v1/map/heat", HEAT, "/api/v1/map/heat"),
    Check("GET /api/v1/geo/grids/{code}", AREA, "/api/v1/geo/grids/{grid}"),
    Check(
        "PATCH /api/v1/geo/grids/{code}",
        AREA_EDITORS,
        "/api/v1/geo/grids/{grid}",
        data={"name": "改名网格"},
        json=True,
    ),
    Check("GET /api/v1/geo/beats/{code}", AREA, "/api/v1/geo/beats/{beat}"),
    # --- API: cases, webhooks ----------------------------------------------------------------
    Check(
        "GET /api/v1/cases/duplicates",
        REPORTERS,
        "/api/v1/cases/duplicates?subtype=0101&lon={lon}&lat={lat}",
    ),
    Check(
        "POST /api/v1/cases",
        REPORTERS,
        "/api/v1/cases",
        ok=422,
        data={"subtype": "9999", "title": "矩阵测试"},
        json=True,
        note="an unknown sub-type, refused (422) only after the right to report is checked",
    ),
    Check("GET /api/v1/cases", SIGNED_IN, "/api/v1/cases"),
    Check("GET /api/v1/notifications", SIGNED_IN, "/api/v1/notifications", note="their own"),
    Check("GET /api/v1/inbox", SIGNED_IN, "/api/v1/inbox", note="their own, every kind"),
    Check("GET /api/v1/cases/{number}", CASE, "/api/v1/cases/{case}"),
    Check(
        "POST /api/v1/cases/{number}/actions/{action}",
        CASE_RETURNERS,
        "/api/v1/cases/{case}/actions/return",
        ok=422,
        data={},
        json=True,
        note="no comment: 422 for the returners, after the relation is checked",
    ),
    Check(
        "POST /api/v1/cases/{number}/attachments",
        CASE_PARTIES,
        "/api/v1/cases/{case}/attachments",
        ok=201,
        data={"files": PHOTO},
    ),
    Check(
        "POST /api/v1/webhooks",
        CASE_STAFF,
        "/api/v1/webhooks",
        ok=422,
        data={"url": "ftp://hooks.example.org/outpost"},
        json=True,
        note="not http(s): 422 for those who may subscribe, after the check",
    ),
    Check("GET /api/v1/webhooks", SIGNED_IN, "/api/v1/webhooks", note="each sees their own"),
    Check("GET /api/v1/webhooks/{pk}/deliveries", OWNER, "/api/v1/webhooks/{webhook}/deliveries"),
    Check("DELETE /api/v1/webhooks/{pk}", OWNER, "/api/v1/webhooks/{webhook}", ok=204),
    # --- API: registry -----------------------------------------------------------------------
    Check(
        "GET /api/v1/addresses/match", REGISTRY_STAFF, "/api/v1/addresses/match?q={address_text}"
    ),
    Check("GET /api/v1/registry/people", REGISTRY_STAFF, "/api/v1/registry/people"),
    Check(
        "GET /api/v1/registry/people/{number}", REGISTRY_RECORD, "/api/v1/registry/people/{person}"
    ),
    Check(
        "POST /api/v1/registry/imports",
        COLLECTOR_STAFF,
        "/api/v1/registry/imports",
        ok=202,
        data={"kind": "persons", "dry_run": "true", "file": PEOPLE_CSV},
        note="people are imported by collectors, each into their own area",
    ),
    Check("GET /api/v1/registry/imports/{job_id}", OWNER, "/api/v1/registry/imports/{import_job}"),
    Check(
        "GET /api/v1/registry/addresses",
        REGISTRY_STAFF,
        "/api/v1/registry/addresses?q={address_text}",
    ),
    Check("GET /api/v1/registry/returned", COLLECTOR_STAFF, "/api/v1/registry/returned"),
    Check(
        "POST /api/v1/registry/people",
        COLLECTOR_STAFF,
        "/api/v1/registry/people",
        ok=422,
        data={"name": "张三", "id_number": "1", "address_code": "none", "pop_type": "户籍人口"},
        json=True,
        note="no such address in the caller's area: 422 after the check",
    ),
    Check(
        "POST /api/v1/registry/houses",
        COLLECTOR_STAFF,
        "/api/v1/registry/houses",
        ok=422,
        data={"address_code": "none", "use": "自住"},
        json=True,
    ),
    Check(
        "POST /api/v1/registry/organisations",
        COLLECTOR_STAFF,
        "/api/v1/registry/organisations",
        ok=422,
        data={
            "name": "某公司",
            "uscc": "1",
            "unit_type": "企业",
            "address_code": "none",
            "legal_rep": "李四",
        },
        json=True,
    ),
    Check(
        "POST /api/v1/registry/people/{number}/deregister",
        COLLECTORS,
        "/api/v1/registry/people/{person}/deregister",
        ok=422,
        data={"status": "left", "on": "2020-01-01", "reason": "迁出"},
        json=True,
        note="not a status: 422 after the check",
    ),
    Check(
        "POST /api/v1/registry/{kind}/{key}/{decision}",
        RECORD_OFFICER,
        "/api/v1/registry/organisations/{unit}/verify",
        ok=409,
        data={"reason": ""},
        json=True,
        note="already verified: 409 for the officer",
    ),
    # --- API: instructions, calls ------------------------------------------------------------
    Check("GET /api/v1/instructions", SIGNED_IN, "/api/v1/instructions"),
    Check(
        "POST /api/v1/instructions",
        ROOM,
        "/api/v1/instructions",
        ok=201,
        data={
            "room": "{station}",
            "title": "矩阵测试指令",
            "deadline": "{later}",
            "recipients": [{"kind": "grid", "code": "{grid}"}],
        },
        json=True,
    ),
    Check("GET /api/v1/instructions/{pk}", RECEIVED, "/api/v1/instructions/{instruction}"),
    Check(
        "GET /api/v1/instructions/{pk}/progress",
        RECEIVED,
        "/api/v1/instructions/{instruction}/progress",
    ),
    Check(
        "POST /api/v1/instructions/{pk}/recipients/{rid}/sign-on",
        RECIPIENT,
        "/api/v1/instructions/{instruction}/recipients/{recipient}/sign-on",
        data={},
        json=True,
    ),
    Check(
        "POST /api/v1/instructions/{pk}/recipients/{rid}/feedback",
        RECIPIENT,
        "/api/v1/instructions/{instruction}/recipients/{recipient}/feedback",
        ok=422,
        data={"text": "已排查"},
        note="not signed on yet: 422 for the worker, after the check that they act for the row",
    ),
    Check(
        "POST /api/v1/calls/divert",
        DISPATCHERS,
        "/api/v1/calls/divert",
        data=[],
        json=True,
    ),
    Check("GET /api/v1/calls", DISPATCHERS, "/api/v1/calls?show=unreviewed"),
    Check("GET /api/v1/calls/model", DISPATCHERS, "/api/v1/calls/model"),
    Check("GET /api/v1/calls/{call_id}", CALL, "/api/v1/calls/{call}"),
    Check(
        "POST /api/v1/calls/{call_id}/correct",
        CALL,
        "/api/v1/calls/{call}/correct",
        ok=422,
        data={"to": "0999"},
        json=True,
        note="not a sub-type in use: 422 after the check",
    ),
    Check(
        "POST /api/v1/calls/{call_id}/confirm",
        CALL,
        "/api/v1/calls/{call}/confirm",
        data={},
        json=True,
        note="confirmed as it stands (rolled back)",
    ),
    # --- API: field work ---------------------------------------------------------------------
    Check("GET /api/v1/fieldwork/plans", SIGNED_IN, "/api/v1/fieldwork/plans"),
    Check(
        "POST /api/v1/fieldwork/plans",
        PLANNERS,
        "/api/v1/fieldwork/plans",
        ok=201,
        data={"grid": "{grid}", "name": "矩阵计划", "per_week": 2, "workers": ["worker_m"]},
        json=True,
    ),
    Check(
        "POST /api/v1/fieldwork/patrols",
        PATROLLERS,
        "/api/v1/fieldwork/patrols",
        ok={"worker": 422, "officer": 201},
        data={"grid": "{grid}"},
        json=True,
        note="the worker's patrol is already under way: 422 after the right is checked",
    ),
    Check(
        "GET /api/v1/fieldwork/patrols/{patrol_id}", PATROL, "/api/v1/fieldwork/patrols/{patrol}"
    ),
    Check(
        "POST /api/v1/fieldwork/patrols/{patrol_id}/checkins",
        WALKER,
        "/api/v1/fieldwork/patrols/{patrol}/checkins",
        ok=201,
        data={"lon": "{lon}", "lat": "{lat}"},
    ),
    Check(
        "POST /api/v1/fieldwork/patrols/{patrol_id}/end",
        WALKER,
        "/api/v1/fieldwork/patrols/{patrol}/end",
    ),
    Check(
        "POST /api/v1/fieldwork/patrols/{patrol_id}/cases",
        WALKER,
        "/api/v1/fieldwork/patrols/{patrol}/cases",
        ok=201,
        data={"subtype": "0101", "title": "矩阵测试发现"},
        json=True,
    ),
    Check("GET /api/v1/fieldwork/coverage", SIGNED_IN, "/api/v1/fieldwork/coverage"),
    Check(
        "GET /api/v1/fieldwork/map/coverage",
        MAP_REGISTRY,
        "/api/v1/fieldwork/map/coverage?period=30d",
        note="the map's coverage layer: patrols are read with the area's registry",
    ),
    Check(
        "GET /api/v1/fieldwork/inspections/checklists",
        SIGNED_IN,
        "/api/v1/fieldwork/inspections/checklists",
    ),
    Check(
        "POST /api/v1/fieldwork/inspections",
        COLLECTORS,
        "/api/v1/fieldwork/inspections",
        ok=201,
        data={"kind": "organisation", "key": "{inspected_unit}", "checklist": "fire"},
        json=True,
    ),
    Check(
        "GET /api/v1/fieldwork/inspections/{inspection_id}",
        INSPECTION,
        "/api/v1/fieldwork/inspections/{inspection}",
    ),
    Check(
        "POST /api/v1/fieldwork/inspections/{inspection_id}/results",
        INSPECTOR,
        "/api/v1/fieldwork/inspections/{inspection}/results",
        data={"results": {f"F{n}": True for n in range(1, 6)}},
        json=True,
    ),
    Check(
        "POST /api/v1/fieldwork/inspections/{inspection_id}/parties/{department}/sign",
        PARTY,
        "/api/v1/fieldwork/inspections/{inspection}/parties/{party_department}/sign",
    ),
    Check(
        "POST /api/v1/fieldwork/inspections/hazards/{hazard_id}/recheck",
        COLLECTORS,
        "/api/v1/fieldwork/inspections/hazards/{hazard}/recheck",
        data={"passed": True},
        json=True,
    ),
    Check("GET /api/v1/fieldwork/visits/due", SIGNED_IN, "/api/v1/fieldwork/visits/due"),
    Check("GET /api/v1/fieldwork/today", FIELD, "/api/v1/fieldwork/today", note="their own"),
    Check(
        "POST /api/v1/fieldwork/sync",
        FIELD,
        "/api/v1/fieldwork/sync",
        data={"records": "[]"},
        note="each record is then refused or kept by its own scope (tests/fieldwork/test_sync.py)",
    ),
    Check(
        "POST /api/v1/fieldwork/visits",
        COLLECTORS,
        "/api/v1/fieldwork/visits",
        ok=201,
        data={"kind": "care", "key": "{care_person}", "met": "本人"},
        json=True,
    ),
    # --- API: outpost stations -----------------------------------------------------------------
    Check("GET /api/v1/stations/{station_id}", STATION, "/api/v1/stations/{outpost}"),
    Check(
        "POST /api/v1/stations/{station_id}/window",
        STATION_STAFF,
        "/api/v1/stations/{outpost}/window",
        ok=201,
        data=WINDOW_ENTRY,
        json=True,
    ),
    # --- API: early warnings --------------------------------------------------------------------
    Check("GET /api/v1/warnings", WARNING_READERS, "/api/v1/warnings?state=open"),
    Check("GET /api/v1/warnings/map", WARNING_READERS, "/api/v1/warnings/map"),
    Check("GET /api/v1/warnings/{pk}", WARNING_SEEN, "/api/v1/warnings/{warning}"),
    Check(
        "POST /api/v1/warnings/{pk}/sign-off",
        WARNING_UNIT,
        "/api/v1/warnings/{warning}/sign-off",
        data={"version": 0},
        json=True,
    ),
    Check(
        "POST /api/v1/warnings/{pk}/close",
        WARNING_UNIT,
        "/api/v1/warnings/{warning}/close",
        ok=409,
        data={"version": 0, "note": "已处置"},
        json=True,
        note="an open warning is signed off before it is closed: the unit's people get 409",
    ),
    # --- API: indicators ----------------------------------------------------------------------
    Check("GET /api/v1/assessment/indicators", ASSESSORS, "/api/v1/assessment/indicators"),
    Check("GET /api/v1/assessment/schemes", ASSESSORS, "/api/v1/assessment/schemes"),
    Check(
        "GET /api/v1/assessment/periods/{pk}",
        ASSESSMENT_AREA,
        "/api/v1/assessment/periods/{period}",
    ),
    Check(
        "POST /api/v1/assessment/schemes/{pk}/compute",
        ASSESSMENT_LEADERS,
        "/api/v1/assessment/schemes/{scheme}/compute",
        data={"period": "2026-10"},
        json=True,
    ),
    Check(
        "POST /api/v1/assessment/periods/{pk}/approve",
        ASSESSMENT_LEADERS,
        "/api/v1/assessment/periods/{period}/approve",
        ok=422,
        note="refused while the worker's appeal is pending",
    ),
    Check(
        "POST /api/v1/assessment/scores/{pk}/appeals",
        ASSESSMENT_APPELLANT,
        "/api/v1/assessment/scores/{score}/appeals",
        ok=201,
        data={"evidence": "有一件已办结未计入"},
        json=True,
    ),
    Check(
        "POST /api/v1/assessment/appeals/{pk}/decision",
        ASSESSMENT_DECIDERS,
        "/api/v1/assessment/appeals/{appeal}/decision",
        data={"decision": "rejected", "reason": "系统记录无误"},
        json=True,
    ),
    Check(
        "GET /api/v1/assessment/indicators/{code}/values",
        ASSESSED,
        "/api/v1/assessment/indicators/case_closure/values?period=2026-11",
    ),
    # --- API: dashboards ------------------------------------------------------------------------
    Check("GET /api/v1/dashboard/summary", HEAT, "/api/v1/dashboard/summary?period=30d"),
    Check("GET /api/v1/dashboard/categories", HEAT, "/api/v1/dashboard/categories?period=7d"),
    Check("GET /api/v1/dashboard/sources", HEAT, "/api/v1/dashboard/sources?period=today"),
    Check("GET /api/v1/dashboard/workload", HEAT, "/api/v1/dashboard/workload?period=90d"),
    Check(
        "GET /api/v1/dashboard/areas",
        HEAT,
        "/api/v1/dashboard/areas?period=30d&indicator=satisfaction",
    ),
    # --- API: service guides (public) ----------------------------------------------------------
    Check("GET /api/v1/guides/matters", PUBLIC, "/api/v1/guides/matters?q=居住证"),
    Check(
        "POST /api/v1/guides/requests",
        PUBLIC,
        "/api/v1/guides/requests",
        ok=201,
        data=GUIDE_HELP | {"matter": "{matter}", "grid": "{grid}"},
        json=True,
    ),
]


# ---------------------------------------------------------------------------------------------
# Discovery.


def discovered_pages() -> set[str]:
    """Every URL pattern's full route, except those of the API's operations (declared by method
    from the OpenAPI description: one pattern carries several methods)."""
    operations = set(api.get_openapi_schema()["paths"])
    return {f"/{route}" for route in _routes(get_resolver()) if _openapi(route) not in operations}


def discovered_operations() -> set[str]:
    paths = api.get_openapi_schema()["paths"]
    return {f"{method.upper()} {path}" for path, ops in paths.items() for method in ops}


def _routes(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _openapi(route: str) -> str:
    """api/v1/instructions/<int:pk> → /api/v1/instructions/{pk}, as OpenAPI writes the path."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_it_declares_every_endpoint() -> None:
    paths = set(api.get_openapi_schema()["paths"])
    declared_pages = {c.route for c in CHECKS if c.route not in paths}
    declared_operations = {c.key for c in CHECKS if c.route in paths}
    pages, operations = discovered_pages(), discovered_operations()
    problems = []
    for kind, found, declared in (
        ("page", pages, declared_pages),
        ("API operation", operations, declared_operations),
    ):
        problems += [f"undeclared {kind}: {k}" for k in sorted(found - declared)]
        problems += [f"stale declaration ({kind}): {k}" for k in sorted(declared - found)]
    keys = [c.key for c in CHECKS]
    problems += [f"declared twice: {k}" for k in sorted({k for k in keys if keys.count(k) > 1})]
    assert not problems, "\n".join(
        [
            "Declare a rule in CHECKS for every endpoint (tests/test_permission_matrix.py):",
            *problems,
        ]
    )


# ---------------------------------------------------------------------------------------------
# The walk.


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """The world, built once in a transaction rolled back after the module (each test's own
    transaction is a savepoint inside it)."""
    assert not settings.OUTPOST_REQUIRE_TOTP, "personas signed in by session would be sent to 2FA"
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world(str(media))
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, world: World) -> None:
    """The world's files stay where it put them (overrides the conftest's per-test folder)."""
    settings.MEDIA_ROOT = world.media


def send(world: World, check: Check, persona: str) -> HttpResponseBase:
    client = world.client(persona)
    path = world.fill(check.path)
    method = getattr(client, check.method.lower())
    if check.data is None:
        return method(path)
    data = _filled(check.data, world)
    if check.json:
        return method(path, json.dumps(data), content_type="application/json")
    return method(path, data)


def _filled(value: Any, world: World) -> Any:
    if isinstance(value, str):
        return world.fill(value)
    if isinstance(value, Upload):
        return value.make()
    if isinstance(value, dict):
        return {k: _filled(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, world) for v in value]
    return value


@pytest.mark.parametrize("check", CHECKS, ids=[c.key for c in CHECKS])
def test_it_answers_each_persona_by_the_rule(world: World, check: Check) -> None:
    got: dict[str, int] = {}
    for persona in PERSONAS:
        with transaction.atomic():
            got[persona] = send(world, check, persona).status_code
            transaction.set_rollback(True)
    wrong = {p: (check.expected(p), got[p]) for p in PERSONAS if got[p] != check.expected(p)}
    assert not wrong, (
        f"{check.key} (rule {check.rule}{'; ' + check.note if check.note else ''}): "
        + ", ".join(f"{p} expected {want} got {have}" for p, (want, have) in wrong.items())
    )


def test_it_uses_every_rule_of_the_vocabulary() -> None:
    declared = {name for name, value in globals().items() if isinstance(value, Rule)}
    assert declared == {check.rule.name for check in CHECKS}


def test_it_builds_paths_that_reach_the_declared_route(world: World) -> None:
    """Every check's path resolves to the pattern it declares (a typo would test another)."""
    wrong = []
    for check in CHECKS:
        path = world.fill(check.path).split("?")[0]
        route = "/" + resolve(path).route
        if check.route not in (route, _openapi(resolve(path).route)):
            wrong.append(f"{check.key}: {path} reaches {route}")
    assert not wrong, "\n".join(wrong)
