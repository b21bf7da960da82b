"""The 110 diversion desk on a phone (390×844): the street commander uploads calls, opens one and
sees the model's suggestion, its confidence and the words that decided; corrects a diverted call
to another sub-type, keeps one with the police and diverts a kept one. Each page fits the
screen and runs under the CSP; each correction is shown and stored with who made it and when."""

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from outpost.accounts.demo import DEMO_PASSWORD, create_demo_accounts
from outpost.calls.models import Call, Correction
from outpost.cases.taxonomy import load_taxonomy
from outpost.geo.boundaries import import_boundaries
from outpost.registry.imports import run_import
from outpost.registry.models import StandardAddress
from tests.browser.conftest import District
from tests.browser.test_map import sign_in
from tests.browser.test_phone_pages import PHONE, opens_on_a_phone, phone
from tests.calls.test_second_reading import FALSE_ALARM
from tests.conftest import GULOU, HOME_GRID
from tests.registry.data import as_csv, read_xz, rows_of

COLUMNS = ("call_id", "received_at", "caller_phone", "location_text", "content")
CALLS = {
    "110-P-1": "楼上装修电钻声太吵，一直没停",  # diverted to 0901, corrected to 0902
    "110-P-2": "喂喂，听得到吗",  # kept: the model cannot tell; the operator diverts it
    "110-P-3": "单元门禁坏了，进不了楼",  # diverted to 0902, kept with the police by the operator
}


@pytest.fixture
def desk(live_server: Any, settings: Any) -> District:
    """The district's boundaries, taxonomy and demo accounts, and the standard addresses of the
    demo grid's community (so that the calls are placed in the commander's street)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    import_boundaries(GULOU)
    load_taxonomy()
    create_demo_accounts()
    rows = [
        r for r in rows_of(read_xz("addresses.csv.xz")) if r["community_code"] == HOME_GRID[:12]
    ]
    assert run_import("addresses", as_csv(rows), "addresses.csv").counts["rejected"] == 0
    return District(url=live_server.url, password=DEMO_PASSWORD)


def calls_file(calls: dict[str, str] = CALLS) -> bytes:
    room = StandardAddress.objects.filter(grid_code=HOME_GRID, level="room").order_by("code")[0]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for call_id, content in calls.items():
        writer.writerow(
            {
                "call_id": call_id,
                "received_at": "2026-11-20T21:30:00+08:00",
                "caller_phone": "13912345678",
                "location_text": room.full_text,
                "content": content,
            }
        )
    return out.getvalue().encode()


def correct(page: Page, district: District, call_id: str, to: str) -> None:
    opens_on_a_phone(page, district.at(f"/calls/{call_id}/"), 200)
    choice = page.locator("#correct select[name=to]")
    box = choice.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    choice.select_option(to)
    page.locator("#correct button[type=submit]").click()
    expect(page.locator("#corrections li").last).to_contain_text(to)
    expect(page.locator("#corrections li").last).to_contain_text("街道指挥长")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def uploaded_on_a_phone(desk: District, people: Any, calls: dict[str, str] = CALLS) -> Page:
    """The commander signed in on a phone, the calls uploaded on the desk."""
    commander = phone(people)
    sign_in(commander, desk, "commander", desk.password)
    opens_on_a_phone(commander, desk.at("/calls/"), 200)
    commander.set_input_files(
        "input[name=file]",
        {"name": "calls.csv", "mimeType": "text/csv", "buffer": calls_file(calls)},
    )
    commander.locator("main form button[type=submit]").first.click()
    return commander


def test_it_lets_the_commander_correct_the_desk_on_a_phone(desk: District, people: Any) -> None:
    commander = uploaded_on_a_phone(desk, people)
    expect(commander.locator("#calls tr[data-call='110-P-1']")).to_be_visible()
    assert commander.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(commander.locator("#calls tr[data-call='110-P-2']")).to_contain_text("无法判断")

    # The suggestion, its confidence and why, before correcting.
    opens_on_a_phone(commander, desk.at("/calls/110-P-1/"), 200)
    expect(commander.locator("#suggested")).to_contain_text("噪音扰民")
    expect(commander.locator("#confidence")).to_have_text(re.compile(r"^0\.\d\d"))
    expect(commander.locator("#why")).not_to_have_text("—")
    started = timezone.now()

    correct(commander, desk, "110-P-1", "0902")  # to another sub-type
    correct(commander, desk, "110-P-2", "0905")  # a kept call diverted
    correct(commander, desk, "110-P-3", "POLICE")  # a diverted call kept with the police

    decisions = dict(Call.objects.values_list("call_id", "decision"))
    assert decisions == {"110-P-1": "divert", "110-P-2": "divert", "110-P-3": "police"}
    stored = Correction.objects.select_related("actor", "call").order_by("at")
    assert [(c.call.call_id, c.from_label, c.to_label) for c in stored] == [
        ("110-P-1", "0901", "0902"),
        ("110-P-2", "POLICE", "0905"),
        ("110-P-3", "0902", "POLICE"),
    ]
    assert {c.actor.username for c in stored} == {"commander"}
    assert all(started <= c.at <= timezone.now() + timedelta(seconds=1) for c in stored)
    assert not [p for p in commander.problems if p.startswith("script error")]


def test_it_lets_the_commander_confirm_the_desk_on_a_phone(desk: District, people: Any) -> None:
    """Ticking calls on the desk's list and confirming them, then one from its own page: each
    stored as a confirmation (from a label to itself), the list saying it was reviewed."""
    commander = uploaded_on_a_phone(desk, people)
    tick = commander.locator("#calls tr[data-call='110-P-1'] input[name=call]")
    box = tick.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    tick.check()
    commander.locator("#confirm-selected button[name=confirm]").click()
    expect(commander.locator(".message")).to_contain_text("已确认 1 条")
    expect(commander.locator("#calls tr[data-call='110-P-1']")).to_contain_text("已复核")
    expect(commander.locator("#calls tr[data-call='110-P-3'] input[name=call]")).to_be_visible()
    assert commander.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    opens_on_a_phone(commander, desk.at("/calls/110-P-2/"), 200)
    commander.locator("#confirm button[type=submit]").click()
    expect(commander.locator("#corrections li").last).to_contain_text("确认")
    assert commander.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    stored = Correction.objects.select_related("call").order_by("at")
    assert [(c.call.call_id, c.from_label, c.to_label) for c in stored] == [
        ("110-P-1", "0901", "0901"),
        ("110-P-2", "POLICE", "POLICE"),
    ]
    assert not Call.objects.get(call_id="110-P-2").marked
    assert not [p for p in commander.problems if p.startswith("script error")]


def test_it_shows_what_the_model_reads_a_call_the_danger_rule_kept(
    desk: District, people: Any
) -> None:
    """A false alarm (砸 is renovation noise here) stays with the police; the list and the call's
    page say what the model reads it as, and the commander diverts it after checking."""
    commander = uploaded_on_a_phone(desk, people, {"110-P-4": FALSE_ALARM})
    row = commander.locator("#calls tr[data-call='110-P-4']")
    expect(row.locator("[data-second-reading]")).to_contain_text("0901")
    assert commander.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The filter tab finds it (the tabs wrap at 390 px, no sideways scrolling).
    commander.locator("#call-filters a[data-show='second']").click()
    expect(commander.locator("#call-filters a[data-show='second']")).to_have_attribute(
        "aria-current", "page"
    )
    expect(commander.locator("#calls tr[data-call='110-P-4']")).to_be_visible()
    rows = commander.locator("#calls tr[data-call]")
    assert rows.count() == commander.locator("#calls tr [data-second-reading]").count()
    assert commander.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    opens_on_a_phone(commander, desk.at("/calls/110-P-4/"), 200)
    expect(commander.locator("#second-reading")).to_contain_text("任何模型都不能推翻")
    expect(commander.locator("#suggested")).to_contain_text("噪音扰民")
    expect(commander.locator("#call-reason")).to_contain_text("砸")
    assert Call.objects.get(call_id="110-P-4").decision == "police"
    correct(commander, desk, "110-P-4", "0901")
    assert Call.objects.get(call_id="110-P-4").decision == "divert"
    # Its page still says why the desk had kept it.
    expect(commander.locator("#desk-reason")).to_contain_text("砸")
    assert commander.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert not [p for p in commander.problems if p.startswith("script error")]
