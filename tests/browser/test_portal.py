"""The residents' portal on a phone (390 px, issue 14 "Done when"): a resident reports noise with
a photo, pinned by "my location", verifies the phone by the code from the sender's file outbox
and gets a tracking code; the case is verified, dispatched and completed (by a superuser
through the services, as tests/cases do); the resident is told of each step and rates it on the
portal. A grid worker edits their public card on a phone too."""

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from outpost.accounts.models import User
from outpost.cases.models import Case
from outpost.cases.services import act
from outpost.geo.models import Grid
from outpost.portal.models import PublicContact
from outpost.portal.senders import read_outbox
from tests.browser.conftest import District
from tests.browser.test_map import sign_in
from tests.cases.conftest import point_in
from tests.cases.photos import phone_photo
from tests.conftest import HOME_GRID

PHONE = {"width": 390, "height": 844}
MOBILE = "13912345678"
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def fits(page: Page) -> None:
    assert page.evaluate(FITS), f"{page.url} scrolls sideways at 390 px"


def code_from(outbox: Path) -> str:
    found = re.search(r"\b(\d{6})\b", read_outbox(outbox)[-1]["text"])
    assert found
    return found.group(1)


def test_it_reports_verifies_follows_and_rates_from_a_phone(
    people: Any, gulou: District, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    settings.OUTPOST_SMS_BACKEND = "file"
    outbox = tmp_path / "outbox"
    here = point_in(Grid.objects.get(code=HOME_GRID))
    phone = people(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        geolocation={"longitude": here.x, "latitude": here.y},
        permissions=["geolocation"],
    )
    phone.goto(gulou.at("/portal/"))
    fits(phone)
    phone.locator("#go-report").click()
    phone.locator("#id_subtype").select_option("0605")
    phone.locator("#use-location").click()  # the phone's position, then step two
    expect(phone.locator("#chosen-type")).to_contain_text("噪声扰民")
    fits(phone)

    phone.locator("#id_phone").fill(MOBILE)
    phone.locator("#send-code").click()
    expect(phone.locator("#code-form")).to_be_visible()
    assert read_outbox(outbox)[-1]["phone"] == MOBILE
    phone.locator("#id_code").fill(code_from(outbox))
    phone.locator("#check-code").click()
    expect(phone.locator("#verified-phone")).to_have_text("139****5678")

    phone.locator("#id_description").fill("楼下商铺每晚十一点后音响很吵")
    photo = {"name": "noise.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}
    phone.locator("#id_photos").set_input_files([photo])
    phone.locator("#submit-report").click()
    expect(phone.locator("#received")).to_contain_text("您反映的问题已提交")
    code = phone.locator("#tracking-code").inner_text().strip()
    case = Case.objects.get(tracking_code=code)
    assert case.source == "resident" and case.attachments.count() == 1
    assert case.grid_code == HOME_GRID
    fits(phone)
    phone.screenshot(path="/tmp/outpost_portal_received_phone.png", full_page=True)

    chief = User.objects.create_superuser("chief_portal_b", password="x")
    case = act(case, "request_verification", actor=chief)
    case = act(case, "verify", actor=chief, comment="现场核实属实")
    case = act(case, "dispatch", actor=chief, payload={})
    case = act(case, "sign_on", actor=chief)
    act(case, "complete", actor=chief, comment="已约谈商铺，音响已调低")

    phone.goto(gulou.at(f"/portal/track/{code}/"))
    expect(phone.locator("#case-state")).to_have_attribute("data-state", "completed")
    expect(phone.locator("#case-result")).to_contain_text("音响已调低")
    phone.locator("input[name=rating][value=satisfied]").check()
    phone.locator("#send-rating").click()
    expect(phone.locator("#case-state")).to_have_attribute("data-state", "rated")
    expect(phone.locator("#case-rating")).to_have_text("满意")
    fits(phone)
    texts = [m["text"] for m in read_outbox(outbox) if m["phone"] == MOBILE]
    told = " ".join(texts)
    for step in ("已收到", "正在核实", "已受理", "已派至", "已办结"):
        assert step in told, (step, texts)
    assert not phone.problems, phone.problems


def test_it_lets_a_grid_worker_set_their_public_card_on_a_phone(
    people: Any, gulou: District
) -> None:
    phone = people(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(phone, gulou, "gridworker", gulou.password)
    phone.goto(gulou.at("/portal/my-card/"))
    fits(phone)
    phone.locator("#id_show_name").check()
    phone.locator("#id_work_phone").fill("025 8345 6789")
    phone.locator("#my-card-form button[type=submit]").click()
    expect(phone.locator(".message.success")).to_be_visible()
    card = PublicContact.objects.get(user__username="gridworker")
    assert card.show_name and card.work_phone == "025-83456789"
    assert not phone.problems, phone.problems
