"""Where reported speech ends, and quoted names that are not quotes."""

from __future__ import annotations

import pytest

from arabic.quotes import INDIRECT, find_quotes


def spans(text):
    return [(q.kind, q.text) for q in find_quotes(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # a participle clause of the writer's ends the quote
        ("وقال الوزير إن المحادثات بناءة، آملا أن تثمر اتفاقا.", [(INDIRECT, "المحادثات بناءة")]),
        ("وقال الوزير إن المحادثات بناءة، داعيا إلى مواصلتها.", [(INDIRECT, "المحادثات بناءة")]),
        # a participle cue ends it and reports on its own
        (
            "وقال الوزير إن المحادثات بناءة، محذرا من أن الوقت يداهم الجميع.",
            [(INDIRECT, "المحادثات بناءة"), (INDIRECT, "الوقت يداهم الجميع")],
        ),
        # a relative or appositive clause continues it
        (
            "وقالت الوزيرة إن لإسرائيل ثلاثة مطالب، وهي عودة الأسرى ونزع السلاح.",
            [(INDIRECT, "لإسرائيل ثلاثة مطالب، وهي عودة الأسرى ونزع السلاح")],
        ),
        # the writer's comment on the whole report ends it
        ("وذكرت الصحيفة أن الوزير سيستقيل، وهو ما نفاه مكتبه.", [(INDIRECT, "الوزير سيستقيل")]),
    ],
)
def test_clause_ends(text, expected):
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ('وقال الباحث في ندوة لمعهد "تشاتام هاوس" إن الأزمة طويلة.', [(INDIRECT, "الأزمة طويلة", "الباحث")]),
        (
            'وقال السفير لشبكة "سي إن إن" التلفزيونية: "ندرس تشكيل قوة دولية".',
            [("direct", "ندرس تشكيل قوة دولية", "السفير")],
        ),
    ],
)
def test_a_quoted_name_on_the_way_is_not_a_quote(text, expected):
    assert [(q.kind, q.text, q.speaker) for q in find_quotes(text)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("الصدر: لن نشارك في الحكومة المقبلة\n\nأعلن التيار ...", [("direct", "لن نشارك في الحكومة المقبلة", "الصدر")]),
        ("جون بولتون: وقف النار مع الإرهابيين مرفوض\nنص الخبر.", [("direct", "وقف النار مع الإرهابيين مرفوض", "جون بولتون")]),
        ("بيروت - وكالات: وصل الوفد إلى المدينة", []),  # a dateline
        ("بغداد: وصل الوفد إلى المدينة أمس وبدأ محادثاته مع المسؤولين.", []),  # a sentence, not a headline
        ("الوزير: \"لا تعليق\"", [("direct", "لا تعليق", "الوزير")]),  # with marks, as before
    ],
)
def test_headline_with_a_colon(text, expected):
    assert [(q.kind, q.text, q.speaker) for q in find_quotes(text)] == expected
