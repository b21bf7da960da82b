"""The field app is installable: its manifest, icons and service worker, and what the page gives
the script (the worker's URLs, labels in the reader's language, no personal data in the page)."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from outpost.fieldwork import offline
from tests.conftest import Persona
from tests.fieldwork.conftest import Subjects

pytestmark = pytest.mark.django_db


def test_it_describes_an_installable_app(anonymous: Client) -> None:
    manifest = anonymous.get("/fieldwork/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = json.loads(manifest.content)
    assert (data["start_url"], data["scope"], data["display"]) == (
        "/fieldwork/app/",
        "/fieldwork/",
        "standalone",
    )
    assert data["short_name"] == "外勤"
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        found = finders.find(icon["src"].removeprefix("/static/"))
        assert isinstance(found, str)
        with open(found, "rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


def test_it_serves_a_worker_that_keeps_only_files_that_exist(anonymous: Client) -> None:
    answer = anonymous.get("/fieldwork/sw.js")
    assert answer["Content-Type"].startswith("text/javascript")
    first = answer.content.decode().splitlines()[0]
    config = json.loads(re.fullmatch(r"self\.CONFIG = (.*);", first).group(1))  # type: ignore[union-attr]
    assert config["PAGE"] == "/fieldwork/app/" and config["PAGE"] in config["SHELL"]
    for url in config["SHELL"][1:]:
        assert isinstance(finders.find(url.removeprefix("/static/")), str), url
    assert re.fullmatch(r"outpost-field-[0-9a-f]{12}", config["CACHE"])
    assert "caches.delete" in answer.content.decode()  # an old release's cache is dropped


def test_it_names_a_new_cache_when_a_cached_file_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    before = offline._digest()
    offline._digest.cache_clear()
    monkeypatch.setattr(offline, "SHELL", (*offline.SHELL[:-1], "outpost/map.js"))
    try:
        assert offline._digest() != before
    finally:
        offline._digest.cache_clear()


def test_it_gives_the_script_its_urls_and_labels(subjects: Subjects, grid_worker: Persona) -> None:
    page = grid_worker.client.get("/fieldwork/app/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    urls = json.loads(re.search(r'id="app-urls"[^>]*>(.*?)</script>', page).group(1))  # type: ignore[union-attr]
    labels = json.loads(re.search(r'id="app-labels"[^>]*>(.*?)</script>', page).group(1))  # type: ignore[union-attr]
    assert urls == {
        "today": "/api/v1/fieldwork/today",
        "sync": "/api/v1/fieldwork/sync",
        "worker": "/fieldwork/sw.js",
        "scope": "/fieldwork/",
    }
    assert labels["offline"].startswith("离线") and labels["sendAnyway"] == "仍然发送"
    # The page is kept on the phone: the people due a visit come from the API, not the page.
    assert "王奶奶" not in page and 'rel="manifest"' in page
