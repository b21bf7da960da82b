"""Pruning the access log while people's records are being opened: the prune must not hold the
log's head while it deletes, or every page that writes an access-log row waits for it (a month
of a city's log takes seconds to delete, `bench/access_log_prune.py`). Needs two connections
with their own transactions: PostgreSQL only (SQLite writes one at a time)."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from outpost.core.access import log_access, prune_before, verify_chain
from outpost.core.models import AccessLogEntry

pytestmark = pytest.mark.django_db(transaction=True)


def _write(n: int) -> list[AccessLogEntry]:
    return [
        log_access(actor=None, action="view_person", object_type="person", object_key=f"P{i}")
        for i in range(n)
    ]


def _wait_for_blocked_delete(timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query LIKE 'DELETE FROM %%core_accesslogentry%%'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the prune's delete never started")


def test_it_lets_a_person_be_opened_while_old_rows_are_pruned() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL)")
    rows = _write(6)
    old = timezone.now() - dt.timedelta(days=4 * 365)
    AccessLogEntry.objects.filter(pk__in=[r.pk for r in rows[:4]]).update(at=old)
    # (`at` is hashed: the aged rows no longer match, but they are the ones the prune removes.)
    hold, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    removed: list[int] = []

    def holder() -> None:  # another transaction holds the oldest row, so the delete must wait
        try:
            with transaction.atomic():
                AccessLogEntry.objects.select_for_update().get(pk=rows[0].pk)
                hold.set()
                release.wait(15)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            hold.set()
        finally:
            connections.close_all()

    def pruner() -> None:
        try:
            removed.append(prune_before(timezone.now() - dt.timedelta(days=365)))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=holder), threading.Thread(target=pruner)]
    threads[0].start()
    hold.wait(10)
    threads[1].start()
    try:
        _wait_for_blocked_delete()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            opened = log_access(
                actor=None, action="view_person", object_type="person", object_key="P-now"
            )
    finally:
        release.set()
        for thread in threads:
            thread.join(20)
    assert not errors, errors
    assert removed == [4]
    assert AccessLogEntry.objects.filter(pk=opened.pk).exists()
    assert not AccessLogEntry.objects.filter(pk__in=[r.pk for r in rows[:4]]).exists()
    report = verify_chain()
    assert report.ok, report.problem
