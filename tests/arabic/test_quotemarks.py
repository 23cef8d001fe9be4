"""Pairing quotation marks."""

from __future__ import annotations

import pytest

from arabic.quotemarks import quoted_regions


def quoted(text):
    return [(text[r.start : r.end], r.depth) for r in quoted_regions(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('قال "نعم" ثم "لا"', [("نعم", 0), ("لا", 0)]),
        ("قال «نعم» ثم «لا»", [("نعم", 0), ("لا", 0)]),
        ("قال “نعم” ثم ”لا“", [("نعم", 0), ("لا", 0)]),  # mirrored curly pair
        ('قال «إن "المهمة" انتهت»', [("إن \"المهمة\" انتهت", 0), ("المهمة", 1)]),
        ('قال "نعم\nثم" لا', []),  # a quote never runs across a line break
        ('قال "نعم" ثم "لا', [("نعم", 0)]),  # an unclosed mark is ignored
        ("قال «نعم ثم «لا»", [("لا", 0)]),  # « left open inside is dropped
        ('قال "" فقط', []),
        ('"أ" "ب"\n"ج"', [("أ", 0), ("ب", 0), ("ج", 0)]),
    ],
)
def test_quoted_regions(text, expected):
    assert quoted(text) == expected


def test_region_offsets_are_those_of_the_marks():
    text = 'قال "نعم".'
    (region,) = quoted_regions(text)
    assert (region.open, region.close) == (4, 8)
    assert text[region.open] == text[region.close] == '"'
    assert (region.start, region.end) == (5, 8)
