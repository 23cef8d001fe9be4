"""The word pairs of tests/arabic/test_search_terms.py, through PostgreSQL's stemmer."""

import pytest
from django.db import connection

from arabic.search_terms import search_text
from newsreader.textsearch.query import parse_query
from search.selectors import article_search
from tests.arabic.test_search_terms import PAIRS
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def vector(text: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('arabic', %s)::text", [text])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("a, b", PAIRS)
def test_pair_yields_the_same_lexeme(a, b):
    lexeme_a, lexeme_b = vector(search_text(a)), vector(search_text(b))
    assert lexeme_a == lexeme_b
    assert lexeme_a.count(":") == 1  # exactly one lexeme, at position 1


@pytest.mark.parametrize(
    "a, b",
    [
        ("انتخابات", "الانتخابات"),  # 'انتخابا' vs 'انتخاب'
        ("الانتخابات", "والانتخابات"),  # 'وال' is kept
        ("ايران", "وايران"),  # 'ايران' vs 'واير'
        ("مسؤول", "مسئول"),  # 'مسوول' vs 'مسيول'
        ("لبنان", "ولبنان"),  # 'لبنان' vs 'لبن'
        ("أميركا", "أمريكا"),
    ],
)
def test_the_stock_configuration_alone_misses_these(a, b):
    """Why search normalises first: without it these pairs never meet."""
    assert vector(a) != vector(b)
    assert vector(search_text(a)) == vector(search_text(b))


@pytest.mark.parametrize("written, searched", PAIRS + [(b, a) for a, b in PAIRS])
def test_an_article_with_one_form_is_found_by_the_other(written, searched, source):
    article = make_article(source=source, title=f"خبر عن {written}", body=f"نص يذكر {written} مرة واحدة.")
    results = article_search(query=parse_query(searched), correct_misspellings=False)
    assert [h.article for h in results.hits] == [article]
