"""Open311 API keys on a phone (390×844): the administrator opens the keys page from the menu,
creates a key (shown once), and a client posts a request with it; deactivated, it stops working."""

from typing import Any

from playwright.sync_api import expect

from outpost.open311 import keys
from outpost.open311.models import ApiKey
from tests.browser.conftest import District
from tests.browser.test_map import sign_in
from tests.browser.test_phone_pages import PHONE


def test_it_lets_an_admin_create_and_deactivate_a_key_on_a_phone(
    gulou: District, people: Any
) -> None:
    page = people(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(page, gulou, "admin", gulou.password)
    page.locator("header.top nav a", has_text="Open311 接口密钥").click()
    form = page.locator("#create-key")
    form.locator("[name=name]").fill("随手拍")
    form.locator("[name=owner]").fill("市民服务应用")
    form.locator("[name=posts_per_hour]").fill("30")
    form.locator("button[type=submit]").click()
    shown = page.locator("#new-key code").inner_text().strip()
    assert keys.key_for(shown) == ApiKey.objects.get(name="随手拍")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(page.locator("#keys")).to_contain_text("市民服务应用")
    page.locator("#keys button", has_text="停用").click()
    expect(page.locator("#keys")).to_contain_text("已停用")
    assert keys.key_for(shown) is None
    page.reload()
    assert shown not in page.content()  # shown once only
    assert not [p for p in page.problems if p.startswith("script error")], page.problems


def test_it_fits_the_keys_page_with_keys_on_a_phone_and_a_desk(
    gulou: District, people: Any
) -> None:
    from outpost.accounts.models import User
    from tests.browser.test_every_page import SCREENS, _walk

    admin = User.objects.get(username="admin")
    keys.create_key(admin, "随手拍", "市民服务应用", 30)
    _, old = keys.create_key(admin, "旧应用", "某单位", 5)
    keys.deactivate_key(admin, old)
    problems: list[str] = []
    for name, screen in SCREENS.items():
        page = people(viewport=screen, is_mobile=screen["width"] < 500, has_touch=True)
        page.console_errors = []  # type: ignore[attr-defined]
        page.on(
            "console",
            lambda m, p=page: p.console_errors.append(m.text) if m.type == "error" else None,
        )
        sign_in(page, gulou, "admin", gulou.password)
        assert _walk(page, gulou.at("/open311/keys/"), name, problems) == 1
    assert problems == []
