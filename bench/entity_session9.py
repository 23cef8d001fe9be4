"""Session 9: the neural tagger's hyperparameters and its word vectors, in session 7's ensemble.

    # once: session 7's PPMI-SVD vectors and clusters (the CRF's clusters stay these in every variant)
    nice -n 19 .venv/bin/python bench/entity_session7.py prepare --corpus FILE --cache DIR
    # other vectors (needs gensim on PYTHONPATH; research only, not a project dependency)
    nice -n 19 .venv/bin/python bench/entity_session9.py vectors --corpus FILE --cache DIR --name sg300 \
        --method word2vec --dim 300 [--oov ANERCORP]
    # one variant of the neural tagger on one fold (the CRF model is session 7's, cached)
    nice -n 19 .venv/bin/python bench/entity_session9.py fold --train …/train.txt --cache DIR --fold 0 \
        --variant ft --hyper freeze_vectors=false [--vectors sg300]
    # score: each variant alone with the CRF, and averages of variants (a+b: the neural marginals averaged)
    .venv/bin/python bench/entity_session9.py score --train …/train.txt --cache DIR --folds 0 --variants base,ft,base+ft

Same split, scoring, CRF, combination (CRF weight 0.5) and document pass (±20)
as :mod:`bench.entity_session7`; only the neural member changes. ``--vectors
NAME`` reads ``DIR/NAME/vectors.npy`` and ``DIR/NAME/vocabulary.json``
(session 7's PPMI-SVD vectors, ``DIR/vectors.npy``, without it). ``--oov``:
fastText vectors also for the words of that file missing from the corpus's
vocabulary, composed from their letter n-grams (no label is read; in a product
the same vector would be composed when the word is first seen). The cache
holds research-only material when the corpus is research-only: keep it
outside the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from arabic.conll import read_conll  # noqa: E402
from arabic.evaluation import ner_scores  # noqa: E402
from arabic.ner.crf import DOCUMENT  # noqa: E402
from arabic.ner.ensemble import decode  # noqa: E402
from arabic.normalize import fold_text  # noqa: E402
from entity_documents import fold_split, post_pass, to_tags  # noqa: E402
from entity_session7 import _chunks_with_confidence, _crf, mean, print_table  # noqa: E402


def _tokens(path):
    from arabic.tokens import word_tokens

    with open(path, encoding="utf-8") as fp:
        for line in fp:
            tokens = word_tokens(fold_text(line))
            if tokens:
                yield tokens


def build_vectors(args) -> None:
    """Skip-gram word2vec or fastText vectors of the corpus (the folded tokens of learn_vectors)."""
    import numpy as np
    from gensim.models import FastText, Word2Vec

    started = time.perf_counter()
    corpus = [t for t in _tokens(args.corpus)]
    print(f"{sum(map(len, corpus))} tokens read, {time.perf_counter() - started:.0f} s", flush=True)
    cls = FastText if args.method == "fasttext" else Word2Vec
    extra = {"min_n": 2, "max_n": 5} if args.method == "fasttext" else {}
    model = cls(corpus, vector_size=args.dim, window=args.window, min_count=args.min_count, sg=1, negative=5,
                epochs=args.epochs, workers=1, seed=0, max_final_vocab=args.max_words, **extra)  # fmt: skip
    kv = model.wv
    vocabulary = [w for w in kv.index_to_key if any(ch.isalpha() for ch in w)]
    if args.oov and args.method == "fasttext":
        seen = set(vocabulary)
        extra_words = sorted({fold_text(t) for s in read_conll(args.oov) for t in s.tokens} - seen)
        extra_words = [w for w in extra_words if any(ch.isalpha() for ch in w)]
        print(f"{len(extra_words)} words of {args.oov} composed from n-grams", flush=True)
        vocabulary += extra_words
    vectors = np.stack([kv[w] for w in vocabulary]).astype("float32")
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9  # unit length, as learn_vectors
    out = os.path.join(args.cache, args.name)
    os.makedirs(out, exist_ok=True)
    np.save(os.path.join(out, "vectors.npy"), vectors)
    with open(os.path.join(out, "vocabulary.json"), "w", encoding="utf-8") as fp:
        json.dump(vocabulary, fp, ensure_ascii=False)
    print(f"{args.name}: {len(vocabulary)} words x {args.dim}, {time.perf_counter() - started:.0f} s", flush=True)


def _hyper(spec: str) -> dict:
    from arabic.ner.neural import Hyper

    types = {k: type(v) for k, v in Hyper().__dict__.items()}
    out = {}
    for item in filter(None, spec.split(",")):
        key, value = item.split("=")
        if key not in types:
            raise SystemExit(f"unknown hyperparameter {key}")
        out[key] = value.lower() in ("1", "true", "yes") if types[key] is bool else types[key](value)
    return out


def run_fold(args) -> None:
    import numpy as np
    import torch

    from arabic.ner.ensemble import crf_marginals
    from arabic.ner.neural import Hyper, NeuralModel
    from arabic.ner.resources import lexicon

    torch.set_num_threads(1)
    sentences = read_conll(args.train)
    test = set(fold_split(len(sentences), args.k, args.fold))
    words = [list(sentences[i].tokens) for i in sorted(test)]
    crf = _crf(sentences, args.cache, args.fold, args.k)
    source = os.path.join(args.cache, args.vectors) if args.vectors else args.cache
    vectors = np.load(os.path.join(source, "vectors.npy"))
    with open(os.path.join(source, "vocabulary.json"), encoding="utf-8") as fp:
        vocabulary = json.load(fp)
    table = {w: vectors[i] for i, w in enumerate(vocabulary)}
    hyper = Hyper(**{"epochs": 12, **_hyper(args.hyper)})
    train = [(s.tokens, s.tags) for i, s in enumerate(sentences) if i not in test]
    started = time.perf_counter()
    nn = NeuralModel.train(train, lexicon=lexicon(), vectors=table, hyper=hyper,
                           log=lambda m: print(f"fold {args.fold} {args.variant}: {m} (load {os.getloadavg()[0]:.1f})", flush=True))  # fmt: skip
    print(f"fold {args.fold} {args.variant}: neural {time.perf_counter() - started:.0f} s (load {os.getloadavg()[0]:.1f})", flush=True)
    nn.save(os.path.join(args.cache, f"fold{args.fold}of{args.k}-neural-{args.variant}.pt"))
    nn_m = [p for _t, p in nn.predict_marginals(words)]
    out = os.path.join(args.cache, f"marginals-fold{args.fold}of{args.k}-{args.variant}.json")
    with open(out, "w", encoding="utf-8") as fp:
        json.dump({"crf_viterbi": crf.predict_chunks(words), "crf": crf_marginals(crf, words),
                   "neural": [[{t: float(v) for t, v in d.items()} for d in s] for s in nn_m],
                   "hyper": hyper.__dict__, "vectors": args.vectors or "ppmi-svd"}, fp)  # fmt: skip
    print(f"fold {args.fold} {args.variant}: stored {out}", flush=True)


def _stored(cache, fold, k, variant):
    name = "e12" if variant == "s7" else variant  # session 7's own fold files
    with open(os.path.join(cache, f"marginals-fold{fold}of{k}-{name}.json"), encoding="utf-8") as fp:
        return json.load(fp)


def score(args) -> None:
    sentences = read_conll(args.train)
    folds = [int(x) for x in args.folds.split(",")]
    w = args.weight
    rows: dict[str, tuple[list, list, list]] = {}

    def add(name, gold, tags):
        g, p, per = rows.setdefault(name, ([], [], []))
        g += gold
        p += tags
        o = ner_scores(gold, tags).overall
        per.append((o.f1, o.precision, o.recall))

    for fold in folds:
        test = [sentences[i] for i in fold_split(len(sentences), args.k, fold)]
        words = [list(s.tokens) for s in test]
        gold = [list(s.tags) for s in test]
        folded = [[fold_text(x) for x in ws] for ws in words]
        crf = _crf(sentences, args.cache, fold, args.k)
        known, given = crf._known_words(crf.gazetteer), crf.given_names()
        crf_m = None
        for variant in args.variants.split(","):
            parts = [_stored(args.cache, fold, args.k, v) for v in variant.split("+")]
            crf_m = crf_m or parts[0]["crf"]
            neural = mean([p["neural"] for p in parts], [1.0] * len(parts))
            for name, probabilities in ((f"neural {variant}", neural), (f"CRF + neural {variant}, weight {w}", mean([crf_m, neural], [w, 1 - w]))):
                tags = [decode(p) for p in probabilities]
                predicted = [_chunks_with_confidence(p, t) for p, t in zip(probabilities, tags)]
                add(name, gold, [to_tags(len(x), [(*c, None) for c in p[0]]) for x, p in zip(words, predicted)])
                add(name + " + document pass ±20", gold, post_pass(words, predicted, folded, "20", DOCUMENT, known, given))
    print_table(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("vectors")
    p.add_argument("--corpus", required=True)
    p.add_argument("--cache", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--method", choices=("word2vec", "fasttext"), default="word2vec")
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--max-words", type=int, default=None)
    p.add_argument("--oov", default=None, help="a CoNLL file whose words get n-gram vectors (fasttext)")
    for name in ("fold", "score"):
        p = sub.add_parser(name)
        p.add_argument("--train", required=True)
        p.add_argument("--cache", required=True)
        p.add_argument("--k", type=int, default=5)
    sub.choices["fold"].add_argument("--fold", type=int, required=True)
    sub.choices["fold"].add_argument("--variant", required=True)
    sub.choices["fold"].add_argument("--hyper", default="", help="Hyper overrides: key=value,...")
    sub.choices["fold"].add_argument("--vectors", default=None, help="a subfolder of --cache (default: session 7's)")
    sub.choices["score"].add_argument("--folds", default="0,1,2,3,4")
    sub.choices["score"].add_argument("--variants", required=True)
    sub.choices["score"].add_argument("--weight", type=float, default=0.5)
    args = parser.parse_args(argv)
    {"vectors": build_vectors, "fold": run_fold, "score": score}[args.command](args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
