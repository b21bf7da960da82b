"""The portal's services: one-time codes, limits, duplicates, submission and the messages each
step sends."""

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image

from outpost.accounts.models import User
from outpost.cases.models import Case
from outpost.cases.services import act
from outpost.portal import otp, services
from outpost.portal.models import PhoneCode, Ticket, TicketRole
from outpost.portal.senders import read_outbox
from tests.portal.conftest import PHONE, last_code

pytestmark = pytest.mark.django_db


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(out, "JPEG")
    return out.getvalue()


def report(here: tuple[float, float], **more: Any) -> services.Report:
    values: dict[str, Any] = {
        "subtype_code": "0603",
        "description": "小区门口垃圾堆放三天没人清运",
        "phone": PHONE,
        "lon": here[0],
        "lat": here[1],
    }
    return services.Report(**(values | more))


def test_it_sends_a_chinese_code_and_keeps_only_its_hash(outbox: Path) -> None:
    otp.send_code("139 1234 5678", "10.0.0.1")
    sent = read_outbox(outbox)
    assert sent[-1]["phone"] == PHONE and "验证码" in sent[-1]["text"]
    code = last_code(outbox)
    row = PhoneCode.objects.get()
    assert code not in row.code_hash and PHONE not in row.phone_key
    otp.check_code(PHONE, code)
    with pytest.raises(ValidationError):  # once only
        otp.check_code(PHONE, code)


def test_it_refuses_a_code_after_ten_minutes(outbox: Path) -> None:
    otp.send_code(PHONE, "10.0.0.1")
    PhoneCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationError, match=r"过期|expired"):
        otp.check_code(PHONE, last_code(outbox))


def test_it_gives_five_tries_then_asks_for_a_new_code(outbox: Path) -> None:
    otp.send_code(PHONE, "10.0.0.1")
    code = last_code(outbox)
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationError) as error:
            otp.check_code(PHONE, wrong)
        assert str(left) in str(error.value)
    with pytest.raises(ValidationError):
        otp.check_code(PHONE, wrong)
    with pytest.raises(ValidationError):  # the right code no longer helps
        otp.check_code(PHONE, code)


def test_it_refuses_landlines_for_codes(outbox: Path) -> None:
    with pytest.raises(ValidationError):
        otp.send_code("025-83456789", "10.0.0.1")
    assert read_outbox(outbox) == []


def test_it_limits_codes_per_phone_and_per_address(settings: Any, outbox: Path) -> None:
    settings.OUTPOST_PORTAL_CODES_PER_PHONE_HOUR = 2
    settings.OUTPOST_PORTAL_CODES_PER_ADDRESS_HOUR = 3
    otp.send_code(PHONE, "10.0.0.1")
    otp.send_code(PHONE, "10.0.0.2")
    with pytest.raises(ValidationError, match=r"分钟|minutes"):
        otp.send_code(PHONE, "10.0.0.3")
    otp.send_code("13800000001", "10.0.0.9")
    otp.send_code("13800000002", "10.0.0.9")
    otp.send_code("13800000003", "10.0.0.9")
    with pytest.raises(ValidationError):
        otp.send_code("13800000004", "10.0.0.9")
    assert len(read_outbox(outbox)) == 5


def test_it_files_a_resident_case_with_photo_and_ticket(
    here: tuple[float, float], outbox: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.do_submit_report(report(here, files=[("a.jpg", jpeg())]), "10.0.0.1")
    case = ticket.case
    assert case.source == "resident" and case.reporter_id is None
    assert ticket.token == case.tracking_code and ticket.role == TicketRole.REPORTER
    assert case.attachments.count() == 1 and case.state == "reported"
    assert case.reporter_phone_masked.startswith("139")
    assert case.tracking_code in read_outbox(outbox)[-1]["text"]


def test_it_keeps_nothing_when_the_photo_is_bad(here: tuple[float, float]) -> None:
    with pytest.raises(ValidationError):
        services.do_submit_report(report(here, files=[("a.jpg", b"not a photo")]), "10.0.0.1")
    assert not Case.objects.exists() and not Ticket.objects.exists()


def test_it_refuses_a_type_residents_may_not_report(here: tuple[float, float]) -> None:
    for code in ("0301", "0501", "9999"):  # police-only, restricted, unknown
        with pytest.raises(ValidationError):
            services.do_submit_report(report(here, subtype_code=code), "10.0.0.1")
    assert not Case.objects.exists()


def test_it_refuses_a_place_outside_the_district(here: tuple[float, float]) -> None:
    with pytest.raises(ValidationError, match=r"辖区|district"):
        services.do_submit_report(report((100.0, 30.0)), "10.0.0.1")


def test_it_limits_reports_per_phone_each_day(settings: Any, here: tuple[float, float]) -> None:
    settings.OUTPOST_PORTAL_REPORTS_PER_PHONE_DAY = 1
    services.do_submit_report(report(here), "10.0.0.1")
    with pytest.raises(ValidationError, match=r"分钟|minutes"):
        services.do_submit_report(report(here), "10.0.0.2")
    assert Case.objects.count() == 1


def test_it_offers_open_nearby_cases_of_the_same_type_only(here: tuple[float, float]) -> None:
    first = services.do_submit_report(report(here), "10.0.0.1").case
    other = services.do_submit_report(report(here, subtype_code="0601"), "10.0.0.1").case
    subtype = first.subtype
    assert services.nearby_open_cases(subtype, *here) == [first]
    far = (here[0] + 0.01, here[1])
    assert services.nearby_open_cases(subtype, *far) == []
    Case.objects.filter(pk=first.pk).update(state="closed")
    assert services.nearby_open_cases(subtype, *here) == []
    assert other.subtype != subtype


def test_it_lets_a_resident_follow_a_duplicate_without_its_code(
    here: tuple[float, float],
) -> None:
    case = services.do_submit_report(report(here), "10.0.0.1").case
    ticket = services.do_follow(case.pk, case.subtype, *here, "13800000009")
    assert ticket.role == TicketRole.FOLLOWER and ticket.token != case.tracking_code
    with pytest.raises(ValidationError):  # a follower does not rate
        services.do_rate(ticket, "satisfied", "", case.version)
    with pytest.raises(ValidationError):  # not offered there
        services.do_follow(case.pk, case.subtype, here[0] + 0.01, here[1], "13800000009")


def test_it_needs_verification_before_dispatch_and_tells_each_step(
    here: tuple[float, float], outbox: Path, django_capture_on_commit_callbacks: Any
) -> None:
    chief = User.objects.create_superuser("chief_portal", password="x")
    noise = report(here, subtype_code="0605", description="楼下商铺夜间噪声扰民")
    ticket = services.do_submit_report(noise, "10.0.0.1")
    case = ticket.case
    with pytest.raises(ValidationError):  # 受理 straight away: needs the officer first
        act(case, "accept", actor=chief)
    with django_capture_on_commit_callbacks(execute=True):
        case = act(case, "request_verification", actor=chief)
        case = act(case, "verify", actor=chief)
        case = act(case, "dispatch", actor=chief, payload={})
        case = act(case, "sign_on", actor=chief)
        case = act(case, "complete", actor=chief, comment="已清运")
    texts = [m["text"] for m in read_outbox(outbox) if m["phone"] == PHONE]
    assert len(texts) == 4  # verification, accepted, dispatched, completed
    assert all(ticket.token in t for t in texts)
    assert "已办结" in texts[-1] or "handled" in texts[-1]
    rated = services.do_rate(Ticket.objects.get(pk=ticket.pk), "satisfied", "", case.version)
    assert rated.state == "rated" and rated.rating == "satisfied"
