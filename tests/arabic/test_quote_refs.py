"""Back-references of speakers: an outlet named by its kind, the gender of a pronoun-dropped verb, a relative
clause inside the subject (sentences written for these tests)."""

from __future__ import annotations

import pytest

from arabic.quote_cues import _fold_token
from arabic.quote_refs import FEMININE, MASCULINE, cue_gender
from arabic.quotes import find_quotes


def speakers(text, **kwargs):
    return [q.speaker for q in find_quotes(text, **kwargs)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # "الصحيفة" is the newspaper named before it
        (
            "وذكرت صحيفة الغارديان البريطانية أن الحكومة تدرس الخطة. وأضافت الصحيفة أن القرار سيصدر قريبا.",
            "الغارديان",
        ),
        ('ونشرت صحيفة "المستقبل" تقريرا عن الأزمة. وقالت الصحيفة إن الحوار متعثر.', "المستقبل"),
        ("وأجرت مجلة دير شبيغل الألمانية مقابلة مع الوزير. وذكرت المجلة أن الشرطة اعتقلت مشتبها.", "دير شبيغل"),
        ("ونقلت وكالة رويترز صورا من الميناء. وقالت الوكالة نفسها إن السفن غادرت.", "رويترز"),
        # the last one named before the quote
        (
            "ونشرت صحيفة لوموند مقالا عن الانتخابات، ثم نشرت صحيفة لو فيغارو ردا عليه. وقالت الصحيفة إن النتائج متقاربة.",
            "لو فيغارو",
        ),
    ],
)
def test_an_outlet_named_by_its_kind_is_the_one_named_before(text, expected):
    assert speakers(text)[-1] == expected


@pytest.mark.parametrize(
    "text",
    [
        # an outlet with no name stays as written
        "وذكرت صحيفة إسرائيلية أن الجيش انسحب من البلدة. وأضافت الصحيفة أن الانسحاب جزئي.",
        # no outlet before it at all
        "وقالت الصحيفة إن الحكومة ستستقيل.",
    ],
)
def test_an_outlet_with_no_name_before_it_stays_as_written(text):
    assert speakers(text)[-1] == "الصحيفة"


@pytest.mark.parametrize(
    "word, gender",
    [
        ("قال", MASCULINE),
        ("وقالت", FEMININE),
        ("وأضاف", MASCULINE),
        ("وأضافت", FEMININE),
        ("يقول", MASCULINE),
        ("تقول", FEMININE),
        ("لفت", MASCULINE),  # its ت is a root letter
        ("لفتت", FEMININE),
        ("نفى", MASCULINE),
        ("نفت", FEMININE),
        ("تابع", MASCULINE),  # a past tense, not a feminine present
        ("مضيفا", MASCULINE),
        ("مضيفة", FEMININE),
        ("قالوا", None),
        ("يقولون", None),
        ("قالا", None),
        ("بحسب", None),
    ],
)
def test_cue_gender(word, gender):
    assert cue_gender(_fold_token(word)) == gender


@pytest.mark.parametrize(
    "text, expected",
    [
        # a chain continues a speaker of the same gender ...
        (
            "وقال المتحدث باسم الوزارة إن المحادثات مستمرة. وأضاف أن الوفد سيعود غدا.",
            ["المتحدث باسم الوزارة", "المتحدث باسم الوزارة"],
        ),
        ("وقالت الشرطة إن الطريق أغلق. وأضافت أن التحقيق بدأ.", ["الشرطة", "الشرطة"]),
        # ... and stops at a verb of the other gender: someone the text does not name here
        (
            "وقالت المتحدثة باسم الوزارة إن المحادثات مستمرة. وذكر أن الوفد سيعود غدا. وأضاف أن الموعد لم يحدد.",
            ["المتحدثة باسم الوزارة", None, None],
        ),
        (
            'وقال الوزير سامي داود "لن نتراجع عن الخطة". وقالت إن الحكومة موحدة.',
            ["سامي داود", None],
        ),
        # within one sentence too
        (
            'وقالت المتحدثة باسم الحكومة "الوضع هادئ" وذكر أن الجيش انسحب.',
            ["المتحدثة باسم الحكومة", None],
        ),
    ],
)
def test_a_chain_continues_only_a_speaker_of_the_same_gender(text, expected):
    assert speakers(text) == expected


def test_a_relative_clause_in_the_subject_is_not_the_subject():
    text = 'كما قال الرئيس الفنزويلي الذي وصف واشنطن الأسبوع الماضي بأنها "الشيطان"، إن بلاده لن تتراجع.'
    quotes = find_quotes(text)
    assert [q.speaker for q in quotes] == ["الرئيس الفنزويلي", "الرئيس الفنزويلي"]
    assert [q.text for q in quotes] == ["الشيطان", "بلاده لن تتراجع"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # the antecedent of the relative pronoun speaks; the noun after the verb is its object
        ("واستقبل الوزير السفير الذي وصف الحكومة بأنها عاجزة.", ["السفير"]),
        ("واستقبل الرئيس الوفد البرلماني الأوروبي الذي وصف الزيارة بأنها مثمرة.", ["الوفد البرلماني الأوروبي"]),
        ("والتقى الوزير بالسفير سامي داود الذي وصف الحكومة بأنها عاجزة.", ["سامي داود"]),
        ("وجاء ذلك في لقاء مع أنان الذي قال إنه متفائل.", ["أنان"]),
    ],
)
def test_the_antecedent_of_a_relative_clause_speaks(text, expected):
    assert speakers(text) == expected


def test_two_cues_in_a_row_name_no_one():
    text = 'وقال الوزير سامي داود إن الخطة جاهزة. وتابع يقول "لن نتأخر في التنفيذ".'
    assert speakers(text) == ["سامي داود", "سامي داود"]
