"""Search keys: normalisation and clitic stripping (pure, no database).

``PAIRS`` is also used by tests/search/test_lexemes.py, which checks the same
pairs end to end through PostgreSQL's ``arabic`` stemmer.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arabic.normalize import fold
from arabic.search_terms import (
    MIN_STEM,
    normalize,
    search_key,
    search_keys,
    search_text,
    strip_clitics,
    tokenize,
)

# Pairs of forms of one word that must find each other.
PAIRS = [
    # definite / indefinite
    ("انتخابات", "الانتخابات"),
    ("حكومة", "الحكومة"),
    ("رئيس", "الرئيس"),
    ("وزير", "الوزير"),
    ("مدينة", "المدينة"),
    ("حرب", "الحرب"),
    ("برلمان", "البرلمان"),
    ("لجنة", "اللجنة"),
    ("التزام", "الالتزام"),
    ("وزارة", "الوزارة"),
    ("ولد", "الولد"),
    ("بلد", "البلد"),
    # conjunction / preposition / article, alone and combined
    ("الانتخابات", "والانتخابات"),
    ("انتخابات", "بالانتخابات"),
    ("انتخابات", "للانتخابات"),
    ("الانتخابات", "وبالانتخابات"),
    ("العراق", "للعراق"),
    ("العراق", "والعراق"),
    ("العراق", "بالعراق"),
    ("العراق", "فالعراق"),
    ("العراق", "كالعراق"),
    ("العراق", "وللعراق"),
    ("العراق", "فبالعراق"),
    ("إيران", "وإيران"),
    ("إيران", "لإيران"),
    ("إيران", "بإيران"),
    ("إيران", "وبإيران"),
    ("بغداد", "وبغداد"),
    ("بغداد", "ببغداد"),
    ("واشنطن", "وواشنطن"),
    ("لبنان", "ولبنان"),
    ("لبنان", "بلبنان"),
    ("فرنسا", "وفرنسا"),
    ("فرنسا", "بفرنسا"),
    ("رئيس", "كرئيس"),
    ("الحكومة", "للحكومة"),
    ("بايدن", "وبايدن"),
    ("بايدن", "لبايدن"),
    ("الكاظمي", "والكاظمي"),
    ("الكاظمي", "للكاظمي"),
    ("الوزير", "ووزير"),
    ("بلد", "وبلد"),
    ("ولد", "وولد"),
    ("اللجنة", "للجنة"),
    ("الله", "والله"),
    ("الله", "بالله"),
    ("الله", "لله"),
    ("الله", "ولله"),
    # vowelled / bare, tatweel
    ("مُحَمَّد", "محمد"),
    ("الرَّئِيسُ", "الرئيس"),
    ("الانْتِخَاباتُ", "انتخابات"),
    ("وَزِيرُ", "وزير"),
    ("العِرَاقِ", "العراق"),
    ("قَالَ", "قال"),
    ("الـعـراق", "العراق"),
    ("والحُكُومَةِ", "حكومه"),
    # hamza and alef forms, alef maksura, teh marbuta
    ("إيران", "ايران"),
    ("أحمد", "احمد"),
    ("آمال", "امال"),
    ("الأمم", "الامم"),
    ("إسرائيل", "اسرائيل"),
    ("مصطفى", "مصطفي"),
    ("الحكومة", "حكومه"),
    ("مسؤول", "مسئول"),
    ("المسؤولين", "مسئولين"),
    ("شؤون", "شئون"),
    # spelling variants of well-known names
    ("أميركا", "أمريكا"),
    ("الأميركية", "الأمريكية"),
    ("ترمب", "ترامب"),
    ("أوربا", "أوروبا"),
    # digits, Latin, Persian letters
    ("٢٠٢٣", "2023"),
    ("COVID", "covid"),
    ("کتاب", "كتاب"),
]


def test_enough_pairs():
    assert len(PAIRS) >= 50


@pytest.mark.parametrize("a, b", PAIRS)
def test_pair_has_one_key(a, b):
    assert search_key(a) == search_key(b)


@pytest.mark.parametrize(
    "word, key",
    [
        ("الانتخابات", "انتخابات"),
        ("والانتخابات", "انتخابات"),
        ("للعراق", "عراق"),
        ("وبالعراق", "عراق"),
        # short words keep their letters
        ("ولد", "ولد"),
        ("بلد", "بلد"),
        ("وبلد", "بلد"),
        ("الله", "الله"),
        ("والله", "الله"),
        ("لكن", "لكن"),
        ("ليس", "ليس"),
        ("الى", "الي"),
        ("إلى", "الي"),
        # two-letter words keep a clitic rather than risk "ولد" == "بلد"
        ("الحق", "الحق"),
        ("حق", "حق"),
        # words without clitics are untouched (apart from normalisation)
        ("مصطفى", "مصطفي"),
        ("covid", "covid"),
        ("2023", "2023"),
    ],
)
def test_search_key(word, key):
    assert search_key(word) == key


@pytest.mark.parametrize(
    "a, b",
    [
        ("ولد", "بلد"),  # the guard keeps these apart
        ("الله", "له"),
        ("حرب", "حرم"),
        ("الانتخابات", "الانتخاب"),  # plural vs singular: left to the stemmer
        ("عراق", "إيران"),
    ],
)
def test_different_words_keep_different_keys(a, b):
    assert search_key(a) != search_key(b)


def test_strip_clitics_needs_three_letters_left():
    assert strip_clitics("ولد") == "ولد"
    assert strip_clitics("والولد") == "ولد"
    assert all(len(strip_clitics(w)) >= MIN_STEM for w in ["وبالعراق", "فللو", "والا"])


_CLITICS = ["و", "ف", "ب", "ك", "ل", "ال"]


@given(
    base=st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهوي", min_size=MIN_STEM, max_size=9),
    clitics=st.lists(st.sampled_from(_CLITICS), min_size=1, max_size=4),
)
def test_any_clitic_run_leads_to_the_key_of_the_bare_word(base, clitics):
    """The consistency property: key(p + w) == key(w) for any clitic run p."""
    assert search_key("".join(clitics) + base) == search_key(base)


def test_normalize_keeps_length_and_folds_hamza_carriers():
    text = "مَسْؤُولٌ قَائِدٌ"
    assert normalize(text) == "مسءول قاءد"
    assert len(normalize(text)) == len(fold(text).text)


def test_search_text_one_key_per_word_in_order():
    text = "قالَ الرئيسُ، «والانتخاباتُ» في 2023: COVID-19!"
    assert search_text(text) == "قال رءيس انتخابات في 2023 covid 19"
    assert search_keys(text) == search_text(text).split()


@pytest.mark.parametrize(
    "text",
    [
        "قالَ الرئيسُ الأميركيّ إنّ الانتخاباتِ ستُجرى",
        "المُؤتَمَر الصّحفيّ لوزيرِ الخارجيّة",
        "Biden قال: «سنعمل»",
    ],
)
def test_tokens_map_back_to_the_original_words(text):
    for token in tokenize(text):
        original = text[token.start : token.end]
        assert normalize(original) == token.word
        assert search_key(original) == token.key
        # a token ends with its own diacritics, never in the middle of a letter's marks
        assert token.end == len(text) or not fold(text[token.end]).text == ""


def test_tokens_skip_junk_runs():
    assert [t.word for t in tokenize("x" * 100 + " كلمة")] == ["كلمه"]


@pytest.mark.parametrize("text", ["", "   ", "؟!...", "«»", "— – -", "'; --", "ـــ", "\u064e\u064f"])
def test_no_words(text):
    assert tokenize(text) == []
    assert search_text(text) == ""
