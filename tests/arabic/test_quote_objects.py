"""Speakers and the words around them: a verbal noun after the verb is its object, never the speaker; a
hyphenated name between commas after a title is the speaker (sentences written for these tests)."""

from __future__ import annotations

import pytest

from arabic.quote_cues import _fold_token, _verbal_noun
from arabic.quotes import find_quotes


def speakers(text):
    return [q.speaker for q in find_quotes(text)]


@pytest.mark.parametrize(
    "word, expected",
    [
        ("استخدام", True),  # form X
        ("الاستخدام", True),
        ("استئناف", True),
        ("انسحاب", True),  # form VII
        ("اقتراح", True),  # form VIII
        ("اعتداء", True),
        ("اضطراب", True),
        ("ازدياد", True),
        # names of the same shape, and form IV, whose shape broken plurals share
        ("إسحاق", False),
        ("استيفان", False),
        ("إبراهيم", False),
        ("إسماعيل", False),
        ("اوباما", False),
        ("أنباء", False),
        ("أطباء", False),
        ("أحمد", False),
        ("الأمم", False),
    ],
)
def test_verbal_noun_shape(word, expected):
    assert _verbal_noun(_fold_token(word)) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "وقال مسؤول بارز في الأمم المتحدة إن القنابل ما زالت خطيرة. "
            'ووصف استخدام إسرائيل لتلك القنابل في مناطق سكنية بأنه "غير أخلاقي".',
            "مسؤول بارز في الأمم المتحدة",
        ),
        (
            "وقال وزير الخارجية إن المفاوضات متعثرة. ورفض استئناف الحوار مع المعارضة، مؤكدا أن الوقت غير مناسب.",
            "وزير الخارجية",
        ),
        ("وقال السفير الأميركي جون بولتون إن الحل بعيد. ووصف اقتراح الوسطاء بأنه غير واقعي.", "جون بولتون"),
    ],
)
def test_a_verbal_noun_after_the_verb_is_its_object_not_the_speaker(text, expected):
    assert speakers(text)[-1] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("وقال سفير غانا، رئيس المجلس نانا ايفا - ابنتنغ، ان القرار لا يغلق الباب.", "نانا ايفا - ابنتنغ"),
        ("وقالت وزيرة الدفاع الفرنسية، ميشال اليو - ماري، إن القوات ستبقى.", "ميشال اليو - ماري"),
        ("وقال وزير الخارجية الفرنسي، فيليب دوست - بلازي، إن الحل سياسي.", "فيليب دوست - بلازي"),
    ],
)
def test_a_hyphenated_name_between_commas_after_a_title_speaks(text, expected):
    assert speakers(text) == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "وألقى سعيد بن شيبان رئيس وفد النادي كلمة خلال الحفل شكر فيها المنظمين، مشيرا إلى أن الاستضافة كانت رائعة.",
            "سعيد بن شيبان",
        ),
        ("وألقى وزير الخارجية كلمة في المؤتمر أكد فيها أن السلام ممكن.", "وزير الخارجية"),
        ("وأدلى المتحدث باسم الشرطة بتصريح للصحفيين، مؤكدا أن التحقيق مستمر.", "المتحدث باسم الشرطة"),
    ],
)
def test_who_gives_a_speech_speaks_for_a_cue_that_names_no_one(text, expected):
    (speaker,) = speakers(text)
    assert speaker is not None and speaker.startswith(expected)


@pytest.mark.parametrize(
    "text",
    [
        "وألقى وزير الخارجية كلمة في المؤتمر أكد فيها أن السلام ممكن.",
        "وألقى رئيس الوزراء سمير داود خطابا في البرلمان، مؤكدا أن الحكومة ماضية في الإصلاح.",
    ],
)
def test_the_speech_given_is_never_the_speaker(text):
    assert all(s is not None and "كلمة" not in s and "خطابا" not in s for s in speakers(text))
