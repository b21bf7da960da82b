"""Every page, as every persona, on a phone (390×844) and at a desk (1440×900): the pages the
permission matrix lets each persona open (`tests/test_permission_matrix.py`, the one list of
every URL) fit the screen, leave every button tappable, speak Chinese and raise no console
error. A page added to the matrix is walked here without another line."""

import re
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from tests.browser.conftest import District
from tests.browser.test_map import sign_in
from tests.matrix_world import World, build_world
from tests.test_permission_matrix import CHECKS, OK, SIGNED_IN_PERSONAS, Check

SCREENS = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1440, "height": 900}}
# Two or more English words in a row: a string the catalogue missed. (Codes, user names, file
# types and numbers are single tokens or not words.)
ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,})+\b")

LAYOUT = """() => {
  const wide = document.documentElement.scrollWidth > window.innerWidth;
  const covered = [];
  const tappable = "main button, main a.button, main input[type=submit]";
  const buttons = [...document.querySelectorAll(tappable)]
    .filter((b) => b.offsetParent !== null && !b.closest("details:not([open])")).slice(0, 40);
  for (const b of buttons) {
    b.scrollIntoView({ block: "center", inline: "center" });
    const r = b.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (hit && !b.contains(hit) && !hit.contains(b) && !b.closest("label")?.contains(hit)) {
      covered.push(`${b.textContent.trim().slice(0, 30)} under ${hit.tagName}.${hit.className}`);
    }
  }
  window.scrollTo(0, 0);
  // On a phone a list is cards: no table scrolls sideways (a form's own table may stay one).
  const scrolls = window.innerWidth < 500 ? [...document.querySelectorAll("main table")]
    .filter((t) => !t.hasAttribute("data-keep-table") && t.scrollWidth > t.clientWidth + 1)
    .map((t) => t.id || t.className || "table") : [];
  // On a phone every control is at least 44 px tall (a thumb in the street).
  const controls = "button, a.button, select, input:not([type=checkbox]):not([type=radio])" +
    ":not([type=hidden]), header.top nav a";
  const small = window.innerWidth < 500 ? [...document.querySelectorAll(controls)]
    .filter((c) => c.offsetParent !== null && !c.closest(".leaflet-container, [hidden]"))
    .filter((c) => c.getBoundingClientRect().height < 43.5)
    .map((c) => `${c.tagName} ${(c.textContent || c.name || "").trim().slice(0, 20)}`) : [];
  // The words on the page, leaving out what is shown as a code (a 2FA secret, an ID, a number).
  const words = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (!parent || parent.closest("code, .code, kbd, samp, script, style, [hidden]")) continue;
    if (parent.offsetParent === null && parent !== document.body) continue;  // not shown
    words.push(walker.currentNode.textContent);
  }
  return { wide, covered, scrolls, small, text: words.join(String.fromCharCode(10)) };
}"""


def pages_for(persona: str) -> list[Check]:
    """The pages (not the API, not downloads) the matrix lets this persona open with a GET."""
    return [
        c
        for c in CHECKS
        if c.method == "GET"
        and not c.key.startswith("GET /api/")
        and c.rule.answers[persona] == OK
        and (c.ok if isinstance(c.ok, int) else c.ok.get(persona, 200)) == 200
    ]


@pytest.fixture
def world(gulou: District, tmp_path: Any, settings: Any) -> World:
    settings.MEDIA_ROOT = tmp_path
    return build_world(str(tmp_path))


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_it_fits_every_page_every_persona_may_open(
    gulou: District, world: World, people: Any, screen: str
) -> None:
    problems: list[str] = []
    walked = 0
    for persona in SIGNED_IN_PERSONAS:
        page = _signed_in(people, gulou, world, persona, SCREENS[screen])
        for check in pages_for(persona):
            walked += _walk(
                page, gulou.at(world.fill(check.path)), f"{persona} {check.key}", problems
            )
    assert walked > 150  # every persona, every page they may open
    assert problems == [], f"{len(problems)} problems on {screen}:\n" + "\n".join(problems)


def _signed_in(people: Any, gulou: District, world: World, persona: str, screen: dict) -> Page:
    page: Page = people(viewport=screen, is_mobile=screen["width"] < 500, has_touch=True)
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(f"{m.text} {m.location.get('url', '')}") if m.type == "error" else None
        ),
    )
    page.console_errors = errors  # type: ignore[attr-defined]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": world.sessions[persona], "url": gulou.url}]
    )
    return page


def _walk(page: Page, url: str, who: str, problems: list[str]) -> int:
    """Open one page and note what is wrong with it; 1 when it was an HTML page."""
    page.console_errors.clear()  # type: ignore[attr-defined]
    page.problems.clear()  # type: ignore[attr-defined]
    try:
        answer = page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return 0  # a download (export, photo, PDF): not a page
        raise
    if answer is None or "text/html" not in answer.headers.get("content-type", ""):
        return 0  # a download (export, photo, PDF): not a page
    if answer.status != 200:
        problems.append(f"{who}: HTTP {answer.status}")
        return 1
    found = page.evaluate(LAYOUT)
    if found["wide"]:
        problems.append(f"{who}: wider than the screen")
    problems += [f"{who}: button covered: {c}" for c in found["covered"]]
    problems += [f"{who}: a table scrolls sideways instead of cards: {t}" for t in found["scrolls"]]
    problems += [f"{who}: smaller than 44 px: {c}" for c in found["small"]]
    problems += [f"{who}: English: {m}" for m in set(ENGLISH.findall(found["text"]))]
    problems += [f"{who}: console: {e}" for e in page.console_errors]  # type: ignore[attr-defined]
    problems += [f"{who}: {p}" for p in page.problems]  # type: ignore[attr-defined]
    return 1


DEMO_ROLES = (
    "admin",
    "commander",
    "duty",
    "leader",
    "gridworker",
    "officer",
    "auxiliary",
    "reporter",
    "dept",
    "auditor",
)
SKIP = re.compile(r"^/(accounts/logout|i18n|api|static|media)/|\.(xlsx|csv|pdf|jpg|png)$")
LINKS = """() => [...document.querySelectorAll("a[href]")]
  .map((a) => new URL(a.href, location.href))
  .filter((u) => u.origin === location.origin)
  .map((u) => u.pathname + u.search)"""


def test_it_fits_every_page_each_demo_role_reaches_on_a_phone(
    gulou: District, world: World, people: Any
) -> None:
    """Every role of the demo (the duty officer, the grid leader, the auditor and the others
    the matrix does not name) follows every link from its start page, two steps deep: each
    page reached passes the same checks."""
    problems: list[str] = []
    reached = {}
    for role in DEMO_ROLES:
        page: Page = people(viewport=SCREENS["phone"], is_mobile=True, has_touch=True)
        page.console_errors = []  # type: ignore[attr-defined]
        page.on(
            "console",
            lambda m, p=page: p.console_errors.append(m.text) if m.type == "error" else None,
        )
        sign_in(page, gulou, role, gulou.password)
        reached[role] = _crawl(page, gulou, role, problems)
    assert min(reached.values()) >= 4, reached  # every role has somewhere to go
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems)


def _crawl(page: Page, gulou: District, role: str, problems: list[str]) -> int:
    seen: set[str] = set()
    frontier = ["/"]
    for _depth in range(3):
        found: list[str] = []
        for path in frontier:
            key = path.split("?")[0]
            if key in seen or SKIP.search(key) or len(seen) >= 60:
                continue
            seen.add(key)
            if _walk(page, gulou.at(path), f"{role} {path}", problems):
                found += page.evaluate(LINKS)
        frontier = found
    return len(seen)
