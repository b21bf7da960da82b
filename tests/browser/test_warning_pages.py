"""The early-warning pages on a phone (390×844), as the personas who open them: the walk of
test_every_page for just these pages (that sweep covers them too), plus the 提醒单 printing
without the site's header."""

from typing import Any

import pytest

from tests.browser.conftest import District
from tests.browser.test_every_page import SCREENS, _signed_in, _walk, pages_for
from tests.matrix_world import World, build_world

PHONE = SCREENS["phone"]


@pytest.fixture
def world(gulou: District, tmp_path: Any, settings: Any) -> World:
    settings.MEDIA_ROOT = tmp_path
    return build_world(str(tmp_path))


@pytest.mark.parametrize("persona", ["worker", "officer", "commander"])
def test_it_fits_the_warning_pages_on_a_phone(
    gulou: District, world: World, people: Any, persona: str
) -> None:
    page = _signed_in(people, gulou, world, persona, PHONE)
    problems: list[str] = []
    checks = [c for c in pages_for(persona) if c.key.startswith("GET /warnings/")]
    assert len(checks) == 3
    for check in checks:
        _walk(page, gulou.at(world.fill(check.path)), f"{persona} {check.key}", problems)
    assert problems == []


def test_it_prints_the_reminder_list_without_the_header(
    gulou: District, world: World, people: Any
) -> None:
    page = _signed_in(people, gulou, world, "worker", PHONE)
    page.goto(gulou.at(world.fill("/warnings/reminder/grid/{grid}/")))
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert page.locator(".reminder .signature").is_visible()
    assert page.locator(f'.reminder-items li[data-id="{world.warning}"]').is_visible()


def test_it_draws_the_warnings_layer_on_the_map(gulou: District, world: World, people: Any) -> None:
    page = _signed_in(people, gulou, world, "worker", SCREENS["desk"])
    page.goto(gulou.at("/areas/map/"))
    page.wait_for_selector('#map[data-warnings="1"]')
    page.locator("path.outpost-warning").first.dispatch_event("click")  # under the case layer
    link = page.locator(".warning-popup a")
    assert link.get_attribute("href") == f"/warnings/{world.warning}/"
    assert page.console_errors == []  # type: ignore[attr-defined]
