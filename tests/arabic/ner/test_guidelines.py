"""newsreader's entity guidelines applied to a tagger's chunks (docs/entity-guidelines.md)."""

from __future__ import annotations

import pytest

from arabic.ner.guidelines import APP, apply_guidelines, bare, nationality_of
from arabic.tokens import word_tokens

PLACES = frozenset({"فرنسا", "تركيا", "السودان", "العراق", "الخليج", "باريس", "المانيا"})
is_place = PLACES.__contains__


def run(sentence: str, chunks, labels=APP):
    words = word_tokens(sentence)
    return words, [(label, " ".join(words[a:b])) for label, a, b in apply_guidelines(words, chunks, is_place=is_place, labels=labels)]


@pytest.mark.parametrize(
    ("word", "place"),
    [("الفرنسية", "فرنسا"), ("التركي", "تركيا"), ("سودانيا", "السودان"), ("فرنسيا", "فرنسا"), ("العراقيين", "العراق"),
     ("والألمانية", "المانيا")],
)  # fmt: skip
def test_nationality_adjectives_name_their_place(word, place):
    assert nationality_of(word.replace("أ", "ا").replace("ة", "ه"), is_place) == place


@pytest.mark.parametrize("word", ["باريس", "الرئيس", "وزير", "كرسي"])
def test_other_words_are_not_nationalities(word):
    assert nationality_of(word, is_place) is None


@pytest.mark.parametrize(("word", "stem"), [("والجيش", "جيش"), ("للجيش", "جيش"), ("بالعراق", "عراق"), ("وزارة", "وزارة")])
def test_bare(word, stem):
    assert bare(word) == stem


def test_noun_and_nationality_is_one_organisation():
    _, found = run("وقالت وزارة الدفاع الفرنسية إن الجيش التركي انسحب", [("LOC", 3, 4), ("LOC", 6, 7)])
    assert found == [("ORG", "وزارة الدفاع الفرنسية"), ("ORG", "الجيش التركي")]


@pytest.mark.parametrize("sentence", ["قال الرئيس الفرنسي", "وقال وزير الخارجية الفرنسي"])
def test_a_title_and_nationality_is_not_an_organisation(sentence):
    _, found = run(sentence, [])
    assert found == []


def test_an_indefinite_noun_and_nationality_is_no_name():
    _, found = run("جيش تركي", [])
    assert found == []


def test_a_quoted_name_after_an_organisation_noun_is_an_organisation():
    _, found = run('في ندوة لمعهد " تشاتام هاوس " في لندن', [("LOC", 8, 9)])
    assert found == [("ORG", "تشاتام هاوس"), ("LOC", "لندن")]


@pytest.mark.parametrize(
    ("sentence", "chunks", "event"),
    [
        ("خلال كأس العالم المقبلة", [], "كأس العالم"),
        ("منذ الحرب العالمية الثانية", [], "الحرب العالمية الثانية"),
        ("بعد حرب الخليج", [("LOC", 2, 3)], "حرب الخليج"),
        ("في قمة العشرين", [], "قمة العشرين"),
    ],
)
def test_named_events_are_misc(sentence, chunks, event):
    _, found = run(sentence, chunks)
    assert found == [("MISC", event)]


def test_a_multi_word_name_is_one_person():
    _, found = run("وقال جان إيف لودريان إن", [("PER", 1, 3), ("LOC", 3, 4)])
    assert found == [("PER", "جان إيف لودريان")]


def test_a_person_next_to_a_known_place_stays_apart():
    _, found = run("التقى ماكرون باريس", [("PER", 1, 2), ("LOC", 2, 3)])
    assert found == [("PER", "ماكرون"), ("LOC", "باريس")]


@pytest.mark.parametrize("sentence", ["قتل صحافيا فرنسيا", "استقبل لاجئا سودانيا"])
def test_a_nationality_adjective_is_not_a_place(sentence):
    _, found = run(sentence, [("LOC", 2, 3)])
    assert found == []


def test_a_place_stays_a_place():
    _, found = run("وصل إلى فرنسا", [("LOC", 2, 3)])
    assert found == [("LOC", "فرنسا")]


@pytest.mark.parametrize("word", ["على", "إلى", "في"])
def test_function_words_are_never_names(word):
    _, found = run(f"وقال {word} الفور", [("PER", 1, 2)])
    assert found == []


def test_rules_give_only_the_labels_the_model_has():
    words = word_tokens("وقالت وزارة الدفاع الفرنسية")
    chunks = [("LOC", 3, 4)]
    assert apply_guidelines(words, chunks, is_place=is_place, labels=APP, allowed=["PER", "LOC"]) == []
    assert apply_guidelines(words, chunks, is_place=is_place, labels=APP, allowed=["ORG"]) == [("ORG", 1, 4)]
