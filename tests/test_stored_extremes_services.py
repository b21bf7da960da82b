"""Stored values at the edge of what is accepted, for the residents' and field-work apps: texts
of the greatest length each field takes, full of markup, stored through the real services (a
knowledge article through review, a 代办 request, a window visit at the outpost, a patrol plan,
a check-in and what was found, a care visit, a resident's report). Every page, feed and API answer
that shows them must still render (no 5xx) for the people who see them, and the markup must come
back as text, never as markup (the same rule as tests/test_stored_extremes.py, for the apps added
since)."""

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings

from outpost.academy import services as academy
from outpost.assessment import schemes as assessment_schemes
from outpost.assessment import services as assessment
from outpost.cases.taxonomy import load_taxonomy, public_subtypes
from outpost.fieldwork import services as field
from outpost.fieldwork.services.visits import NewVisit, record_visit
from outpost.geo.models import Grid, OutpostStation
from outpost.guides import services as guides
from outpost.guides.models import Matter
from outpost.knowledge import services as knowledge
from outpost.portal import services as portal
from outpost.stations import services as stations
from tests.conftest import Persona
from tests.fieldwork.conftest import care_subject, point_in
from tests.test_stored_extremes import MARKUP, _no_5xx, text_of

pytestmark = pytest.mark.django_db

PHONES = itertools.count(13900000001)  # one resident per example: the portal limits per phone


def _markup_unescaped(client: Client, paths: list[str], markup: str) -> list[str]:
    """Pages among `paths` that send the stored markup back as markup."""
    return [p for p in paths if markup.encode() in client.get(p).content]


def _store_warning(grid: Grid, worker: Persona, title: str, note: str) -> int:
    """A warning about a case titled with markup (reworked twice), signed off and closed with
    the longest note full of markup."""
    from outpost.warnings import services as warnings
    from outpost.warnings.models import EarlyWarning
    from outpost.warnings.scan import scan
    from tests.warnings.conftest import make_case

    make_case(grid, dt.datetime.now(dt.UTC), title=title, rework_count=2)
    scan()
    warning = EarlyWarning.objects.filter(rule="reworked_case").latest("id")
    warning = warnings.do_sign_off(warning, actor=worker.user, version=warning.version)
    closed = warnings.do_close(warning, actor=worker.user, version=warning.version, note=note)
    assert closed.close_note == note.strip()
    return closed.pk


def _store_knowledge(author: Persona, reviewer: Persona, title: str, body: str) -> int:
    draft = knowledge.write_article(
        knowledge.Text(kind="procedure", title=title, body=body, tags=title[:200]),
        actor=author.user,
    )
    knowledge.submit_version(draft, actor=author.user)
    return knowledge.approve_version(draft, actor=reviewer.user).article_id


def _store_course(editor: Persona, article: int, short: str, long: str) -> int:
    """An open course for grid workers: the longest title and summary, an article lesson, a
    question whose text, choices and explanation are all markup."""
    from outpost.knowledge.models import Article

    text = academy.CourseText(short, long[:300], ("grid_worker",), 100, True)
    course = academy.create_course(text, actor=editor.user)
    academy.add_article_lesson(course, Article.objects.get(pk=article), actor=editor.user)
    question = academy.QuestionText(short, (short, long[:300]), 0, long[:500])
    academy.add_question(course, question, actor=editor.user)
    return course.pk


def _store_request(grid: Grid, name: str, address: str, note: str) -> Any:
    new = guides.NewServiceRequest(
        matter=Matter.objects.filter(published=True).first(),  # type: ignore[arg-type]
        mode="on_behalf",
        resident_name=name,
        phone="13912345678",
        address=address,
        grid=grid,
        note=note,
    )
    return guides.create_service_request(new, actor=None)


def _store_window(grid: Grid, worker: Persona, name: str, matter: str, note: str) -> int:
    station = OutpostStation.objects.get(community=grid.community)
    stations.fill_staff_from_roles(station, actor=None)
    entry = stations.NewWindowEntry(
        visitor_name=name, kind="consultation", matter=matter, handling="answered", note=note
    )
    stations.record_window_visit(station, entry, actor=worker.user)
    return station.pk


def _store_field_work(
    grid: Grid, worker: Persona, commander: Persona, short: str, long: str
) -> tuple[int, str]:
    plan = field.create_plan(
        field.NewPlan(grid, short[:64], 3, [worker.user]), actor=commander.user
    )
    patrol = field.start_patrol(grid, actor=worker.user, plan=plan)
    where = point_in(grid)
    field.check_in(patrol, where.x, where.y, actor=worker.user, note=long[:200])
    field.end_patrol(patrol, actor=worker.user)  # the next example starts its own
    id17 = f"32010619400101{patrol.pk % 1000:03d}"
    elder = care_subject(grid, f"EX{patrol.pk}", short[:32], dt.date(1940, 1, 1), id17)
    record_visit(elder, NewVisit(met=short[:100], found=long), actor=worker.user)
    return patrol.pk, elder.person_no


def _store_report(description: str, grid: Grid) -> str:
    where = point_in(grid)
    code = next(iter(public_subtypes())).code
    report = portal.Report(code, description, str(next(PHONES)), lon=where.x, lat=where.y)
    ticket = portal.do_submit_report(report, client=f"10.0.0.{next(PHONES) % 250}")
    return ticket.token


@given(short=text_of(100), long=text_of(2000))
@settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_renders_the_residents_and_field_pages_showing_extreme_stored_values(
    home_grid: Grid,
    admin: Persona,
    commander: Persona,
    grid_worker: Persona,
    settings: Any,
    tmp_path: Path,
    short: str,
    long: str,
) -> None:
    settings.VAR_DIR = tmp_path / "var"  # the handbook's cache and the message outbox
    settings.OUTPOST_SMS_BACKEND = "file"
    load_taxonomy()
    article = _store_knowledge(commander, admin, short, long)
    request = _store_request(home_grid, short[:32], short, long[:500])
    station = _store_window(home_grid, grid_worker, short[:32], short, long[:200])
    patrol, person = _store_field_work(home_grid, grid_worker, commander, short, long)
    token = _store_report(long, home_grid)
    course = _store_course(commander, article, short, long)
    warning = _store_warning(home_grid, grid_worker, short, long)

    staff_pages = [
        "/",
        "/knowledge/",
        f"/knowledge/a/{article}/",
        "/knowledge/desk/",
        "/guides/requests/",
        f"/guides/requests/{request.pk}/",
        f"/stations/{station}/",
        f"/stations/{station}/window/",
        "/fieldwork/",
        "/fieldwork/plans/",
        f"/fieldwork/patrols/{patrol}/",
        "/fieldwork/visits/",
        f"/fieldwork/visits/care/{person}/",
        "/fieldwork/app/",
        "/cases/",
        "/academy/",
        f"/academy/c/{course}/",
        f"/academy/c/{course}/quiz/",
        "/academy/desk/",
        "/academy/team/",
        "/assessment/",
        "/dashboard/",
        "/dashboard/wall/",
        "/warnings/",
        f"/warnings/{warning}/",
        f"/warnings/reminder/grid/{home_grid.code}/",
    ]
    apis = [
        "/api/v1/dashboard/summary",
        "/api/v1/dashboard/categories",
        "/api/v1/dashboard/sources",
        "/api/v1/dashboard/workload",
        "/api/v1/dashboard/areas",
        "/api/v1/warnings",
        f"/api/v1/warnings/{warning}",
        f"/api/v1/stations/{station}",
        "/api/v1/fieldwork/plans",
        f"/api/v1/fieldwork/patrols/{patrol}",
        "/api/v1/fieldwork/visits/due",
        "/api/v1/fieldwork/today",
    ]
    public = [
        f"/knowledge/a/{article}/",
        f"/guides/track/{request.code}/",
        f"/portal/track/{token}/",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        "/knowledge/handbook.pdf",
    ]
    failures = _no_5xx(grid_worker.client, staff_pages + apis)
    failures += _no_5xx(commander.client, staff_pages + apis)
    failures += _no_5xx(Client(), public)
    assert not failures, failures
    tag = next(m for m in MARKUP if short.startswith(m))
    if "<" in tag:  # the field app's page draws names with its script, from the API's JSON
        html = [p for p in staff_pages if p != "/fieldwork/app/"]
        assert not _markup_unescaped(grid_worker.client, html, tag)
        assert not _markup_unescaped(Client(), public[:3], tag)


@given(name=text_of(200), area=text_of(64), evidence=text_of(4000), reason=text_of(2000))
@settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_renders_the_assessment_pages_showing_extreme_stored_values(
    home_grid: Grid, commander: Persona, grid_worker: Persona,
    name: str, area: str, evidence: str, reason: str,
) -> None:  # fmt: skip
    """警网双考: a scheme's name and area, an appeal's evidence and its decision's reason, at
    their longest and full of markup, shown as text on every page, in the xlsx and the API."""
    street = home_grid.code[:9]
    beat = home_grid.main_beat
    assert beat is not None
    text = assessment.SchemeText(name, area, street, beat.code[:9])
    items = {"grid": (assessment_schemes.Item("case_closure", 100, 0.95),)}
    scheme = assessment.do_create_scheme(text, items, actor=commander.user)
    period = assessment.do_compute(scheme, "2026-11", actor=commander.user)
    result = period.results.get(unit_code=home_grid.code)
    appeal = assessment.do_file_appeal(result.scores.get(), evidence, actor=grid_worker.user)
    assessment.do_decide_appeal(
        appeal, upheld=True, reason=reason, corrected=0.5, actor=commander.user
    )
    pages = [
        "/assessment/schemes/",
        f"/assessment/schemes/{scheme.pk}/",
        f"/assessment/periods/{period.pk}/",
        f"/assessment/results/{result.pk}/",
        f"/assessment/appeals/{appeal.pk}/",
    ]
    others = [
        f"/assessment/periods/{period.pk}/export/",
        "/api/v1/assessment/schemes",
        f"/api/v1/assessment/periods/{period.pk}",
    ]
    failures = _no_5xx(commander.client, pages + others) + _no_5xx(grid_worker.client, pages)
    assert not failures, failures
    tag = next(m for m in MARKUP if name.startswith(m))
    if "<" in tag:
        assert not _markup_unescaped(commander.client, pages, tag)
        assert not _markup_unescaped(grid_worker.client, pages, tag)
