"""Session 7: the CRF with clusters and the neural tagger with vectors, combined, with the document pass, 5 folds.

    # once: vectors and clusters of an unlabelled corpus (one text per line), into the cache
    nice -n 19 .venv/bin/python bench/entity_session7.py prepare --corpus FILE --cache DIR
    # per fold (two processes side by side on two cores): train both taggers, store their marginals
    nice -n 19 .venv/bin/python bench/entity_session7.py fold --train …/anercorp/train.txt --cache DIR --fold 0
    # score what the folds stored
    .venv/bin/python bench/entity_session7.py score --train …/anercorp/train.txt --cache DIR [--weights 0.5,0.7]

Same split and scoring as :mod:`bench.entity_session6` (document-contiguous
5-fold, micro span F1, exact span + label, ANERcorp's labels). The CRF has the
shipped configuration (lexicon, context word classes, c1 = c2 = 0.05, 100
iterations) plus the corpus's clusters; the neural tagger
(:mod:`arabic.ner.neural`, untuned defaults) starts from the corpus's PPMI-SVD
vectors. Combination: :func:`arabic.ner.ensemble.combine`'s weighted mean of
the two taggers' per-word tag probabilities, decoded as valid BIO; a combined
chunk's confidence is the mean combined probability of its tags (as the CRF's
is the mean marginal), and the product's document pass (``DOCUMENT``: ±20
sentences, confidence ≥ 0.6, parts, relabel) runs on those chunks. The cache
holds research-only material when the corpus is research-only: keep it outside
the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from arabic.conll import read_conll  # noqa: E402
from arabic.evaluation import ner_scores  # noqa: E402
from arabic.ner import tagger_chunks as _chunks  # noqa: E402
from arabic.ner.crf import DOCUMENT  # noqa: E402
from arabic.ner.ensemble import crf_marginals, decode  # noqa: E402
from arabic.normalize import fold_text  # noqa: E402
from entity_documents import fold_model, fold_split, post_pass, to_tags  # noqa: E402

TAG = "clusters-classes-c10.05-c20.05-it100-mf1"


def prepare(args) -> None:
    import numpy as np
    from sklearn.cluster import MiniBatchKMeans

    from arabic.ner.clusters import WordClusters, learn_vectors

    os.makedirs(args.cache, exist_ok=True)
    started = time.perf_counter()
    with open(args.corpus, encoding="utf-8") as fp:
        vocabulary, vectors = learn_vectors(fp)
    np.save(os.path.join(args.cache, "vectors.npy"), vectors)
    with open(os.path.join(args.cache, "vocabulary.json"), "w", encoding="utf-8") as fp:
        json.dump(vocabulary, fp, ensure_ascii=False)
    # the k-means of arabic.ner.clusters.learn_clusters, on the same vectors
    sizes = tuple(sorted({max(2, min(size, len(vocabulary) // 10)) for size in (100, 500, 1000)}))
    labels = [MiniBatchKMeans(n_clusters=s, random_state=0, batch_size=4096, n_init=3, max_iter=100).fit_predict(vectors) for s in sizes]
    clusters = WordClusters(sizes, {w: tuple(int(lab[i]) for lab in labels) for i, w in enumerate(vocabulary)}, "corpus")
    with open(os.path.join(args.cache, "clusters.json"), "w", encoding="utf-8") as fp:
        fp.write(clusters.to_json())
    print(f"{len(vocabulary)} words, clusters {sizes}, {time.perf_counter() - started:.0f} s", flush=True)


def _clusters(cache):
    from arabic.ner.clusters import WordClusters

    with open(os.path.join(cache, "clusters.json"), encoding="utf-8") as fp:
        return WordClusters.from_json(fp.read())


def _crf(sentences, cache, fold, k):
    from arabic.ner.resources import lexicon

    kwargs = {"lexicon": lexicon(), "c1": 0.05, "c2": 0.05, "max_iterations": 100, "min_freq": 1, "clusters": _clusters(cache)}
    return fold_model(sentences, k, fold, cache, kwargs, TAG)


def run_fold(args) -> None:
    import numpy as np
    import torch

    from arabic.ner.neural import Hyper, NeuralModel
    from arabic.ner.resources import lexicon

    torch.set_num_threads(1)
    sentences = read_conll(args.train)
    test = set(fold_split(len(sentences), args.k, args.fold))
    words = [list(sentences[i].tokens) for i in sorted(test)]
    started = time.perf_counter()
    crf = _crf(sentences, args.cache, args.fold, args.k)
    print(f"fold {args.fold}: CRF {time.perf_counter() - started:.0f} s (load {os.getloadavg()[0]:.1f})", flush=True)
    out = os.path.join(args.cache, f"marginals-fold{args.fold}of{args.k}-e{args.epochs}.json")
    crf_m = crf_marginals(crf, words)
    nn_path = os.path.join(args.cache, f"fold{args.fold}of{args.k}-neural-vectors-e{args.epochs}.pt")
    if os.path.isfile(nn_path):
        nn = NeuralModel.load(nn_path)
    else:
        vectors = np.load(os.path.join(args.cache, "vectors.npy"))
        with open(os.path.join(args.cache, "vocabulary.json"), encoding="utf-8") as fp:
            vocabulary = json.load(fp)
        table = {w: vectors[i] for i, w in enumerate(vocabulary)}
        train = [(s.tokens, s.tags) for i, s in enumerate(sentences) if i not in test]
        started = time.perf_counter()
        nn = NeuralModel.train(train, lexicon=lexicon(), vectors=table, hyper=Hyper(epochs=args.epochs),
                                log=lambda m: print(f"fold {args.fold}: {m} (load {os.getloadavg()[0]:.1f})", flush=True))
        print(f"fold {args.fold}: neural {time.perf_counter() - started:.0f} s (load {os.getloadavg()[0]:.1f})", flush=True)
        nn.save(nn_path)
    nn_m = [p for _t, p in nn.predict_marginals(words)]
    with open(out, "w", encoding="utf-8") as fp:
        json.dump({"crf_viterbi": crf.predict_chunks(words), "crf": crf_m, "neural": [[{t: float(v) for t, v in d.items()} for d in s] for s in nn_m]}, fp)
    print(f"fold {args.fold}: stored {out}", flush=True)


def _chunks_with_confidence(probabilities, tags):
    chunks = _chunks(tags)
    return chunks, [sum(probabilities[k].get(tags[k], 0.0) for k in range(a, b)) / (b - a) for _, a, b in chunks]


def mean(members, weights):
    total = sum(weights)
    return [
        [{t: sum(w * m[s][i].get(t, 0.0) for w, m in zip(weights, members)) / total for t in members[0][s][i]} for i in range(len(members[0][s]))]
        for s in range(len(members[0]))
    ]


def score(args) -> None:
    sentences = read_conll(args.train)
    weights = [float(w) for w in args.weights.split(",")]
    folds = [int(x) for x in args.folds.split(",")]
    rows: dict[str, tuple[list, list, list]] = {}

    def add(name, gold, tags):
        g, p, per = rows.setdefault(name, ([], [], []))
        g += gold
        p += tags
        o = ner_scores(gold, tags).overall
        per.append((o.f1, o.precision, o.recall))

    for fold in folds:
        with open(os.path.join(args.cache, f"marginals-fold{fold}of{args.k}-e{args.epochs}.json"), encoding="utf-8") as fp:
            stored = json.load(fp)
        test = [sentences[i] for i in fold_split(len(sentences), args.k, fold)]
        words = [list(s.tokens) for s in test]
        gold = [list(s.tags) for s in test]
        folded = [[fold_text(w) for w in ws] for ws in words]
        crf = _crf(sentences, args.cache, fold, args.k)
        known, given = crf._known_words(crf.gazetteer), crf.given_names()
        viterbi = [([tuple(c) for c in chunks], conf) for chunks, conf in stored["crf_viterbi"]]
        add("CRF + clusters (Viterbi, as shipped)", gold, [to_tags(len(w), [(*c, None) for c in p[0]]) for w, p in zip(words, viterbi)])
        add("CRF + clusters (Viterbi) + document pass ±20", gold, post_pass(words, viterbi, folded, "20", DOCUMENT, known, given))
        members = {"CRF + clusters": [(stored["crf"], 1.0)], "neural + vectors": [(stored["neural"], 1.0)]}
        for w in weights:
            members[f"CRF + clusters and neural + vectors, CRF weight {w}"] = [(stored["crf"], w), (stored["neural"], 1 - w)]
        for name, parts in members.items():
            probabilities = mean([m for m, _ in parts], [w for _, w in parts])
            tags = [decode(p) for p in probabilities]
            predicted = [_chunks_with_confidence(p, t) for p, t in zip(probabilities, tags)]
            add(name, gold, [to_tags(len(w), [(*c, None) for c in p[0]]) for w, p in zip(words, predicted)])
            add(name + " + document pass ±20", gold, post_pass(words, predicted, folded, "20", DOCUMENT, known, given))
    print_table(rows)


def print_table(rows: dict) -> None:
    """The markdown table of pooled scores: ``rows`` maps a configuration to (gold, predicted, per-fold (F1, P, R))."""
    print("| configuration | P | R | F1 | per-fold F1 | per-fold P | per-fold R | LOC / ORG / PERS / MISC F1 |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, (g, p, per) in rows.items():
        report = ner_scores(g, p)
        o = report.overall
        labels = " / ".join(f"{report.per_label[x].f1:.3f}" if x in report.per_label else "-" for x in ("LOC", "ORG", "PERS", "MISC"))
        fmt = lambda j: ", ".join(f"{x[j]:.3f}" for x in per)  # noqa: E731
        print(f"| {name} | {o.precision:.3f} | {o.recall:.3f} | **{o.f1:.3f}** | {fmt(0)} | {fmt(1)} | {fmt(2)} | {labels} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--corpus", required=True)
    p.add_argument("--cache", required=True)
    for name in ("fold", "score"):
        p = sub.add_parser(name)
        p.add_argument("--train", required=True)
        p.add_argument("--cache", required=True)
        p.add_argument("--k", type=int, default=5)
    sub.choices["fold"].add_argument("--fold", type=int, required=True)
    for name in ("fold", "score"):
        sub.choices[name].add_argument("--epochs", type=int, default=12)
    sub.choices["score"].add_argument("--folds", default="0,1,2,3,4")
    sub.choices["score"].add_argument("--weights", default="0.5")
    args = parser.parse_args(argv)
    {"prepare": prepare, "fold": run_fold, "score": score}[args.command](args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
