"""Chinese full-text search over the matters, the same on SQLite and PostgreSQL.

Chinese has no spaces, and no segmenter is installed, so a matter is indexed by its character
bigrams (居住证 → 居住, 住证) and its Latin/digit words, each kept once per matter with the weight
of the strongest field it appears in (title 6, other names 5, what it is 2, the rest 1; the shared
helper is `outpost.core.bigrams`). A query
is cut the same way; a matter scores the sum over the query's terms it holds of weight × the
term's rarity (terms most matters hold, such as 办理, count little), and question words
(怎么, 哪里, …) are dropped. Ranking is done in Python over the matched rows only.
"""

from typing import Any

from outpost.core.bigrams import (
    ASKING,
    CJK_RUN,
    MAX_QUERY_TERMS,
    STOP,
    query_terms,
    rank,
    search_ids,
    terms_of,
    weighted_terms,
)

__all__ = [
    "ASKING",
    "CJK_RUN",
    "FIELD_WEIGHTS",
    "MAX_QUERY_TERMS",
    "STOP",
    "index_matter",
    "matter_terms",
    "query_terms",
    "rank",
    "search_ids",
    "terms_of",
]

FIELD_WEIGHTS = (
    ("title", 6),
    ("keywords", 5),
    ("summary", 2),
    ("eligibility", 1),
    ("documents", 1),
    ("department", 1),
)


def matter_terms(fields: dict[str, str]) -> dict[str, int]:
    """term → weight for one matter's fields."""
    return weighted_terms(fields, FIELD_WEIGHTS)


def index_matter(matter: Any, term_model: Any) -> None:
    """Replace a matter's terms (models passed in, so a migration can run it)."""
    term_model.objects.filter(matter_id=matter.pk).delete()
    fields = {name: getattr(matter, name) for name, _w in FIELD_WEIGHTS}
    term_model.objects.bulk_create(
        term_model(matter_id=matter.pk, term=t, weight=w)
        for t, w in sorted(matter_terms(fields).items())
    )
