"""Chinese search over the catalogue: character bigrams with title weighting, the same on both
databases. Recall@3 over the resident queries in queries.json must stay at or above 90%."""

import json
from pathlib import Path

import pytest

from outpost.guides import queries, search
from outpost.guides.models import Matter, MatterTerm

pytestmark = pytest.mark.django_db
QUERIES = json.loads((Path(__file__).parent / "queries.json").read_text(encoding="utf-8"))


def recall_at_3(find: object) -> float:
    rows = QUERIES["queries"]
    hits = 0
    for row in rows:
        found = [m.code for m in find(row["query"])[:3]]  # type: ignore[operator]
        hits += row["expected"] in found
    return hits / len(rows)


def test_it_finds_the_expected_matter_in_the_top_three_for_nine_queries_in_ten() -> None:
    assert len(QUERIES["queries"]) >= 40
    assert recall_at_3(lambda q: queries.search_matters(None, q)) >= 0.9


def test_it_beats_a_plain_substring_search() -> None:
    ours = recall_at_3(lambda q: queries.search_matters(None, q))
    anchor = recall_at_3(queries.substring_matters)
    assert ours > anchor


def test_it_ranks_the_title_above_a_mention_in_the_text() -> None:
    found = queries.search_matters(None, "居住证")
    assert found[0].code == "residence-permit"


def test_it_cuts_chinese_into_bigrams_and_keeps_latin_words_whole() -> None:
    assert search.terms_of("老人 乘车卡 ETC 60岁") == ["老人", "乘车", "车卡", "etc", "60", "岁"]
    assert search.query_terms("外地人怎么办居住证") == [
        "外地",
        "地人",
        "人怎",
        "办居",
        "居住",
        "住证",
    ]


def test_it_shows_nothing_for_a_query_of_nothing_but_question_words() -> None:
    assert queries.search_matters(None, "怎么办？") == []


def test_it_hides_unpublished_matters_from_residents() -> None:
    Matter.objects.filter(code="residence-permit").update(published=False)
    assert "residence-permit" not in [m.code for m in queries.search_matters(None, "居住证")]


def test_it_indexes_every_shipped_matter() -> None:
    assert Matter.objects.count() >= 30
    assert not Matter.objects.filter(terms=None).exists()
    assert MatterTerm.objects.filter(
        term="居住", matter__code="residence-permit", weight=6
    ).exists()
