"""Phrases that stand where a speaker could, but name nobody (arabic/quote_phrases.py): time phrases, manner
adverbs, place phrases, ل-constructs and discourse openers (sentences written for these tests, not taken from the
gold files)."""

from __future__ import annotations

import pytest

from arabic.quote_cues import _fold_token
from arabic.quote_phrases import (
    discourse_opener_end,
    lam_construct,
    manner_adverb,
    opens_time_phrase,
    place_phrase,
    time_phrase,
    time_phrase_end,
)
from tests.arabic.conftest import speakers


# --- time phrases, ages and manner adverbs are not speakers (round 7, docs/language-engine.md) --------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("وكان الوزير سمير داود أعلن الشهر الماضي أنه سيستقيل من منصبه.", "سمير داود"),
        ("وكانت الشركة أعلنت الأسبوع الماضي أنها ستغلق المصنع.", "الشركة"),
        ("وكان المدرب فيليب تروسييه قال العام الماضي إن الفريق يحتاج إلى وقت.", "المدرب فيليب تروسييه"),
        ("وأضاف المدير بأسف شديد أن المصنع سيغلق أبوابه.", "المدير"),
        ("وقال الإمام بحزن بالغ إن المسجد يحتاج إلى ترميم.", "الإمام"),
        ("وأكد الوزير بوضوح أن الحكومة لن تتراجع.", "الوزير"),
    ],
)
def test_a_time_phrase_or_a_manner_adverb_is_not_the_speaker(text, expected):
    assert speakers(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "وقال 26 عاما إن الأمر صعب.",
        "وأعلن العام الماضي أن الشركة خسرت.",
        "وأضاف بحزن شديد أن المدينة تغيرت.",
    ],
)
def test_no_speaker_rather_than_a_time_phrase(text):
    assert speakers(text) == [None]


@pytest.mark.parametrize(
    "word, raw, expected",
    [
        ("الشهر", "الشهر", True),
        ("الاسبوع", "الأسبوع", True),
        ("عام", "عام", True),
        ("2003", "2003", True),
        ("26", "26", True),
        ("الوزير", "الوزير", False),
        ("شهاب", "شهاب", False),
    ],
)
def test_time_phrase_words(word, raw, expected):
    assert time_phrase(_fold_token(word), raw) is expected


@pytest.mark.parametrize(
    "word, expected",
    [("بحزن", True), ("بأسف", True), ("بوضوح", True), ("بمثابة", True), ("بشار", False), ("بوش", False), ("بلير", False)],
)
def test_manner_adverb_words(word, expected):
    assert manner_adverb(_fold_token(word)) is expected


@pytest.mark.parametrize(
    "words, end",
    [
        ("الشهر الماضي أنه", 2),
        ("عام 1993 أن", 2),
        ("26 عاما إن", 2),
        ("أمس إن", 1),
        ("العام للأمم المتحدة", 0),  # الأمين العام: no time phrase
        ("الوزير أمس", 0),
    ],
)
def test_time_phrase_end(words, end):
    texts = words.split()
    assert time_phrase_end([_fold_token(w) for w in texts], texts, 0, len(texts)) == end


# --- "اول امس" is a time phrase (round 8, docs/language-engine.md) ------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "وقالت وزارة الداخلية اول امس الخميس انها اعتقلت ثلاثة مشتبه بهم.",
            "وزارة الداخلية",
        ),
        ("وأعلنت الشركة أول من أمس أن أرباحها ارتفعت.", "الشركة"),
        ("وقال المتحدث باسم الجيش أول أمس إن العملية انتهت.", "المتحدث باسم الجيش"),
    ],
)
def test_the_day_before_yesterday_is_not_the_speaker(text, expected):
    assert speakers(text) == [expected]


def test_the_day_before_yesterday_right_after_the_cue():
    assert speakers("وأعلن اول امس أن المفاوضات فشلت.") == [None]


@pytest.mark.parametrize(
    "words, end",
    [
        ("اول امس الجمعة", 3),
        ("أول من أمس", 3),
        ("أول أمس", 2),
        ("أول رئيس", 0),
        ("أول من قال", 0),
    ],
)
def test_time_phrase_end_of_the_day_before_yesterday(words, end):
    toks = words.split()
    f = [_fold_token(w) for w in toks]
    assert time_phrase_end(f, toks, 0, len(toks)) == end
    assert opens_time_phrase(f, toks, 0, len(toks)) == (end > 0)


# --- a place phrase or a ل-construct is not a name (round 7, docs/language-engine.md) -----------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("وقالت القوى بقطاع غزة في بيان إنها على ثقة بالنجاح.", "القوى بقطاع غزة"),
        ("وقالت الفصائل بمدينة نابلس إن الهدنة انتهت.", "الفصائل بمدينة نابلس"),
        ("وقال رئيس الاتحاد العربي لكرة القدم إن البطولة ستقام في موعدها.", "رئيس الاتحاد العربي لكرة القدم"),
    ],
)
def test_a_place_phrase_or_a_construct_is_not_a_name(text, expected):
    assert speakers(text) == [expected]


@pytest.mark.parametrize(
    "word, expected",
    [("بقطاع", True), ("بمدينة", True), ("بمحافظة", True), ("بولاية", True), ("بوش", False), ("براون", False)],
)
def test_place_phrase_words(word, expected):
    assert place_phrase(_fold_token(word)) is expected


def test_a_person_named_with_lahoud_is_still_a_name():
    # ل at the start of a name is not a preposition when no definite noun follows
    assert speakers("وقال الرئيس إميل لحود إن لبنان لن يتنازل.") == ["إميل لحود"]


def test_a_name_ending_in_a_lam_construct_is_cut_in_context():
    text = (
        "لكن الوقود الحيوي لا يخلو من المشكلات. "
        "وقال كلاوس بيكارد رئيس الرابطة الألمانية لصناعة النفط إن الوقود يتطلب مضخات جديدة."
    )
    assert "لصناعة" != speakers(text)[-1]
    assert "كلاوس بيكارد" in speakers(text)[-1]


@pytest.mark.parametrize(
    "word, following, expected",
    [("لصناعة", "النفط", True), ("لشركة", "الكهرباء", True), ("لحود", "إن", False), ("لصناعة", None, False), ("للأمم", "المتحدة", False)],
)
def test_lam_construct_words(word, following, expected):
    assert lam_construct(_fold_token(word), _fold_token(following) if following else None) is expected


# --- a discourse opener before the sentence's verb (round 7, docs/language-engine.md) -----------------------------


@pytest.mark.parametrize(
    "text, name",
    [
        (
            "وقال الوزير إن الأسعار ارتفعت. من جهة أخرى قدم السيد سوريش ماثيور عرضا عن الغاز، وقال ان حصة الغاز سوف تزداد.",
            "سوريش ماثيور",
        ),
        (
            "وقال الوزير إن الأسعار ارتفعت. وعلى صعيد آخر، انتقد النائب جورج عدوان الحكومة بشدة، وقال انها فشلت.",
            "جورج عدوان",
        ),
    ],
)
def test_a_discourse_opener_does_not_hide_the_opening_verb(text, name):
    assert name in speakers(text)[-1]


@pytest.mark.parametrize(
    "words, end",
    [("من جهة أخرى قدم", 3), ("وعلى صعيد آخر ، انتقد", 4), ("وفي سياق متصل أعلن", 3), ("من جهته قال", 0), ("في المدينة قال", 0)],
)
def test_discourse_opener_end(words, end):
    texts = words.split()
    assert discourse_opener_end([_fold_token(w) for w in texts], texts, 0, len(texts)) == end
