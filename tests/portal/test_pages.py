"""The portal's pages as a resident and as staff use them: report in two steps, a phone code,
duplicates, tracking and rating, find my people, and staff's own public card."""

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from outpost.cases.models import Case
from outpost.geo.models import Grid
from outpost.portal import services
from outpost.portal.models import PublicContact, Ticket
from outpost.registry.models import StandardAddress
from outpost.stations.models import OpeningSpan
from tests.conftest import HOME_GRID, Persona
from tests.portal.conftest import PHONE, last_code, verified_client
from tests.portal.test_services import jpeg, report

pytestmark = pytest.mark.django_db


def details_url(here: tuple[float, float], subtype: str = "0605") -> str:
    return f"/portal/report/details/?subtype={subtype}&lon={here[0]}&lat={here[1]}"


def door_and_room(here: tuple[float, float]) -> StandardAddress:
    grid = Grid.objects.get(code=HOME_GRID)
    common = {"community_code": grid.community.code, "grid_code": HOME_GRID, "road": "鼓楼大街"}
    door = StandardAddress.objects.create(
        code="P0001",
        level="door",
        door_no="12号",
        full_text="鼓楼大街12号",
        lon=here[0],
        lat=here[1],
        **common,
    )
    StandardAddress.objects.create(
        code="P0002",
        level="room",
        parent=door,
        door_no="12号",
        compound="幸福小区",
        building="3栋",
        room="501",
        full_text="鼓楼大街12号幸福小区3栋501",
        lon=here[0],
        lat=here[1],
        **common,
    )
    return door


def test_it_lists_door_plates_only_when_searching(here: tuple[float, float]) -> None:
    door_and_room(here)
    page = Client().get("/portal/report/?subtype=0605&q=鼓楼大街 12").content.decode()
    assert "鼓楼大街12号" in page and "address=P0001" in page
    assert "501" not in page and "幸福小区" not in page and "P0002" not in page


def test_it_goes_on_to_details_from_a_door_plate(here: tuple[float, float]) -> None:
    door_and_room(here)
    answer = Client().get("/portal/report/?subtype=0605&address=P0001")
    assert answer.status_code == 302 and "address=P0001" in answer["Location"]
    page = Client().get(answer["Location"]).content.decode()
    assert "鼓楼大街12号" in page and "获取验证码" in page


def test_it_asks_again_for_a_place_outside_the_district() -> None:
    answer = Client().get("/portal/report/details/?subtype=0605&lon=100&lat=30")
    assert answer.status_code == 400 and "辖区" in answer.content.decode()


def test_it_reports_after_the_phone_code(here: tuple[float, float], outbox: Path) -> None:
    client = Client()
    url = details_url(here)
    client.post("/portal/phone/", {"step": "send", "phone": PHONE, "next": url})
    wrong = client.post("/portal/phone/", {"step": "check", "code": "000001", "next": url})
    if last_code(outbox) != "000001":
        assert "验证码不正确" in wrong.content.decode()
    ok = client.post("/portal/phone/", {"step": "check", "code": last_code(outbox), "next": url})
    assert ok.status_code == 302 and ok["Location"] == url
    photo = SimpleUploadedFile("scene.jpg", jpeg(), content_type="image/jpeg")
    sent = client.post(url, {"description": "夜间施工噪声", "photos": [photo]})
    assert sent.status_code == 302
    case = Case.objects.get()
    assert case.source == "resident" and case.attachments.count() == 1
    page = client.get(sent["Location"]).content.decode()
    assert case.tracking_code in page and "您反映的问题已提交" in page


def test_it_does_not_take_a_report_without_a_verified_phone(here: tuple[float, float]) -> None:
    answer = Client().post(details_url(here), {"description": "夜间施工噪声"})
    assert answer.status_code == 200 and not Case.objects.exists()


def test_it_offers_a_nearby_case_without_anything_personal(
    here: tuple[float, float], outbox: Path
) -> None:
    services.do_submit_report(report(here, subtype_code="0605", description="张三家装修太吵"), "x")
    client = verified_client(outbox, "13800000009")
    page = client.get(details_url(here)).content.decode()
    assert "附近已有人反映" in page and "噪声扰民" in page
    assert "张三" not in page and "5678" not in page
    case = Case.objects.get()
    followed = client.post(
        "/portal/report/follow/?" + details_url(here).split("?")[1], {"case": case.pk}
    )
    assert followed.status_code == 302
    ticket = Ticket.objects.get(role="follower")
    page = client.get(followed["Location"]).content.decode()
    assert ticket.token in page and case.tracking_code not in page and "张三" not in page


def test_it_answers_an_unknown_tracking_code_with_404() -> None:
    answer = Client().get("/portal/track/NOSUCHCODE/")
    assert answer.status_code == 404 and "没有该跟踪码" in answer.content.decode()
    assert Client().get("/portal/track/A%00B/").status_code in (400, 404)


def test_it_lets_only_the_reporter_rate(here: tuple[float, float], outbox: Path) -> None:
    ticket = services.do_submit_report(report(here, subtype_code="0605"), "x")
    follower = services.do_follow(ticket.case.pk, ticket.case.subtype, *here, "13800000009")
    Case.objects.filter(pk=ticket.case.pk).update(state="completed", result="已约谈王五")
    version = Case.objects.get().version
    assert "send-rating" in Client().get(f"/portal/track/{ticket.token}/").content.decode()
    followed = Client().get(f"/portal/track/{follower.token}/").content.decode()
    assert "send-rating" not in followed and "王五" not in followed
    Client().post(
        f"/portal/track/{follower.token}/rate/", {"rating": "unsatisfied", "version": version}
    )
    assert Case.objects.get().state == "completed"
    Client().post(
        f"/portal/track/{ticket.token}/rate/", {"rating": "satisfied", "version": version}
    )
    assert Case.objects.get().rating == "satisfied"


def test_it_shows_the_contact_card_as_staff_chose(
    here: tuple[float, float], grid_worker: Persona, officer: Persona
) -> None:
    station = Grid.objects.get(code=HOME_GRID).community.outpost
    OpeningSpan.objects.create(station=station, weekday=0, opens="08:30", closes="17:30")
    page = Client().get(f"/portal/people/?lon={here[0]}&lat={here[1]}").content.decode()
    assert "网格员" in page and "社区民警" in page and station.name in page
    assert "周一 08:30–17:30" in page
    assert "worker_p" not in page and "officer_p" not in page  # names hidden by default
    PublicContact.objects.create(user=grid_worker.user, show_name=True, work_phone="025-83456789")
    page = Client().get(f"/portal/people/?lon={here[0]}&lat={here[1]}").content.decode()
    assert "worker_p" in page and "025-83456789" in page and "officer_p" not in page


def test_it_finds_my_people_from_an_address(here: tuple[float, float]) -> None:
    door_and_room(here)
    page = Client().get("/portal/people/?q=鼓楼大街").content.decode()
    assert "鼓楼大街12号" in page and "501" not in page
    card = Client().get("/portal/people/?address=P0001").content.decode()
    assert "contact-card" in card and "鼓楼大街12号" in card


def test_it_lets_staff_edit_only_their_own_card(grid_worker: Persona, officer: Persona) -> None:
    assert Client().get("/portal/my-card/").status_code == 302  # sign in first
    answer = grid_worker.client.post(
        "/portal/my-card/", {"show_name": "on", "work_phone": "025-83456789"}
    )
    assert answer.status_code == 302
    assert PublicContact.objects.get(user=grid_worker.user).work_phone == "025-83456789"
    page = officer.client.get("/portal/my-card/").content.decode()
    assert "025-83456789" not in page
    bad = officer.client.post("/portal/my-card/", {"work_phone": "abc"})
    assert bad.status_code == 200 and "不是有效的电话号码" in bad.content.decode()
    assert not PublicContact.objects.filter(user=officer.user).exists()


def test_it_tells_the_resident_plainly_when_codes_run_out(
    settings: Any, here: tuple[float, float], outbox: Path
) -> None:
    settings.OUTPOST_PORTAL_CODES_PER_PHONE_HOUR = 1
    client = Client()
    client.post("/portal/phone/", {"step": "send", "phone": PHONE, "next": "/portal/"})
    page = client.post("/portal/phone/", {"step": "send", "phone": PHONE, "next": "/portal/"})
    assert "获取验证码次数过多" in page.content.decode()


def test_it_never_redirects_off_site(outbox: Path) -> None:
    answer = Client().post(
        "/portal/phone/", {"step": "send", "phone": PHONE, "next": "https://evil.example/"}
    )
    assert answer["Location"].startswith("/portal/report/")
