"""Tokens with offsets: camel-tools' boundaries, exact offsets, robust alignment."""

from __future__ import annotations

import pytest
from camel_tools.tokenizers.word import simple_word_tokenize
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic.tokens import Token, align_tokens, token_spans, tokenize, tokenize_camel

SAMPLES = [
    "",
    "   ",
    "قال بايدن",
    'وقال بايدن للصحافيين "لن نكون مع نهاية العام في مهمّة قتاليّة" في العراق، لكنّ',
    "فايزر/بيونتك كوفيد - 19",
    "5.2 مليون دولار في 2021/07/27",
    "«المهمة أُنجزت»؛ هل انتهت؟! نعم...",
    "الـعـراق   مُحَمَّدٌ\n\nفقرة ثانية",
    "COVID-19 (in Iraq) U.S. e-mail: a@b.c",
    "ok 👍🏽 🇮🇶 ❤️ #1️⃣ 👩‍👩‍👧 done",
    "tabs\tand\u00a0no-break\u2003spaces\x1c\x1dsep",
    "٢٠٢١ و۲۰۲۱",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_tokens_are_camels_tokens_with_exact_offsets(text):
    tokens = tokenize(text)
    assert [t.text for t in tokens] == simple_word_tokenize(text)
    for t in tokens:
        assert text[t.start : t.end] == t.text
    assert [(t.start, t.end) for t in tokens] == token_spans(text)
    assert tokens == tokenize_camel(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("قال: «مرحباً»،", ["قال", ":", "«", "مرحباً", "»", "،"]),
        ("لداعش\".", ["لداعش", '"', "."]),
        ("هل انتهت؟!", ["هل", "انتهت", "؟", "!"]),
        ("5.2", ["5", ".", "2"]),
    ],
)
def test_punctuation_is_split(text, expected):
    assert [t.text for t in tokenize(text)] == expected


def test_offsets_count_code_points_not_bytes():
    text = "مُحَمَّدٌ قال"
    (first, second) = tokenize(text)
    assert (first.start, first.end) == (0, 9)
    assert (second.start, second.end) == (10, 13)


ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
TEXT = st.text(
    alphabet=st.one_of(
        ARABIC,
        st.sampled_from(list(' \n\t"«»“”،؛؟.!:()-/0123456789abcXYZ\u00a0\u200c\u200d\ufe0f👍🏽🇮🇶')),
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_fast_path_agrees_with_camel_on_generated_text(text):
    tokens = tokenize(text)
    assert [t.text for t in tokens] == simple_word_tokenize(text)
    assert all(text[t.start : t.end] == t.text for t in tokens)


@pytest.mark.parametrize(
    "text, tokens, expected",
    [
        # verbatim
        ("قال بايدن", ["قال", "بايدن"], [("قال", 0, 3), ("بايدن", 4, 9)]),
        # the tokenizer removed diacritics: the span takes the original characters
        ("مُحَمَّدٌ جاء", ["محمد", "جاء"], [("مُحَمَّدٌ", 0, 9), ("جاء", 10, 13)]),
        # the tokenizer normalised alef and teh marbuta
        ("أُنجزت المهمّة", ["انجزت", "المهمه"], [("أُنجزت", 0, 6), ("المهمّة", 7, 14)]),
        # a token that is nowhere is skipped without shifting the rest
        ("قال بايدن", ["قال", "ترامب", "بايدن"], [("قال", 0, 3), ("بايدن", 4, 9)]),
        # repeated words align in order, never backwards
        ("في في في", ["في", "في", "في"], [("في", 0, 2), ("في", 3, 5), ("في", 6, 8)]),
        # tatweel dropped by the tokenizer
        ("الـعـراق", ["العراق"], [("الـعـراق", 0, 8)]),
    ],
)
def test_align_tokens(text, tokens, expected):
    assert align_tokens(text, tokens) == [Token(*e) for e in expected]
