"""Posting service requests: an API key, the form fields of the specification, and a resident
case that then goes round the loop like any other."""

import datetime as dt
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from outpost.cases import services
from outpost.cases.models import Case
from outpost.cases.workflow import State
from outpost.core.models import ChangeRecord
from outpost.geo.models import Grid
from outpost.open311.models import ApiKey, Submission
from tests.cases.conftest import point_in
from tests.conftest import Persona
from tests.open311.test_georeport import V2, error_of, tags, xml_of

pytestmark = pytest.mark.django_db


def form(home_grid: Grid, key: str, **more: str) -> dict[str, str]:
    where = point_in(home_grid)
    return {
        "api_key": key,
        "service_code": "0603",
        "lat": str(where.y),
        "long": str(where.x),
        "description": "楼下垃圾桶满了没人清",
        "first_name": "小明",
        "last_name": "王",
        "phone": "13800001111",
        "email": "wang@example.com",
        "device_id": "dev-1",
        "account_id": "acc-9",
        "attribute[urgency]": "urgent",
        **more,
    }


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_files_a_posted_request_as_a_resident_case(
    client: Client, home_grid: Grid, api_key: tuple[str, ApiKey], fmt: str
) -> None:
    answer = client.post(f"{V2}/requests.{fmt}", form(home_grid, api_key[0]))
    assert answer.status_code == 200, answer.content
    if fmt == "json":
        [row] = json.loads(answer.content)
        assert list(row) == ["service_request_id", "service_notice", "account_id"]
    else:
        [element] = xml_of(answer, "service_requests")
        assert element.tag == "request"
        assert tags(element) == ["service_request_id", "service_notice", "account_id"]
        row = {c.tag: c.text for c in element}
    case = Case.objects.get(number=row["service_request_id"])
    assert row["account_id"] == "acc-9"
    assert case.source == "resident" and case.subtype.code == "0603"
    assert case.urgency == "urgent" and case.reporter_name == "王 小明"
    assert case.reporter is None and case.grid_code == home_grid.code
    # Verified by the beat's officer before anyone accepts and dispatches it.
    assert case.state == State.AWAITING_VERIFICATION
    actors = list(case.timeline.order_by("pk").values_list("actor_name", flat=True))
    assert actors == ["resident", "system:open311"]
    submission = Submission.objects.get(case=case)
    assert submission.api_key == api_key[1] and submission.device_id == "dev-1"
    token = client.get(f"{V2}/tokens/{submission.token}.{fmt}")
    if fmt == "json":
        assert json.loads(token.content) == [
            {"service_request_id": case.number, "token": submission.token}
        ]
    else:
        [element] = xml_of(token, "service_requests")
        assert tags(element) == ["service_request_id", "token"]


def test_it_follows_the_posted_case_round_the_loop(
    client: Client, home_grid: Grid, api_key: tuple[str, ApiKey], chief: Any
) -> None:
    posted = client.post(f"{V2}/requests.json", form(home_grid, api_key[0], service_code="9901"))
    number = json.loads(posted.content)[0]["service_request_id"]
    case = Case.objects.get(number=number)
    with pytest.raises(ValidationError):
        services.act(case, "accept", actor=chief)  # not before the officer has verified it
    case = services.act(Case.objects.get(pk=case.pk), "verify", actor=chief)
    target = {"kind": "grid", "code": case.grid_code, "lead": True}
    case = services.act(case, "dispatch", actor=chief, payload={"targets": [target]})
    case = services.act(case, "sign_on", actor=chief)
    [row] = json.loads(client.get(f"{V2}/requests/{number}.json").content)
    assert row["status"] == "open" and row["status_notes"] == "Being handled"
    assert row["agency_responsible"] == target_name(case)
    assert row["expected_datetime"] is not None and row["expected_datetime"].endswith("+08:00")
    for secret in ("王", "小明", "13800001111", "wang@example.com", "dev-1", case.tracking_code):
        assert secret not in json.dumps(row, ensure_ascii=False)
    services.act(case, "complete", actor=chief, comment="已清理")
    [done] = json.loads(client.get(f"{V2}/requests/{number}.json").content)
    assert done["status"] == "closed" and done["status_notes"] == "Completed, awaiting feedback"
    assert "已清理" not in json.dumps(done, ensure_ascii=False)  # results are not published


def target_name(case: Case) -> str:
    return case.assignments.get(active=True, lead=True).unit_name


def test_it_files_at_a_standard_address(
    client: Client, home_grid: Grid, api_key: tuple[str, ApiKey]
) -> None:
    from outpost.registry.models import StandardAddress

    where = point_in(home_grid)
    room = StandardAddress.objects.create(
        code="O311-ROOM",
        level="room",
        community_code=home_grid.community.code,
        road="中山路",
        door_no="83号",
        building="2栋",
        room="1203",
        full_text="中山路83号2栋1203室",
        lon=where.x,
        lat=where.y,
        grid_code=home_grid.code,
    )
    base = form(home_grid, api_key[0], lat="", long="")
    by_text = client.post(f"{V2}/requests.json", {**base, "address_string": room.full_text})
    [row] = json.loads(by_text.content)
    case = Case.objects.get(number=row["service_request_id"])
    assert case.address == room
    [shown] = json.loads(client.get(f"{V2}/requests/{case.number}.json").content)
    assert shown["address"] == "中山路83号2栋" and shown["address_id"] is None  # never the room
    unknown = client.post(f"{V2}/requests.json", {**base, "address_id": "NOPE"})
    assert unknown.status_code == 400


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_it_refuses_posts_without_a_valid_key(
    client: Client, home_grid: Grid, api_key: tuple[str, ApiKey], admin: Persona, fmt: str
) -> None:
    for key in ("", "not-a-key"):
        answer = client.post(f"{V2}/requests.{fmt}", form(home_grid, key))
        assert answer.status_code == 403 and error_of(answer, fmt)[0] == 403
    from outpost.open311 import keys

    keys.deactivate_key(admin.user, api_key[1])
    answer = client.post(f"{V2}/requests.{fmt}", form(home_grid, api_key[0]))
    assert answer.status_code == 403
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("more", "status"),
    [
        ({"service_code": ""}, 400),
        ({"service_code": "0301"}, 404),  # police-only: not a service
        ({"lat": "", "long": ""}, 400),
        ({"lat": "abc"}, 400),
        ({"lat": "0", "long": "0"}, 400),  # outside the district
        ({"attribute[urgency]": "critical"}, 400),
        ({"phone": "12"}, 400),
        ({"media_url": "javascript:alert(1)"}, 400),
        ({"jurisdiction_id": "elsewhere"}, 404),
    ],
)
def test_it_refuses_bad_posts_and_writes_nothing(
    client: Client, home_grid: Grid, api_key: tuple[str, ApiKey], more: dict[str, str], status: int
) -> None:
    answer = client.post(f"{V2}/requests.xml", form(home_grid, api_key[0], **more))
    assert answer.status_code == status
    code, description = error_of(answer, "xml")
    assert code == status and description
    assert not Case.objects.exists() and not Submission.objects.exists()


def test_it_limits_posts_per_key_and_hour(
    client: Client, home_grid: Grid, api_key: tuple[str, ApiKey]
) -> None:
    for _ in range(3):  # the fixture's key allows three an hour
        assert client.post(f"{V2}/requests.json", form(home_grid, api_key[0])).status_code == 200
    answer = client.post(f"{V2}/requests.json", form(home_grid, api_key[0]))
    assert answer.status_code == 429 and int(answer["Retry-After"]) > 0
    assert error_of(answer, "json")[0] == 429
    assert Case.objects.count() == 3


def test_it_answers_errors_in_chinese_when_asked(home_grid: Grid) -> None:
    answer = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"{V2}/services/9999.xml")
    description = ET.fromstring(answer.content).findtext("error/description") or ""
    assert "9999" in description and "未找到" in description


def test_it_audits_keys(api_key: tuple[str, ApiKey]) -> None:
    record = ChangeRecord.objects.get(object_type="open311.apikey")
    assert record.action == "create" and api_key[0] not in json.dumps(record.after)
    assert api_key[1].key_hash != api_key[0] and api_key[0] not in api_key[1].key_hash


def test_it_keeps_a_keys_last_use_to_the_minute(
    client: Client, home_grid: Grid, api_key: tuple[str, ApiKey]
) -> None:
    """The key's row is written once a minute at most, not on every post of a busy app."""
    raw, row = api_key
    assert client.post(f"{V2}/requests.json", form(home_grid, raw)).status_code == 200
    first = ApiKey.objects.get(pk=row.pk).last_used_at
    assert first is not None
    assert client.post(f"{V2}/requests.json", form(home_grid, raw)).status_code == 200
    assert ApiKey.objects.get(pk=row.pk).last_used_at == first  # within the minute: no write
    ApiKey.objects.filter(pk=row.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    assert client.post(f"{V2}/requests.json", form(home_grid, raw)).status_code == 200
    assert ApiKey.objects.get(pk=row.pk).last_used_at > first
