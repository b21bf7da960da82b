"""The shipped articles (data/articles.json), loaded by a data migration (and the tests' worlds),
published at once (an article already stored, by code, is left as staff edited it)."""

import json
from pathlib import Path
from typing import Any

from outpost.knowledge.search import index_article

DATA = Path(__file__).parent / "data" / "articles.json"


def read() -> list[dict[str, Any]]:
    return list(json.loads(DATA.read_text(encoding="utf-8"))["articles"])


def load(
    article_model: Any,
    version_model: Any,
    term_model: Any,
    data: list[dict[str, Any]] | None = None,
) -> int:
    """Store and publish the shipped articles not stored yet (models passed in, so a migration
    can run it with its historical models); returns how many were added."""
    from django.utils import timezone

    added = 0
    for spec in data if data is not None else read():
        if article_model.objects.filter(code=spec["code"]).exists():
            continue
        article = article_model.objects.create(code=spec["code"])
        version = version_model.objects.create(
            article=article,
            number=1,
            status="published",
            published_at=timezone.now(),
            **{name: spec[name] for name in ("kind", "title", "tags", "body")},
        )
        article.published = version
        article.save(update_fields=["published"])
        index_article(article.pk, version, term_model)
        added += 1
    return added
