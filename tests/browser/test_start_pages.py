"""Each role's start page (今日待办) on a 390 px phone: the page fits the screen, and the role's
first task is done from it, one tap from the count to the list to the action."""

import datetime as dt
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from outpost.accounts.models import BreakGlassGrant, LoginThrottle, User
from outpost.cases import services
from outpost.cases.models import Case
from outpost.cases.workflow import State
from outpost.geo.models import Grid
from tests.browser.conftest import District
from tests.browser.test_map import loaded_cleanly, sign_in
from tests.cases.conftest import file_case

PHONE = {"width": 390, "height": 844}


def _phone(people: Any, district: District, username: str) -> Page:
    page = people(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(page, district, username, district.password)
    page.goto(district.at("/"))
    expect(page.locator("h1")).to_have_text("今日待办")
    _fits(page)
    page.screenshot(path=f"/tmp/outpost_start_{username}.png", full_page=True)
    return page


def _fits(page: Page) -> None:
    page.wait_for_load_state("load")
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, f"{page.url} is wider than the phone"


def _home() -> tuple[User, Grid]:
    worker = User.objects.get(username="gridworker")
    return worker, Grid.objects.get(code=worker.assignments.get().scope_code)


def _dispatched(grid: Grid, worker: User) -> Case:
    commander = User.objects.get(username="commander")
    case = file_case(grid, worker, "0101", title="楼道堆物引发争吵")
    services.act(case, "accept", actor=commander)
    targets = [{"kind": "grid", "code": grid.code, "lead": True}]
    return services.act(case, "dispatch", actor=commander, payload={"targets": targets})


def test_it_takes_a_grid_worker_from_the_count_to_signing_on(
    people: Any, loop_district: District
) -> None:
    worker, grid = _home()
    case = _dispatched(grid, worker)
    page = _phone(people, loop_district, "gridworker")
    tile = page.locator("#work-handler a[data-tile='sign_on']")
    expect(tile.locator(".n")).to_have_text("1")
    tile.click()
    expect(page.locator("#queue-count")).to_be_visible()
    _fits(page)
    page.locator(f"#queue tr[data-number='{case.number}'] a").first.click()
    panel = page.locator("details#action-sign_on")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    panel.locator("button[type=submit]").click()
    expect(page.locator("#case-state")).to_have_attribute("data-state", State.HANDLING)
    loaded_cleanly(page)


def test_it_takes_an_officer_from_the_count_to_verifying(
    people: Any, loop_district: District
) -> None:
    worker, grid = _home()
    case = file_case(grid, worker, "0205", title="仓库疑似存放危化品")
    services.act(case, "request_verification", actor=User.objects.get(username="commander"))
    page = _phone(people, loop_district, "officer")
    page.locator("#work-officer a[data-tile='verify']").click()
    expect(page.locator("#queue-count")).to_be_visible()
    _fits(page)
    page.locator(f"#queue tr[data-number='{case.number}'] a").first.click()
    panel = page.locator("details#action-verify")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    panel.locator("button[type=submit]").click()
    expect(page.locator("#case-state")).to_have_attribute("data-state", State.ACCEPTED)
    loaded_cleanly(page)


def test_it_takes_a_duty_officer_from_the_count_to_the_board(
    people: Any, loop_district: District
) -> None:
    worker, grid = _home()
    waiting = file_case(grid, worker, "0603", title="单元门口垃圾堆积")
    page = _phone(people, loop_district, "duty")
    expect(page.locator("#work-duty")).to_contain_text("不在班")
    board = page.locator("#work-duty a[data-tile='board']")
    expect(board.locator(".n")).to_have_text("1")
    board.click()
    page.locator(f"#board-queue tr[data-number='{waiting.number}'] button.one-click").click()
    expect(page.locator("#board-outcome")).to_contain_text("已派遣至")
    assert Case.objects.get(pk=waiting.pk).state == State.DISPATCHED


def test_it_takes_a_commander_from_the_overdue_count_to_urging(
    people: Any, loop_district: District
) -> None:
    worker, grid = _home()
    case = _dispatched(grid, worker)
    Case.objects.filter(pk=case.pk).update(sign_on_due=timezone.now() - dt.timedelta(hours=1))
    page = _phone(people, loop_district, "commander")
    numbers = page.locator("#area-numbers")
    expect(numbers.locator("tr[data-number='overdue'] td.n")).to_have_text("1")
    expect(page.locator(f"ol.worst a[data-grid='{grid.code}']")).to_be_visible()
    numbers.locator("tr[data-number='overdue'] a").click()
    expect(page.locator("#queue-count")).to_be_visible()
    _fits(page)
    page.locator(f"button[data-urge='{case.number}']").click()
    expect(page.locator("main")).to_contain_text("已催办")
    assert case.timeline.filter(action="urge").exists()
    loaded_cleanly(page)


def test_it_shows_an_administrator_the_locked_accounts(
    people: Any, loop_district: District
) -> None:
    LoginThrottle.objects.create(
        key="account:gridworker", locked_until=timezone.now() + dt.timedelta(minutes=10)
    )
    page = _phone(people, loop_district, "admin")
    expect(page.locator("#work-admin a[data-tile='locked'] .n")).to_have_text("1")
    page.locator("#work-admin a[href='/accounts/users/gridworker/']").first.click()
    _fits(page)
    expect(page.locator("main")).to_contain_text("gridworker")
    loaded_cleanly(page)


def test_it_takes_an_auditor_from_the_count_to_a_review(
    people: Any, loop_district: District
) -> None:
    _, grid = _home()
    now = timezone.now()
    BreakGlassGrant.objects.create(
        user=User.objects.get(username="officer"),
        object_type="registry.person",
        object_id=1,
        object_key="P1",
        reason="走失老人身份核查，家属报警求助",
        civil_code=grid.code,
        police_code=grid.main_beat.code if grid.main_beat else "",
        home_code=grid.main_beat.code if grid.main_beat else "",
        granted_at=now,
        expires_at=now + dt.timedelta(hours=4),
    )
    page = _phone(people, loop_district, "auditor")
    tile = page.locator("#work-auditor a[data-tile='openings']")
    expect(tile.locator(".n")).to_have_text("1")
    tile.click()
    _fits(page)
    page.locator("form.actions button[type=submit]").first.click()
    page.goto(loop_district.at("/"))
    expect(tile.locator(".n")).to_have_text("0")
    assert BreakGlassGrant.objects.filter(reviewed_at__isnull=False).count() == 1
