"""The outpost station (平安前哨) on a phone (390×844): the grid worker opens the stations list and
their community's station, sees who is on duty and whether it is open, logs a visit at the
service window, and finds it in today's log with the phone number masked. The page fits the
screen, its buttons are thumb-sized and it runs under the CSP."""

import datetime as dt
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from outpost.accounts.models import User
from outpost.geo.models import Grid, OutpostStation
from outpost.stations import services
from outpost.stations.models import StationStaff, WindowEntry
from tests.browser.conftest import District
from tests.browser.test_map import sign_in
from tests.browser.test_patrol import fits, thumb_sized
from tests.browser.test_phone_pages import PHONE, WATCH


def test_it_runs_the_window_of_an_outpost_on_a_phone(gulou: District, people: Any) -> None:
    worker = User.objects.get(username="gridworker")
    grid = Grid.objects.select_related("community").get(code=worker.assignments.get().scope_code)
    station = OutpostStation.objects.get(community=grid.community)
    services.fill_staff_from_roles(station, actor=None)
    every_day = [services.Span(d, dt.time(0, 0), dt.time(23, 59)) for d in range(7)]
    services.set_opening_hours(station, every_day, actor=None)
    mine = StationStaff.objects.get(station=station, user=worker)
    services.book_duty(station, mine, timezone.localdate(), "morning", actor=None)

    page = people(viewport=PHONE, is_mobile=True, has_touch=True)
    page.context.add_init_script(WATCH)
    sign_in(page, gulou, "gridworker", gulou.password)
    page.goto(gulou.at("/stations/"))
    fits(page)
    page.click(f"#stations a[href='/stations/{station.pk}/']")
    expect(page.locator("#open-state")).to_contain_text("正在开放")
    expect(page.locator("#on-duty")).to_contain_text("上午")
    fits(page)
    page.click("#window-new summary")
    page.fill("#id_visitor_name", "张大爷")
    page.fill("#id_visitor_phone", "13912345678")
    page.select_option("#id_kind", "request")
    page.fill("#id_matter", "代办老年优待证")
    page.select_option("#id_handling", "referred")
    thumb_sized(page, "#window-form button[type=submit]")
    page.click("#window-form button[type=submit]")
    expect(page.locator(".message.success")).to_contain_text("来访已登记")
    expect(page.locator("#window-entries")).to_contain_text("张大爷")
    expect(page.locator("#window-entries")).to_contain_text("139****5678")
    expect(page.locator("#window-entries")).not_to_contain_text("13912345678")
    fits(page)
    entry = WindowEntry.objects.get()
    assert (entry.kind, entry.handling, entry.handled_by) == ("request", "referred", worker)
