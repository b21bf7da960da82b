"""The instructions API: list mine, send, progress, sign on, report back (multipart photos);
404 outside, 403 inside without the right, 409 when a colleague acted first, 422 on bad input."""

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from outpost.geo.models import CommandRoom, Grid
from outpost.instructions.models import Instruction
from tests.cases.photos import phone_photo
from tests.conftest import Persona
from tests.instructions.conftest import API, post_json, row, send

pytestmark = pytest.mark.django_db


def body(room: CommandRoom, *targets: tuple[str, str], **extra: Any) -> dict[str, Any]:
    deadline = timezone.now() + dt.timedelta(days=2)
    recipients = [{"kind": kind, "code": code} for kind, code in targets]
    return {
        "room": room.station.code,
        "title": "清查辖区电动车违规充电",
        "body": "请各网格于两日内完成清查。",
        "deadline": deadline.isoformat(),
        "priority": "urgent",
        "recipients": recipients,
        **extra,
    }


def test_it_sends_and_answers_with_the_progress(
    room: CommandRoom, home_grid: Grid, commander: Persona
) -> None:
    answer = post_json(commander.client, API, body(room, ("grid", home_grid.code)))
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["room"] == room.station.code and data["priority"] == "urgent"
    assert [r["key"] for r in data["recipients"]] == [f"grid:{home_grid.code}"]
    assert data["summary"]["total"] == 1 and data["url"] == f"/instructions/{data['id']}/"


def test_it_refuses_to_send_outside_scope_and_without_the_right(
    room: CommandRoom, home_grid: Grid, commander: Persona, admin: Persona, outsider: Persona
) -> None:
    sent = body(room, ("grid", home_grid.code))
    assert post_json(outsider.client, API, sent).status_code == 404  # not their room
    refused = post_json(admin.client, API, sent)  # sees the room, may not send
    assert refused.status_code == 403 and refused.json()["detail_en"] == "You may not do this"
    far = post_json(commander.client, API, body(room, ("grid", "320106013001001")))
    assert far.status_code == 422 and "320106013001001" in far.json()["detail"]
    bad = post_json(commander.client, API, body(room, ("station", "x")))
    assert bad.status_code == 422 and bad.json()["errors"]


def test_it_lists_what_was_received_and_what_the_room_sent(
    room: CommandRoom,
    home_grid: Grid,
    commander: Persona,
    grid_worker: Persona,
    outsider: Persona,
) -> None:
    instruction = send(room, commander.user, [("grid", home_grid.code)])
    mine = grid_worker.client.get(f"{API}?box=received").json()
    assert [i["id"] for i in mine] == [instruction.pk]
    assert mine[0]["mine"] == [
        {
            "id": row(instruction, f"grid:{home_grid.code}").pk,
            "name": home_grid.name,
            "state": "sent",
        }
    ]
    assert grid_worker.client.get(f"{API}?box=rooms").json() == []
    assert [i["id"] for i in commander.client.get(f"{API}?box=rooms").json()] == [instruction.pk]
    assert commander.client.get(f"{API}?box=received").json() == []
    assert outsider.client.get(API).json() == []


def test_it_signs_on_and_reports_back_with_photos(
    room: CommandRoom, home_grid: Grid, commander: Persona, grid_worker: Persona
) -> None:
    instruction = send(room, commander.user, [("grid", home_grid.code)])
    rid = row(instruction, f"grid:{home_grid.code}").pk
    base = f"{API}/{instruction.pk}/recipients/{rid}"
    early = grid_worker.client.post(f"{base}/feedback", {"text": "还没签收就反馈"})
    assert early.status_code == 422 and early.json()["detail"] == "请先签收再反馈。"
    signed = grid_worker.client.post(f"{base}/sign-on")
    assert signed.status_code == 200 and signed.json()["state"] == "signed_on"
    again = grid_worker.client.post(f"{base}/sign-on")
    assert again.status_code == 409 and again.json()["detail_en"].startswith("Someone")
    photo = SimpleUploadedFile("现场.jpg", phone_photo(), content_type="image/jpeg")
    reported = grid_worker.client.post(
        f"{base}/feedback", {"text": "已整改", "done": "true", "files": [photo]}
    )
    assert reported.status_code == 201, reported.content
    data = reported.json()
    assert data["state"] == "done" and data["feedback"][0]["final"] is True
    [kept] = data["feedback"][0]["photos"]
    assert kept["content_type"] == "image/jpeg"
    assert commander.client.get(kept["url"]).status_code == 200


def test_it_answers_404_outside_and_403_to_those_who_only_watch(
    room: CommandRoom,
    home_grid: Grid,
    commander: Persona,
    admin: Persona,
    outsider: Persona,
    grid_worker: Persona,
) -> None:
    instruction = send(room, commander.user, [("grid", home_grid.code)])
    rid = row(instruction, f"grid:{home_grid.code}").pk
    for url in (f"{API}/{instruction.pk}", f"{API}/{instruction.pk}/progress"):
        assert outsider.client.get(url).status_code == 404
        assert admin.client.get(url).status_code == 200
        assert grid_worker.client.get(url).status_code == 200
    sign = f"{API}/{instruction.pk}/recipients/{rid}/sign-on"
    assert outsider.client.post(sign).status_code == 404
    assert admin.client.post(sign).status_code == 403
    assert commander.client.post(sign).status_code == 403
    feedback = f"{API}/{instruction.pk}/recipients/{rid}/feedback"
    assert outsider.client.post(feedback, {"text": "x"}).status_code == 404
    assert commander.client.post(feedback, {"text": "x"}).status_code == 403
    assert Instruction.objects.get(pk=instruction.pk).recipients.get().state == "sent"
