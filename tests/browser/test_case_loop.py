"""The closed loop in a real browser (issue 4, "Done when"): a grid worker reports from the phone
by tapping the map inside their grid, the street commander accepts and dispatches it to a
department, the department's handler signs on and completes it, the resident follows it by the
tracking code and rates it, and the commander closes it. Each step is checked on the page.

Everyone works in their own browser context, in Chinese (zh-CN), as they would on their own
device. Screenshots of each screen are left in /tmp for a look.
"""

import re
from typing import Any

from playwright.sync_api import Page, expect

from outpost.accounts.models import User
from outpost.cases.models import Case
from outpost.geo.geometry import from_geojson_text
from outpost.geo.models import Grid
from outpost.registry.models import StandardAddress
from tests.browser.conftest import District
from tests.browser.test_map import loaded_cleanly, point_inside, sign_in
from tests.cases.photos import has_gps, phone_photo

PHONE = {"width": 390, "height": 844}
SHOTS = {
    "report": "/tmp/outpost_case_report_phone.png",
    "queue": "/tmp/outpost_case_queue.png",
    "detail": "/tmp/outpost_case_detail.png",
    "status": "/tmp/outpost_case_status.png",
    "status_phone": "/tmp/outpost_case_status_phone.png",
    "dispatch": "/tmp/outpost_case_dispatch.png",
    "queue_phone": "/tmp/outpost_case_queue_phone.png",
    "detail_phone": "/tmp/outpost_case_detail_phone.png",
}


def expect_state(page: Page, state: str, label: str) -> None:
    badge = page.locator("#case-state")
    expect(badge).to_have_attribute("data-state", state)
    expect(badge).to_have_text(label)


def photo(name: str) -> dict[str, Any]:
    """A phone photo as the file chooser hands it over (with GPS in its EXIF)."""
    return {"name": name, "mimeType": "image/jpeg", "buffer": phone_photo()}


def take(page: Page, action: str, files: list[Any] | None = None, **fields: str) -> None:
    """Open an action's panel on the case page, fill its fields and send it."""
    panel = page.locator(f"details#action-{action}")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    form = panel.locator("form")
    if files:
        form.locator(f"[name='{action}-photos']").set_input_files(files)
    for name, value in fields.items():
        control = form.locator(f"[name='{action}-{name}']")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.locator("button[type=submit]").click()


def test_it_closes_the_loop_from_report_to_rating(people: Any, loop_district: District) -> None:
    district = loop_district
    worker = User.objects.get(username="gridworker")
    home = Grid.objects.get(code=worker.assignments.get().scope_code)

    # 1. The grid worker reports from the phone, pinning the place on the map in their grid.
    phone = people(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(phone, district, "gridworker", district.password)
    phone.locator("header.top nav a[href='/cases/']").click()
    phone.get_by_role("link", name=re.compile("上报事件")).click()
    expect(phone.locator("h1")).to_have_text("上报事件")
    expect(phone.locator(f"#pick-map path[data-code='{home.code}']")).to_have_count(1)
    phone.locator("#id_subtype").select_option("0601")
    phone.locator("#id_title").fill("菜场门口占道卖菜")
    phone.locator("#id_description").fill("早市摊贩占用人行道")
    phone.locator("#pick-map").scroll_into_view_if_needed()
    phone.touchscreen.tap(*point_inside(phone, f"#pick-map path[data-code='{home.code}']"))
    expect(phone.locator("#pick-status")).to_have_text(f"已定位：{home.name}")
    assert phone.locator("#id_lon").input_value() and phone.locator("#id_lat").input_value()
    phone.locator("#id_photos").set_input_files([photo("现场.jpg")])
    phone.screenshot(path=SHOTS["report"], full_page=True)
    phone.locator("#report-form button[type=submit]").click()
    expect(phone).to_have_url(re.compile(r"/cases/320106-\d{8}-\d{4}/$"))
    expect_state(phone, "reported", "已上报")
    case = Case.objects.get(title="菜场门口占道卖菜")
    assert case.grid_code == home.code and case.reporter == worker
    [scene] = case.attachments.all()
    assert scene.purpose == "report" and not has_gps(scene.file.read())  # position stripped
    expect(phone.locator("#attachments img")).to_have_count(1)
    expect(phone.locator(".message")).to_contain_text(case.tracking_code)
    phone.screenshot(path=SHOTS["detail_phone"], full_page=True)
    phone.goto(district.at("/cases/?tab=mine"))
    expect(phone.locator(f"#queue tr[data-number='{case.number}']")).to_contain_text("已上报")
    phone.screenshot(path=SHOTS["queue_phone"], full_page=True)
    loaded_cleanly(phone)

    # 2. The street commander accepts it and dispatches it on the suggested route (城管).
    commander = people()
    sign_in(commander, district, "commander", district.password)
    commander.goto(district.at("/cases/?tab=dispatch"))
    row = commander.locator(f"#queue tr[data-number='{case.number}']")
    expect(row).to_contain_text("已上报")
    row.get_by_role("link", name=case.number).click()
    take(commander, "accept")
    expect_state(commander, "accepted", "已受理")
    dispatch = commander.locator("details#action-dispatch")
    city = dispatch.locator("tr", has_text="鼓楼区城市管理局")
    expect(city.locator("input[type=checkbox]")).to_be_checked()
    expect(city.locator("input[type=radio]")).to_be_checked()
    commander.screenshot(path=SHOTS["dispatch"], full_page=True)
    take(commander, "dispatch")
    expect_state(commander, "dispatched", "已派遣，待签收")
    expect(commander.locator("#units")).to_contain_text("鼓楼区城市管理局")
    loaded_cleanly(commander)

    # 3. The department's handler finds it in the unit's queue, signs on and completes it.
    handler = people()
    sign_in(handler, district, "chengguan", district.password)
    handler.goto(district.at("/cases/"))
    expect(handler.locator("nav.tabs a.current")).to_contain_text("本单位承办")
    expect(handler.locator(f"#queue tr[data-number='{case.number}']")).to_contain_text("待签收")
    handler.screenshot(path=SHOTS["queue"], full_page=True)
    handler.locator(f"#queue tr[data-number='{case.number}'] a").first.click()
    take(handler, "sign_on")
    expect_state(handler, "handling", "办理中")
    take(
        handler,
        "complete",
        files=[photo("复查.jpg")],
        comment="已劝离摊贩，恢复通行",
        recheck="次日复查无占道",
    )
    expect_state(handler, "completed", "已办结，待回访")
    handler.screenshot(path=SHOTS["detail"], full_page=True)
    loaded_cleanly(handler)

    # 4. The resident follows it by the tracking code, without signing in, and is satisfied.
    resident = people(viewport=PHONE, is_mobile=True, has_touch=True)
    resident.goto(district.at("/status/"))
    resident.locator("input[name=code]").fill(case.tracking_code.lower())
    resident.get_by_role("button", name="查询").click()
    expect(resident).to_have_url(district.at(f"/status/{case.tracking_code}/"))
    expect_state(resident, "completed", "已办结，待回访")
    expect(resident.locator("#units")).to_have_text("鼓楼区城市管理局")
    expect(resident.locator("#case-result")).to_contain_text("已劝离摊贩")
    for private in ("菜场门口", "gridworker", "commander", "chengguan", str(worker)):
        assert private not in resident.content()
    resident.screenshot(path=SHOTS["status_phone"], full_page=True)
    resident.locator("#rate").get_by_label("满意", exact=True).check()
    resident.get_by_role("button", name="提交评价").click()
    expect_state(resident, "rated", "已回访")
    expect(resident.locator(".message")).to_contain_text("感谢您的评价")
    expect(resident.locator("#case-rating")).to_have_text("满意")
    loaded_cleanly(resident)

    # 5. The commander closes it.
    commander.reload()
    expect_state(commander, "rated", "已回访")
    take(commander, "close")
    expect_state(commander, "closed", "已结案")
    expect(commander.locator("#timeline tbody tr")).to_have_count(7)
    assert list(Case.objects.get(pk=case.pk).timeline.values_list("action", flat=True)) == [
        "report",
        "accept",
        "dispatch",
        "sign_on",
        "complete",
        "rate",
        "close",
    ]
    loaded_cleanly(commander)

    # The public page on a wide screen, for a look at the finished case.
    wide = people()
    wide.goto(district.at(f"/status/{case.tracking_code}/"))
    expect_state(wide, "closed", "已结案")
    wide.screenshot(path=SHOTS["status"], full_page=True)


def test_it_pins_a_report_on_a_standard_address_found_by_search(
    people: Any, loop_district: District
) -> None:
    district = loop_district
    worker = User.objects.get(username="gridworker")
    home = Grid.objects.select_related("community", "main_beat").get(
        code=worker.assignments.get().scope_code
    )
    where = from_geojson_text(home.geometry).representative_point()
    address = StandardAddress.objects.create(
        code=home.code + "0081",
        level="door",
        community_code=home.community.code,
        road="中山路",
        door_no="81号",
        full_text=f"鼓楼区{home.community.name}中山路81号",
        lon=round(where.x, 6),
        lat=round(where.y, 6),
        grid_code=home.code,
        beat_code=home.main_beat.code if home.main_beat else "",
    )

    phone = people(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(phone, district, "gridworker", district.password)
    phone.goto(district.at("/cases/report/"))
    expect(phone.locator(f"#pick-map path[data-code='{home.code}']")).to_have_count(1)
    phone.locator("#id_subtype").select_option("0603")
    phone.locator("#id_title").fill("门口垃圾堆放")
    phone.locator("#address-q").fill("中山路81号")
    phone.locator("#address-find").click()
    expect(phone.locator("#pick-status")).to_have_text(f"已定位：{address.full_text}")
    assert float(phone.locator("#id_lon").input_value()) == address.lon
    assert float(phone.locator("#id_lat").input_value()) == address.lat
    phone.locator("#report-form button[type=submit]").click()
    expect_state(phone, "reported", "已上报")
    case = Case.objects.get(title="门口垃圾堆放")
    assert (case.lon, case.lat, case.grid_code) == (address.lon, address.lat, home.code)
    loaded_cleanly(phone)
