"""Imports as background jobs: storing an upload and queueing it, and the worker's task (its
dotted path is stored with each queued task, so it stays here). The pages are in
`registry.views.imports`."""

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from outpost.accounts.models import User
from outpost.accounts.scope import scope_for
from outpost.core.context import request_context
from outpost.core.i18n import stored
from outpost.core.logs import acting_user
from outpost.registry.imports import TableError, run_import
from outpost.registry.imports.base import IMPORT_ACTION
from outpost.registry.models import IMPORT_CRASHED, IMPORT_STALLED, ImportJob

log = logging.getLogger("outpost.registry")
MAX_UPLOAD = 20 * 1024 * 1024
MAX_ATTEMPTS = 2  # a job whose worker died is queued again once, then failed visibly


def may_import(user: User, kind: str) -> bool:
    return not scope_for(user, IMPORT_ACTION[kind]).empty


@transaction.atomic
def start_import(*, user: User, kind: str, filename: str, data: bytes, dry_run: bool) -> ImportJob:
    """Store the upload and queue it in one transaction: the queue lives in the same database,
    so a web process killed half-way leaves both or neither, never a job queued with no task
    behind it (which nothing would ever run). The worker sees the task once this commits."""
    if not may_import(user, kind):
        raise PermissionDenied
    job = ImportJob.objects.create(
        kind=kind, filename=filename[:200], data=data, dry_run=dry_run, created_by=user
    )
    import_file_task.enqueue(job.pk)
    return job


@task()
def import_file_task(job_id: int) -> None:
    # A job is claimed with a conditional update so two workers never run it twice.
    claim = {"status": "running", "heartbeat_at": timezone.now(), "attempts": F("attempts") + 1}
    if not ImportJob.objects.filter(pk=job_id, status="queued").update(**claim):
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    with request_context("job") as ctx, acting_user(job.created_by):
        log.info("import started job=%s kind=%s dry_run=%s", job_id, job.kind, job.dry_run)
        try:
            every = max(settings.OUTPOST_IMPORT_STALL_SECONDS / 4, 1)  # never a busy loop
            with import_heartbeat(job_id, every=every):
                _run(job)
        except Exception as error:
            # Whatever went wrong, the uploader sees the job end, never "running" forever; the
            # log has the traceback under the reference the message gives.
            log.exception("import failed job=%s error=%s", job_id, type(error).__name__)
            params = {"error": type(error).__name__, "ref": ctx.request_id}
            _finish(job_id, status="failed", error_code=IMPORT_CRASHED, error_params=params)
            raise


def _run(job: ImportJob) -> None:
    try:
        result = run_import(
            job.kind,
            bytes(job.data),
            job.filename,
            actor=job.created_by,
            dry_run=job.dry_run,
            progress=_progress(job.pk),
        )
    except TableError as error:
        log.info("import refused job=%s: the file cannot be read", job.pk)
        code = f"table:{error.code}"
        _finish(job.pk, status="failed", error_code=code, error_params=error.params)
        return
    log.info("import done job=%s counts=%s", job.pk, result.counts)
    _finish(
        job.pk,
        status="done",
        counts=result.counts,
        rows_done=len(result.outcomes),
        # The reasons as codes (msgid and parameters), worded when the report is read.
        outcomes=[[o.row, o.outcome, o.field, stored(o.reason)] for o in result.outcomes],
    )


def _progress(job_id: int) -> Any:
    def report(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(
            rows_done=done, rows_total=total, heartbeat_at=timezone.now()
        )

    return report


@contextmanager
def import_heartbeat(job_id: int, *, every: float) -> Iterator[None]:
    """Signs of life from a thread with its own connection while the import runs. Its write is
    one transaction (minutes for a city's file), and progress written inside it would be seen
    only once it commits; without these the sweep would take a long write for a dead worker.
    A worker killed with -9 takes the thread with it, so a dead worker still falls silent."""
    stop = threading.Event()
    beat = threading.Thread(target=_beat, args=(job_id, stop, every), daemon=True)
    beat.start()
    try:
        yield
    finally:
        stop.set()
        beat.join()


def _beat(job_id: int, stop: threading.Event, every: float) -> None:
    try:
        if connection.vendor == "sqlite":
            # The import's write holds SQLite's one write lock: give up at once, try next beat.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout = 100")
        while not stop.wait(every):
            try:  # conditional: a job the sweep has taken back is not made to look alive
                running = ImportJob.objects.filter(pk=job_id, status="running")
                running.update(heartbeat_at=timezone.now())
            except DatabaseError as error:
                log.info("import heartbeat missed job=%s error=%s", job_id, error)
    finally:
        connections.close_all()  # this thread's own


def _finish(job_id: int, **fields: Any) -> None:
    ImportJob.objects.filter(pk=job_id).update(finished_at=timezone.now(), data=b"", **fields)


def recover_stalled_imports(now: dt.datetime | None = None) -> tuple[int, int]:
    """Running jobs whose worker died (no sign of life for OUTPOST_IMPORT_STALL_SECONDS, see
    `import_heartbeat`): queued again, or failed visibly after MAX_ATTEMPTS. An import writes
    its rows in one transaction at its end, so a worker killed half-way left none; running it
    again writes each row once. Returns (queued again, failed)."""
    now = now or timezone.now()
    stalled = ImportJob.objects.filter(
        status="running",
        heartbeat_at__lt=now - dt.timedelta(seconds=settings.OUTPOST_IMPORT_STALL_SECONDS),
    )
    again = failed = 0
    for job_id, attempts in stalled.values_list("pk", "attempts"):
        one = stalled.filter(pk=job_id)  # conditional: a late heartbeat keeps the job its own
        if attempts < MAX_ATTEMPTS and one.update(status="queued"):
            import_file_task.enqueue(job_id)
            again += 1
        elif attempts >= MAX_ATTEMPTS and one.update(
            status="failed",
            finished_at=now,
            data=b"",
            error_code=IMPORT_STALLED,
            error_params={"attempts": attempts},
        ):
            failed += 1
    if again or failed:
        log.warning("stalled imports queued_again=%s failed=%s", again, failed)
    return again, failed
