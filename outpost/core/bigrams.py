"""Character-bigram search, the same on SQLite and PostgreSQL (shared by the service guides and
the knowledge base).

Chinese has no spaces, and no segmenter is installed, so a document is indexed by its character
bigrams (居住证 → 居住, 住证) and its Latin/digit words, each kept once per document with the
weight of the strongest field it appears in. A query is cut the same way; a document scores the
sum over the query's terms it holds of weight × the term's rarity (terms most documents hold,
such as 办理, count little), and question words (怎么, 哪里, …) are dropped. Ranking is done in
Python over the matched rows only. Term models have the document's foreign key (`owner`), `term`
and `weight`.
"""

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
# Bigrams of how residents ask, not of what they ask about.
ASKING = (
    "怎么 么办 么去 么弄 怎样 如何 哪里 哪儿 去哪 在哪 什么 需要 要去 要办 我想 想办 可以 能不 "
    "不能 一下 请问 我要 我们 我家 家里 的话 了怎 去办 办个 个证 要什 么材 么手 有什 没有 现在 已经"
)
STOP = frozenset(ASKING.split())
MAX_QUERY_TERMS = 40


def terms_of(text: str) -> list[str]:
    """The search terms of a text, in order: bigrams of each Chinese run (a one-character run
    stands alone), Latin and digit words whole."""
    found: list[str] = []
    for run in CJK_RUN.findall(text.lower()):
        if run.isascii():
            found.append(run[:20])
        elif len(run) == 1:
            found.append(run)
        else:
            found.extend(run[i : i + 2] for i in range(len(run) - 1))
    return found


def query_terms(query: str) -> list[str]:
    seen: dict[str, None] = {}
    for term in terms_of(query):
        if term not in STOP:
            seen.setdefault(term, None)
    return list(seen)[:MAX_QUERY_TERMS]


def weighted_terms(
    fields: dict[str, str], field_weights: tuple[tuple[str, int], ...]
) -> dict[str, int]:
    """term → weight for one document's fields."""
    weights: dict[str, int] = {}
    for name, weight in field_weights:
        for term in terms_of(fields.get(name, "") or ""):
            weights[term] = max(weights.get(term, 0), weight)
    return weights


def rank(rows: Iterable[tuple[int, str, int]], documents: int) -> list[tuple[int, float]]:
    """(document id, score) best first, from the matched (document id, term, weight) rows."""
    rows = list(rows)
    holders: dict[str, int] = defaultdict(int)
    for _matter, term, _weight in rows:
        holders[term] += 1
    scores: dict[int, float] = defaultdict(float)
    for matter, term, weight in rows:
        rarity = math.log(1 + documents / holders[term])
        scores[matter] += weight * rarity
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


def search_ids(
    query: str, term_model: Any, published: Iterable[int], owner: str = "matter_id"
) -> list[int]:
    """The ids of the published documents matching the query, best first (two queries)."""
    allowed = set(published)
    terms = query_terms(query)
    if not terms or not allowed:
        return []
    rows = term_model.objects.filter(term__in=terms, **{f"{owner}__in": allowed})
    matched = rows.values_list(owner, "term", "weight")
    ranked = rank(matched, len(allowed))
    if not ranked:
        return []
    best = ranked[0][1]
    # Matches far weaker than the best one are noise (one shared common bigram).
    return [pk for pk, score in ranked if score >= best * 0.2]
