"""CoNLL BIO files: camel-tools tokens, sentences, IOB2 tags, and how overlapping spans are resolved."""

from __future__ import annotations

import io

import pytest

from annotations.exports import conll
from arabic.conll import read_conll
from arabic.tokens import tokenize
from tests.annotations.exports.test_brat import doc_of, entity, quote

pytestmark = pytest.mark.django_db


def tags_of(text: str, rows: list[dict]) -> list[tuple[str, str]]:
    return [pair for sentence in conll.tagged_sentences(doc_of(text, rows)) for pair in sentence]


def span(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def test_seed_export_reads_back(annotated, user):
    from tests.annotations.exports.conftest import run_export

    data = run_export("conll", user=user).decode()
    assert data.startswith("-DOCSTART- O\n\n")
    sentences = read_conll(io.StringIO(data))
    assert len(sentences) > 30
    tagged = [(t, tag) for s in sentences for t, tag in zip(s.tokens, s.tags, strict=True) if tag != "O"]
    assert tagged == [
        ("العراق", "B-LOC"),
        ("جو", "B-PER"),
        ("بايدن", "I-PER"),
        ("مصطفى", "B-PER"),
        ("الكاظمي", "I-PER"),
        ("بايدن", "B-PER"),
    ]
    # Tokens are camel-tools' own, in order: nothing lost, nothing added.
    text = annotated["joe"].revision.text
    assert [t for s in sentences for t in s.tokens] == [t.text for t in tokenize(text)]


def test_sentences_end_with_a_blank_line():
    text = "وصل بايدن. وقال إنه سعيد.\n\nانتهى اللقاء"
    out = conll.document(doc_of(text, [entity(1, *span(text, "بايدن"))]))
    assert out.split("\n\n")[1:] == [
        "وصل O\nبايدن B-PER\n. O",
        "وقال O\nإنه O\nسعيد O\n. O",
        "انتهى O\nاللقاء O",
        "",  # the last sentence ends with a blank line too
    ]


def test_quotes_are_not_tagged():
    text = 'قال بايدن "لن نكون هناك"'
    rows = [entity(1, *span(text, "بايدن")), quote(2, *span(text, "لن نكون هناك"))]
    assert [tag for _token, tag in tags_of(text, rows)] == ["O", "B-PER", "O", "O", "O", "O", "O"]


def test_a_span_inside_a_token_tags_the_token():
    text = "التقى وبايدن بالكاظمي"
    start = text.index("بايدن")
    assert tags_of(text, [entity(1, start, start + 5)]) == [("التقى", "O"), ("وبايدن", "B-PER"), ("بالكاظمي", "O")]


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        # Nested: the outer (longer) span wins, CoNLL-2003 style.
        ([("جامعة بغداد", "ORG"), ("بغداد", "LOC")], ["O", "B-ORG", "I-ORG", "O"]),
        ([("بغداد", "LOC"), ("جامعة بغداد", "ORG")], ["O", "B-ORG", "I-ORG", "O"]),
        # Overlapping, same length: the span more people marked wins.
        ([("جامعة بغداد", "ORG"), ("بغداد اليوم", "MISC"), ("بغداد اليوم", "MISC")], ["O", "O", "B-MISC", "I-MISC"]),
        # Same span, two labels, one vote each: alphabetical, so the file is stable.
        ([("بغداد", "LOC"), ("بغداد", "GPE")], ["O", "O", "B-GPE", "O"]),
        # Two people agreeing on the label: still one entity.
        ([("جامعة بغداد", "ORG"), ("جامعة بغداد", "ORG")], ["O", "B-ORG", "I-ORG", "O"]),
        # Adjacent entities of the same label stay two entities (IOB2).
        ([("جامعة", "ORG"), ("بغداد", "ORG")], ["O", "B-ORG", "B-ORG", "O"]),
    ],
)
def test_overlapping_spans(spans, expected):
    text = "زار جامعة بغداد اليوم"
    rows = [entity(i, *span(text, needle), code) for i, (needle, code) in enumerate(spans)]
    assert [tag for _token, tag in tags_of(text, rows)] == expected


def test_a_loser_is_left_out_whole():
    """A span that loses one of its tokens is not tagged on the others (no half entities)."""
    text = "رئيس الوزراء العراقي مصطفى الكاظمي"
    rows = [
        entity(1, *span(text, "الوزراء العراقي مصطفى الكاظمي"), "PER"),
        entity(2, *span(text, "رئيس الوزراء"), "MISC"),
    ]
    assert [tag for _t, tag in tags_of(text, rows)] == ["O", "B-PER", "I-PER", "I-PER", "I-PER"]


def test_resolve_spans_is_order_independent():
    text = "زار جامعة بغداد اليوم مع وزير التعليم"
    tokens = tokenize(text)
    spans = [(*span(text, "جامعة بغداد"), "ORG"), (*span(text, "بغداد"), "LOC"), (*span(text, "وزير التعليم"), "MISC")]
    assert conll.resolve_spans(tokens, spans) == conll.resolve_spans(tokens, list(reversed(spans)))
    assert [label for *_s, label in conll.resolve_spans(tokens, spans)] == ["ORG", "MISC"]
