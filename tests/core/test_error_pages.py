"""What a resident's phone shows when something goes wrong: Chinese pages of ours, never
Django's debug pages; the demo runs as a deployment does (no debug, static files by WhiteNoise)."""

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.views.defaults import server_error

ROOT = Path(__file__).resolve().parents[2]
ENGLISH_DJANGO = ("Page not found", "Server Error", "Bad Request", "CSRF verification failed")


def demo_environment() -> dict[str, str]:
    """The variables `make demo` serves with (the Makefile's DEMO_ENV line)."""
    found = re.search(r"^DEMO_ENV\s*:?=\s*(.*)$", (ROOT / "Makefile").read_text(), re.M)
    assert found, "the Makefile names the demo's environment in DEMO_ENV"
    return dict(pair.split("=", 1) for pair in found.group(1).split())


def settings_under(env: dict[str, str], tmp_path: Path) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OUTPOST_", "DATABASE_"))}
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "outpost.settings",
            "OUTPOST_VAR_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def chinese_page(answer: Any, status: int) -> str:
    assert answer.status_code == status, answer.status_code
    html = answer.content.decode()
    assert '<html lang="zh-hans">' in html and 'name="viewport"' in html  # made for a phone
    assert not any(english in html for english in ENGLISH_DJANGO), html[:500]
    return html


def test_it_serves_the_demo_without_debug_pages_and_static_files_through_whitenoise(
    tmp_path: Path, settings: Any
) -> None:
    assert settings_under(demo_environment(), tmp_path) == "False"
    # Static files as the demo serves them with debug off: collected, then sent by WhiteNoise.
    settings.STATIC_ROOT = tmp_path / "static"
    settings.WHITENOISE_USE_FINDERS = False  # only what collectstatic wrote
    call_command("collectstatic", interactive=False, verbosity=0)
    answer = Client().get("/static/outpost/site.css")
    assert answer.status_code == 200 and type(answer).__name__ == "WhiteNoiseFileResponse"
    assert b"header.top" in b"".join(answer.streaming_content)


@pytest.mark.django_db
def test_it_answers_a_wrong_tracking_code_with_a_chinese_page(anonymous: Client) -> None:
    html = chinese_page(anonymous.get("/status/NOSUCHC0DE/"), 404)
    assert "未找到" in html and "请核对查询码" in html
    assert 'href="/status/"' in html  # back to the lookup, not to the staff sign-in


@pytest.mark.django_db
def test_it_shows_a_chinese_500_page_that_needs_no_database(
    settings: Any, django_db_blocker: Any
) -> None:
    settings.ROOT_URLCONF = "tests.core.error_urls"
    answer = Client(raise_request_exception=False).get("/broken/")
    html = chinese_page(answer, 500)
    assert "系统出错了" in html and 'href="/status/"' in html
    with django_db_blocker.block():  # as Django renders it: no request context, no database
        assert "系统出错了" in server_error(RequestFactory().get("/")).content.decode()


def test_it_answers_a_bad_request_with_a_chinese_page(db: None) -> None:
    answer = Client(HTTP_HOST="not-ours.example").get("/status/")
    assert "请求有误" in chinese_page(answer, 400)


@pytest.mark.django_db
def test_it_answers_an_expired_form_with_a_chinese_page() -> None:
    resident = Client(enforce_csrf_checks=True)
    answer = resident.post("/status/NOSUCHC0DE/rate/", {"rating": "satisfied"})
    assert "页面已过期" in chinese_page(answer, 403)


@pytest.mark.django_db
def test_it_answers_a_form_address_opened_in_the_browser_with_a_chinese_page(
    anonymous: Client,
) -> None:
    """A resident who reloads the rating address (a GET) gets a page, not an empty 405."""
    answer = anonymous.get("/status/NOSUCHC0DE/rate/")
    html = chinese_page(answer, 405)
    assert "表单" in html and answer["Allow"] == "POST"
