"""The neural entity tagger against the CRF, alone and combined: document-contiguous folds of ANERcorp.

    .venv/bin/python bench/entity_neural.py --train …/anercorp/train.txt --folds 0 [--k 5] \
        [--corpus unlabelled.txt] [--epochs 12] [--weights 0.5,0.7]

For each test fold in ``--folds`` (contiguous blocks of sentences out of
``--k``: a test fold's articles are unseen) it trains the CRF with the shipped
default model's configuration (lexicon features; plus word clusters when
``--corpus`` is given) and the neural tagger (:mod:`arabic.ner.neural`; its
word table starts from PPMI-SVD vectors of ``--corpus`` when given, one text
per line), then prints exact-span micro P/R/F1 of each, and of their
combination (:func:`arabic.ner.ensemble.combine`, CRF weight from
``--weights``), pooled over the folds, with the machine's load. Training runs
on one thread (``torch.set_num_threads(1)``); a fold takes 10-15 minutes on a
busy two-core machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from arabic.conll import read_conll  # noqa: E402
from arabic.evaluation import ner_scores  # noqa: E402
from arabic.ner.clusters import learn_clusters, learn_vectors  # noqa: E402
from arabic.ner.crf import CrfModel  # noqa: E402
from arabic.ner.ensemble import combine, crf_marginals  # noqa: E402
from arabic.ner.neural import Hyper, NeuralModel  # noqa: E402
from arabic.ner.resources import lexicon  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--folds", default="0", help="test folds, e.g. 0 or 0,1,2,3,4")
    parser.add_argument("--corpus", help="unlabelled text, one text per line: word vectors and clusters")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--weights", default="0.5", help="CRF weights in the combination, e.g. 0.5,0.7")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    sentences = [(list(s.tokens), list(s.tags)) for s in read_conll(args.train)]
    lex = lexicon()
    vectors = clusters = None
    if args.corpus:
        with open(args.corpus, encoding="utf-8") as fp:
            vocabulary, matrix = learn_vectors(fp)
        vectors = {w: matrix[i] for i, w in enumerate(vocabulary)} if vocabulary else None
        with open(args.corpus, encoding="utf-8") as fp:
            clusters = learn_clusters(fp)
    weights = [float(w) for w in args.weights.split(",")]
    folds = [int(f) for f in args.folds.split(",")]
    n = len(sentences)
    gold, crf_tags, nn_tags = [], [], []
    combined: dict[float, list] = {w: [] for w in weights}
    print(f"{args.train}: {n} sentences; test folds {folds} of {args.k} (contiguous); epochs {args.epochs}; "
          f"vectors/clusters: {'yes' if vectors else 'no'}; load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    for k in folds:
        lo, hi = k * n // args.k, (k + 1) * n // args.k
        train = sentences[:lo] + sentences[hi:]
        test = sentences[lo:hi]
        words = [w for w, _ in test]
        started = time.perf_counter()
        crf = CrfModel.train(train, lexicon=lex, clusters=clusters, c1=0.05, c2=0.05, max_iterations=100)
        crf_seconds = time.perf_counter() - started
        started = time.perf_counter()
        nn = NeuralModel.train(train, lexicon=lex, vectors=vectors, hyper=Hyper(epochs=args.epochs))
        nn_seconds = time.perf_counter() - started
        from_crf = crf_marginals(crf, words)
        from_nn = nn.predict_marginals(words)
        gold += [t for _, t in test]
        crf_tags += crf.predict_many(words)
        nn_tags += [tags for tags, _ in from_nn]
        for w in weights:
            combined[w] += [combine([c, p], [w, 1 - w]) for c, (_t, p) in zip(from_crf, from_nn)]
        print(f"fold {k}: CRF trained in {crf_seconds:.0f} s, neural in {nn_seconds:.0f} s "
              f"(load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
    print("| tagger | P | R | F1 |")
    print("| --- | --- | --- | --- |")
    rows = [("CRF", crf_tags), ("neural", nn_tags)] + [(f"combined, CRF weight {w}", combined[w]) for w in weights]
    for name, predicted in rows:
        o = ner_scores(gold, predicted).overall
        print(f"| {name} | {o.precision:.3f} | {o.recall:.3f} | {o.f1:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
