"""Cue words of the quote finder: the reporting verbs beyond قال, weak cues and what is not a cue."""

from __future__ import annotations

import pytest

from arabic.quote_cues import _cue_kind, _fold_token
from arabic.quotes import DIRECT, INDIRECT, find_quotes
from tests.arabic.conftest import found


def summary(text):
    return [(q.kind, q.text, q.speaker) for q in find_quotes(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ووصف الوزير الاتفاق بأنه خطوة تاريخية.", [(INDIRECT, "خطوة تاريخية", "الوزير")]),
        ("وتوعد القائد بأن الرد سيكون قاسيا.", [(INDIRECT, "الرد سيكون قاسيا", "القائد")]),
        ("ورحب الاتحاد بأن الطرفين عادا إلى الحوار.", [(INDIRECT, "الطرفين عادا إلى الحوار", "الاتحاد")]),
        ("وندد الحزب بأن الحكومة تجاهلت المطالب.", [(INDIRECT, "الحكومة تجاهلت المطالب", "الحزب")]),
        ("وطالبت النقابة بأن تعود الرواتب إلى مستواها.", [(INDIRECT, "تعود الرواتب إلى مستواها", "النقابة")]),
        ("وتعهد الرئيس بأن تجرى الانتخابات في موعدها.", [(INDIRECT, "تجرى الانتخابات في موعدها", "الرئيس")]),
        ("وزعم المتهم أنه كان خارج البلاد.", [(INDIRECT, "كان خارج البلاد", "المتهم")]),
        ("وعبر الوزير عن أمله في أن تنتهي الأزمة قريبا.", [(INDIRECT, "تنتهي الأزمة قريبا", "الوزير")]),
        ("ورفض المتحدث أن تكون بلاده طرفا في النزاع.", [(INDIRECT, "تكون بلاده طرفا في النزاع", "المتحدث")]),
        ("وحذر الخبير من أن الأسعار سترتفع.", [(INDIRECT, "الأسعار سترتفع", "الخبير")]),
        ("واقترح النائب أن تشكل لجنة مستقلة.", [(INDIRECT, "تشكل لجنة مستقلة", "النائب")]),
        ("وأقر الوزير بأن الخطة تأخرت.", [(INDIRECT, "الخطة تأخرت", "الوزير")]),
        ("وأبلغ السفير الصحافيين بأن المفاوضات توقفت.", [(INDIRECT, "المفاوضات توقفت", "السفير")]),
        ("وبين التقرير أن البطالة تراجعت.", [(INDIRECT, "البطالة تراجعت", "التقرير")]),
        ("وأصر المدرب على أن الفريق سيفوز.", [(INDIRECT, "الفريق سيفوز", "المدرب")]),
        ('وكرر الوزير القول إن "الحوار هو الحل".', [(DIRECT, "الحوار هو الحل", "الوزير")]),
        ("وسئل الوزير عن الموعد فأجاب بأن القرار لم يتخذ بعد.", [(INDIRECT, "القرار لم يتخذ بعد", "الوزير")]),
        ("وقال الوزير إن الوضع صعب، واصفا إياه بأنه الأسوأ منذ سنوات.", [
            (INDIRECT, "الوضع صعب", "الوزير"),
            (INDIRECT, "الأسوأ منذ سنوات", "الوزير"),
        ]),
    ],
)
def test_more_cues(text, expected):
    assert summary(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "وبين الطرفين خلاف قديم على الحدود.",  # بين "between"
        "وعبر الحدود دخلت شاحنات المساعدات.",  # عبر "across"
        "ورفض الوزير الاقتراح، مؤكدا موقفه.",  # رفض + a noun: no reported clause
        "وطالب المحتجون بإطلاق سراح المعتقلين.",  # طالب ب + a noun
        "ووصف الوزير الزيارة بالناجحة.",  # وصف ب + an adjective
        "يذكر أن الوزير زار المدينة العام الماضي.",  # the writer's background
        "وارتفع منسوب المياه، إلا أن البحيرة مازالت قادرة على استيعابه.",  # إلا أن is not speech
    ],
)
def test_not_cues(text):
    assert find_quotes(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        # cue words written with shadda or damma, and a participle with tanween
        ("وبيّن المسح أن الأسعار استقرت.", [(INDIRECT, "الأسعار استقرت", "المسح")]),
        ("وعبّر الرئيس عن أمله في أن يعود الهدوء.", [(INDIRECT, "يعود الهدوء", "الرئيس")]),
        ("وسُئل المدرب عن المباراة فأجاب بأن الفريق جاهز.", [(INDIRECT, "الفريق جاهز", "المدرب")]),
        ("وأقرّ المحافظ بأن المشروع تأخر.", [(INDIRECT, "المشروع تأخر", "المحافظ")]),
        ("وحذّر الطبيب من أن العدوى تنتشر.", [(INDIRECT, "العدوى تنتشر", "الطبيب")]),
        ("وقال المحافظ إن المياه عادت، آملاً أن تنتهي الأزمة قريبا.", [(INDIRECT, "المياه عادت", "المحافظ")]),
        # a subject after the impersonal verb makes it a cue again
        ("ويتوقع المحللون أن يرتفع النفط.", [(INDIRECT, "يرتفع النفط", "المحللون")]),
    ],
)
def test_cue_spellings(text, expected):
    assert summary(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "وارتفعت الصادرات مما يؤكد أن الاقتصاد تعافى.",  # the writer's inference
        "ويتوقع أن تستمر المحادثات يومين.",  # "it is expected": nobody speaks
        "ويرجح أن يصل الوفد غدا.",
        "ورفض الوزير التعليق على الاتهامات قائلا إنه سيرد لاحقا.",  # the clause is the participle's, not رفض's
    ],
)
def test_impersonal_and_inferential_verbs_are_not_cues(text):
    assert [q.cue for q in find_quotes(text)] in ([], ["قائلا"])


# --- more verbs with a clause are cues (round 8, docs/language-engine.md) -----------------------------------------


@pytest.mark.parametrize(
    "text, span, speaker",
    [
        (
            "وألمح رئيس الوزراء فؤاد حداد إلى أن الانتخابات قد تؤجل.",
            "الانتخابات قد تؤجل",
            "فؤاد حداد",
        ),
        ("وألمحت الوزيرة إلى أن الميزانية ستخفض.", "الميزانية ستخفض", "الوزيرة"),
        (
            "وأوردت وكالة الأنباء الرسمية أن الرئيس سيزور القاهرة غدا.",
            "الرئيس سيزور القاهرة غدا",
            "وكالة الأنباء الرسمية",
        ),
        (
            "وأخبرني الطبيب بأن المريض سيغادر المستشفى قريبا.",
            "المريض سيغادر المستشفى قريبا",
            "الطبيب",
        ),
        ("ويصفه جيرانه بأنه رجل كريم يساعد الجميع.", "رجل كريم يساعد الجميع", "جيرانه"),
        (
            "ولاحظ خبراء في السوق أن الأسعار تراجعت خلال الأسبوع.",
            "الأسعار تراجعت خلال الأسبوع",
            "خبراء في السوق",
        ),
    ],
)
def test_more_verbs_with_a_clause_are_cues(text, span, speaker):
    assert found(text) == [("indirect", span, speaker)]


@pytest.mark.parametrize(
    "word", ["ألمح", "وألمحت", "أوردت", "أخبرني", "يصفه", "تصفها", "لاحظ", "ولاحظت"]
)
def test_new_cue_words(word):
    assert _cue_kind(_fold_token(word)) is not None


@pytest.mark.parametrize(
    "text",
    [
        "ولم يستطع الزوار أن يلاحظوا أن المبنى قديم.",  # "أن تلاحظ": a verb after أن reports nothing
        "وكان المتهمون ممن وصفهم القاضي بالخطرين على المجتمع.",  # a relative "وصفهم": no clause
    ],
)
def test_round8_not_cues(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "text, spans",
    [
        ("ورجح المحلل أن ترتفع أسعار النفط.", ["ترتفع أسعار النفط"]),
        ("وقال المحلل إن الأسعار ستبقى مرتفعة، مرجحا أن تتراجع في الربيع.", ["الأسعار ستبقى مرتفعة", "تتراجع في الربيع"]),
    ],
)
def test_a_likely_outcome_is_reported_speech(text, spans):
    assert [span for _, span, _ in found(text)] == spans
