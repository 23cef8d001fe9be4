"""arabic.clean: the directional controls of people's text, and telling Arabic text."""

import pytest

from arabic.clean import has_arabic, neutralise_bidi


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("invoice\u202etxt.exe", "invoicetxt.exe"),  # RIGHT-TO-LEFT OVERRIDE
        ("\u202aقال\u202c", "قال"),  # LEFT-TO-RIGHT EMBEDDING ... POP
        ("\u2066بايدن\u2069 said", "بايدن said"),  # isolates
        ("\u2067x\u2068y\u202b\u202d", "xy"),
        ("سعر 5\u200f دولار", "سعر 5\u200f دولار"),  # RLM is a single mark: kept
        ("\u061cنص", "\u061cنص"),  # ARABIC LETTER MARK: kept
        ("", ""),
    ],
)
def test_neutralise_bidi(text, expected):
    assert neutralise_bidi(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("قالها في البيت الأبيض", True), ("a note: بايدن", True), ("plain English", False), ("123 !?", False), ("ﷺ", True)],
)
def test_has_arabic(text, expected):
    assert has_arabic(text) is expected
