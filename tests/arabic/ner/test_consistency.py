"""Document-level consistency (arabic/ner/consistency.py): names the tagger is sure of, everywhere in the document."""

from __future__ import annotations

import pytest

from arabic.ner.consistency import Options, consistent_chunks, document_names
from arabic.normalize import fold_text

PLAIN = Options(min_confidence=0.8, name_parts=False, relabel=False)
PARTS = Options(min_confidence=0.8, name_parts=True, relabel=False)
RELABEL = Options(min_confidence=0.8, name_parts=False, relabel=True)


def doc(*sentences):
    """``(text, [(label, first, last + 1, confidence)])`` per sentence -> consistent_chunks' input."""
    out = []
    for text, chunks in sentences:
        out.append((text.split(), [c[:3] for c in chunks], [c[3] for c in chunks]))
    return out


def labelled(document, result):
    """The chunks as ``(sentence, words, label, added?)``."""
    return [
        (n, " ".join(document[n][0][a:b]), label, confidence is None)
        for n, chunks in enumerate(result)
        for label, a, b, confidence in chunks
    ]


@pytest.mark.parametrize(
    ("second", "options", "expected"),
    [
        # a bare repeat, with and without a proclitic, gets the document's label
        ("وقال بوش إن", PLAIN, [(1, "بوش", "PERS", True)]),
        ("وقال وبوش إن", PLAIN, [(1, "وبوش", "PERS", True)]),
        ("التقى جورج بوش أمس", PLAIN, [(1, "جورج بوش", "PERS", True)]),
        # a name not in the document, or a part of it without name_parts: nothing
        ("وقال بلير إن", PLAIN, []),
        ("وقال جورج إن", PARTS, []),
    ],
)
def test_a_confident_name_is_tagged_at_its_other_occurrences(second, options, expected):
    document = doc(("قال الرئيس جورج بوش اليوم", [("PERS", 2, 4, 0.95)]), ("وقال بوش إن", [("PERS", 1, 2, 0.9)]), (second, []))
    result = consistent_chunks(document, options)
    assert labelled(document, result)[2:] == [(2, *x[1:]) for x in expected]
    # the tagger's own chunks keep their confidence
    assert result[0] == [("PERS", 2, 4, 0.95)]


@pytest.mark.parametrize(("confidence", "propagated"), [(0.95, True), (0.81, True), (0.79, False), (0.3, False)])
def test_only_confident_chunks_teach_the_document(confidence, propagated):
    document = doc(("زار أوباما بغداد", [("PERS", 1, 2, confidence)]), ("ثم غادر أوباما", []))
    result = consistent_chunks(document, PLAIN)
    assert (result[1] == [("PERS", 2, 3, None)]) is propagated


@pytest.mark.parametrize(
    ("options", "own_confidence", "expected"),
    [
        (RELABEL, 0.5, ("PERS", 1, 2, None)),  # an unsure chunk takes the document's label
        (RELABEL, 0.9, ("LOC", 1, 2, 0.9)),  # a sure one keeps its own
        (PLAIN, 0.5, ("LOC", 1, 2, 0.5)),  # without relabel: left alone
    ],
)
def test_relabel_exact_repeats(options, own_confidence, expected):
    document = doc(
        ("قال عباس إن", [("PERS", 1, 2, 0.95)]),
        ("وقال عباس أمس", [("LOC", 1, 2, own_confidence)]),
        ("وأكد عباس ذلك", [("PERS", 1, 2, 0.9)]),
    )
    assert consistent_chunks(document, options)[1] == [expected]


@pytest.mark.parametrize(
    ("later", "given", "expected"),
    [
        ("وأضافت رايس أن", frozenset(), [("PERS", 1, 2, None)]),  # a bare surname of a person
        ("وأضافت ورايس أن", frozenset(), [("PERS", 1, 2, None)]),  # with a proclitic
        # a word that also begins persons' names (علي, given by the caller) is not a surname alone
        ("وأضافت رايس أن", frozenset({fold_text("رايس")}), []),
        ("قال أبي رايس أن", frozenset(), []),  # right after أبي: one word of a longer name
        ("قال رايس بن محمد", frozenset(), []),  # right before بن
    ],
)
def test_a_persons_surname_alone_is_the_person(later, given, expected):
    document = doc(("قالت كوندوليزا رايس اليوم", [("PERS", 1, 3, 0.95)]), (later, []))
    result = consistent_chunks(document, PARTS, given_names=given)
    assert result[1] == expected
    # without name_parts the surname alone is not a name
    assert consistent_chunks(document, PLAIN, given_names=given)[1] == []


@pytest.mark.parametrize("name", ["عبد الله", "صلاح الدين"])
def test_last_words_that_end_many_names_are_not_surnames(name):
    document = doc((f"قال {name} اليوم", [("PERS", 1, 3, 0.95)]), ("والله أعلم الدين", []))
    assert consistent_chunks(document, PARTS)[1] == []


def test_a_surname_the_document_uses_as_another_kind_of_name_is_not_a_person():
    document = doc(
        ("قال جون واشنطن اليوم", [("PERS", 1, 3, 0.95)]),
        ("وصل إلى واشنطن", [("LOC", 2, 3, 0.95)]),
        ("عاد واشنطن", []),
    )
    names = document_names(document, PARTS)
    assert names.label_of("واشنطن") == "LOC"
    assert consistent_chunks(document, PARTS)[2] == [("LOC", 1, 2, None)]


def test_a_function_word_that_folds_like_a_name_is_not_tagged():
    # على (on) folds to علي (a name): a document naming علي does not tag the preposition
    document = doc(("قال علي إن", [("PERS", 1, 2, 0.95)]), ("وقف على الباب مع علي", []))
    assert consistent_chunks(document, PLAIN)[1] == [("PERS", 4, 5, None)]


@pytest.mark.parametrize(
    ("second", "chunks", "expected"),
    [
        # an occurrence overlapping a tagged chunk without matching it is left alone
        ("قال المبعوث بوش الابن", [("PERS", 2, 4, 0.5)], [("PERS", 2, 4, 0.5)]),
        ("قال جورج بوش", [("PERS", 1, 2, 0.5)], [("PERS", 1, 2, 0.5)]),
    ],
)
def test_overlaps_are_left_alone(second, chunks, expected):
    document = doc(("قال جورج بوش اليوم", [("PERS", 1, 3, 0.95)]), (second, chunks))
    assert consistent_chunks(document, PLAIN)[1] == expected


@pytest.mark.parametrize(("word", "min_length", "tagged"), [("نا", 3, False), ("نا", 2, True), ("سوني", 3, True)])
def test_short_one_word_names_are_not_propagated(word, min_length, tagged):
    options = Options(min_confidence=0.8, name_parts=False, min_length=min_length)
    document = doc((f"قالت {word} اليوم", [("ORG", 1, 2, 0.95)]), (f"وأعلنت {word} أمس", []))
    assert bool(consistent_chunks(document, options)[1]) is tagged


@pytest.mark.parametrize("document", [[], doc(("لا أسماء هنا", []))])
def test_a_document_without_names_is_unchanged(document):
    assert consistent_chunks(document, PARTS) == [[] for _ in document]


def test_known_stems_strip_a_proclitic_from_the_taught_name():
    # وبلير tagged once: with بلير known elsewhere (the model's names) the bare بلير matches later
    document = doc(("قال وبلير اليوم", [("PERS", 1, 2, 0.95)]), ("وأكد بلير", []))
    assert consistent_chunks(document, PLAIN)[1] == []
    assert consistent_chunks(document, PLAIN, known=frozenset({"بلير"}))[1] == [("PERS", 1, 2, None)]


@pytest.mark.parametrize(("window", "reached"), [(0, []), (1, []), (2, [2]), (5, [2])])
def test_windowed_chunks_take_the_neighbours_as_the_document(window, reached):
    from arabic.ner.consistency import windowed_chunks

    document = doc(
        ("قال أوباما اليوم", [("PERS", 1, 2, 0.95)]),
        ("جملة بلا أسماء", []),
        ("ثم غادر أوباما", []),
    )
    result = windowed_chunks(document, window, PLAIN)
    assert [n for n, chunks in enumerate(result) if any(c[3] is None for c in chunks)] == reached
    assert result[0] == [("PERS", 1, 2, 0.95)]


DOCUMENTS = [
    doc(("قال الرئيس جورج بوش اليوم", [("PERS", 2, 4, 0.95)]), ("وقال بوش إن", [])),
    doc(("قال عباس إن", [("PERS", 1, 2, 0.95)]), ("وقال عباس أمس", [("LOC", 1, 2, 0.5)])),
    doc(("قالت كوندوليزا رايس اليوم", [("PERS", 1, 3, 0.95)]), ("وأضافت ورايس أن", [])),
    doc(("زار بايدن العراق", [("PERS", 1, 2, 0.9), ("LOC", 2, 3, 0.9)]), ("ثم زار بايدن العراق", [("PERS", 2, 3, 0.9)])),
    doc(("وصل إلى للعراق", [("LOC", 2, 3, 0.9)]), ("في العراق وبالعراق", [("LOC", 1, 2, 0.9)])),
    # a longer name starting on a tagged token hides its surname from the shorter one: both must be kept
    doc(("قال جورج بوش اليوم", [("PERS", 1, 3, 0.95)]), ("قال جورج بوش أمس", [("PERS", 1, 2, 0.5)])),
]


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("options", [PLAIN, PARTS, RELABEL, Options(min_confidence=0.6, name_parts=True, relabel=True)])
def test_leaving_out_names_that_cannot_change_anything_changes_nothing(document, options):
    from arabic.ner.consistency import propagate

    folded = [[fold_text(w) for w in words] for words, _, _ in document]
    every = document_names(document, options, folded=folded)
    needed = document_names(document, options, folded=folded, needed_only=True)
    assert len(needed) <= len(every)
    for f, (words, chunks, confidences) in zip(folded, document):
        assert propagate(f, chunks, confidences, needed, options, words) == propagate(
            f, chunks, confidences, every, options, words
        )
    assert consistent_chunks(document, options) == [
        propagate(f, c, p, every, options, w) for f, (w, c, p) in zip(folded, document)
    ]
