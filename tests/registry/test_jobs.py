"""Imports as background jobs, through the API and the upload page, run by the real database
worker (django-tasks-db's `db_worker --batch`), inside each test's transaction.

The worker calls close_old_connections() between tasks. Inside a test's transaction that would
drop the very connection the test runs in on PostgreSQL (SQLite's in-memory test database ignores
it), so the `worker` fixture makes that one call a no-op; the worker's claiming of the task
(select_for_update inside its own atomic block), running and result bookkeeping are unchanged."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from outpost.core.crypto import keyed_hash
from outpost.registry.models import ImportJob, Person, StandardAddress
from tests.conftest import HOME_GRID, OTHER_GRID, Persona
from tests.registry.data import (
    DIRTY_CSV,
    DIRTY_XLSX,
    RegistryData,
    as_csv,
    dirty_expected,
    dirty_rows,
)
from tests.registry.helpers import (
    CJK,
    DEFECT_FIELDS,
    XLSX,
    classify,
    loaded_in_grid,
    new_person_row,
    page,
    workbook_rows,
)

pytestmark = pytest.mark.django_db

IMPORTS = "/api/v1/registry/imports"
Capture = Callable[..., AbstractContextManager[Any]]


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    import django_tasks_db.management.commands.db_worker as db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return run


def _post(
    persona: Persona, name: str, data: bytes, capture: Capture, **form: Any
) -> dict[str, Any]:
    upload = SimpleUploadedFile(name, data)
    with capture(execute=True):
        response = persona.client.post(IMPORTS, {"kind": "persons", "file": upload, **form})
    assert response.status_code == 202, response.content
    return response.json()


def _upload(persona: Persona, path: Path, capture: Capture, **form: Any) -> dict[str, Any]:
    return _post(persona, path.name, path.read_bytes(), capture, **form)


def _status(persona: Persona, job: dict[str, Any]) -> dict[str, Any]:
    response = persona.client.get(f"{IMPORTS}/{job['id']}")
    assert response.status_code == 200
    return response.json()


def _rejected_total() -> int:
    return sum(n for kind, n in dirty_expected().items() if kind in DEFECT_FIELDS)


def _submitted_total(data: RegistryData) -> int:
    """What a collector with an area gets "submitted" for: the new people (answered as people
    on record outside the area would be) and the known ones whose row gives a phone (which a
    collector may not compare with the stored one)."""
    rows = dirty_rows()
    known_with_phone = [
        kind == "duplicate_of_existing" and bool(row["phone"])
        for kind, row in zip(classify(rows, data), rows, strict=True)
    ]
    return dirty_expected()["valid"] + sum(known_with_phone)


@pytest.mark.parametrize("path", [DIRTY_CSV, DIRTY_XLSX], ids=["csv", "xlsx"])
def test_it_runs_an_uploaded_import_as_a_background_job(
    registry_data: RegistryData,
    district_collector: Persona,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
    path: Path,
) -> None:
    before = Person.objects.count()

    job = _upload(district_collector, path, django_capture_on_commit_callbacks)

    assert (job["status"], job["filename"], job["kind"]) == ("queued", path.name, "persons")
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert Person.objects.count() == before  # nothing happens until the worker runs
    worker()
    status = _status(district_collector, job)
    expected = dirty_expected()
    assert (status["status"], status["error"]) == ("done", "")
    assert status["counts"]["created"] == 0
    assert status["counts"]["submitted"] == _submitted_total(registry_data)
    assert status["counts"]["rejected"] == _rejected_total()
    assert status["rows_done"] == status["rows_total"] == sum(expected.values())
    assert status["percent"] == 100
    assert Person.objects.count() == before + expected["valid"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_it_creates_nothing_when_the_same_upload_runs_again(
    district_collector: Persona,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    _upload(district_collector, DIRTY_CSV, django_capture_on_commit_callbacks)
    worker()
    before = Person.objects.count()

    again = _upload(district_collector, DIRTY_CSV, django_capture_on_commit_callbacks)
    worker()

    counts = _status(district_collector, again)["counts"]
    assert counts["created"] == counts["merged"] == 0
    assert Person.objects.count() == before


def test_it_checks_only_on_a_dry_run_job(
    registry_data: RegistryData,
    district_collector: Persona,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    before = Person.objects.count()

    job = _upload(district_collector, DIRTY_CSV, django_capture_on_commit_callbacks, dry_run="1")
    worker()

    status = _status(district_collector, job)
    assert status["status"] == "done"
    assert status["counts"]["submitted"] == _submitted_total(registry_data)
    assert Person.objects.count() == before


def test_it_hides_an_import_job_from_everyone_but_its_uploader(
    district_collector: Persona,
    officer: Persona,
    outsider: Persona,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    job = _upload(district_collector, DIRTY_CSV, django_capture_on_commit_callbacks)
    worker()

    for other in (officer, outsider):
        response = other.client.get(f"{IMPORTS}/{job['id']}")
        assert response.status_code == 404
        assert "counts" not in response.json()
        assert other.client.get(reverse("registry:import_job", args=[job["id"]])).status_code == 404
        report = other.client.get(reverse("registry:import_report", args=[job["id"]]))
        assert report.status_code == 404


def test_it_refuses_an_import_to_a_role_that_collects_nothing(
    reporter: Persona, admin: Persona, django_capture_on_commit_callbacks: Capture
) -> None:
    for persona in (reporter, admin):  # the admin changes areas but collects no people
        upload = SimpleUploadedFile(DIRTY_CSV.name, DIRTY_CSV.read_bytes())
        with django_capture_on_commit_callbacks(execute=True):
            response = persona.client.post(IMPORTS, {"kind": "persons", "file": upload})
        assert response.status_code == 403
    assert not ImportJob.objects.exists() and not DBTaskResult.objects.exists()


def test_it_fails_a_job_whose_file_cannot_be_read_and_says_why(
    district_collector: Persona,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    data = "姓名,年龄\n张三,30\n".encode()
    job = _post(district_collector, "people.csv", data, django_capture_on_commit_callbacks)
    worker()

    status = _status(district_collector, job)
    assert status["status"] == "failed"
    assert CJK.search(status["error"])
    # Stored as an event code, rendered in the reader's language when read.
    stored = ImportJob.objects.get(pk=job["id"])
    assert (stored.error, stored.error_code) == ("", "table:no_header")
    assert status["error"].startswith("在前20行中找不到表头（至少两列的列名应可识别，如：")
    assert status["error_en"].startswith("no header row in the first 20 rows")


def test_it_shows_the_job_and_its_report_after_an_upload_on_the_page(
    registry_data: RegistryData,
    district_collector: Persona,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    client = district_collector.client
    form = client.get(reverse("registry:imports")).content.decode()
    assert 'type="file"' in form and 'enctype="multipart/form-data"' in form
    upload = SimpleUploadedFile(DIRTY_XLSX.name, DIRTY_XLSX.read_bytes())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:imports"), {"kind": "persons", "file": upload})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:import_job", args=[job.pk])
    worker()
    shown = page(client.get(response["Location"]))
    counts = [int(word) for word in shown.ids["job-counts"].split() if word.isdigit()]
    assert counts[1] == _submitted_total(registry_data) and counts[-1] == _rejected_total()
    assert sum(counts) == len(dirty_rows())
    assert len(shown.tables["rejected"]) == _rejected_total()
    assert {row.cells[1] for row in shown.tables["rejected"]} == set(DEFECT_FIELDS.values())
    assert all(CJK.search(row.cells[2]) for row in shown.tables["rejected"])
    listed = page(client.get(reverse("registry:imports"))).tables
    assert any(DIRTY_XLSX.name in " ".join(r.cells) for rows in listed.values() for r in rows)

    report = client.get(reverse("registry:import_report", args=[job.pk]))

    assert report["Content-Type"] == XLSX
    header, rows, _ = workbook_rows(report.content)
    assert len(header) == 4 and len(rows) == len(dirty_rows())
    outcomes = [row[1] for row in rows]
    assert outcomes.count("submitted") == _submitted_total(registry_data)
    assert outcomes.count("rejected") == _rejected_total()
    assert [row[0] for row in rows] == list(range(3, 3 + len(rows)))  # below the title row
    # The reasons are kept as codes and worded when read, in the reader's language.
    kept = [o[3] for o in ImportJob.objects.get().outcomes if o[1] == "rejected"]
    assert all(isinstance(r, dict) and not CJK.search(r["msgid"]) for r in kept), kept
    english = page(client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en"))
    assert not any(CJK.search(r.cells[2].split(":")[0]) for r in english.tables["rejected"])


def test_it_keeps_a_grid_workers_uploaded_people_pending_for_the_officer(
    registry_data: RegistryData,
    grid_worker: Persona,
    officer: Persona,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    """前端采、民警核: people a grid worker brings in by file are collected, not verified."""
    like = next(iter(loaded_in_grid(registry_data, HOME_GRID).values()))
    beat = officer.user.assignments.get().scope_code
    room = StandardAddress.objects.filter(grid_code=HOME_GRID, beat_code=beat, level="room")[0]
    rows = [new_person_row(like, room.code, n) for n in (901, 902)]
    assert not Person.objects.filter(
        id_number_hash__in=[keyed_hash(r["id_number"], purpose="id_number") for r in rows]
    ).exists()

    job = _post(grid_worker, "new.csv", as_csv(rows), django_capture_on_commit_callbacks)
    worker()

    assert _status(grid_worker, job)["counts"]["submitted"] == 2
    created = Person.objects.filter(name__in=[r["name"] for r in rows])
    assert {(p.state, p.collected_by) for p in created} == {("pending", grid_worker.user)}


def test_it_keeps_a_grid_workers_upload_to_people_of_their_own_grid(
    registry_data: RegistryData,
    grid_worker: Persona,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    """Scope applies to writes too: a file cannot rewrite someone in another street, nor
    register someone at an address there."""
    number, row = next(iter(loaded_in_grid(registry_data, OTHER_GRID).items()))
    before = Person.objects.get(person_no=number)
    newcomer = new_person_row(row, row["addr_id"], 903)
    people = Person.objects.count()

    job = _post(
        grid_worker,
        "elsewhere.csv",
        as_csv([{**row, "phone": "13912345678"}, newcomer]),
        django_capture_on_commit_callbacks,
    )
    worker()

    after = Person.objects.get(person_no=number)
    assert (after.phone_hash, after.state) == (before.phone_hash, before.state)
    assert Person.objects.count() == people
    assert _status(grid_worker, job)["counts"]["rejected"] == 2
