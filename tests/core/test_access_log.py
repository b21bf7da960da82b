"""The access log's hash chain: `outpost audit verify` names the first row changed, removed or
inserted out of order; `outpost audit prune` removes old rows and leaves the rest verifiable."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from outpost.core.access import chained_fields, log_access, row_digest
from outpost.core.models import GENESIS, AccessLogEntry, AccessLogHead

pytestmark = pytest.mark.django_db


def _write(n: int) -> list[AccessLogEntry]:
    return [
        log_access(
            actor=None,
            actor_name=f"officer{i}",
            action="view_person",
            object_type="person",
            object_key=f"P{i:04d}",
            civil_code="320106001003001",
        )
        for i in range(n)
    ]


def _verify() -> str:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def _broken() -> str:
    with pytest.raises(CommandError) as caught:
        _verify()
    assert caught.value.returncode == 1
    return str(caught.value)


def _forge(prev: AccessLogEntry, **fields: object) -> AccessLogEntry:
    """A row an intruder writes straight into the table, with a well-formed hash."""
    entry = AccessLogEntry(
        at=timezone.now(),
        actor_name="intruder",
        action="view_person",
        object_type="person",
        object_key="P9999",
        request_id="forged",
        prev_hash=prev.row_hash,
        **fields,
    )
    entry.row_hash = row_digest(entry.prev_hash, chained_fields(entry))
    entry.save()
    return entry


def test_it_passes_an_untouched_chain() -> None:
    _write(5)

    assert "访问日志完整：5 条" in _verify()


def test_it_names_a_changed_row() -> None:
    rows = _write(5)
    AccessLogEntry.objects.filter(pk=rows[2].pk).update(purpose="例行检查")

    assert f"第 3 条（id={rows[2].pk}）被改动" in _broken()


def test_it_names_the_row_after_a_removed_one() -> None:
    rows = _write(5)
    rows[2].delete()

    message = _broken()

    assert f"第 3 条（id={rows[3].pk}）" in message and "缺少记录（被删除）" in message


def test_it_catches_the_newest_row_removed() -> None:
    rows = _write(5)
    rows[-1].delete()

    assert "末尾的记录被删除" in _broken()


def test_it_names_a_row_inserted_later_onto_an_older_one() -> None:
    rows = _write(5)
    forged = _forge(rows[1])

    assert f"第 6 条（id={forged.pk}）是插入的：它接在更早的 id={rows[1].pk} 之后" in _broken()


def test_it_names_a_row_inserted_between_two_others() -> None:
    rows = _write(3)
    gap = AccessLogEntry.objects.create(
        at=timezone.now(), actor_name="x", action="x", request_id="x", prev_hash="x", row_hash="x"
    )
    gap_id = gap.pk
    gap.delete()  # the id stays unused: neither database reuses it
    later = _write(2)
    forged = _forge(rows[-1], id=gap_id)

    message = _broken()

    assert f"id={forged.pk} 起的记录是插入的：之后的 id={later[0].pk}" in message


def test_it_names_an_inserted_row_that_chains_onto_nothing() -> None:
    rows = _write(3)
    gap = AccessLogEntry.objects.create(
        at=timezone.now(), actor_name="x", action="x", request_id="x", prev_hash="x", row_hash="x"
    )
    gap_id = gap.pk
    gap.delete()
    _write(2)
    forged = _forge(rows[0], id=gap_id)
    AccessLogEntry.objects.filter(pk=forged.pk).update(prev_hash="f" * 64)
    forged.refresh_from_db()
    AccessLogEntry.objects.filter(pk=forged.pk).update(
        row_hash=row_digest(forged.prev_hash, chained_fields(forged))
    )

    assert f"第 4 条（id={forged.pk}）是插入的" in _broken()


def test_it_covers_the_client_address_and_area_in_the_hash() -> None:
    rows = _write(3)
    AccessLogEntry.objects.filter(pk=rows[1].pk).update(civil_code="320106013001001")
    assert f"id={rows[1].pk}）被改动" in _broken()
    AccessLogEntry.objects.filter(pk=rows[1].pk).update(civil_code="320106001003001")
    AccessLogEntry.objects.filter(pk=rows[1].pk).update(client_ip="10.1.2.3")
    assert f"id={rows[1].pk}）被改动" in _broken()


# --- retention --------------------------------------------------------------------------------


def _age(rows: list[AccessLogEntry], days: int) -> None:
    """Rewrite the chain as if `rows` had been written `days` ago (test set-up, not tampering:
    every hash after them is recomputed and the head follows)."""
    AccessLogEntry.objects.filter(pk__in=[r.pk for r in rows]).update(
        at=timezone.now() - dt.timedelta(days=days)
    )
    previous = GENESIS
    for entry in AccessLogEntry.objects.order_by("id"):
        entry.prev_hash = previous
        entry.row_hash = row_digest(previous, chained_fields(entry))
        entry.save(update_fields=["prev_hash", "row_hash"])
        previous = entry.row_hash
    AccessLogHead.objects.update_or_create(pk=1, defaults={"last_hash": previous})


def test_it_prunes_rows_past_retention_and_still_verifies(settings: object) -> None:
    rows = _write(6)
    _age(rows[:4], days=4 * 365)
    _verify()

    out = io.StringIO()
    call_command("audit", "prune", stdout=out)

    assert "访问日志 4 条" in out.getvalue()
    kept = list(AccessLogEntry.objects.order_by("id"))
    assert [e.pk for e in kept[:2]] == [rows[4].pk, rows[5].pk]
    prune = kept[-1]
    head = AccessLogHead.objects.get()
    assert (prune.action, prune.object_key) == ("prune", str(rows[3].pk))
    assert head.anchor_id == rows[3].pk and prune.purpose.startswith(f"anchor={head.anchor_hash};")
    assert "访问日志完整：3 条" in _verify()


def test_it_still_catches_the_oldest_row_removed_after_a_prune() -> None:
    rows = _write(6)
    _age(rows[:2], days=4 * 365)
    call_command("audit", "prune", stdout=io.StringIO())
    AccessLogEntry.objects.filter(pk=rows[2].pk).delete()

    assert f"id={rows[3].pk}）与前一条接不上" in _broken()


def test_it_catches_a_moved_anchor() -> None:
    rows = _write(6)
    _age(rows[:2], days=4 * 365)
    call_command("audit", "prune", stdout=io.StringIO())
    # Someone deletes the oldest kept row and moves the anchor to cover it up.
    oldest = AccessLogEntry.objects.get(pk=rows[2].pk)
    AccessLogHead.objects.update(anchor_id=oldest.pk, anchor_hash=oldest.row_hash)
    oldest.delete()

    assert "锚点" in _broken()


def test_it_refuses_to_prune_a_broken_chain_or_below_six_months() -> None:
    rows = _write(4)
    _age(rows[:2], days=4 * 365)
    AccessLogEntry.objects.filter(pk=rows[3].pk).update(purpose="改")

    with pytest.raises(CommandError, match="未清理"):
        call_command("audit", "prune", stdout=io.StringIO())
    with pytest.raises(CommandError, match="不得少于 183 天"):
        call_command("audit", "prune", "--days", "30", stdout=io.StringIO())
    assert AccessLogEntry.objects.count() == 4


def test_it_keeps_three_years_by_default(settings: object) -> None:
    assert settings.OUTPOST_ACCESS_LOG_RETENTION_DAYS == 1095
    rows = _write(3)
    _age(rows[:1], days=1000)

    call_command("audit", "prune", stdout=io.StringIO())

    assert AccessLogEntry.objects.filter(pk=rows[0].pk).exists()
    assert not AccessLogEntry.objects.filter(action="prune").exists()
