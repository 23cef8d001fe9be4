"""Round 6 of the quote finder (sentences written for these tests, not taken from the gold files):

* a speaker named by a description only keeps its preposition phrases up to the complementizer;
* the addressee (``لرويترز``), a verb's object (``هجوما حادا``، ``إصرار ...``) is never the speaker;
* a sentence that opens with a verb and a sure name gives the speaker of a cue that names no one, and a new subject
  stops the chain of ``وقال`` / ``وأضاف`` from the sentence before;
* a quotation after a long occasion phrase (``وقال بلير في مؤتمر صحفي عقده في ...``) is still found.
"""

from __future__ import annotations

import pytest

from arabic.quote_cues import _fold_token
from arabic.quote_names import _Speaker
from arabic.quote_refs import _before_accusative
from arabic.quote_speakers import _form_iv_masdar
from arabic.quotes import find_quotes


def speakers(text):
    return [q.speaker for q in find_quotes(text)]


# --- speaker spans: a description is not cut short ------------------------------------------------------------


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


# --- objects, addressees and preposition phrases are never speakers -------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        # the addressee after a verb that names no one: the speaker comes from the sentence before
        ("وقال وزير الخارجية إن المحادثات صعبة. وقال لرويترز إن الموقف معقد.", ["وزير الخارجية", "وزير الخارجية"]),
        ("وقالت المنظمة إن المساعدات وصلت. وقالت لفرانس برس إن الطرق مقطوعة.", ["المنظمة", "المنظمة"]),
        # a name that begins with ل is still a name
        ("وقال لارسن إن الوضع خطير.", ["لارسن"]),
    ],
)
def test_an_addressee_is_not_the_speaker(text, expected):
    assert speakers(text) == expected


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


@pytest.mark.parametrize(
    "word, expected",
    [("إصرار", True), ("إعلان", True), ("إلغاء", True), ("الإصرار", False), ("أحمد", False), ("انان", False)],
)
def test_form_iv_verbal_noun_shape(word, expected):
    assert _form_iv_masdar(_fold_token(word)) is expected


def test_the_object_after_a_cue_and_its_pronoun_is_not_the_speaker():
    text = (
        "وعقد رود لارسن مؤتمرا صحفيا اكتفى بتصريح اكد فيه إصرار الأمم المتحدة على دعم الحكومة، "
        "وقال إن القرار يجب أن يطبق."
    )
    assert speakers(text)[-1] == "رود لارسن"


# --- a chain continues only a confident speaker, and stops at a new subject ------------------------------------


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


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "وقال وزير الخارجية إن المحادثات مستمرة. وهدد وزير البيئة يوري تروتنيف بوقف المشروع. "
            "وقال إنه يراقب الآبار.",
            ["وزير الخارجية", "يوري تروتنيف"],
        ),
        (
            "وقال السفير جون بولتون إن الحل بعيد. وكان الأمين العام للأمم المتحدة كوفي أنان حث الطرفين على التهدئة. "
            "وقال إن الأزمة تحتاج إلى معالجة.",
            ["جون بولتون", "كوفي أنان"],
        ),
        # no new subject: the chain goes on
        (
            "وقال السفير جون بولتون إن الحل بعيد. وتدهور الوضع في الجنوب أمس. وأضاف أن الوقت ينفد.",
            ["جون بولتون", "جون بولتون"],
        ),
    ],
)
def test_a_new_subject_stops_the_chain(text, expected):
    assert speakers(text) == expected


def test_a_relative_clause_keeps_its_antecedent():
    # "الذي قال": the antecedent speaks, not the subject of the sentence's first verb
    text = "وقد غرقت المدينة في المياه، وقد خرجت الأمور عن السيطرة وفق متحدث باسم الشرطة الذي قال إن الوضع خطير."
    assert "المدينة" not in (speakers(text)[-1] or "")


# --- direct quotes after an occasion phrase --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, speaker, words",
    [
        (
            'وقال بلير في مؤتمر صحفي عقده في قاعدة اندروز الجوية قبل أن يعود إلى لندن "علينا أن نتحرك الآن".',
            "بلير",
            "علينا أن نتحرك الآن",
        ),
        (
            "وقال الرئيس الفرنسي جاك شيراك خلال لقائه مع موفد الرئيس الإيراني في باريس في بيان مقتضب للرئاسة "
            '"نريد حلا تفاوضيا لهذه الأزمة".',
            "جاك شيراك",
            "نريد حلا تفاوضيا لهذه الأزمة",
        ),
        (
            "وقال في كلمة ألقاها خلال حفل تخريج دفعة من عناصر الحرس الرئاسي الخاص بالمدينة "
            '"نتشاور مع الإخوة العرب من أجل حل عادل".',
            None,
            "نتشاور مع الإخوة العرب من أجل حل عادل",
        ),
    ],
)
def test_a_quotation_after_a_long_occasion_phrase_is_found(text, speaker, words):
    quotes = find_quotes(text)
    assert [(q.kind, q.text, q.speaker) for q in quotes] == [("direct", words, speaker)]


def test_without_an_occasion_the_gap_stays_short():
    # the same distance without an occasion phrase: the quotation is not this cue's
    text = (
        "وقال الوزير الذي زار المدينة المنكوبة مع وفد كبير من المسؤولين والخبراء والمهندسين والأطباء والمتطوعين "
        'وعدد من الصحافيين الأجانب والمحليين "الوضع صعب جدا هنا".'
    )
    assert all(q.text != "الوضع صعب جدا هنا" or q.speaker != "الوزير" for q in find_quotes(text))


# --- first-person words after a colon are a direct quote ------------------------------------------------------


@pytest.mark.parametrize(
    "text, kind",
    [
        ("وقال الوزير: أعتقد أن الأمور ستهدأ قريبا.", "direct"),
        ("وقال المدرب: منتخب اليابان قوي ويريد الوصول إلى الدور الثاني مثلنا.", "direct"),
        ("وقال رئيس الوفد: طلبنا خرائط المواقع ولم نتسلمها بعد.", "direct"),
        ("ويختتم اللاعب حديثه فيقول: وانا اعرف فريقي جيدا.", "direct"),
        # the third person stays indirect
        ("وقال الوزير: الحكومة ستعلن القرار غدا.", "indirect"),
        ("وقال المتحدث: الأوضاع هنا هادئة أحيانا.", "indirect"),
    ],
)
def test_first_person_words_after_a_colon_are_direct(text, kind):
    assert [q.kind for q in find_quotes(text)] == [kind]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            'وكانت رايس قد حذرت الحكومة السودانية من "عواقب وخيمة". وأشارت إلى أن الوقت ينفد.',
            ["رايس", "رايس"],
        ),
        ("وكان الوزير قد أبلغ السفير أن الاتفاق قريب.", ["الوزير"]),
    ],
)
def test_kana_subject_qad_verb_the_noun_after_the_verb_is_its_object(text, expected):
    assert speakers(text) == expected
