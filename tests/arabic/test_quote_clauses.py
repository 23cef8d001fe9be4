"""Where reported speech ends, and quoted names that are not quotes; a quotation after an occasion phrase, first-person
words after a colon, headlines with a colon (run into the text or glued together)."""

from __future__ import annotations

import pytest

from arabic.quotes import INDIRECT, find_quotes
from tests.arabic.conftest import found


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


# --- a quotation after an occasion phrase (round 6, docs/language-engine.md) --------------------------------------


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


# --- first-person words after a colon are a direct quote (round 6, docs/language-engine.md) -----------------------


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


# --- a headline run into the text (round 7, docs/language-engine.md) ----------------------------------------------


def _direct(text):
    return [(q.speaker, q.text) for q in find_quotes(text) if q.kind == "direct"]


@pytest.mark.parametrize(
    "text, speaker, words",
    [
        (
            'ورفض السفير الاقتراح. جون بولتون: وقف إطلاق النار مع الإرهابيين مرفوض (الفرنسية) وأكد السفير أنه لن يتراجع.',
            "جون بولتون",
            "وقف إطلاق النار مع الإرهابيين مرفوض",
        ),
        (
            "وقالت كوندوليزا رايس إن الحل قريب. رايس: الحل يمر عبر التعاون مع الخرطوم (الفرنسية). وكانت قد حذرت من العواقب.",
            "رايس",
            "الحل يمر عبر التعاون مع الخرطوم",
        ),
        ("وارتفعت الأسعار. وزير المالية: العجز سينخفض هذا العام بنسبة كبيرة (رويترز)", "وزير المالية", "العجز سينخفض هذا العام بنسبة كبيرة"),
    ],
)
def test_a_headline_inside_the_text_is_a_direct_quote(text, speaker, words):
    assert (speaker, words) in _direct(text)


@pytest.mark.parametrize(
    "text",
    [
        "انتهت المباراة. إبراهيم العسم: أكد فريق الجزيرة تفوقه على منافسه أمس.",  # a byline: a cue follows
        "وصل الوفد. واشنطن: محمد صادق نيويورك: صلاح عواد عاشت المدينة يوما صعبا.",  # datelines
        "وفي ما يلي النتائج. المجموعة الأولى: ليفسكي صوفيا تشلسي فيردر بريمن برشلونة.",  # a list label
    ],
)
def test_a_byline_dateline_or_label_is_no_headline(text):
    assert _direct(text) == []


# --- headlines glued together: one direct quote per name and colon (round 8, docs/language-engine.md) -------------


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "الخليفي: الموسم القادم سيكون أصعب على الفريق المنصوري: سنعمل على تطوير الشباب",
            [("الموسم القادم سيكون أصعب على الفريق", "الخليفي"), ("سنعمل على تطوير الشباب", "المنصوري")],
        ),
        (
            "وقال الوزير إن الخطة جاهزة. سامي حداد: الضرائب لن ترتفع هذا العام الكعبي: الميزانية متوازنة تماما وأضاف أن العجز صغير.",
            [
                ("الخطة جاهزة", "الوزير"),
                ("الضرائب لن ترتفع هذا العام", "سامي حداد"),
                ("الميزانية متوازنة تماما", "الكعبي"),
                ("العجز صغير", "الوزير"),
            ],
        ),
    ],
)
def test_glued_headlines(text, expected):
    assert [(span, speaker) for _, span, speaker in found(text)] == expected


def test_one_headline_is_one_quote():
    assert found("الصدر: لن نشارك في الحكومة المقبلة") == [("direct", "لن نشارك في الحكومة المقبلة", "الصدر")]
