"""The offline queue (离线暂存): records kept on the phone and sent when the network returns.

Each record arrives exactly once whatever the network does to the answer; patrols started offline
are named by their start record's key; refusals say why per record and hold nothing else back;
a visit that crossed someone else's is a conflict, never silently kept over it.
"""

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from outpost.accounts.roles import Role
from outpost.cases.models import Case
from outpost.fieldwork import services
from outpost.fieldwork.models import CheckIn, Patrol, SyncedRecord, Visit
from outpost.geo.models import Grid
from tests.conftest import HOME_GRID, Persona, _persona
from tests.fieldwork.conftest import Subjects, point_in, point_outside
from tests.matrix_world import jpeg

pytestmark = pytest.mark.django_db
SYNC = "/api/v1/fieldwork/sync"
TODAY = "/api/v1/fieldwork/today"


def key() -> str:
    return uuid.uuid4().hex


def ago(minutes: int) -> str:
    return (timezone.now() - dt.timedelta(minutes=minutes)).isoformat()


def send(who: Persona, records: list[dict[str, Any]], **files: Any) -> list[dict[str, Any]]:
    answer = who.client.post(SYNC, {"records": json.dumps(records), **files})
    assert answer.status_code == 200, answer.content
    return answer.json()["results"]


def walk(grid: Grid, checkins: int = 3) -> list[dict[str, Any]]:
    """A patrol started, walked and ended offline: start, check-ins, end."""
    start = {"key": key(), "kind": "patrol_start", "at": ago(60), "grid": grid.code}
    where = point_in(grid)
    points = [
        {"key": key(), "kind": "checkin", "at": ago(50 - n), "patrol": start["key"],
         "lon": where.x, "lat": where.y}
        for n in range(checkins)
    ]  # fmt: skip
    end = {"key": key(), "kind": "patrol_end", "at": ago(10), "patrol": start["key"]}
    return [start, *points, end]


def test_it_keeps_an_offline_patrol_with_the_phones_times(
    home_grid: Grid, grid_worker: Persona
) -> None:
    records = walk(home_grid)
    results = send(grid_worker, records)
    assert [r["state"] for r in results] == ["sent"] * 5
    patrol = Patrol.objects.get(worker=grid_worker.user)
    assert patrol.checkins.count() == 3 and all(c.inside for c in patrol.checkins.all())
    started = dt.datetime.fromisoformat(records[0]["at"])
    assert abs((patrol.started_at - started).total_seconds()) < 1
    assert patrol.ended_at is not None and patrol.ended_at < timezone.now() - dt.timedelta(
        minutes=9
    )


def test_it_keeps_each_record_once_when_sent_again(home_grid: Grid, grid_worker: Persona) -> None:
    """The answer was lost: the phone sends the whole queue again, and again in pieces."""
    records = walk(home_grid)
    first = send(grid_worker, records)
    again = send(grid_worker, records)
    pieces = send(grid_worker, records[2:]) + send(grid_worker, records[:2])
    assert again == first
    same = [json.dumps(r, sort_keys=True) for r in first]  # jsonb keeps no key order
    assert sorted(json.dumps(r, sort_keys=True) for r in pieces) == sorted(same)
    assert Patrol.objects.count() == 1 and CheckIn.objects.count() == 3
    assert SyncedRecord.objects.filter(user=grid_worker.user).count() == 5


def test_it_flags_a_point_outside_the_grid(home_grid: Grid, grid_worker: Persona) -> None:
    records = walk(home_grid, checkins=1)
    outside = point_outside()
    records[1] |= {"lon": outside.x, "lat": outside.y}
    results = send(grid_worker, records)
    assert results[1]["state"] == "sent" and results[1]["ref"]["inside"] is False
    assert CheckIn.objects.get().inside is False


def test_it_refuses_one_record_and_keeps_the_rest(home_grid: Grid, grid_worker: Persona) -> None:
    records = walk(home_grid, checkins=2)
    records[1]["at"] = (timezone.now() + dt.timedelta(hours=2)).isoformat()  # clock ahead
    results = send(grid_worker, records)
    assert [r["state"] for r in results] == ["sent", "refused", "sent", "sent"]
    assert "时间" in results[1]["detail"] and "clock" in results[1]["detail_en"]
    assert CheckIn.objects.count() == 1
    # The refusal is the key's answer from now on, in both languages again.
    assert send(grid_worker, [records[1]]) == [results[1]]


def test_it_refuses_the_check_ins_of_a_patrol_that_was_refused(
    home_grid: Grid, grid_worker: Persona
) -> None:
    other = Grid.objects.exclude(code=home_grid.code).filter(code__startswith="3201060130").first()
    assert other is not None
    records = walk(other, checkins=1)
    results = send(grid_worker, records)
    assert [r["state"] for r in results] == ["refused"] * 3
    assert "辖区" in results[0]["detail"]  # not found, or outside your area
    assert "refused" in results[1]["detail_en"] and not Patrol.objects.exists()


def test_it_refuses_a_record_naming_a_patrol_never_sent(grid_worker: Persona) -> None:
    orphan = {"key": key(), "kind": "patrol_end", "at": ago(1), "patrol": key()}
    (result,) = send(grid_worker, [orphan])
    assert result["state"] == "refused" and "never sent" in result["detail_en"]


def test_it_does_not_let_one_user_use_anothers_keys(
    home_grid: Grid, grid_worker: Persona, officer: Persona
) -> None:
    """Keys are per user: the officer naming the worker's patrol by its key gets nothing."""
    records = walk(home_grid, checkins=0)[:1]
    send(grid_worker, records)
    where = point_in(home_grid)
    theirs = {"key": key(), "kind": "checkin", "at": ago(1), "patrol": records[0]["key"],
              "lon": where.x, "lat": where.y}  # fmt: skip
    (result,) = send(officer, [theirs])
    assert result["state"] == "refused" and not CheckIn.objects.exists()
    # The same key as the worker's start, from the officer: a record of the officer's own.
    (again,) = send(officer, [records[0] | {"kind": "patrol_start"}])
    assert again["state"] == "sent" and Patrol.objects.count() == 2


def test_it_continues_a_patrol_started_online(
    home_grid: Grid, grid_worker: Persona, patrol: Patrol
) -> None:
    where = point_in(home_grid)
    point = {"key": key(), "kind": "checkin", "at": ago(1), "patrol": f"id:{patrol.pk}",
             "lon": where.x, "lat": where.y}  # fmt: skip
    (result,) = send(grid_worker, [point])
    assert result["state"] == "sent" and patrol.checkins.count() == 1


def test_it_files_a_case_with_its_photo(home_grid: Grid, grid_worker: Persona) -> None:
    records = walk(home_grid, checkins=1)
    where = point_in(home_grid)
    found = {"key": key(), "kind": "case", "at": ago(20), "subtype": "0101",
             "title": "井盖松动", "description": "人行道井盖松动", "lon": where.x, "lat": where.y,
             "patrol": records[0]["key"]}  # fmt: skip
    photo = SimpleUploadedFile("p.jpg", jpeg(), "image/jpeg")
    results = send(grid_worker, [*records, found], **{f"photo:{found['key']}:0": photo})
    assert results[-1]["state"] == "sent"
    case = Case.objects.get(number=results[-1]["ref"]["case"])
    assert case.title == "井盖松动" and case.grid_code == home_grid.code
    assert case.attachments.count() == 1
    assert list(Patrol.objects.get().cases.all()) == [case]
    assert send(grid_worker, [found]) == results[-1:] and Case.objects.count() == 1


def test_it_reports_a_finding_at_the_patrols_last_check_in_with_its_photos(
    home_grid: Grid, grid_worker: Persona
) -> None:
    """As the patrol page does: a report on a patrol that gives no place is made at the last
    check-in sent before it, with that check-in's photos."""
    start, first, second, end = walk(home_grid, checkins=2)
    second = {**second, "lon": second["lon"] + 0.0001}  # a step further on
    found = {"key": key(), "kind": "case", "at": ago(20), "subtype": "0101",
             "title": "井盖松动", "patrol": start["key"]}  # fmt: skip
    photo = SimpleUploadedFile("p.jpg", jpeg(), "image/jpeg")
    results = send(
        grid_worker, [start, first, second, found, end], **{f"photo:{second['key']}:0": photo}
    )
    assert [r["state"] for r in results] == ["sent"] * 5
    case = Case.objects.get(number=results[3]["ref"]["case"])
    point = CheckIn.objects.get(pk=results[2]["ref"]["checkin"])
    assert (case.lon, case.lat) == (point.lon, point.lat) and case.attachments.count() == 1
    assert list(Patrol.objects.get().cases.all()) == [case]


def test_it_refuses_a_report_with_no_place_and_no_check_in(
    home_grid: Grid, grid_worker: Persona
) -> None:
    start = walk(home_grid, checkins=0)[0]
    found = {"key": key(), "kind": "case", "at": ago(20), "subtype": "0101", "title": "乱堆物"}
    nowhere = {**found, "key": key(), "patrol": start["key"]}
    results = send(grid_worker, [start, found, nowhere])
    assert [r["state"] for r in results] == ["sent", "refused", "refused"]
    assert "位置" in results[1]["detail"] and "请先签到" in results[2]["detail"]
    assert not Case.objects.exists()


def test_it_refuses_a_photo_that_is_not_one(home_grid: Grid, grid_worker: Persona) -> None:
    where = point_in(home_grid)
    found = {"key": key(), "kind": "case", "at": ago(5), "subtype": "0101", "title": "乱堆物",
             "lon": where.x, "lat": where.y}  # fmt: skip
    fake = SimpleUploadedFile("p.jpg", b"<script>alert(1)</script>", "image/jpeg")
    (result,) = send(grid_worker, [found], **{f"photo:{found['key']}:0": fake})
    assert result["state"] == "refused" and not Case.objects.exists()


def test_it_shows_a_visit_that_crossed_another_as_a_conflict(
    subjects: Subjects, grid_worker: Persona, officer: Persona
) -> None:
    """The worker's list was taken before the officer's visit: the worker's record is not kept
    over it silently; sent again with `force`, it is kept beside it."""
    seen = timezone.now() - dt.timedelta(hours=3)
    services.record_visit(subjects.elder, services.NewVisit("王奶奶本人"), actor=officer.user)
    visit = {"key": key(), "kind": "visit", "at": ago(30), "subject_kind": "care",
             "subject_key": "FW-P-1", "met": "王奶奶", "seen_last": None}  # fmt: skip
    visit["seen_last"] = seen.isoformat()
    (result,) = send(grid_worker, [visit])
    assert result["state"] == "conflict" and "officer" in result["detail"]
    assert Visit.objects.count() == 1 and not SyncedRecord.objects.exists()
    (forced,) = send(grid_worker, [visit | {"force": True}])
    assert forced["state"] == "sent" and Visit.objects.count() == 2


def test_it_keeps_a_visit_nobody_crossed(subjects: Subjects, grid_worker: Persona) -> None:
    visit = {"key": key(), "kind": "visit", "at": ago(30), "subject_kind": "rental",
             "subject_key": "FW-H-1", "met": "租客", "found": "正常"}  # fmt: skip
    (result,) = send(grid_worker, [visit])
    assert result["state"] == "sent"
    kept = Visit.objects.get()
    assert kept.house == subjects.house and kept.visited_at < timezone.now() - dt.timedelta(
        minutes=29
    )


def test_it_refuses_a_visit_outside_the_area_like_a_missing_one(
    subjects: Subjects, outsider: Persona
) -> None:
    visit = {"key": key(), "kind": "visit", "at": ago(1), "subject_kind": "care",
             "subject_key": "FW-P-1", "met": "x"}  # fmt: skip
    missing = visit | {"key": key(), "subject_key": "NO-SUCH"}
    there, nowhere = send(outsider, [visit, missing])
    assert there["state"] == nowhere["state"] == "refused"
    assert there["detail"] == nowhere["detail"] and not Visit.objects.exists()


def test_it_says_which_fields_are_wrong(grid_worker: Persona) -> None:
    bad = {"key": key(), "kind": "checkin", "at": "yesterday", "patrol": "x"}
    (result,) = send(grid_worker, [bad])
    assert result["state"] == "refused" and result["key"] == bad["key"]
    assert "at" in result["detail"] and "lon" in result["detail"]


def test_it_refuses_a_body_that_is_not_a_list(grid_worker: Persona) -> None:
    answer = grid_worker.client.post(SYNC, {"records": "{}"})
    assert answer.status_code == 422 and "JSON" in answer.json()["detail"]


def test_it_gives_the_phone_todays_tasks(
    subjects: Subjects, grid_worker: Persona, plan: Any, patrol: Patrol
) -> None:
    today = grid_worker.client.get(TODAY).json()
    assert today["username"] == grid_worker.user.username
    assert today["open_patrol"]["id"] == patrol.pk
    (grid,) = today["grids"]
    assert grid["plans"] == [{"id": plan.pk, "name": plan.name}]
    assert {d["key"] for d in today["due"]} >= {"FW-P-1", "FW-H-1", "FW-U-1"}
    assert "0101" in {t["code"] for t in today["case_types"]}


def test_it_gives_an_outsider_nothing_of_the_home_grid(
    subjects: Subjects, outsider: Persona
) -> None:
    today = outsider.client.get(TODAY).json()
    assert today["due"] == [] and today["open_patrol"] is None
    assert all(not g["code"].startswith("3201060010") for g in today["grids"])


def test_it_refuses_the_reporters_who_have_no_field_work(home_grid: Grid) -> None:
    reporter_8 = _persona("baoan_p", Role.REPORTER, HOME_GRID)
    assert reporter_8.client.get(TODAY).status_code == 403
    assert reporter_8.client.post(SYNC, {"records": "[]"}).status_code == 403
