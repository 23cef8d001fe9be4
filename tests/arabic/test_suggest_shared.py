"""suggest() shares one text's pieces between the suggesters: the output must not change.

suggest() tokenises, finds the quotation marks, splits sentences and folds the
text once, and hands the pieces to the gazetteer, the CRF tagger and the quote
finder, which otherwise compute them on their own. Here every suggester is run
both ways on generated news articles (the benchmark's generator) and on texts
with the awkward characters (diacritics, tatweel, emoji sequences, characters
beyond U+FFFF, empty lines): spans, labels, confidences, quotes with their
speakers and kinds, and order must be identical.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import pytest

import arabic.suggest as suggest_module
from arabic.matching import Gazetteer
from arabic.ner import bio_to_chunks
from arabic.ner.crf import CrfModel, _chunks
from arabic.normalize import fold
from arabic.quotemarks import quoted_regions
from arabic.quotes import find_quotes
from arabic.sentences import split_sentences
from arabic.suggest import suggest
from arabic.tokens import token_spans, tokenize

BENCH = Path(__file__).resolve().parents[2] / "bench" / "language_engine.py"

AWKWARD = [
    "",
    "ـ",
    "\n\n  .  \n",
    "قال بايدن 😀👍🏽 إن العراق \U0001d400 شريك، وأضاف أن \"الشراكة 👨‍👩‍👧 مستمرة\".",
    "وقالَ بايـدن للصحافيين: «لن نكون وحدنا». د. محمد الكاظمي قال إن 5.2 بالمئة\n\nوللعراق، فبغداد؛ كالعراق؟!",
    'الوزير: "سنعمل مع الأمم المتحدة" وأكدت «هيومن رايتس ووتش» أن الوضع خطير، بحسب البنك الدولي.',
]


def _load_bench():
    # from its file: bench/ must not go on sys.path (bench/search.py would shadow the search app)
    spec = importlib.util.spec_from_file_location("bench_language_engine", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus():
    bench = _load_bench()
    generator = bench.Generator(3, 400)
    gazetteer = Gazetteer(generator.names)
    # a small model trained on generated articles tagged by the gazetteer (as the
    # benchmark does without ANERcorp); its gazetteer is the training names
    training, _, _ = bench.crf_training_data(None, generator, gazetteer, 6_000)
    model = CrfModel.train(training, max_iterations=30, version="shared-pieces")
    # the app passes a gazetteer that differs from the model's own (merged per version)
    extra = Gazetteer(generator.names[::3] + [("مسؤول كبير", "PER"), ("بغداد", "ORG")])
    texts = AWKWARD + [generator.article() for _ in range(120)]
    return texts, extra, model


def _as_tuples(items):
    return [dataclasses.astuple(x) for x in items]


def test_each_suggester_gives_the_same_with_the_shared_pieces(corpus):
    texts, gazetteer, model = corpus
    found = 0
    for text in texts:
        tokens = tokenize(text)
        regions = quoted_regions(text)
        sentences = split_sentences(text, regions)
        folded = fold(text)

        alone = gazetteer.find(text)
        assert gazetteer.find(text, folded=folded, folded_spans=token_spans(folded.text)) == alone

        tagged = model.predict_spans(text, gazetteer=gazetteer)
        assert model.predict_spans(text, gazetteer=gazetteer, tokens=tokens, sentences=sentences) == tagged

        hints = [(m.start, m.end, m.label) for m in alone + tagged]
        quotes = find_quotes(text, entities=hints)
        assert find_quotes(text, entities=hints, tokens=tokens, sentences=sentences, regions=regions) == quotes
        found += len(alone) + len(tagged) + len(quotes)
    assert found > 1000  # the texts exercise every suggester


def test_suggest_gives_the_same_as_the_suggesters_run_apart(corpus, monkeypatch):
    texts, gazetteer, model = corpus
    shared = [suggest(text, gazetteer=gazetteer, crf=model) for text in texts]
    without_crf = [suggest(text, gazetteer=gazetteer) for text in texts]

    # the same suggest(), with every suggester made to ignore the pieces it is given
    class Apart:
        def predict_spans(self, text, *, gazetteer=None, **_pieces):
            return model.predict_spans(text, gazetteer=gazetteer)

    gazetteer_find = gazetteer.find
    monkeypatch.setattr(gazetteer, "find", lambda text, **_pieces: gazetteer_find(text))
    monkeypatch.setattr(
        suggest_module, "find_quotes", lambda text, *, entities=(), **_pieces: find_quotes(text, entities=entities)
    )
    for text, with_pieces, no_crf in zip(texts, shared, without_crf, strict=True):
        apart = suggest(text, gazetteer=gazetteer, crf=Apart())
        assert _as_tuples(with_pieces.entities) == _as_tuples(apart.entities)
        assert _as_tuples(with_pieces.quotes) == _as_tuples(apart.quotes)
        alone = suggest(text, gazetteer=gazetteer)
        assert (no_crf.entities, no_crf.quotes) == (alone.entities, alone.quotes)
    assert sum(len(s.entities) for s in shared) > sum(len(s.entities) for s in without_crf) > 500
    assert sum(len(s.quotes) for s in shared) > 200
    assert {q.kind for s in shared for q in s.quotes} == {"direct", "indirect", "partial"}


@pytest.mark.parametrize(
    "tags",
    [
        [],
        ["O", "O"],
        ["B-PER", "I-PER", "O", "B-LOC"],
        ["I-PER", "I-PER", "B-PER", "I-LOC", "O", "I-ORG"],
        ["B-PER", "B-PER", "I-PER", "E-PER", "O-X", "X", "I-PER"],
    ],
)
def test_the_taggers_chunker_reads_tags_as_bio_to_chunks_does(tags):
    assert _chunks(tags) == bio_to_chunks(tags)
