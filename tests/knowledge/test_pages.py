"""The knowledge base pages: the public list, search and article (text escaped, phone-first),
the staff desk, writing, submitting and reviewing (outsider 404, read-only 403, the owner)."""

import pytest
from django.test import Client
from django.urls import reverse

from outpost.knowledge import services
from outpost.knowledge.models import Article, ArticleVersion, Status
from tests.conftest import Persona
from tests.knowledge.conftest import text

pytestmark = pytest.mark.django_db
FORM = {
    "kind": "procedure",
    "title": "电动车充电须知",
    "tags": "电动车",
    "body": "## 充电\n\n请勿入户充电。",
}


def test_it_lists_and_searches_published_articles_without_an_account(anonymous: Client) -> None:
    page = anonymous.get(reverse("knowledge:index")).content.decode()
    assert page.count("data-article=") == Article.objects.exclude(published=None).count()
    assert "政策法规" in page and "办证须知" in page
    found = anonymous.get(reverse("knowledge:index"), {"q": "怎么调解邻里纠纷"}).content.decode()
    assert "矛盾纠纷调解流程" in found and "居民身份证办理须知" not in found


def test_it_shows_an_article_with_its_text_escaped(
    anonymous: Client, admin: Persona, commander: Persona
) -> None:
    draft = services.write_article(
        text(body="## 注意\n\n<script>alert(1)</script>不要乱扔"), actor=commander.user
    )
    url = reverse("knowledge:article", args=[draft.article_id])
    assert anonymous.get(url).status_code == 404  # not published yet
    services.submit_version(draft, actor=commander.user)
    services.approve_version(draft, actor=admin.user)
    page = anonymous.get(url).content.decode()
    assert "<h2>注意</h2>" in page and "&lt;script&gt;alert(1)&lt;/script&gt;不要乱扔" in page
    assert "<script>alert(1)" not in page


def test_it_lets_a_writer_draft_submit_and_a_reviewer_publish(
    admin: Persona, commander: Persona, anonymous: Client
) -> None:
    answer = commander.client.post(reverse("knowledge:new"), FORM)
    version = ArticleVersion.objects.get(title="电动车充电须知")
    assert answer["Location"] == reverse("knowledge:version", args=[version.pk])
    commander.client.post(reverse("knowledge:submit", args=[version.pk]))
    desk = admin.client.get(reverse("knowledge:desk")).content.decode()
    assert "电动车充电须知" in desk[desk.index('id="waiting"') :]
    review = reverse("knowledge:review", args=[version.pk])
    refused = admin.client.post(review, {"decision": "send_back", "reason": ""})
    assert "请说明退回原因" in refused.content.decode()
    admin.client.post(review, {"decision": "approve"})
    version.refresh_from_db()
    assert version.status == Status.PUBLISHED
    assert "电动车充电须知" in anonymous.get(reverse("knowledge:index")).content.decode()


def test_it_answers_outsiders_404_readers_403_and_the_owner(
    admin: Persona, commander: Persona, grid_worker: Persona, outsider: Persona
) -> None:
    draft = services.write_article(text(), actor=commander.user)
    services.submit_version(draft, actor=commander.user)
    page = reverse("knowledge:version", args=[draft.pk])
    review = reverse("knowledge:review", args=[draft.pk])
    assert outsider.client.get(page).status_code == 404
    assert grid_worker.client.get(reverse("knowledge:desk")).status_code == 403
    assert commander.client.get(page).status_code == 200
    assert commander.client.post(review, {"decision": "approve"}).status_code == 403
    assert admin.client.post(review, {"decision": "approve"}).status_code == 302


def test_it_keeps_the_article_page_usable_at_phone_width(anonymous: Client) -> None:
    page = anonymous.get(reverse("knowledge:index")).content.decode()
    assert "knowledge/knowledge.css" in page and 'role="search"' in page
    assert 'href="/knowledge/handbook.pdf"' in page
