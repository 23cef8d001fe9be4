"""Clitic-aware gazetteer matching."""

from __future__ import annotations

import pytest

from arabic.matching import Gazetteer, name_key, text_hash

NAMES = [
    ("بايدن", "PER"),
    ("جو بايدن", "PER"),
    ("الكاظمي", "PER"),
    ("مصطفى الكاظمي", "PER"),
    ("العراق", "LOC"),
    ("الولايات المتحدة", "LOC"),
    ("الأمم المتحدة", "ORG"),
    ("فايزر/بيونتك", "ORG"),
    ("ليبيا", "LOC"),
    ("بغداد", "LOC"),
]


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer(NAMES)


def found(gazetteer, text):
    return [(m.text, m.prefix, m.label) for m in gazetteer.find(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("قال بايدن", [("بايدن", "", "PER")]),
        ("وبايدن", [("بايدن", "و", "PER")]),
        ("لبايدن", [("بايدن", "ل", "PER")]),
        ("فبايدن", [("بايدن", "ف", "PER")]),
        ("ولبايدن", [("بايدن", "ول", "PER")]),
        ("والكاظمي", [("الكاظمي", "و", "PER")]),
        ("بالعراق", [("العراق", "ب", "LOC")]),
        ("فالعراق", [("العراق", "ف", "LOC")]),
        ("كالعراق", [("العراق", "ك", "LOC")]),
        ("وبالعراق", [("العراق", "وب", "LOC")]),
        # ل + article: the alef is dropped, the article's ل belongs to the name
        ("للعراق", [("لعراق", "ل", "LOC")]),
        ("وللعراق", [("لعراق", "ول", "LOC")]),
        ("فللعراق", [("لعراق", "فل", "LOC")]),
        ("للأمم المتحدة", [("لأمم المتحدة", "ل", "ORG")]),
        ("للولايات المتحدة", [("لولايات المتحدة", "ل", "LOC")]),
        # a name that starts with a proclitic letter
        ("لليبيا", [("ليبيا", "ل", "LOC")]),
        ("بغداد ببغداد وببغداد", [("بغداد", "", "LOC"), ("بغداد", "ب", "LOC"), ("بغداد", "وب", "LOC")]),
        # folding: diacritics, alef forms, tatweel
        ("الأُمَم المتّحدة", [("الأُمَم المتّحدة", "", "ORG")]),
        ("العـراق", [("العـراق", "", "LOC")]),
        # whole words only
        ("العراقية والعراقيين وبايدنز", []),
        # longest match first, no overlaps
        ("الرئيس جو بايدن", [("جو بايدن", "", "PER")]),
        ("مصطفى الكاظمي والكاظمي", [("مصطفى الكاظمي", "", "PER"), ("الكاظمي", "و", "PER")]),
        # spacing around punctuation inside a name does not matter
        ("لقاح فايزر / بيونتك", [("فايزر / بيونتك", "", "ORG")]),
        ("لقاح فايزر/بيونتك", [("فايزر/بيونتك", "", "ORG")]),
        # multi-word names need every word
        ("الولايات وحدها", []),
    ],
)
def test_find(gazetteer, text, expected):
    assert found(gazetteer, text) == expected


def test_spans_exclude_the_proclitic_and_point_into_the_original(gazetteer):
    text = "وقال بايدن وللعراق والكاظمي"
    mentions = gazetteer.find(text)
    assert [(m.start, m.end) for m in mentions] == [(5, 10), (13, 18), (20, 27)]
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert text[m.start - len(m.prefix) : m.start] == m.prefix


def test_a_mention_ending_in_diacritics_takes_them_in(gazetteer):
    text = "في بغدادَ اليوم"
    (m,) = gazetteer.find(text)
    assert m.text == "بغدادَ"


def test_suggester_name_and_confidence(gazetteer):
    plain, clitic = gazetteer.find("بايدن وبايدن")
    assert plain.suggester == clitic.suggester == "gazetteer"
    assert 0 < clitic.confidence < plain.confidence <= 1


def test_conflicting_labels_take_the_majority_with_lower_confidence():
    g = Gazetteer([("واشنطن", "LOC"), ("واشنطن", "LOC"), ("واشنطن", "ORG")])
    (m,) = g.find("في واشنطن")
    assert m.label == "LOC"
    assert m.confidence == pytest.approx(0.9 * 2 / 3, abs=0.001)
    g.remove("واشنطن", "LOC")
    assert g.find("في واشنطن")[0].label == "ORG"
    g.remove("واشنطن")
    assert g.find("في واشنطن") == []


def test_rejected_spans_are_not_suggested_again_there(gazetteer):
    text = "بايدن وبايدن وبايدن"
    spans = [(m.start, m.end) for m in gazetteer.find(text)]
    digest = text_hash(text)
    kept = gazetteer.find(text, rejected={(digest, *spans[1])})
    assert [(m.start, m.end) for m in kept] == [spans[0], spans[2]]
    # a rejection in another text (another hash) does not apply here
    assert len(gazetteer.find(text, rejected={("other-text", *spans[1])})) == 3
    # plain (start, end) pairs and a callback work too
    assert len(gazetteer.find(text, rejected={spans[0]})) == 2
    assert gazetteer.find(text, is_rejected=lambda m: m.prefix == "و") == gazetteer.find(text)[:1]


def test_occupied_spans_get_no_suggestion(gazetteer):
    text = "جو بايدن والعراق"
    assert [m.text for m in gazetteer.find(text, occupied=[(3, 8)])] == ["العراق"]


def test_name_key_folds_and_tokenizes():
    assert name_key("الأُمَم  المتّحدة") == name_key("الامم المتحده") == ("الامم", "المتحده")
    assert name_key("فايزر / بيونتك") == name_key("فايزر/بيونتك")
    assert "الامم المتحده" in Gazetteer([("الأمم المتحدة", "ORG")])


def test_empty_gazetteer_and_blank_names():
    g = Gazetteer([("   ", "PER")])
    assert len(g) == 0 and g.find("أي نص") == []


def test_thousands_of_names_match_only_what_is_there():
    names = [(f"شخص{i} عائلة{i}", "PER") for i in range(5000)] + [("العراق", "LOC")]
    g = Gazetteer(names)
    text = "زار شخص42 عائلة42 العراق ثم التقى شخص4999 عائلة4999 وشخص7 عائلة8"
    assert [(m.text, m.label) for m in g.find(text)] == [
        ("شخص42 عائلة42", "PER"),
        ("العراق", "LOC"),
        ("شخص4999 عائلة4999", "PER"),
    ]


def test_match_tokens_on_token_lists(gazetteer):
    # the CRF uses this on corpus tokens that have no text around them
    matches = gazetteer.match_tokens(["وقال", "جو", "بايدن", "للعراق"])
    assert [(a, b, cut) for a, b, cut, _stem, _entry in matches] == [(1, 3, 0), (3, 4, 1)]


def test_names_sharing_words_match_longest_and_can_be_removed():
    g = Gazetteer([("محمد", "PER"), ("محمد علي", "PER"), ("محمد علي حسن", "PER"), ("علي حسن", "PER")])
    assert [m.text for m in g.find("التقى محمد علي حسن ومحمد علي ومحمد")] == ["محمد علي حسن", "محمد علي", "محمد"]
    g.remove("محمد علي حسن")
    assert [m.text for m in g.find("محمد علي حسن")] == ["محمد علي"]
    g.remove("محمد علي")
    g.remove("محمد")
    assert [m.text for m in g.find("محمد علي حسن")] == ["علي حسن"]
    assert g.first_words() == frozenset({"علي"})
    version = g.version
    g.add("بغداد", "LOC")
    assert g.version > version


def test_tokens_that_fold_to_nothing(gazetteer):
    # a lone tatweel or diacritic is a token whose folded form is empty
    assert [m.text for m in gazetteer.find("قال ـ بايدن َ العراق")] == ["بايدن", "العراق"]
    assert gazetteer.match_tokens(["", "بايدن", ""])[0][:2] == (1, 2)


def test_the_name_ali_does_not_match_the_preposition_ala():
    g = Gazetteer([("علي", "PER")])
    text = "وقال علي إن الاتفاق على الطاولة، وعلي موافق عليّ"
    found = [(m.text, m.prefix) for m in g.find(text)]
    assert found == [("علي", ""), ("علي", "و"), ("عليّ", "")]


@pytest.mark.parametrize("name, text", [("الى", "ذهب إلى بغداد"), ("من", "جاء من بغداد")])
def test_function_words_never_match_another_spelling(name, text):
    assert Gazetteer([(name, "PER")]).find(text) == []


def test_short_names_match_only_as_written():
    g = Gazetteer([("بان", "PER")])
    assert [m.text for m in g.find("قال بان إن البان")] == ["بان"]
    assert g.find("قال بأن الأمر") == []  # بأن folds to بان


def test_a_name_with_little_support_is_suggested_with_less_confidence():
    g = Gazetteer()
    g.add("لودريان", "PER", 0.1)  # only a heavily down-weighted annotator vouches for it
    g.add("بايدن", "PER", 1.0)
    confidence = {m.text: m.confidence for m in g.find("قال لودريان وبايدن")}
    assert confidence["بايدن"] > 0.8 > 0.3 > confidence["لودريان"]
