"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright never downloads a browser here; it drives /usr/bin/chromium. The live server's tests
are transactional and the database is flushed after each one, so every test loads the district
and the demo accounts itself (the `gulou` fixture) instead of relying on the session import.
"""

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from outpost.accounts.demo import DEMO_PASSWORD, create_demo_accounts, create_staff_roster
from outpost.accounts.models import Department, User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.cases.taxonomy import load_taxonomy
from outpost.geo.boundaries import import_boundaries
from tests.conftest import GULOU

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# the ORM calls the fixtures and tests make from that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent


def wait_for_live_requests(limit: float = 10.0) -> None:
    """Let the live server finish the requests a closed browser left in flight.

    The database is flushed right after a test; a request still being handled (a sync the page
    sent as it closed) would otherwise write into the next test's freshly loaded district.
    """
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not any("process_request_thread" in t.name for t in threading.enumerate()):
            return
        time.sleep(0.05)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives the browser: mark it so `-m "not browser"` skips it."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium. "
            "Install it with `apt-get install chromium` (Playwright must not download one).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh context per test: Chinese locale (LocaleMiddleware follows Accept-Language).

    `page.problems` collects script errors and failed requests (a missing stylesheet or script
    leaves a blank map that would otherwise only show up as a timeout); the tests assert it empty.
    """
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "response",
        lambda r: (
            problems.append(f"HTTP {r.status} {r.request.method} {r.url}")
            if r.status >= 400
            else None
        ),
    )
    page.problems = problems
    yield page
    context.close()
    wait_for_live_requests()


@dataclass(frozen=True)
class District:
    url: str
    password: str

    def at(self, path: str) -> str:
        return self.url + path


@pytest.fixture
def gulou(live_server: object, settings: object) -> District:
    """鼓楼区's boundaries and one demo account per role in the live server's database."""
    # Each demo password would take PBKDF2's full cost; the hasher is not what is under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    import_boundaries(GULOU)
    load_taxonomy()  # the departments the demo's department handler works in
    create_demo_accounts()
    return District(url=live_server.url, password=DEMO_PASSWORD)


@pytest.fixture
def staff_roster(gulou: District) -> int:
    """A named grid worker for every grid and officer for every beat (a few seconds: only the
    tests that show who works where ask for it)."""
    return create_staff_roster()


@pytest.fixture
def people(browser: Browser) -> Iterator[Any]:
    """A fresh Chinese browser context per person; each page collects its problems."""
    contexts = []

    def open_page(**options: Any) -> Page:
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = browser.new_context(locale="zh-CN", **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on(
            "response",
            lambda r: problems.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None,
        )
        page.problems = problems  # type: ignore[attr-defined]
        return page

    yield open_page
    for context in contexts:
        context.close()
    wait_for_live_requests()


@pytest.fixture
def loop_district(live_server: Any, settings: Any) -> District:
    """The live server's database (flushed after every test): the boundaries, the taxonomy with
    its departments, the demo accounts, and a handler of 鼓楼区城市管理局."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    import_boundaries(GULOU)
    load_taxonomy()
    create_demo_accounts()
    city = Department.objects.get(name="鼓楼区城市管理局")
    handler = User.objects.create_user(
        username="chengguan", password=DEMO_PASSWORD, display_name="城管办理人"
    )
    grant_role(handler, Role.DEPARTMENT_HANDLER, city.code, actor=None)
    return District(url=live_server.url, password=DEMO_PASSWORD)
