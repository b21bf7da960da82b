"""Background imports are never silent: a job that breaks is marked failed with a reason the
uploader reads on its page and in the API, the worker logs it with request id and user id, and
no log line ever carries an ID or phone number from the file."""

import datetime as dt
import logging
import re
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from outpost.accounts.models import User
from outpost.core.logs import KeyValueFormatter
from outpost.registry.jobs import import_heartbeat, recover_stalled_imports
from outpost.registry.models import ImportJob
from tests.conftest import Persona
from tests.registry.data import DIRTY_CSV, dirty_rows

pytestmark = pytest.mark.django_db

IMPORTS = "/api/v1/registry/imports"
Capture = Callable[..., AbstractContextManager[Any]]


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """The real database worker, once over the queue (see test_jobs for the one no-op)."""
    import django_tasks_db.management.commands.db_worker as db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return run


def _upload(persona: Persona, capture: Capture) -> dict[str, Any]:
    upload = SimpleUploadedFile(DIRTY_CSV.name, DIRTY_CSV.read_bytes())
    with capture(execute=True):
        answer = persona.client.post(IMPORTS, {"kind": "persons", "file": upload})
    assert answer.status_code == 202, answer.content
    return answer.json()


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    formatter = KeyValueFormatter()
    return [formatter.format(r) for r in caplog.records if r.name.startswith("outpost")]


def test_it_marks_a_job_failed_with_the_reason_when_the_import_breaks(
    district_collector: Persona,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
    caplog: pytest.LogCaptureFixture,
) -> None:
    job = _upload(district_collector, django_capture_on_commit_callbacks)
    # A job queued by another version of Outpost, of a kind this one does not know: the
    # importer breaks on it with an error nobody planned for.
    ImportJob.objects.filter(pk=job["id"]).update(kind="vehicles")
    with caplog.at_level(logging.INFO, logger="outpost"):
        worker()
    status = district_collector.client.get(f"{IMPORTS}/{job['id']}").json()
    assert status["status"] == "failed", status
    assert status["error"].startswith("导入意外中断（KeyError）")
    reference = re.search(r"编号 ([0-9a-f]{32})", status["error"])
    assert reference is not None
    page = district_collector.client.get(f"/registry/imports/{job['id']}/")
    assert status["error"] in page.content.decode()
    assert DBTaskResult.objects.get().status == "FAILED"
    failed = [line for line in _lines(caplog) if "import failed" in line]
    assert len(failed) == 1 and "level=ERROR" in failed[0] and "KeyError" in failed[0]
    assert f"request_id={reference.group(1)}" in failed[0]
    assert f"user_id={district_collector.user.pk} " in failed[0]


def test_it_logs_an_import_without_any_id_or_phone_number(
    district_collector: Persona,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
    caplog: pytest.LogCaptureFixture,
) -> None:
    numbers = {
        r[field].strip() for r in dirty_rows() for field in ("id_number", "phone") if r[field]
    }
    numbers = {n for n in numbers if len(n) >= 11 and n[:-1].isdigit()}
    assert len(numbers) > 100
    with caplog.at_level(logging.INFO, logger="outpost"):
        job = _upload(district_collector, django_capture_on_commit_callbacks)
        worker()
        district_collector.client.get(f"{IMPORTS}/{job['id']}")
        some = sorted(numbers)[0]
        district_collector.client.get("/api/v1/registry/people", {"q": some})
        district_collector.client.get(f"/registry/people/{some}/")
    lines = _lines(caplog)
    user = f"user_id={district_collector.user.pk} "
    assert any("import started" in line and user in line for line in lines), lines
    assert any("import done" in line and user in line for line in lines), lines
    assert any("path=/registry/people/[redacted]/" in line for line in lines), lines
    text = "\n".join(lines) + caplog.text
    leaked = sorted(n for n in numbers if n in text)
    assert leaked == []


def _died_mid_import(job_id: int, attempts: int) -> None:
    """What a worker killed with -9 leaves: the job running, its last sign of life long ago."""
    long_ago = timezone.now() - dt.timedelta(hours=1)
    ImportJob.objects.filter(pk=job_id).update(
        status="running", heartbeat_at=long_ago, attempts=attempts
    )


def test_it_queues_again_a_job_whose_worker_died_and_finishes_it(
    district_collector: Persona,
    worker: Callable[[], None],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    job = _upload(district_collector, django_capture_on_commit_callbacks)
    DBTaskResult.objects.all().delete()  # the killed worker's task is gone with it
    _died_mid_import(job["id"], attempts=1)
    assert recover_stalled_imports() == (1, 0)
    assert ImportJob.objects.get(pk=job["id"]).status == "queued"
    worker()
    again = ImportJob.objects.get(pk=job["id"])
    assert (again.status, again.attempts) == ("done", 2)
    assert again.counts == {
        "created": 0,
        "submitted": 64,
        "merged": 0,
        "unchanged": 1,
        "rejected": 29,
    }
    assert recover_stalled_imports() == (0, 0)  # a finished job is left alone


def test_it_fails_visibly_a_job_whose_worker_died_twice(
    district_collector: Persona, django_capture_on_commit_callbacks: Capture
) -> None:
    job = _upload(district_collector, django_capture_on_commit_callbacks)
    _died_mid_import(job["id"], attempts=2)
    assert recover_stalled_imports() == (0, 1)
    answer = district_collector.client.get(f"{IMPORTS}/{job['id']}").json()
    assert answer["status"] == "failed"
    assert "后台任务进程在此次导入中途停止了 2 次" in answer["error"]


def test_it_leaves_a_running_job_with_a_recent_sign_of_life(
    district_collector: Persona, django_capture_on_commit_callbacks: Capture
) -> None:
    job = _upload(district_collector, django_capture_on_commit_callbacks)
    ImportJob.objects.filter(pk=job["id"]).update(status="running", heartbeat_at=timezone.now())
    assert recover_stalled_imports() == (0, 0)
    assert ImportJob.objects.get(pk=job["id"]).status == "running"


def _until(met: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not met() and time.monotonic() < deadline:
        time.sleep(0.02)
    return met()


@pytest.mark.django_db(transaction=True)  # the heartbeat's own connection sees what is committed
def test_it_keeps_a_long_import_alive_and_leaves_a_job_taken_back_alone() -> None:
    """An import's write is one long transaction: a thread with its own connection writes its
    signs of life meanwhile, so the sweep does not take it for a dead worker. A job the sweep
    has already queued again is not made to look alive."""
    # A plain account: transactional tests may run after others have emptied the areas.
    uploader = User.objects.create_user("uploader_heartbeat", password="x")
    long_ago = timezone.now() - dt.timedelta(hours=1)
    job, taken_back = (
        ImportJob.objects.create(
            kind="persons",
            filename="people.csv",
            data=b"",
            created_by=uploader,
            status=status,
            heartbeat_at=long_ago,
        )
        for status in ("running", "queued")
    )
    with import_heartbeat(job.pk, every=0.05), import_heartbeat(taken_back.pk, every=0.05):
        assert _until(lambda: ImportJob.objects.get(pk=job.pk).heartbeat_at > long_ago)
        assert recover_stalled_imports() == (0, 0)
        time.sleep(0.2)  # several beats of the taken-back job's thread
    assert ImportJob.objects.get(pk=taken_back.pk).heartbeat_at == long_ago
    assert ImportJob.objects.get(pk=job.pk).status == "running"
    beaten = ImportJob.objects.get(pk=job.pk).heartbeat_at
    time.sleep(0.2)  # stopped with the import: a worker that dies falls silent
    assert ImportJob.objects.get(pk=job.pk).heartbeat_at == beaten
