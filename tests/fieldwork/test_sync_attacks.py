"""The offline queue attacked by a user with a real account: replayed and reused keys, times
before the patrol began, bodies too big or too deep, odd file parts, and a phone that kept one
account's records while another is signed in. Each answer is a clear refusal, nothing is kept
half-written, and nothing of another user is reached."""

import datetime as dt
import json
import threading
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from outpost.cases.models import Case
from outpost.fieldwork import sync
from outpost.fieldwork.models import CheckIn, Patrol, SyncedRecord
from outpost.geo.models import Grid
from tests.cases.conftest import district_reloaded  # noqa: F401 (a fixture)
from tests.conftest import Persona
from tests.fieldwork.conftest import point_in
from tests.fieldwork.test_sync import SYNC, ago, key, send, walk
from tests.matrix_world import jpeg

pytestmark = pytest.mark.django_db


def a_case(grid: Grid, **fields: Any) -> dict[str, Any]:
    where = point_in(grid)
    return {"key": key(), "kind": "case", "at": ago(5), "subtype": "0101", "title": "井盖松动",
            "lon": where.x, "lat": where.y} | fields  # fmt: skip


def test_it_refuses_a_key_used_again_for_another_kind(
    home_grid: Grid, grid_worker: Persona
) -> None:
    """A key the server knows, sent with another kind, is not answered with the first record's
    outcome (the phone would believe its check-in was kept)."""
    start, point = walk(home_grid, checkins=1)[:2]
    send(grid_worker, [start])
    (result,) = send(grid_worker, [point | {"key": start["key"]}])
    assert result["state"] == "refused" and "key" in result["detail_en"]
    assert not CheckIn.objects.exists()


def test_it_refuses_a_key_used_again_with_another_body(
    home_grid: Grid, grid_worker: Persona
) -> None:
    """Same key, same kind, another report: refused, not answered "sent" with the first case."""
    first = a_case(home_grid)
    other = first | {"title": "另一件事", "description": "完全不同"}
    results = send(grid_worker, [first, other])
    assert [r["state"] for r in results] == ["sent", "refused"]
    (later,) = send(grid_worker, [other])
    assert later["state"] == "refused" and Case.objects.count() == 1
    assert send(grid_worker, [first]) == results[:1]  # the same body still gets its answer


def test_it_refuses_a_check_in_from_before_the_patrol_began(
    home_grid: Grid, grid_worker: Persona
) -> None:
    records = walk(home_grid, checkins=1)
    records[1]["at"] = ago(24 * 60)  # a day before the start, an hour ago
    results = send(grid_worker, records)
    assert [r["state"] for r in results] == ["sent", "refused", "sent"]
    assert "before" in results[1]["detail_en"] and not CheckIn.objects.exists()


def test_it_ends_a_patrol_no_earlier_than_it_began(home_grid: Grid, grid_worker: Persona) -> None:
    records = walk(home_grid, checkins=0)
    records[-1]["at"] = ago(24 * 60)
    send(grid_worker, records)
    patrol = Patrol.objects.get()
    assert patrol.ended_at is not None and patrol.ended_at >= patrol.started_at


def test_it_ends_a_patrol_no_earlier_than_its_last_check_in(
    home_grid: Grid, grid_worker: Persona
) -> None:
    records = walk(home_grid, checkins=1)  # start 60, check-in 50, end 10 minutes ago
    records[-1]["at"] = ago(55)  # the phone's clock was put back between them
    send(grid_worker, records)
    patrol = Patrol.objects.get()
    assert patrol.ended_at is not None and patrol.ended_at >= CheckIn.objects.get().at


def test_it_refuses_records_kept_for_another_account(
    home_grid: Grid, grid_worker: Persona, officer: Persona
) -> None:
    """A page kept from the worker's session, sending with the officer signed in: nothing of the
    worker's queue is filed as the officer's."""
    answer = officer.client.post(
        SYNC, {"records": json.dumps([a_case(home_grid)]), "user": grid_worker.user.username}
    )
    assert answer.status_code == 409 and "另一" in answer.json()["detail"]
    assert not Case.objects.exists() and not SyncedRecord.objects.exists()
    mine = officer.client.post(
        SYNC, {"records": json.dumps([a_case(home_grid)]), "user": officer.user.username}
    )
    assert mine.json()["results"][0]["state"] == "sent"


def test_it_refuses_a_body_nested_too_deep(grid_worker: Persona) -> None:
    answer = grid_worker.client.post(SYNC, {"records": "[" * 100_000 + "]" * 100_000})
    assert answer.status_code == 422 and "JSON" in answer.json()["detail"]


def test_it_refuses_a_photo_part_whose_number_is_not_a_number(
    home_grid: Grid, grid_worker: Persona
) -> None:
    found = a_case(home_grid)
    for name in (f"photo:{found['key']}:²", "photo:5", f"photo:{found['key']}:0:1"):
        photo = SimpleUploadedFile("p.jpg", jpeg(), "image/jpeg")
        answer = grid_worker.client.post(SYNC, {"records": json.dumps([found]), name: photo})
        assert answer.status_code == 422 and "photo:" in answer.json()["detail"]
    assert not Case.objects.exists()


def test_it_refuses_more_than_twenty_files_and_keeps_nothing(
    home_grid: Grid, grid_worker: Persona
) -> None:
    found = a_case(home_grid)
    photos = {
        f"photo:{found['key']}:{n}": SimpleUploadedFile("p.jpg", jpeg(), "image/jpeg")
        for n in range(21)
    }
    answer = grid_worker.client.post(SYNC, {"records": json.dumps([found]), **photos})
    assert answer.status_code == 400 and not Case.objects.exists()


def test_it_refuses_too_many_photos_for_one_record(home_grid: Grid, grid_worker: Persona) -> None:
    found = a_case(home_grid)
    photos = {
        f"photo:{found['key']}:{n}": SimpleUploadedFile("p.jpg", jpeg(), "image/jpeg")
        for n in range(10)
    }
    (result,) = send(grid_worker, [found], **photos)
    assert result["state"] == "refused" and "9" in result["detail"]
    assert not Case.objects.exists()


def test_it_keeps_no_photo_named_for_a_record_not_sent(
    home_grid: Grid, grid_worker: Persona
) -> None:
    found = a_case(home_grid)
    stray = SimpleUploadedFile("p.jpg", jpeg(), "image/jpeg")
    (result,) = send(grid_worker, [found], **{f"photo:{key()}:0": stray})
    assert result["state"] == "sent"
    assert Case.objects.get().attachments.count() == 0


def test_it_refuses_a_case_whose_photo_is_bad_without_filing_it(
    home_grid: Grid, grid_worker: Persona
) -> None:
    found = a_case(home_grid)
    good = SimpleUploadedFile("a.jpg", jpeg(), "image/jpeg")
    bad = SimpleUploadedFile("b.jpg", b"GIF89a not really", "image/jpeg")
    (result,) = send(grid_worker, [found], **{f"photo:{found['key']}:0": good,
                                               f"photo:{found['key']}:1": bad})  # fmt: skip
    assert result["state"] == "refused" and not Case.objects.exists()


def test_it_answers_items_that_are_not_records(grid_worker: Persona) -> None:
    odd = [1, "x", None, [], {"kind": "teleport", "key": key(), "at": ago(1)}, {}]
    results = send(grid_worker, odd)
    assert [r["state"] for r in results] == ["refused"] * 6
    assert not SyncedRecord.objects.exists()


def test_it_refuses_ten_thousand_records_at_once(grid_worker: Persona) -> None:
    many = [{"key": key(), "kind": "patrol_end", "at": ago(1), "patrol": "id:1"}] * 10_000
    answer = grid_worker.client.post(SYNC, {"records": json.dumps(many)})
    assert answer.status_code == 422 and "50" in answer.json()["detail"]
    assert not SyncedRecord.objects.exists()


def test_it_refuses_check_ins_on_someone_elses_patrol(
    home_grid: Grid, grid_worker: Persona, officer: Persona, patrol: Patrol
) -> None:
    """The officer sees the worker's patrol but may not walk it, nor hang a case on it."""
    where = point_in(home_grid)
    point = {"key": key(), "kind": "checkin", "at": ago(1), "patrol": f"id:{patrol.pk}",
             "lon": where.x, "lat": where.y}  # fmt: skip
    hung = a_case(home_grid, patrol=f"id:{patrol.pk}")
    results = send(officer, [point, hung])
    assert [r["state"] for r in results] == ["refused", "refused"]
    assert not CheckIn.objects.exists() and not Case.objects.exists()


def test_it_refuses_records_dated_far_away(home_grid: Grid, grid_worker: Persona) -> None:
    old = a_case(home_grid, at=(timezone.now() - dt.timedelta(days=31)).isoformat())
    ahead = a_case(home_grid, at=(timezone.now() + dt.timedelta(days=365)).isoformat())
    naive = a_case(home_grid, at="2026-01-01T00:00:00")
    results = send(grid_worker, [old, ahead, naive])
    assert [r["state"] for r in results] == ["refused"] * 3
    assert not Case.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("district_reloaded")
def test_it_keeps_a_record_once_when_two_sends_race(
    home_grid: Grid, grid_worker: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real threads, real connections: both sends found the key unknown before either claimed
    it; one files the case, the other answers what it made."""
    found = a_case(home_grid)
    second = Client()
    second.force_login(grid_worker.user)
    both_looked = threading.Barrier(2, timeout=10)
    apply = sync._apply

    def look_then_wait(*args: Any) -> Any:
        both_looked.wait()
        return apply(*args)

    monkeypatch.setattr(sync, "_apply", look_then_wait)
    answers: list[Any] = []

    def run(client: Client) -> None:
        answers.append(client.post(SYNC, {"records": json.dumps([found])}))
        connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in (grid_worker.client, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results = [a.json()["results"][0] for a in answers]
    assert [r["state"] for r in results] == ["sent", "sent"], results
    assert results[0]["ref"] == results[1]["ref"] and Case.objects.count() == 1


def test_it_refuses_positions_that_are_not_numbers(home_grid: Grid, grid_worker: Persona) -> None:
    start, point = walk(home_grid, checkins=1)[:2]
    bad = [
        start,
        point | {"lon": float("nan")},
        point | {"key": key(), "lat": float("inf")},
        a_case(home_grid, lon=float("nan")),
        a_case(home_grid, lat=float("-inf")),
        a_case(home_grid, lon=1e308, lat=1e308),
    ]
    answer = grid_worker.client.post(SYNC, {"records": json.dumps(bad)})
    assert answer.status_code == 200, answer.content
    states = [r["state"] for r in answer.json()["results"]]
    assert states == ["sent", *["refused"] * 5]
    assert not CheckIn.objects.exists() and not Case.objects.exists()


def test_it_keeps_every_photo_even_under_one_part_name(
    home_grid: Grid, grid_worker: Persona
) -> None:
    """Two files under the same part name: both kept (or refused), never one dropped silently."""
    found = a_case(home_grid)
    photos = [SimpleUploadedFile(f"{n}.jpg", jpeg(), "image/jpeg") for n in range(2)]
    (result,) = send(grid_worker, [found], **{f"photo:{found['key']}:0": photos})
    assert result["state"] == "sent"
    assert Case.objects.get().attachments.count() == 2
