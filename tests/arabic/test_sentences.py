"""Sentence splitting: Arabic punctuation, quotes, abbreviations, numbers, paragraphs."""

from __future__ import annotations

import pytest

from arabic.sentences import split_sentences


def texts(text):
    return [s.text for s in split_sentences(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("قال بايدن. ورد الكاظمي.", ["قال بايدن.", "ورد الكاظمي."]),
        ("هل انتهت المهمة؟ نعم!", ["هل انتهت المهمة؟", "نعم!"]),
        ("هل انتهت؟! ربما", ["هل انتهت؟!", "ربما"]),
        # the Arabic comma and semicolon join clauses
        ("قال بايدن، ورد الكاظمي؛ ثم غادرا.", ["قال بايدن، ورد الكاظمي؛ ثم غادرا."]),
        # no split inside quotation marks
        (
            'وقال مسؤول "لن يعلن أحد أن المهمة أُنجزت. الهدف هو الهزيمة الدائمة لداعش". وأعادت الإشارة',
            ['وقال مسؤول "لن يعلن أحد أن المهمة أُنجزت. الهدف هو الهزيمة الدائمة لداعش".', "وأعادت الإشارة"],
        ),
        ("قال «انتهى الأمر. نعم» ثم غادر.", ["قال «انتهى الأمر. نعم» ثم غادر."]),
        # a terminator right before the closing mark ends the sentence after the mark
        ('قال "انتهى الأمر." وغادر.', ['قال "انتهى الأمر."', "وغادر."]),
        ("قال «هل انتهى؟» وغادر.", ["قال «هل انتهى؟»", "وغادر."]),
        # numbers and abbreviations
        ("ستقدم 5.2 مليون دولار. وقال", ["ستقدم 5.2 مليون دولار.", "وقال"]),
        ("وصل د. محمد أمس. ثم غادر", ["وصل د. محمد أمس.", "ثم غادر"]),
        ("قال J. Smith and Mr. Brown left. Then", ["قال J. Smith and Mr. Brown left.", "Then"]),
        ("in the U.S. today. Then", ["in the U.S. today.", "Then"]),
        ("في عام 2003. ثم", ["في عام 2003.", "ثم"]),
        # paragraphs always end sentences, even without punctuation
        ("عنوان بلا نقطة\n\nفقرة أولى. فقرة ثانية", ["عنوان بلا نقطة", "فقرة أولى.", "فقرة ثانية"]),
        ('عنوان "مفتوح\n\nفقرة.', ['عنوان "مفتوح', "فقرة."]),
        ("...", ["..."]),
        ("", []),
        ("   \n  ", []),
    ],
)
def test_split_sentences(text, expected):
    assert texts(text) == expected


def test_offsets_point_into_the_text():
    text = "  أولى.  ثانية؟\n\nثالثة  "
    sentences = split_sentences(text)
    assert [(s.start, s.end) for s in sentences] == [(2, 7), (9, 15), (17, 22)]
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_seed_article_has_no_sentence_inside_a_quote(seed_text):
    from arabic.quotemarks import quoted_regions

    regions = quoted_regions(seed_text)
    for s in split_sentences(seed_text):
        for r in regions:
            assert not (r.open < s.end < r.close), (s.text, seed_text[r.start : r.end])
