"""The quote finder: constructions one by one, then the gold files."""

from __future__ import annotations

from pathlib import Path

import pytest

from arabic.evaluation import quote_scores, read_quote_gold
from arabic.matching import Gazetteer
from arabic.quotes import DIRECT, INDIRECT, PARTIAL, find_quotes
from tests.arabic.conftest import speakers

GOLD = Path(__file__).resolve().parent / "gold"


def summary(text, **kwargs):
    return [(q.kind, q.text, q.speaker) for q in find_quotes(text, **kwargs)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # direct: verb, named subject, adjuncts, quotation
        (
            'وقال بايدن للصحافيين خلال اجتماعه "لن نكون في مهمة قتالية".',
            [(DIRECT, "لن نكون في مهمة قتالية", "بايدن")],
        ),
        # quotation marks of every kind
        ("وقال الوزير «الاتفاق نهائي».", [(DIRECT, "الاتفاق نهائي", "الوزير")]),
        ("وقال الوزير “الاتفاق نهائي”.", [(DIRECT, "الاتفاق نهائي", "الوزير")]),
        # colon before the quotation, and a participle cue with a colon
        ('وقال الوزير: "لا تعليق".', [(DIRECT, "لا تعليق", "الوزير")]),
        ('وتابع الوزير قائلا: "نحن مستعدون".', [(DIRECT, "نحن مستعدون", "الوزير")]),
        # the complementizer introduces a whole quotation: direct
        ('وأضاف الوزير أن "الشراكة استراتيجية".', [(DIRECT, "الشراكة استراتيجية", "الوزير")]),
        # indirect, up to the end of the sentence (no final punctuation in the span)
        ("وقال بايدن إن الاتفاق سيوقع قريبا.", [(INDIRECT, "الاتفاق سيوقع قريبا", "بايدن")]),
        ("وأكدت الوزيرة أن الحكومة ماضية في خططها.", [(INDIRECT, "الحكومة ماضية في خططها", "الوزيرة")]),
        ("واعترف الوزير بأنه أخطأ في التقدير.", [(INDIRECT, "أخطأ في التقدير", "الوزير")]),
        ("ولفت الوزير إلى أن الوضع مستقر.", [(INDIRECT, "الوضع مستقر", "الوزير")]),
        # the reported clause ends where the writer's own words begin
        (
            "وقال الوزير إن الوضع مستقر، من دون أن يعطي تفاصيل.",
            [(INDIRECT, "الوضع مستقر", "الوزير")],
        ),
        (
            "وقال الوزير إن الوضع مستقر، في حين يرى آخرون غير ذلك.",
            [(INDIRECT, "الوضع مستقر", "الوزير")],
        ),
        # a present-tense verb after its subject (headlines)
        ("الرئيس الأميركي يؤكد أن التعاون سيستمر", [(INDIRECT, "التعاون سيستمر", "الرئيس الأميركي")]),
        ("وكانت الصحيفة قد ذكرت أن الوزير سيستقيل.", [(INDIRECT, "الوزير سيستقيل", "الصحيفة")]),
        # quoted words inside reported speech belong to it: one indirect quote, no partial
        (
            'وأوضح الوزير أن دور القوات سيقتصر على "التدريب" فقط.',
            [(INDIRECT, 'دور القوات سيقتصر على "التدريب" فقط', "الوزير")],
        ),
        (
            'وأوضح أنّ "دور" العسكريين سيقتصر على "تدريب" القوّات و"مساعدتها" في القتال.',
            [(INDIRECT, '"دور" العسكريين سيقتصر على "تدريب" القوّات و"مساعدتها" في القتال', None)],
        ),
        ('وحذرت النقابة من "موجة غلاء جديدة".', [(PARTIAL, "موجة غلاء جديدة", "النقابة")]),
        # attribution after the quotation
        ('"لن نسمح بذلك"، قال رئيس الوزراء في كلمة.', [(DIRECT, "لن نسمح بذلك", "رئيس الوزراء")]),
        ("«لا خطر على الودائع»، بحسب المصرف.", [(DIRECT, "لا خطر على الودائع", "المصرف")]),
        ("الاتفاق سيوقع الأسبوع المقبل، بحسب مصادر مطلعة.", [(INDIRECT, "الاتفاق سيوقع الأسبوع المقبل", "مصادر مطلعة")]),
        # sources before the speech
        ("وبحسب مصادر حكومية، فإن المفاوضات ستستأنف.", [(INDIRECT, "المفاوضات ستستأنف", "مصادر حكومية")]),
        ("ووفقا لمصادر مطلعة، فإن الاتفاق جاهز.", [(INDIRECT, "الاتفاق جاهز", "مصادر مطلعة")]),
        ("الاتفاق جاهز، وفقا للمسؤول.", [(INDIRECT, "الاتفاق جاهز", "لمسؤول")]),  # ل + (ا)لمسؤول
        ("ونقلت الوكالة عن مسؤول أمني قوله إن الهجوم فشل.", [(INDIRECT, "الهجوم فشل", "مسؤول أمني")]),
        # descriptive subjects
        (
            'وقال مسؤول كبير في الإدارة الأميركية للصحافيين "الهدف هو الهزيمة الدائمة لداعش".',
            [(DIRECT, "الهدف هو الهزيمة الدائمة لداعش", "مسؤول كبير في الإدارة الأميركية")],
        ),
        ('وأكدت «هيومن رايتس ووتش» في بيان أن المدنيين دفعوا الثمن.', [(INDIRECT, "المدنيين دفعوا الثمن", "هيومن رايتس ووتش")]),
        ('وقال شهود لـ"الأنباء" إن الانفجار وقع قرب السوق.', [(INDIRECT, "الانفجار وقع قرب السوق", "شهود")]),
        # a sentence that holds two quotations of one speaker
        (
            'وقال بايدن "لن نبقى" في العراق، لكن "تعاوننا ضد الإرهاب سيتواصل حتى النهاية".',
            [(DIRECT, "لن نبقى", "بايدن"), (DIRECT, "تعاوننا ضد الإرهاب سيتواصل حتى النهاية", "بايدن")],
        ),
        # a quotation with two sentences inside stays one quote
        ('وقال الوزير "انتهى الأمر. لن نعود إليه".', [(DIRECT, "انتهى الأمر. لن نعود إليه", "الوزير")]),
    ],
)
def test_constructions(text, expected):
    assert summary(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        'بايدن يحدد موعد نهاية "المهمة القتالية" في العراق',  # headline scare quotes
        'وأعادت الإشارة إلى الأذهان لافتة كتبت عليها عبارة "المهمة أنجزت" على حاملة الطائرات.',  # a banner
        'ويحمل المؤتمر شعار "معا من أجل السلام".',
        'وعرض فيلم "الطريق إلى بغداد" في المهرجان.',
        "ولم يذكر المسؤول عدد القوات التي ستبقى.",  # negated cue, and no speech anyway
        "ولم يقل الوزير إن الاتفاق انتهى.",  # negated cue with a complementizer
        "وقال الوزير بعد أن التقى نظيره كلاما كثيرا.",  # temporal "بعد أن" is not a complementizer
        "وأعرب الكاظمي عن سعادته باستمرار التعاون.",  # أعرب عن + noun: no reported clause
        'قال "نعم',  # an unclosed quotation mark
        "",
    ],
)
def test_not_speech(text):
    assert find_quotes(text) == []


def test_cues_inside_a_quotation_are_not_cues():
    (quote,) = find_quotes('وقال مسؤول "لن يعلن أحد أن المهمة أنجزت".')
    assert quote.kind == DIRECT and quote.text == "لن يعلن أحد أن المهمة أنجزت"


@pytest.mark.parametrize(
    "text, speakers",
    [
        # a pronoun-dropped verb continues the previous speaker
        ("وقال بايدن إن الاتفاق جيد. وأضاف أن العمل مستمر.", ["بايدن", "بايدن"]),
        # a participle continues its sentence's speaker
        ("وقال الوزير إن الوضع مستقر، مشيرا إلى أن الحوار مستمر.", ["الوزير", "الوزير"]),
        # a person already quoted, named again earlier in the sentence
        (
            "وقال الكاظمي إن الحوار مستمر. وقال بايدن إن الاتفاق جيد. وامتنع الكاظمي عن التعليق، وقال إن الأمر سابق لأوانه.",
            ["الكاظمي", "بايدن", "الكاظمي"],
        ),
    ],
)
def test_speaker_resolution(text, speakers):
    assert [q.speaker for q in find_quotes(text)] == speakers


def test_back_reference_uses_the_last_person_named():
    text = "التقى بايدن الكاظمي. وقال بايدن إن الاتفاق جيد. من جانبه، قال إن العلاقات قوية."
    people = [(m.start, m.end, m.label) for m in Gazetteer([("بايدن", "PER"), ("الكاظمي", "PER")]).find(text)]
    quotes = find_quotes(text, entities=people)
    assert [q.speaker for q in quotes] == ["بايدن", "بايدن"]
    # "من جانبه" after a sentence naming someone else refers back to that person
    text = "وقال بايدن إن الاتفاق جيد. ثم تحدث الكاظمي. من جانبه، قال إن العلاقات قوية."
    people = [(m.start, m.end, m.label) for m in Gazetteer([("بايدن", "PER"), ("الكاظمي", "PER")]).find(text)]
    quotes = find_quotes(text, entities=people)
    assert [(q.speaker, q.speaker_resolution) for q in quotes] == [("بايدن", "entity"), ("الكاظمي", "back-reference")]


def test_entity_hints_make_the_speaker_span_exact():
    text = "وقال الرئيس الأميركي جو بايدن إن الاتفاق جيد."
    assert find_quotes(text)[0].speaker == "جو بايدن"  # the name, without its title
    start = text.index("جو بايدن")
    (quote,) = find_quotes(text, entities=[(start, start + len("جو بايدن"), "PER")])
    assert (quote.speaker, quote.speaker_start, quote.speaker_end) == ("جو بايدن", start, start + 8)
    assert quote.speaker_resolution == "entity"


def test_offsets_cue_and_confidence():
    text = 'وقال بايدن "نتطلع إلى الانتخابات". وأضاف أن الموعد ثابت.'
    first, second = find_quotes(text)
    for q in (first, second):
        assert text[q.start : q.end] == q.text
        assert text[q.cue_start : q.cue_end] == q.cue
        assert text[q.speaker_start : q.speaker_end] == q.speaker
        assert 0 < q.confidence < 1
        assert q.suggester == "quotes"
    assert first.cue == "وقال" and second.cue == "وأضاف"
    # a continued speaker points at the mention that named them
    assert (second.speaker_start, second.speaker_end) == (first.speaker_start, first.speaker_end)
    assert first.confidence > second.confidence


def test_unknown_speaker_is_none_with_low_confidence():
    (quote,) = find_quotes("وأضاف أن العمل مستمر.")
    assert quote.speaker is None and quote.speaker_resolution == "none"
    assert quote.confidence < 0.5


# --- gold files ----------------------------------------------------------------
# Figures reached when the tests were written: they may rise, never drop.


def test_seed_article_quotes(seed_text):
    gold = read_quote_gold(GOLD / "seed_quotes.jsonl", seed_text)
    report = quote_scores(gold, find_quotes(seed_text))
    assert len(gold) == 16
    assert report.exact.f1 >= 1.0
    assert report.overlap.f1 >= 1.0
    assert report.type_accuracy >= 1.0
    assert report.speaker_accuracy >= 1.0


def test_seed_article_quotes_with_entity_hints(seed_text):
    from arabic.evaluation import read_entity_gold

    hints = read_entity_gold(GOLD / "seed_entities.jsonl", seed_text)
    gold = read_quote_gold(GOLD / "seed_quotes.jsonl", seed_text)
    report = quote_scores(gold, find_quotes(seed_text, entities=hints))
    assert report.exact.f1 >= 1.0
    assert report.speaker_accuracy >= 1.0


@pytest.mark.parametrize("name", ["quotes_extra_1", "quotes_extra_2"])
def test_extra_gold_articles(name):
    text = (GOLD / f"{name}.txt").read_text(encoding="utf-8")
    gold = read_quote_gold(GOLD / f"{name}.jsonl", text)
    report = quote_scores(gold, find_quotes(text))
    assert report.exact.f1 >= 1.0
    assert report.type_accuracy >= 1.0
    assert report.speaker_accuracy >= 1.0


# --- the finder's steps: كان + subject + قد; a subject carried on (rounds 6, 7; docs/language-engine.md) ----------


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


def test_a_new_subject_carried_from_the_sentence_before_takes_its_cue_gender():
    # نصر الله is carried to وقال from the sentence before; وشدد (masculine) goes on with him, although the last
    # speaker named by a cue of its own was the court (اعتبرت, feminine)
    text = (
        "وكانت المحكمة العليا، اعتبرت ان القرار باطل. وتوعد نصر الله بوقوع عدد من المفاجآت. "
        "وقال ان الحزب يدير المعركة بهدوء. وشدد على انه لن يسلم السلاح."
    )
    assert speakers(text) == ["المحكمة العليا", "نصر الله", "نصر الله"]
