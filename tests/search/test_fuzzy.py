"""Did you mean: pg_trgm's trigram similarity, computed without pg_trgm, the same on every server."""

import random
from fractions import Fraction

import pytest
from django.db import connection

from search import fuzzy
from search.indexing import trigram_similarity, trigrams
from search.models import Term

# Figures of PostgreSQL's pg_trgm (similarity(a, b), PostgreSQL 15) for these pairs,
# as exact fractions: shared trigrams / distinct trigrams of both.
PG_TRGM = [
    ("الكاظمي", "الكاضمي", Fraction(5, 11)),  # pg_trgm: 0.45454547
    ("بغداد", "بغدد", Fraction(3, 8)),  # 0.375
    ("انتخابات", "الانتخابات", Fraction(2, 3)),  # 0.6666667
    ("ترامب", "ترمب", Fraction(3, 8)),  # 0.375
    ("زنجبيل", "الكاظمي", Fraction(0)),  # 0
    ("word", "words", Fraction(4, 7)),  # 0.5714286
    ("covid19", "covid", Fraction(5, 9)),  # 0.5555556
    ("ابو", "ابوظبي", Fraction(3, 8)),  # 0.375
    ("aaaa", "aaa", Fraction(1)),  # 1: the same set of trigrams
    ("abc", "abd", Fraction(1, 3)),  # 0.33333334
    ("ا", "اب", Fraction(1, 4)),  # 0.25
]

WORDS = ["ا", "اب", "abc", "aaaa", "الكاظمي", "covid19", "الانتخابات", "مسءول", "x" * 64]


@pytest.mark.parametrize(("a", "b", "expected"), PG_TRGM)
def test_similarity_is_pg_trgms(a, b, expected):
    assert trigram_similarity(a, b) == pytest.approx(float(expected))
    assert trigram_similarity(b, a) == pytest.approx(float(expected))


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("", []),
        ("a", ["  a", " a "]),
        ("abc", ["  a", " ab", "abc", "bc "]),
        ("aaaa", ["  a", " aa", "aa ", "aaa"]),  # a set: "aaa" once
        ("بغداد", ["  ب", " بغ", "اد ", "بغد", "داد", "غدا"]),
    ],
)
def test_trigrams_are_padded_like_pg_trgm(word, expected):
    assert trigrams(word) == sorted(expected)


@pytest.mark.django_db
@pytest.mark.parametrize("word", WORDS)
def test_the_database_computes_the_same_trigrams(word):
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_term_trigrams(%s)", [word])
        assert sorted(cursor.fetchone()[0]) == trigrams(word)
    term = Term.objects.create(word=word, document_count=1)
    term.refresh_from_db()
    assert sorted(term.trigrams) == trigrams(word)


@pytest.mark.django_db
def test_the_vocabulary_has_a_plain_gin_index_and_no_pg_trgm_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_term'")
        indexes = dict(cursor.fetchall())
    assert "search_term_word_trgm" not in indexes
    assert "USING gin (trigrams)" in indexes["search_term_trigrams_gin"]


def vocabulary(words, counts=None):
    Term.objects.bulk_create(Term(word=w, document_count=(counts or {}).get(w, 1)) for w in words)


@pytest.mark.django_db
def test_threshold_is_inclusive_like_pg_trgm():
    vocabulary(["abd"])
    assert fuzzy.suggest("abc") == "abd"  # 1/3 >= 0.3
    Term.objects.all().delete()
    vocabulary(["اب"])
    assert fuzzy.suggest("ا") is None  # 1/4 < 0.3


@pytest.mark.django_db
def test_most_similar_then_most_used_then_alphabetical():
    vocabulary(["الكاظمي", "الكاظم", "الكاضمين", "الكاضمية"], {"الكاضمين": 5, "الكاضمية": 5})
    # الكاضمين and الكاضمية share 7 of 10 trigrams with الكاضمي; الكاظمي only 5 of 11.
    assert fuzzy.suggest("الكاضمي") == "الكاضمية"
    Term.objects.filter(word="الكاضمين").update(document_count=6)
    assert fuzzy.suggest("الكاضمي") == "الكاضمين"


@pytest.mark.django_db
def test_unused_words_and_the_word_itself_are_not_suggested():
    vocabulary(["الكاظمي", "الكاضمي"], {"الكاظمي": 0})
    assert fuzzy.suggest("الكاضمي") is None


@pytest.mark.django_db
def test_one_query_per_suggestion(django_assert_num_queries):
    vocabulary(["الكاظمي"])
    with django_assert_num_queries(1):
        assert fuzzy.suggest("الكاضمي") == "الكاظمي"


def exact_similarity(a, b):
    ta, tb = set(trigrams(a)), set(trigrams(b))
    return Fraction(len(ta & tb), len(ta | tb))


def brute_force(word, vocabulary_counts):
    scored = [
        (exact_similarity(word, w), n, w)
        for w, n in vocabulary_counts.items()
        if w != word and n > 0 and exact_similarity(word, w) >= fuzzy.THRESHOLD
    ]
    if not scored:
        return None
    return min(scored, key=lambda s: (-s[0], -s[1], s[2]))[2]


@pytest.mark.django_db
def test_the_index_finds_exactly_what_comparing_every_word_finds():
    """The pre-selection (without the common leading trigrams) loses no qualifying word."""
    rng = random.Random(10)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    words = set()
    while len(words) < 400:
        stem = "".join(rng.choice(letters) for _ in range(rng.randint(2, 7)))
        words.add(rng.choice(["", "ال", "وال", "ب"]) + stem)
    counts = {w: rng.randint(0, 4) for w in words}
    vocabulary(counts, counts)
    for word in rng.sample(sorted(words), 60):
        i = rng.randrange(len(word))
        for probe in (word[:i] + rng.choice(letters) + word[i + 1 :], word[:i] + word[i + 1 :], word + "ة"):
            assert fuzzy.suggest(probe) == brute_force(probe, counts), probe


@pytest.mark.parametrize("word", ["ا", "اب", "abc", "الكاظمي", "الانتخابات"])
def test_the_probe_drops_at_most_what_the_threshold_allows(word):
    grams = trigrams(word)
    probe = fuzzy.probe_trigrams(grams)
    dropped = len(grams) - len(probe)
    assert set(probe) <= set(grams)
    # A qualifying word shares at least ceil(0.3 n) trigrams, so one is always left to find it by.
    assert dropped <= max(-(-3 * len(grams) // 10) - 1, 0)
    assert all(g.startswith(" ") for g in set(grams) - set(probe))
