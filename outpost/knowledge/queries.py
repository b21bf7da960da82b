"""Scoped reads of the knowledge base.

Who may do what (the one place it is decided):
- published articles are public.
- writing (a new article, a new version of a published one): whoever may `change` anywhere
  (`writes_articles`); they see their own versions.
- reviewing (approve, send back): `change` over the whole district (`reviews_articles`), and
  never one's own version; reviewers see every version.
- a version nobody lets the user see answers 404; one they see but may not review, 403.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from outpost.accounts.models import User
from outpost.accounts.scope import scope_for
from outpost.core import bigrams
from outpost.knowledge.models import (
    EDITABLE_STATUSES,
    Article,
    ArticleTerm,
    ArticleVersion,
    Kind,
    Status,
)

DISTRICT_PREFIX = 6  # 320106…: a scope this short (or shorter) covers the whole district
LIST_LIMIT = 100


def writes_articles(user: User) -> bool:
    if not user.is_authenticated:
        return False
    scope = scope_for(user, "change")
    return scope.everything or bool(scope.civil or scope.police)


def reviews_articles(user: User) -> bool:
    if not user.is_authenticated:
        return False
    scope = scope_for(user, "change")
    district = settings.OUTPOST_DISTRICT_CODE[:DISTRICT_PREFIX]
    return scope.everything or any(
        len(p) <= DISTRICT_PREFIX and district.startswith(p) for p in scope.civil
    )


def published_versions() -> QuerySet[ArticleVersion]:
    """The versions residents read, one per article, by kind then title."""
    rows = ArticleVersion.objects.filter(status=Status.PUBLISHED)
    return rows.select_related("article").order_by("kind", "title", "pk")


def published_by_kind() -> list[tuple[str, str, list[ArticleVersion]]]:
    """(kind, its label, its published versions) for each kind with any, in the kinds' order."""
    rows = list(published_versions())
    groups = []
    for kind in Kind:
        mine = [v for v in rows if v.kind == kind.value]
        if mine:
            groups.append((kind.value, str(kind.label), mine))
    return groups


def get_published(pk: int) -> ArticleVersion:
    found = published_versions().filter(article_id=pk).first()
    if found is None:
        raise Http404
    return found


def search_published(query: str) -> list[ArticleVersion]:
    """The published versions matching a query, best first (three queries)."""
    shown = published_versions()
    ids = bigrams.search_ids(
        query, ArticleTerm, shown.values_list("article_id", flat=True), owner="article_id"
    )
    found = {v.article_id: v for v in shown.filter(article_id__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def versions_for(user: User) -> QuerySet[ArticleVersion]:
    """The versions the user sees on the desk: all for reviewers, their own for writers."""
    rows = ArticleVersion.objects.select_related("article", "author", "reviewer")
    if reviews_articles(user):
        return rows
    if writes_articles(user):
        return rows.filter(author=user)
    return rows.none()


def desk_rows(user: User) -> dict[str, list[ArticleVersion]]:
    """The desk: versions waiting for the user's review, and their own open ones."""
    rows = versions_for(user).order_by("-updated_at", "-pk")
    waiting: list[ArticleVersion] = []
    if reviews_articles(user):
        waiting = list(rows.filter(status=Status.REVIEW).exclude(author=user)[:LIST_LIMIT])
    mine = rows.filter(author=user).filter(~Q(status=Status.SUPERSEDED))
    return {"waiting": waiting, "mine": list(mine[:LIST_LIMIT])}


def get_version(user: User, pk: int, action: str = "view") -> ArticleVersion:
    """A version the user sees (404 otherwise); for "edit" its author or a reviewer, for
    "review" a reviewer who did not write it (403 otherwise)."""
    found = versions_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    if action == "review" and not may_review(user, found):
        raise PermissionDenied
    if action == "edit" and not (found.author_id == user.pk or reviews_articles(user)):
        raise PermissionDenied
    return found


def may_review(user: User, version: ArticleVersion) -> bool:
    return reviews_articles(user) and version.author_id != user.pk


def may_edit(version: ArticleVersion) -> bool:
    return version.status in EDITABLE_STATUSES


def open_version(article: Article) -> ArticleVersion | None:
    """The article's version being written or reviewed, if any."""
    rows = article.versions.filter(status__in=(Status.DRAFT, Status.REVIEW, Status.RETURNED))
    return rows.order_by("-number").first()


def get_article(pk: int) -> Article:
    found = Article.objects.select_related("published").filter(pk=pk).first()
    if found is None or found.published is None:
        raise Http404
    return found
