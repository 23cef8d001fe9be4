"""Speed of the combined entity tagging (CRF + neural tagger, arabic/ner/ensemble.py) and of the whole suggestion pass
with it, per core, on news text built from ANERcorp's sentences.

    .venv/bin/python bench/entity_ensemble_speed.py --anercorp …/anercorp/train.txt \
        [--model arabic/data/models/anercorp-entities.crf] [--neural FILE | --train-epochs 2] [--sentences 4000]

Articles: ``--per-article`` consecutive sentences of the file, detokenised (:func:`arabic.quote_corpus.document_text`).
The CRF is ``--model`` (default: the shipped default model). The neural tagger is ``--neural`` or, without it, one
trained here on the whole file for ``--train-epochs`` epochs with word vectors learned from the file's own text
(:func:`arabic.ner.clusters.learn_vectors`): speed does not depend on how well it was trained, only on its sizes. The
tagging is in-sample (the models saw these sentences): the figures are speeds, not scores.

Rows (CPU time of this one process, ``torch.set_num_threads(1)``):

* CRF tags alone (``predict_many``) and the CRF pass (``predict_spans``: tags, guidelines, document pass);
* combined tagging the old way (:func:`arabic.ner.ensemble.crf_marginals` + ``NeuralModel.predict_marginals`` +
  :func:`arabic.ner.ensemble.combine`, a dict per word) and the new way (:class:`arabic.ner.ensemble.Ensemble`:
  numpy arrays, one batch a document, vectorised valid-BIO Viterbi), with their parts;
* the whole suggestion pass (:func:`arabic.suggest.suggest`: gazetteer, quotes, entities, merged) with the CRF alone
  and with both taggers combined (CRF weight 0.5).

It also checks that the old and the new combination give the same tags on every sentence.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from arabic.conll import read_conll  # noqa: E402
from arabic.matching import Gazetteer  # noqa: E402
from arabic.ner import bio_to_chunks, sentence_ranges  # noqa: E402
from arabic.ner import ensemble  # noqa: E402
from arabic.ner.crf import CrfModel  # noqa: E402
from arabic.quote_corpus import document_text  # noqa: E402
from arabic.sentences import split_sentences  # noqa: E402
from arabic.suggest import suggest  # noqa: E402
from arabic.tokens import tokenize  # noqa: E402

DEFAULT_ANERCORP = ROOT.parent / "shared" / "data" / "anercorp" / "train.txt"
DEFAULT_MODEL = ROOT / "arabic" / "data" / "models" / "anercorp-entities.crf"


def timed(func, docs) -> float:
    gc.collect()
    started = time.process_time()
    for doc in docs:
        func(doc)
    return time.process_time() - started


def train_neural(sentences, epochs: int):
    from arabic.ner.clusters import learn_vectors
    from arabic.ner.neural import Hyper, NeuralModel
    from arabic.ner.resources import lexicon

    vocabulary, vectors = learn_vectors([" ".join(s.tokens) for s in sentences], min_count=2)
    table = {w: vectors[i] for i, w in enumerate(vocabulary)} if vocabulary else None
    started = time.perf_counter()
    model = NeuralModel.train([(s.tokens, s.tags) for s in sentences], lexicon=lexicon(), vectors=table,
                              hyper=Hyper(epochs=epochs))  # fmt: skip
    print(f"neural tagger trained here: {len(sentences):,} sentences, {epochs} epochs, vectors of {len(vocabulary):,} "
          f"words from the file itself, {time.perf_counter() - started:.0f} s")  # fmt: skip
    return model


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--anercorp", type=Path, default=DEFAULT_ANERCORP)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--neural", type=Path)
    parser.add_argument("--train-epochs", type=int, default=2)
    parser.add_argument("--save-neural", type=Path, help="keep the neural tagger trained here")
    parser.add_argument("--sentences", type=int, default=4000, help="sentences of the file made into articles")
    parser.add_argument("--per-article", type=int, default=25)
    parser.add_argument("--skip-old", action="store_true", help="leave out the old (dict) combination's row")
    args = parser.parse_args(argv)

    import torch

    from arabic.ner.neural import NeuralModel

    torch.set_num_threads(1)
    sentences = read_conll(args.anercorp)
    tokens = [s.tokens for s in sentences]
    n = min(args.sentences, len(tokens))
    articles = [document_text(tokens, i, min(i + args.per_article, n) - 1) for i in range(0, n, args.per_article)]
    crf = CrfModel.load(args.model)
    if args.neural:
        neural = NeuralModel.load(args.neural)
    else:
        neural = train_neural(sentences, args.train_epochs)
        if args.save_neural:
            neural.save(args.save_neural)
    both = ensemble.Ensemble(crf, neural, weight=0.5)

    def sentence_words(text):
        toks = tokenize(text)
        words, starts = [t.text for t in toks], [t.start for t in toks]
        return [words[a:b] for a, b in sentence_ranges(starts, split_sentences(text))]

    docs = [sentence_words(a) for a in articles]
    words = sum(len(s) for d in docs for s in d)
    gazetteer = Gazetteer()  # a fresh install: nobody has accepted a name yet
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (CPU time of this process is measured)")
    print(f"{len(articles):,} articles of {args.per_article} ANERcorp sentences, {words:,} words; CRF {crf.version} "
          f"(lexicon {crf.meta.get('lexicon', 0):,} names); neural {neural.version} "
          f"({len(neural.meta['words']):,} words × {neural.meta['hyper']['word_dim']} d)")  # fmt: skip

    tags = both.crf_tags

    def old(doc):
        from_crf = ensemble.crf_marginals(crf, doc)
        from_nn = neural.predict_marginals(doc)
        return [ensemble.combine([c, p], [0.5, 0.5]) for c, (_t, p) in zip(from_crf, from_nn)]

    def new(doc):
        out = []
        for words_, (chunks, _conf) in zip(doc, both.chunks(doc)):
            t = ["O"] * len(words_)
            for label, a, b in chunks:
                t[a:b] = ["B-" + label] + ["I-" + label] * (b - a - 1)
            out.append(t)
        return out

    def whole(text, crf_=crf):
        result = suggest(text, gazetteer=gazetteer, crf=crf_)
        return result.entities + result.quotes

    # warm the caches as a long-running worker has them
    for doc, text in zip(docs[:5], articles[:5]):
        new(doc), whole(text), whole(text, both)
    if not args.skip_old:
        differ = sum(sum(bio_to_chunks(a) != bio_to_chunks(b) for a, b in zip(old(d), new(d))) for d in docs)
        print(f"old and new combination: {differ} of {sum(len(d) for d in docs):,} sentences with different entities")
    stages = [
        ("CRF tags alone", lambda d: crf.predict_many(d), docs),
        ("CRF pass (spans, guidelines, document pass)", lambda t: crf.predict_spans(t, gazetteer=gazetteer), articles),
        ("  CRF marginals as arrays", lambda d: ensemble.crf_marginal_arrays(crf, d, tags), docs),
        ("  neural marginals as arrays", lambda d: neural.marginal_arrays(d), docs),
        ("combined tagging, new (arrays)", new, docs),
        ("combined pass (spans, guidelines, document pass)", lambda t: both.predict_spans(t, gazetteer=gazetteer), articles),
        ("whole suggestion pass, CRF alone", whole, articles),
        ("whole suggestion pass, CRF + neural", lambda t: whole(t, both), articles),
    ]
    if not args.skip_old:
        stages.insert(4, ("combined tagging, old (dicts)", old, docs))
    print()
    print(f"{'stage':<52} {'CPU s':>7} {'words/s/core':>13}")
    for label, func, items in stages:
        seconds = timed(func, items)
        print(f"{label:<52} {seconds:>7.2f} {words / seconds:>13,.0f}", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
