"""Writes of the knowledge base: writing a version, submitting it for review, approving it
(publishing) or sending it back with a reason. Every write runs in a transaction, checks who
acts, and writes a change record."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from outpost.accounts.models import User
from outpost.core.audit import record_change
from outpost.core.refusals import refusal
from outpost.knowledge import queries
from outpost.knowledge.models import (
    Article,
    ArticleTerm,
    ArticleVersion,
    Kind,
    Status,
)
from outpost.knowledge.search import index_article


@dataclass(frozen=True)
class Text:
    kind: str
    title: str
    body: str
    tags: str = ""


def _record(actor: User, action: str, version: ArticleVersion, **after: Any) -> None:
    record_change(
        actor=actor,
        action=action,
        object_type="article",
        object_key=f"{version.article.code}/v{version.number}",
        after={"status": version.status, "title": version.title, **after},
    )


def _checked(text: Text) -> Text:
    problems: dict[str, Any] = {}
    if text.kind not in Kind.values:
        problems["kind"] = refusal(_("Choose the kind of article"))
    if not text.title.strip():
        problems["title"] = refusal(_("Give the article a title"))
    if not text.body.strip():
        problems["body"] = refusal(_("Write the article's text"))
    if problems:
        raise ValidationError(problems)
    return Text(text.kind, text.title.strip(), text.body.strip(), text.tags.strip())


def _new_code(title: str) -> str:
    base = slugify(title) or "article"
    count = Article.objects.count() + 1
    code = f"{base[:30]}-{count}"
    while Article.objects.filter(code=code).exists():
        count += 1
        code = f"{base[:30]}-{count}"
    return code


@transaction.atomic
def write_article(text: Text, *, actor: User) -> ArticleVersion:
    """A new article: its first version, a draft by the actor."""
    if not queries.writes_articles(actor):
        raise PermissionDenied
    text = _checked(text)
    article = Article.objects.create(code=_new_code(text.title))
    version = ArticleVersion.objects.create(
        article=article, number=1, author=actor, **text.__dict__
    )
    _record(actor, "article.write", version)
    return version


@transaction.atomic
def revise_article(article: Article, text: Text, *, actor: User) -> ArticleVersion:
    """A new draft version of a published article (the published one stays until approved)."""
    if not queries.writes_articles(actor):
        raise PermissionDenied
    text = _checked(text)
    Article.objects.select_for_update().filter(pk=article.pk).first()
    if queries.open_version(article) is not None:
        raise ValidationError(
            {"title": refusal(_("A new version of this article is already being written"))}
        )
    number = (article.versions.order_by("-number").values_list("number", flat=True).first()) or 0
    version = ArticleVersion.objects.create(
        article=article, number=number + 1, author=actor, **text.__dict__
    )
    _record(actor, "article.revise", version)
    return version


@transaction.atomic
def edit_version(version: ArticleVersion, text: Text, *, actor: User) -> ArticleVersion:
    """Change a draft (or a version sent back) before it is submitted."""
    version = queries.get_version(actor, version.pk, "edit")
    if not queries.may_edit(version):
        raise ValidationError({"title": refusal(_("Only a draft can be changed"))})
    text = _checked(text)
    for name, value in text.__dict__.items():
        setattr(version, name, value)
    version.status = Status.DRAFT
    version.save()
    _record(actor, "article.edit", version)
    return version


@transaction.atomic
def submit_version(version: ArticleVersion, *, actor: User) -> ArticleVersion:
    version = queries.get_version(actor, version.pk, "edit")
    if not queries.may_edit(version):
        raise ValidationError({"status": refusal(_("Only a draft can be submitted for review"))})
    version.status, version.reason = Status.REVIEW, ""
    version.save(update_fields=["status", "reason", "updated_at"])
    _record(actor, "article.submit", version)
    return version


@transaction.atomic
def approve_version(version: ArticleVersion, *, actor: User) -> ArticleVersion:
    """Publish a version under review: the article's previous version is superseded."""
    version = queries.get_version(actor, version.pk, "review")
    if version.status != Status.REVIEW:
        raise ValidationError({"status": refusal(_("Only a version in review can be approved"))})
    article = Article.objects.select_for_update().get(pk=version.article_id)
    article.versions.filter(status=Status.PUBLISHED).update(status=Status.SUPERSEDED)
    version.status, version.reviewer = Status.PUBLISHED, actor
    version.published_at = timezone.now()
    version.save(update_fields=["status", "reviewer", "published_at", "updated_at"])
    article.published = version
    article.save(update_fields=["published"])
    index_article(article.pk, version, ArticleTerm)
    _record(actor, "article.approve", version)
    return version


@transaction.atomic
def send_back(version: ArticleVersion, reason: str, *, actor: User) -> ArticleVersion:
    version = queries.get_version(actor, version.pk, "review")
    if version.status != Status.REVIEW:
        raise ValidationError({"status": refusal(_("Only a version in review can be sent back"))})
    if not reason.strip():
        raise ValidationError({"reason": refusal(_("Say why it is sent back"))})
    version.status, version.reviewer, version.reason = Status.RETURNED, actor, reason.strip()[:300]
    version.save(update_fields=["status", "reviewer", "reason", "updated_at"])
    _record(actor, "article.send_back", version, reason=version.reason)
    return version
