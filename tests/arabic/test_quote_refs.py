"""Back-references of speakers: an outlet named by its kind, the gender of a pronoun-dropped verb, a relative
clause inside the subject; a description kept whole, an accusative object cut off, the subject of the verb that opens
the sentence and of كان across a comma (sentences written for these tests)."""

from __future__ import annotations

import pytest

from arabic.quote_cues import _fold_token
from arabic.quote_names import _Speaker
from arabic.quote_refs import FEMININE, MASCULINE, _before_accusative, cue_gender
from arabic.quotes import find_quotes
from tests.arabic.conftest import speakers


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


# --- a description is not cut short (round 6, docs/language-engine.md) --------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("وقال مراسل التلفزيون في القاهرة إن الاحتجاجات تتسع.", "مراسل التلفزيون في القاهرة"),
        ("وقالت الهيئة العامة للأرصاد في المغرب إن العاصفة تقترب.", "الهيئة العامة للأرصاد في المغرب"),
        ("وذكر المتحدث باسم اللجنة العليا في الإقليم أن الانتخابات ستجري في موعدها.", "المتحدث باسم اللجنة العليا في الإقليم"),
        ("وقال مدير الوحدة الفنية بالشركة إن الخلل أصلح.", "مدير الوحدة الفنية بالشركة"),
        # a definite surname after a title, up to أن
        ("واكد الرئيس الحريري ان الحكومة باقية.", "الرئيس الحريري"),
    ],
)
def test_a_description_keeps_its_preposition_phrases(text, expected):
    assert speakers(text) == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        # an occasion, a time word or an addressee ends the description; the speaker stays as it was
        ("وقال المسؤول في تصريح للصحافيين إن الاتفاق قريب.", "المسؤول"),
        ("وقال المتحدث أمس إن الاتفاق قريب.", "المتحدث"),
        ("وقال المصدر لرويترز إن الاتفاق قريب.", "المصدر"),
        # the object before بأنه is not part of the speaker
        ("ووصف الوزير الاتفاق بأنه خطوة تاريخية.", "الوزير"),
    ],
)
def test_a_description_stops_at_the_occasion_the_addressee_and_the_object(text, expected):
    assert speakers(text) == [expected]


# --- an accusative object is never the speaker (round 6, docs/language-engine.md) ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "شنت كوريا الشمالية هجوما حادا على جارتها قائلة إنها لن تتراجع.",
        "وعقد الاتحاد اجتماعا طارئا، مؤكدا أن الموسم سيستأنف.",
    ],
)
def test_an_accusative_object_is_never_the_speaker(text):
    spoken = speakers(text)
    assert len(spoken) == 1
    assert spoken[0] is None or not any(w in spoken[0] for w in ("هجوما", "اجتماعا"))


@pytest.mark.parametrize(
    "name, expected",
    [
        ("كوريا الشمالية هجوما حادا", "كوريا الشمالية"),
        ("شركة مايكروسوفت ملفا أمنيا", "شركة مايكروسوفت"),
        ("هجوما حادا", None),
        ("كوندوليزا رايس", "كوندوليزا رايس"),  # a name in ا is no accusative: its next word is not one
        ("خوسيه سيلفا", "خوسيه سيلفا"),
    ],
)
def test_the_subject_ends_before_an_accusative_noun_and_its_adjective(name, expected):
    cut = _before_accusative(_Speaker(name, 0, len(name)))
    assert (cut.name if cut is not None else None) == expected


# --- the subject of the verb that opens the sentence (rounds 6, 7; docs/language-engine.md) ------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        # a verb that reports nothing, a titled name, its object; then a cue that names no one
        (
            "هاجم الإسباني كارلوس ساينز بطل العالم منافسه بشدة وقال إنه يفتقد الروح الرياضية.",
            "كارلوس ساينز",
        ),
        (
            "واتهم رئيس الحزب سامي الجميل الحكومة بالتقصير، وقال إن الصراع مفتوح.",
            "سامي الجميل",
        ),
        (
            "استبعدت وزيرة الخارجية الأميركية كوندوليزا رايس أي وقف فوري لإطلاق النار، وقالت إن الوعود زائفة.",
            "كوندوليزا رايس",
        ),
        # an organisation with no person named, when nothing else names the speaker
        ("أصدرت شركة مايكروسوفت ملفا أمنيا لسد ثغرة، قائلة إن مهاجمين قد يستغلونها.", "شركة مايكروسوفت"),
    ],
)
def test_the_subject_of_the_opening_verb_speaks_for_a_cue_that_names_no_one(text, expected):
    assert speakers(text)[-1] == expected


def test_a_name_particle_opening_a_sentence_is_not_a_verb():
    text = (
        'ويقول ابو عبد الله التركي إن حياته تغيرت. '
        'وابو عبد الله على قناعة ان الشريعة ستطبق يوما. '
        'ويضيف انه ينصح المسلمين الجدد بتحكيم العقل.'
    )
    found = speakers(text)
    assert found[-1] is not None
    assert _fold_token(found[-1].split()[0]) == _fold_token("ابو")


# --- كان + subject, a comma (and a relative clause), then the verb (round 7, docs/language-engine.md) -------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("وكانت المحكمة العليا الاميركية، اعتبرت (الخميس) ان الرئيس تجاوز صلاحياته.", "المحكمة العليا الاميركية"),
        ("وكانت فرنسا التي وزعت مقترحاتها على الأعضاء، قد قالت انها لن تتقدم بمشروعها.", "فرنسا"),
        ("وكان وزير الخارجية سامي الخطيب، الذي زار المنطقة أمس، قد أكد أن الحل قريب.", "سامي الخطيب"),
    ],
)
def test_the_subject_after_kana_speaks_across_a_comma(text, expected):
    assert speakers(text) == [expected]


def test_no_kana_no_subject_across_a_comma():
    # without كان the words before the comma are not taken for the subject
    assert speakers("وفي المدينة القديمة، قالت إن الوضع هادئ.") == [None]
