"""Writing, reviewing and publishing articles: versions, who may review, change records."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from outpost.core.models import ChangeRecord
from outpost.knowledge import queries, services
from outpost.knowledge.models import ArticleVersion, Status
from tests.conftest import Persona
from tests.knowledge.conftest import published, text

pytestmark = pytest.mark.django_db


def test_it_publishes_after_review_by_someone_else(admin: Persona, commander: Persona) -> None:
    draft = services.write_article(text(), actor=commander.user)
    services.submit_version(draft, actor=commander.user)
    with pytest.raises(PermissionDenied):
        services.approve_version(draft, actor=commander.user)  # the author may not review
    done = services.approve_version(draft, actor=admin.user)
    assert done.status == Status.PUBLISHED and done.reviewer == admin.user
    assert queries.search_published("垃圾怎么分类")[0].title == "垃圾分类投放须知"
    actions = ChangeRecord.objects.filter(object_type="article").values_list("action", flat=True)
    assert list(actions.order_by("pk")) == ["article.write", "article.submit", "article.approve"]


def test_it_keeps_the_published_version_until_the_new_one_is_approved(
    admin: Persona, commander: Persona
) -> None:
    first = published(commander.user, admin.user)
    article = first.article
    second = services.revise_article(article, text(title="垃圾分类投放新规"), actor=commander.user)
    assert second.number == 2 and second.status == Status.DRAFT
    assert queries.get_published(article.pk).title == "垃圾分类投放须知"
    with pytest.raises(ValidationError):  # one open version at a time
        services.revise_article(article, text(), actor=commander.user)
    services.submit_version(second, actor=commander.user)
    services.approve_version(second, actor=admin.user)
    assert queries.get_published(article.pk).title == "垃圾分类投放新规"
    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED
    assert queries.search_published("新规")[0].pk == second.pk


def test_it_sends_back_with_a_reason_and_the_author_edits_again(
    admin: Persona, commander: Persona
) -> None:
    draft = services.write_article(text(), actor=commander.user)
    services.submit_version(draft, actor=commander.user)
    with pytest.raises(ValidationError) as refused:
        services.send_back(draft, " ", actor=admin.user)
    assert "reason" in refused.value.message_dict
    services.send_back(draft, "请补充投放地点", actor=admin.user)
    draft.refresh_from_db()
    assert draft.status == Status.RETURNED and draft.reason == "请补充投放地点"
    assert not queries.search_published("垃圾分类")
    edited = services.edit_version(draft, text(body="投放地点：小区门口。"), actor=commander.user)
    assert edited.status == Status.DRAFT


def test_it_refuses_writers_without_change_and_empty_articles(
    grid_worker: Persona, commander: Persona
) -> None:
    with pytest.raises(PermissionDenied):
        services.write_article(text(), actor=grid_worker.user)
    with pytest.raises(ValidationError) as refused:
        services.write_article(text(title=" ", kind="nonsense"), actor=commander.user)
    assert {"title", "kind"} <= set(refused.value.message_dict)
    assert not ArticleVersion.objects.filter(author=commander.user).exists()


def test_it_ships_published_articles_of_every_kind(db: None) -> None:
    kinds = {kind for kind, _label, rows in queries.published_by_kind() if rows}
    assert kinds == {"policy", "functions", "procedure", "permits"}
    assert queries.search_published("出租房屋登记")[0].title == "出租房屋登记流程"
    assert "居住证申领须知" in [v.title for v in queries.search_published("办居住证要带什么")]
