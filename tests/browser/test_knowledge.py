"""The knowledge base on a phone (390×844): the street commander writes an article and submits
it, the district's administrator approves it, and a resident without an account finds it by
asking in their own words and reads it. Every page fits the screen and runs under the CSP."""

from typing import Any

from playwright.sync_api import expect

from outpost.knowledge.catalogue import load
from outpost.knowledge.models import Article, ArticleTerm, ArticleVersion
from tests.browser.conftest import District
from tests.browser.test_map import sign_in
from tests.browser.test_patrol import fits, thumb_sized
from tests.browser.test_phone_pages import PHONE, WATCH


def test_it_takes_an_article_from_draft_to_a_residents_phone(gulou: District, people: Any) -> None:
    load(Article, ArticleVersion, ArticleTerm)  # a live server's database is flushed
    writer = people(viewport=PHONE, is_mobile=True, has_touch=True)
    writer.context.add_init_script(WATCH)
    sign_in(writer, gulou, "commander", gulou.password)
    writer.goto(gulou.at("/knowledge/desk/new/"))
    writer.select_option("#id_kind", "procedure")
    writer.fill("#id_title", "电动车充电安全须知")
    writer.fill("#id_body", "## 在哪里充电\n\n请在小区集中充电点充电，不要把电动车推进楼道和家里。")
    thumb_sized(writer, "#article-form button[type=submit]")
    fits(writer)
    writer.click("#article-form button[type=submit]")
    writer.click("#submit-form button[type=submit]")
    expect(writer.locator("#version-status")).to_contain_text("审核中")
    fits(writer)

    reviewer = people(viewport=PHONE, is_mobile=True, has_touch=True)
    reviewer.context.add_init_script(WATCH)
    sign_in(reviewer, gulou, "admin", gulou.password)
    reviewer.goto(gulou.at("/knowledge/desk/"))
    reviewer.locator("#waiting a", has_text="电动车充电安全须知").click()
    reviewer.check("input[name=decision][value=approve]")
    fits(reviewer)
    reviewer.click("#review-form button[type=submit]")
    expect(reviewer.locator("#version-status")).to_contain_text("已发布")

    resident = people(viewport=PHONE, is_mobile=True, has_touch=True)
    resident.context.add_init_script(WATCH)
    resident.goto(gulou.at("/knowledge/"))
    fits(resident)
    resident.fill("#id_q", "电动车在哪里充电")
    resident.click("#knowledge-search button[type=submit]")
    first = resident.locator("#article-list li a").first
    expect(first).to_contain_text("电动车充电安全须知")
    fits(resident)
    first.click()
    expect(resident.locator("#article h2")).to_have_text("在哪里充电")
    fits(resident)
