"""The knowledge base's search terms: the shared character bigrams (`outpost.core.bigrams`) of an
article's published version, title above tags above text."""

from typing import Any

from outpost.core.bigrams import weighted_terms

FIELD_WEIGHTS = (("title", 6), ("tags", 5), ("body", 1))


def index_article(article_id: int, version: Any, term_model: Any) -> None:
    """Replace an article's terms with its version's (models passed in, so a migration can run
    it); `version` None clears them."""
    term_model.objects.filter(article_id=article_id).delete()
    if version is None:
        return
    fields = {name: getattr(version, name) for name, _w in FIELD_WEIGHTS}
    term_model.objects.bulk_create(
        term_model(article_id=article_id, term=t, weight=w)
        for t, w in sorted(weighted_terms(fields, FIELD_WEIGHTS).items())
    )
