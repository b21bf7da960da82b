"""The header's menu matches the rights (issue 11, item 9): for every persona of the permission
matrix's world, every item shown opens (no 403), and every item hidden would be refused (403) or
find nothing (404). The items are registered by the apps (outpost/core/menu.py)."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse

from outpost.core.menu import MENU
from tests.matrix_world import PERSONAS, World, build_world

pytestmark = pytest.mark.django_db

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]
LINKS = re.compile(r"<nav>(.*?)</nav>", re.S)


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    assert not settings.OUTPOST_REQUIRE_TOTP
    media = tmp_path_factory.mktemp("menu-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world(str(media))
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def shown(world: World, persona: str) -> set[str]:
    page = world.client(persona).get(reverse("cases:queue")).content.decode()
    nav = LINKS.search(page)
    assert nav, "the header has its menu"
    return set(re.findall(r'href="([^"]+)"', nav.group(1)))


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_it_shows_each_persona_exactly_the_pages_they_may_open(world: World, persona: str) -> None:
    links = shown(world, persona)
    wrong = []
    for item in MENU.values():
        url = reverse(item.url_name)
        status = world.client(persona).get(url).status_code
        if url in links and status in (403, 404):
            wrong.append(f"{item.key} shown but answers {status}")
        if url not in links and status not in (403, 404):
            wrong.append(f"{item.key} hidden but answers {status}")
    assert not wrong, f"{persona}: " + "; ".join(wrong)


def test_it_hides_the_registry_from_a_reporter(world: World) -> None:
    assert reverse("registry:people") not in shown(world, "reporter")
    assert reverse("registry:people") in shown(world, "worker")


def test_it_registers_every_apps_items_in_order() -> None:
    keys = [i.key for i in sorted(MENU.values(), key=lambda i: i.order)]
    assert keys == [
        "areas",
        "map",
        "registry",
        "fieldwork",
        "stations",
        "guides",
        "knowledge",
        "cases",
        "academy",
        "instructions",
        "command",
        "dashboard",
        "calls",
        "assessment",
        "warnings",
        "audit",
        "users",
        "open311_keys",
    ]
