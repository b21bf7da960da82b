"""The product's flows on the cluster, against 鼓楼区's demo data in its distributed schema: the
case loop through the API and its 409 race, a registry import with its report, scoped lists
and 404s within and across districts, a person's view with its access-log row and `outpost
audit verify`, and indicator figures computed on the worker."""

import io
import json
import threading
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from outpost.accounts.roles import Role
from outpost.cases import services
from outpost.cases.models import Case
from outpost.core.models import AccessLogEntry
from outpost.geo.models import Grid
from outpost.registry.models import ImportJob, Person
from tests.cases.conftest import point_in
from tests.citus.conftest import OTHER, in_schema, persona
from tests.conftest import HOME_GRID, OTHER_GRID, Persona
from tests.registry.data import DIRTY_CSV, dirty_expected, dirty_rows
from tests.registry.helpers import DEFECT_FIELDS, XLSX, workbook_rows

pytestmark = pytest.mark.citus
API = "/api/v1"


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def home() -> Grid:
    return Grid.objects.select_related("community", "main_beat").get(code=HOME_GRID)


def report(worker: Persona, title: str = "独居老人多日未出门") -> str:
    where = point_in(home())
    body = {"subtype": "9901", "title": title, "lon": where.x, "lat": where.y}
    created = post(worker.client, f"{API}/cases", body)
    assert created.status_code == 201, created.content
    return str(created.json()["number"])


def commander() -> Persona:
    return persona(Role.STREET_COMMANDER, home().community.code[:9] + "000", "commander")


def test_it_walks_a_case_from_report_to_close_through_the_api(live: None) -> None:
    worker, boss = persona(Role.GRID_WORKER, HOME_GRID, "worker"), commander()
    number = report(worker)
    url = f"{API}/cases/{number}/actions"
    steps = [
        (boss, "accept", {}, "accepted"),
        (boss, "dispatch", {}, "dispatched"),
        (worker, "sign_on", {}, "handling"),
        (worker, "complete", {"comment": "已上门探访"}, "completed"),
        (worker, "rate", {"rating": "satisfied"}, "rated"),
        (boss, "close", {}, "closed"),
    ]
    for who, action, body, state in steps:
        answer = post(who.client, f"{url}/{action}", body)
        assert answer.status_code == 200, answer.content.decode()
        assert answer.json()["state"] == state
    case = Case.objects.get(number=number)
    assert case.state == "closed" and case.version == len(steps)
    timeline = list(case.timeline.values_list("action", flat=True))
    assert timeline == ["report", *(s[1] for s in steps)]


def test_two_dispatchers_at_once_exactly_one_wins(
    live: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two threads, two connections to the coordinator, one row on a worker: both read the
    case before either writes, the conditional update decides and the loser is told 409."""
    number = report(persona(Role.GRID_WORKER, HOME_GRID, "worker"))
    both_read = threading.Barrier(2, timeout=20)
    checked = services._check

    def check_then_wait(*args: Any) -> Any:
        step = checked(*args)
        both_read.wait()
        return step

    monkeypatch.setattr(services, "_check", check_then_wait)
    answers = _race(number, [commander().client, commander().client], ("accept", "reject"))
    assert sorted(a.status_code for a in answers) == [200, 409], [a.content for a in answers]
    loser = next(a for a in answers if a.status_code == 409).json()
    assert loser["detail"] == "案件已被他人处理，请刷新后重试"
    stored = Case.objects.get(number=number)
    assert stored.version == 1 and stored.timeline.count() == 2


def _race(number: str, clients: list[Client], actions: tuple[str, str]) -> list[Any]:
    answers: list[Any] = []

    def run(client: Client, action: str) -> None:
        answers.append(post(client, f"{API}/cases/{number}/actions/{action}", {"comment": "同时"}))
        connection.close()

    pairs = zip(clients, actions, strict=True)
    threads = [threading.Thread(target=run, args=pair) for pair in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def test_it_imports_people_in_a_background_job_and_reports_each_row(live: None) -> None:
    collector = persona(Role.GRID_LEADER, "320106000000", "collector")
    upload = SimpleUploadedFile(DIRTY_CSV.name, DIRTY_CSV.read_bytes())
    queued = collector.client.post(f"{API}/registry/imports", {"kind": "persons", "file": upload})
    assert queued.status_code == 202, queued.content
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    status = collector.client.get(f"{API}/registry/imports/{queued.json()['id']}").json()
    rejected = sum(n for kind, n in dirty_expected().items() if kind in DEFECT_FIELDS)
    assert (status["status"], status["error"]) == ("done", "")
    assert status["rows_done"] == status["rows_total"] == len(dirty_rows())
    assert status["counts"]["rejected"] == rejected
    job = ImportJob.objects.get(pk=queued.json()["id"])
    answer = collector.client.get(reverse("registry:import_report", args=[job.pk]))
    assert answer["Content-Type"] == XLSX
    _, rows, _ = workbook_rows(answer.content)
    assert len(rows) == len(dirty_rows())
    assert [r[1] for r in rows].count("rejected") == rejected


def test_it_lists_only_the_callers_area_and_hides_a_case_from_another_street(
    live: None,
) -> None:
    worker = persona(Role.GRID_WORKER, HOME_GRID, "worker")
    outsider = persona(Role.GRID_WORKER, OTHER_GRID, "outsider")
    number = report(worker, "老人需要代办")
    mine = worker.client.get(f"{API}/cases?limit=100").json()["items"]
    assert number in {c["number"] for c in mine}
    assert all(c["grid_code"] == HOME_GRID for c in mine)
    theirs = outsider.client.get(f"{API}/cases?limit=100").json()["items"]
    assert theirs and all(c["grid_code"] == OTHER_GRID for c in theirs)
    hidden = outsider.client.get(f"{API}/cases/{number}")
    assert hidden.status_code == 404
    assert hidden.content == outsider.client.get(f"{API}/cases/320106-20000101-9999").content


def test_a_case_of_one_district_is_not_found_in_the_other(live: None) -> None:
    """The second district's deployment (its own schema, on its worker) holds its own cases;
    a number of the first answers 404 there, even to that district's administrator."""
    number = report(persona(Role.GRID_WORKER, HOME_GRID, "worker"))
    with in_schema(OTHER):
        admin = persona(Role.ADMIN, "320106000000", "admin_b")
        assert admin.client.get(f"{API}/cases/{number}").status_code == 404
        assert not Case.objects.filter(number=number).exists()
        own = report(persona(Role.GRID_WORKER, HOME_GRID, "worker_b"), "另一区的案件")
        assert admin.client.get(f"{API}/cases/{own}").status_code == 200
    assert not Case.objects.filter(title="另一区的案件").exists()  # not in the first district


def test_it_logs_a_person_view_and_the_chain_verifies(live: None) -> None:
    worker = persona(Role.GRID_WORKER, HOME_GRID, "worker")
    person = Person.objects.filter(grid_code=HOME_GRID).order_by("person_no").first()
    assert person is not None
    page = worker.client.get(reverse("registry:person", args=[person.person_no]))
    assert page.status_code == 200 and person.name in page.content.decode()
    row = AccessLogEntry.objects.order_by("-id").first()
    assert row is not None
    assert (row.actor, row.action, row.object_key) == (worker.user, "view_person", person.person_no)
    assert row.civil_code == HOME_GRID
    outsider = persona(Role.GRID_WORKER, OTHER_GRID, "outsider")
    hidden = outsider.client.get(reverse("registry:person", args=[person.person_no]))
    assert hidden.status_code == 404
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "hash chain holds" in out.getvalue() or "哈希链" in out.getvalue(), out.getvalue()
