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


@pytest.mark.parametrize(
    "text, expected",
    [
        # the subject of a weak cue with a ب-object, carried to the pronoun-dropped verb after it
        (
            "وتوعد نصر الله بوقوع عدد من المفاجآت في الأيام القادمة.. وقال إن الحزب يدير المعركة بهدوء.",
            ["نصر الله"],
        ),
        (
            "وتعهد جون سميث بإصلاح شامل للنظام الضريبي. وقال إن الخطة ستعلن الشهر المقبل.",
            ["جون سميث"],
        ),
        # a word and its object is not a sure name: nothing is carried
        ("ورفض حمدان الاجراءات الجديدة بشدة. وقال إن المحكمة غير شرعية.", [None]),
    ],
)
def test_a_sure_name_before_a_bi_object_is_carried_on(text, expected):
    assert speakers(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a sentence that opens with a verb whose subject the article names after a reporting verb elsewhere
        (
            "كما هاجم نصر الله رئيس الحكومة لاستقبال الضيف، واعتبر أن الزيارة خطأ. "
            "وفي سؤال عن الحوار قال نصر الله إن الباب مفتوح.",
            ["نصر الله", "نصر الله"],
        ),
        (
            'وأضاف "الوضع صعب" كما انتقد سامي داود قرار المجلس، وقال إن الحكومة أخطأت. وقال سامي داود إن الحل قريب.',
            [None, "سامي داود", "سامي داود"],
        ),
    ],
)
def test_a_verb_initial_sentence_gives_its_subject_when_the_article_quotes_it(text, expected):
    assert speakers(text) == expected


def test_a_verb_initial_sentence_with_a_subject_never_quoted_gives_no_one():
    text = "كما هاجم نصر الله رئيس الحكومة لاستقبال الضيف، واعتبر أن الزيارة خطأ."
    assert speakers(text) == [None]


@pytest.mark.parametrize(
    "text, expected",
    [
        # a long title, then the name where the subject ends
        (
            "وأعرب قائد منتخب كندا ولاعب خط وسط نادي ريال مدريد لكرة القدم جون سميث عن ثقته بأن الفريق سيفوز.",
            "جون سميث",
        ),
        ('وقالت المتحدثة باسم البيت الأبيض دانا برينو "الحديث عن مناظرة تحويل للأنظار".', "دانا برينو"),
        (
            'وقال الرجل الثالث في وزارة الخارجية الأمريكية نيكولاس بيرنز الاربعاء في حديث مع "سي إن إن" إن الإدارة ترى أن العقوبات ممكنة.',
            "نيكولاس بيرنز",
        ),
        # the addressee is not the speaker
        ("واعلن ناطق باسم الخارجية الاسرائيلية لوكالة فرانس برس لاحقا ان العملية انتهت.", "ناطق باسم الخارجية الاسرائيلية"),
    ],
)
def test_a_long_title_resolves_to_the_name_that_ends_the_subject(text, expected):
    assert speakers(text) == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        # a weak cue with a noun phrase opens the sentence: its subject speaks for the participle after it
        ("ورفض بولتون الاحد فكرة تعزيز القوة الدولية، معتبرا ان القوة الحالية كافية.", ["بولتون"]),
        ("ورفض حمدان الاجراءات الجديدة، قائلا إن المحكمة غير شرعية.", ["حمدان"]),
    ],
)
def test_the_subject_of_a_weak_cue_speaks_for_the_participle_after_it(text, expected):
    assert speakers(text) == expected
