"""BIO helpers shared by the statistical suggesters."""

from __future__ import annotations

import pytest
from seqeval.metrics.sequence_labeling import get_entities

from arabic.ner import bio_to_chunks, name_without_proclitic, spans_to_bio, strip_proclitic
from arabic.tokens import tokenize


@pytest.mark.parametrize(
    "tags",
    [
        ["B-PER", "I-PER", "O", "B-LOC"],
        ["I-PER", "I-PER", "O"],  # I- without B- starts a chunk
        ["B-PER", "I-LOC", "I-LOC"],  # a label change starts a chunk
        ["B-PER", "B-PER", "O", "I-ORG"],
        ["O", "O"],
        [],
    ],
)
def test_chunks_agree_with_seqeval(tags):
    expected = [(label, a, b + 1) for label, a, b in get_entities(list(tags))]
    assert bio_to_chunks(tags) == expected


def test_spans_to_bio_tags_whole_tokens():
    text = "وقال جو بايدن وللعراق"
    tokens = tokenize(text)
    biden = text.index("جو بايدن")
    iraq = text.index("لعراق", 15)  # the span leaves out the proclitic
    tags = spans_to_bio(tokens, [(biden, biden + 8, "PER"), (iraq, iraq + 5, "LOC")])
    assert tags == ["O", "B-PER", "I-PER", "B-LOC"]


def test_spans_to_bio_first_overlapping_span_wins():
    tokens = tokenize("جو بايدن")
    assert spans_to_bio(tokens, [(0, 8, "PER"), (3, 8, "LOC")]) == ["B-PER", "I-PER"]


@pytest.mark.parametrize(
    "token, known, cut",
    [
        ("والعراق", set(), 1),  # و + article: always a proclitic
        ("بالعراق", set(), 1),
        ("للعراق", {"العراق"}, 1),
        ("وبايدن", {"بايدن"}, 1),
        ("وبايدن", set(), 0),  # unknown: keep the letters
        ("بغداد", {"بغداد"}, 0),
        ("والي", set(), 0),  # "governor", not و + الي
        ("ولَلعراق", {"العراق"}, 3),  # و + لَ (with its fatha) before the article's ل
    ],
)
def test_strip_proclitic(token, known, cut):
    assert strip_proclitic(token, frozenset(known)) == cut


@pytest.mark.parametrize(
    "token, known, cut",
    [
        ("وفرنسا", {"فرنسا"}, 1),
        ("لتركيا", {"تركيا"}, 1),
        ("بالرياض", set(), 1),
        ("للجامعة", set(), 1),  # ل + the article's ل, even for an unknown name
        ("فرنسا", {"فرنسا", "رنسا"}, 0),  # a known name is never cut
        ("لبنان", set(), 0),
    ],
)
def test_clitics_before_names_are_cut(token, known, cut):
    assert strip_proclitic(token, frozenset(known)) == cut


@pytest.mark.parametrize(
    "name, known, clean",
    [
        ("وفرنسا", {"فرنسا"}, "فرنسا"),
        ("لتركيا", {"تركيا"}, "تركيا"),
        ("بالرياض", set(), "الرياض"),
        ("للجامعة العربية", set(), "الجامعة العربية"),
        ("بغداد", set(), "بغداد"),
        ("جان إيف لودريان", set(), "جان إيف لودريان"),
    ],
)
def test_names_are_stored_without_their_clitic(name, known, clean):
    assert name_without_proclitic(name, frozenset(known)) == clean
