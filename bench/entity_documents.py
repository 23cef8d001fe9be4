"""Document-level consistency (arabic/ner/consistency.py) on document-contiguous cross-validation folds.

    .venv/bin/python bench/entity_documents.py --train …/anercorp/train.txt --folds 5 --only 0 \
        [--cache DIR] [--window 10,20] [--confidence 0.7,0.8,0.9] [--clusters FILE]

Trains the CRF of each fold (the shipped configuration: lexicon features; with
``--clusters`` the clusters too), or loads it from ``--cache`` (models written
there by an earlier run: the fold split and training are deterministic), tags
the fold's sentences, and scores the tagger alone and the tagger + the
consistency post-pass for each setting (micro span F1, exact span + label,
ANERcorp's labels, no guideline rules, as the ablation tables).

ANERcorp's training file has no article boundaries, so the "document" of a
sentence is a window of its neighbours: ``--window N`` = the N sentences before
and after it (``block:D`` = consecutive blocks of D sentences instead).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from arabic.conll import map_labels, read_conll  # noqa: E402
from arabic.evaluation import ner_scores  # noqa: E402
from arabic.ner.consistency import Options, document_names, first_word_forms, propagate  # noqa: E402
from arabic.ner.crf import CrfModel  # noqa: E402
from arabic.normalize import fold_text  # noqa: E402


def fold_split(n: int, k: int, fold: int) -> range:
    """The test sentences of a contiguous fold (as arabic.evaluation.cross_validate)."""
    return range(fold * n // k, (fold + 1) * n // k)


def fold_model(sentences, k, fold, cache, kwargs, tag) -> CrfModel:
    path = os.path.join(cache, f"fold{fold}of{k}-{tag}.crf") if cache else None
    if path and os.path.isfile(path):
        return CrfModel.load(path)
    test = set(fold_split(len(sentences), k, fold))
    train = [(s.tokens, s.tags) for i, s in enumerate(sentences) if i not in test]
    started = time.perf_counter()
    model = CrfModel.train(train, **kwargs)
    print(f"  fold {fold}: trained in {time.perf_counter() - started:.0f} s", flush=True)
    if path:
        os.makedirs(cache, exist_ok=True)
        model.save(path)
    return model


def to_tags(n: int, chunks) -> list[str]:
    tags = ["O"] * n
    for label, a, b, *_ in chunks:
        tags[a] = "B-" + label
        for j in range(a + 1, b):
            tags[j] = "I-" + label
    return tags


def windows(n: int, spec: str):
    """(document range, sentence) pairs: a sliding window ±N, or blocks of D."""
    if spec.startswith("block:"):
        size = int(spec[6:])
        for start in range(0, n, size):
            for i in range(start, min(n, start + size)):
                yield range(start, min(n, start + size)), i
    else:
        half = int(spec)
        for i in range(n):
            yield range(max(0, i - half), min(n, i + half + 1)), i


def post_pass(words, predicted, folded, spec: str, options: Options, known, given=frozenset()) -> list[list[str]]:
    docs = [(words[i], predicted[i][0], predicted[i][1]) for i in range(len(words))]
    out = []
    cached_range, names = None, None
    for doc, i in windows(len(words), spec):
        if doc != cached_range:
            names = document_names([docs[j] for j in doc], options, folded=[folded[j] for j in doc], known=known, given_names=given, needed_only=True)
            forms = first_word_forms(names)
            cached_range = doc
        chunks = propagate(folded[i], predicted[i][0], predicted[i][1], names, options, words[i], forms)
        out.append(to_tags(len(words[i]), chunks))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated folds to run (default: all)")
    parser.add_argument("--cache", help="directory for the folds' models (not the repository: they hold ANERcorp names)")
    parser.add_argument("--clusters")
    parser.add_argument("--window", default="10", help="comma-separated: N (±N sentences) or block:D")
    parser.add_argument("--confidence", default="0.8")
    parser.add_argument("--variants", default="plain,parts,relabel,parts+relabel")
    parser.add_argument("--map", action="append", default=[])
    args = parser.parse_args(argv)
    from arabic.ner.resources import lexicon

    sentences = map_labels(read_conll(args.train), dict(p.split("=", 1) for p in args.map))
    kwargs = {"lexicon": lexicon(), "c1": 0.05, "c2": 0.05, "max_iterations": 100}
    tag = "lex"
    if args.clusters:
        from arabic.ner.clusters import WordClusters

        with open(args.clusters, encoding="utf-8") as fp:
            kwargs["clusters"] = WordClusters.from_json(fp.read())
        tag = "lex+clusters"
    folds = [int(x) for x in args.only.split(",")] if args.only else list(range(args.folds))
    print(f"{args.train}: {len(sentences)} sentences; contiguous {args.folds}-fold, folds {folds}; {tag}; "
          f"load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    settings = [("tagger alone", None, None)]
    for spec in args.window.split(","):
        for conf in (float(c) for c in args.confidence.split(",")):
            for variant in args.variants.split(","):
                options = Options(min_confidence=conf, name_parts="parts" in variant, relabel="relabel" in variant)
                settings.append((f"window {spec}, confidence {conf}, {variant}", spec, options))
    gold_all: list = []
    pred_all: dict[str, list] = {name: [] for name, _, _ in settings}
    per_fold: dict[str, list] = {name: [] for name, _, _ in settings}
    post_seconds: dict[str, float] = {name: 0.0 for name, _, _ in settings}
    words_total = 0
    for fold in folds:
        model = fold_model(sentences, args.folds, fold, args.cache, kwargs, tag)
        test = [sentences[i] for i in fold_split(len(sentences), args.folds, fold)]
        words = [list(s.tokens) for s in test]
        gold = [list(s.tags) for s in test]
        words_total += sum(map(len, words))
        predicted = model.predict_chunks(words)
        folded = [[fold_text(w) for w in ws] for ws in words]
        known = model._known_words(model.gazetteer)
        given = model.given_names()
        gold_all += gold
        for name, spec, options in settings:
            started = time.process_time()
            if spec is None:
                tags = [to_tags(len(w), [(*c, None) for c in p[0]]) for w, p in zip(words, predicted)]
            else:
                tags = post_pass(words, predicted, folded, spec, options, known, given)
            post_seconds[name] += time.process_time() - started
            pred_all[name] += tags
            per_fold[name].append(ner_scores(gold, tags).overall.f1)
    print("| setting | P | R | F1 | per-fold F1 | post-pass words/s (CPU) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, spec, _ in settings:
        o = ner_scores(gold_all, pred_all[name]).overall
        speed = f"{words_total / post_seconds[name]:,.0f}" if spec is not None and post_seconds[name] else ""
        print(f"| {name} | {o.precision:.3f} | {o.recall:.3f} | {o.f1:.3f} | "
              f"{', '.join(f'{x:.3f}' for x in per_fold[name])} | {speed} |", flush=True)  # fmt: skip
    print(f"load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
