"""Scores: entities as seqeval computes them, quotes against gold files."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from seqeval.metrics import classification_report

from arabic.evaluation import (
    GoldFileError,
    GoldQuote,
    cross_validate,
    ner_scores,
    quote_scores,
    read_entity_gold,
    read_quote_gold,
    span_scores,
)

GOLD = [
    ["B-PER", "I-PER", "O", "B-LOC", "O", "B-ORG"],
    ["O", "B-LOC", "I-LOC", "O"],
    ["I-PER", "O", "B-MISC"],
]
PRED = [
    ["B-PER", "I-PER", "O", "B-LOC", "O", "O"],  # ORG missed
    ["O", "B-LOC", "O", "B-ORG"],  # LOC too short, spurious ORG
    ["B-PER", "O", "B-MISC"],  # I-PER in gold starts a chunk: matches B-PER
]


def test_entity_scores_agree_with_seqeval():
    ours = ner_scores(GOLD, PRED)
    theirs = classification_report(GOLD, PRED, output_dict=True, zero_division=0)
    for label, score in ours.per_label.items():
        assert score.precision == pytest.approx(theirs[label]["precision"])
        assert score.recall == pytest.approx(theirs[label]["recall"])
        assert score.f1 == pytest.approx(theirs[label]["f1-score"])
        assert score.support == theirs[label]["support"]
    assert ours.overall.precision == pytest.approx(theirs["micro avg"]["precision"])
    assert ours.overall.recall == pytest.approx(theirs["micro avg"]["recall"])
    assert ours.overall.f1 == pytest.approx(theirs["micro avg"]["f1-score"])


def test_entity_counts_and_table():
    report = ner_scores(GOLD, PRED)
    assert (report.overall.support, report.overall.predicted, report.overall.correct) == (6, 6, 4)
    table = report.table()
    assert "overall (micro)" in table and "LOC" in table and "precision" in table


@pytest.mark.parametrize("gold, pred", [([["O"]], []), ([["O", "O"]], [["O"]])])
def test_mismatched_lengths_are_errors(gold, pred):
    with pytest.raises(ValueError):
        ner_scores(gold, pred)


def test_span_scores_on_offsets():
    gold = [(0, 5, "PER"), (10, 16, "LOC")]
    pred = [SimpleNamespace(start=0, end=5, label="PER"), SimpleNamespace(start=10, end=15, label="LOC")]
    report = span_scores(gold, pred)
    assert report.per_label["PER"].f1 == 1.0 and report.per_label["LOC"].f1 == 0.0
    assert span_scores(gold, pred, labels={"PER"}).overall.f1 == 1.0


def test_cross_validation_on_tiny_data(tiny_conll):
    from arabic.conll import read_conll

    train, test = tiny_conll
    sentences = read_conll(train) * 2 + read_conll(test) * 2
    cv = cross_validate(sentences, k=2, train_kwargs={"max_iterations": 20})
    assert len(cv.folds) == 2
    assert cv.pooled.overall.support == sum(f.overall.support for f in cv.folds)
    assert "2-fold cross-validation" in cv.table()
    contiguous = cross_validate(sentences, k=2, shuffle=False, train_kwargs={"max_iterations": 20})
    assert contiguous.pooled.overall.support == cv.pooled.overall.support
    with pytest.raises(ValueError, match="k must be"):
        cross_validate(sentences, k=1)


def quote(start, end, kind="direct", speaker=None):
    return SimpleNamespace(start=start, end=end, kind=kind, speaker=speaker)


def test_quote_scores_exact_overlap_type_and_speaker():
    gold = [
        GoldQuote(0, 10, "direct", "بايدن"),
        GoldQuote(20, 30, "indirect", "الكاظمي", ("مصطفى الكاظمي",)),
        GoldQuote(40, 50, "partial", None),
        GoldQuote(60, 70, "direct", "المسؤول"),
    ]
    predicted = [
        quote(0, 10, "direct", "بايْدن"),  # exact, speaker right (folded)
        quote(22, 30, "indirect", "مصطفى الكاظمي"),  # overlap, speaker right through an alias
        quote(40, 50, "direct", None),  # exact, wrong type, no speaker on either side
        quote(80, 90, "direct", "أحد"),  # spurious
    ]
    report = quote_scores(gold, predicted)
    assert (report.exact.correct, report.exact.precision, report.exact.recall) == (2, 0.5, 0.5)
    assert (report.overlap.correct, report.overlap.precision, report.overlap.recall) == (3, 0.75, 0.75)
    assert report.pairs == 3
    assert report.type_accuracy == pytest.approx(2 / 3)
    assert report.speaker_accuracy == 1.0
    assert report.per_type["partial"].recall == 0.0
    assert "speaker accuracy" in report.table()


def test_overlap_pairs_one_to_one():
    gold = [GoldQuote(0, 10, "direct"), GoldQuote(12, 20, "direct")]
    report = quote_scores(gold, [quote(0, 20)])
    assert report.overlap.correct == 1 and report.overlap.recall == 0.5


def write_jsonl(path, records):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "record, message",
    [
        ({"start": 0, "end": 3}, "missing field 'type'"),
        ({"start": 3, "end": 1, "type": "direct"}, "0 <= start < end"),
        ({"start": 0, "end": 3, "type": "scare"}, "not one of"),
        ({"start": 0, "end": 99, "type": "direct"}, "past the end"),
        ({"start": 0, "end": 3, "type": "direct", "text": "غير"}, "gold and article differ"),
    ],
)
def test_bad_gold_records_name_the_line(tmp_path, record, message):
    path = write_jsonl(tmp_path / "gold.jsonl", [{"start": 0, "end": 3, "type": "direct", "text": "قال"}, record])
    with pytest.raises(GoldFileError, match=f"gold.jsonl:2: .*{message}"):
        read_quote_gold(path, "قال بايدن")


def test_not_json(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text("{nope\n", encoding="utf-8")
    with pytest.raises(GoldFileError, match="not JSON"):
        read_quote_gold(path)
    with pytest.raises(GoldFileError, match="expected"):
        read_entity_gold(path)


def test_read_entity_gold(tmp_path):
    path = write_jsonl(tmp_path / "e.jsonl", [{"start": 4, "end": 9, "label": "PER", "text": "بايدن"}])
    assert read_entity_gold(path, "قال بايدن") == [(4, 9, "PER")]
    with pytest.raises(GoldFileError):
        read_entity_gold(path, "قال ترامب")


class _ChunkModel:
    """Duck-typed model for predict_tags: a PERS chunk on every word in NAMES, sure only in the first sentence."""

    gazetteer = None
    NAMES = {"أوباما"}

    def _known_words(self, _gazetteer):
        return frozenset()

    def given_names(self):
        return frozenset()

    def predict_chunks(self, sentences):
        out = []
        for n, words in enumerate(sentences):
            chunks = [("PERS", k, k + 1) for k, w in enumerate(words) if w in self.NAMES and n == 0]
            out.append((chunks, [0.95] * len(chunks)))
        return out

    def predict_many(self, sentences):
        return [["B-PERS" if w in self.NAMES and n == 0 else "O" for w in words] for n, words in enumerate(sentences)]


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        (None, [["O", "B-PERS", "O"], ["O", "O"], ["O", "O", "O"]]),
        (1, [["O", "B-PERS", "O"], ["O", "O"], ["O", "O", "O"]]),
        (2, [["O", "B-PERS", "O"], ["O", "O"], ["O", "O", "B-PERS"]]),
    ],
)
def test_predict_tags_with_the_document_pass(window, expected):
    from arabic.evaluation import predict_tags

    sentences = [["قال", "أوباما", "اليوم"], ["بلا", "أسماء"], ["ثم", "غادر", "أوباما"]]
    assert predict_tags(_ChunkModel(), sentences, window) == expected
