"""Session 6 ablation: context word classes and CRF parameters, tagger alone and with the document pass.

    nice -n 19 .venv/bin/python bench/entity_session6.py --train …/anercorp/train.txt --only 0 \
        --cache /tmp/ner-cache --config classes --c1 0.05 --c2 0.05 --iterations 100 [--min-freq 1]

Document-contiguous folds as :mod:`bench.entity_documents` (the same split and
scoring: micro span F1, exact span + label, ANERcorp's labels, no guideline
rules). ``--config``: ``lex`` (the shipped configuration before session 6:
the lexicon features) or ``classes`` (plus the context word classes of
:mod:`arabic.ner.triggers`). Each fold is scored twice: the tagger sentence by
sentence, and with the product's document pass over ±20 sentences
(confidence ≥ 0.6, parts, relabel: ``arabic.ner.crf.DOCUMENT``).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from arabic.conll import read_conll  # noqa: E402
from arabic.evaluation import ner_scores  # noqa: E402
from arabic.ner import features  # noqa: E402
from arabic.ner.crf import DOCUMENT  # noqa: E402
from arabic.ner.resources import lexicon, read_name_list  # noqa: E402
from arabic.normalize import fold_text  # noqa: E402
from entity_documents import fold_model, fold_split, post_pass, to_tags  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated folds (default: all)")
    parser.add_argument("--cache", help="directory for the folds' models (outside the repository)")
    parser.add_argument("--config", default="classes", choices=("lex", "classes"))
    parser.add_argument("--c1", type=float, default=0.05)
    parser.add_argument("--c2", type=float, default=0.05)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--min-freq", type=int, default=1)
    parser.add_argument("--window", default="20")
    parser.add_argument("--extra-lexicon", action="append", default=[], help="more name lists (name<TAB>CLASS), added to the lexicon")
    parser.add_argument("--clusters", help="word clusters (WordClusters.to_json), e.g. from manage.py build_word_clusters")
    args = parser.parse_args(argv)
    features.CONTEXT_CLASSES = args.config == "classes"
    features._word_features.cache_clear()
    sentences = read_conll(args.train)
    lex = lexicon()
    for path in args.extra_lexicon:  # e.g. the lists of python -m arabic.ner.gazetteer_build
        for name, label in read_name_list(path):
            lex.add(name, label)
    kwargs = {"lexicon": lex, "c1": args.c1, "c2": args.c2, "max_iterations": args.iterations,
              "min_freq": args.min_freq}  # fmt: skip
    if args.clusters:
        from arabic.ner.clusters import WordClusters

        with open(args.clusters, encoding="utf-8") as fp:
            kwargs["clusters"] = WordClusters.from_json(fp.read())
    extra = hashlib.sha256(b"".join(open(p, "rb").read() for p in args.extra_lexicon)).hexdigest()[:8]
    tag = (f"lex{extra}-" if args.extra_lexicon else "") + ("clusters-" if args.clusters else "") + f"{args.config}-c1{args.c1}-c2{args.c2}-it{args.iterations}-mf{args.min_freq}"
    folds = [int(x) for x in args.only.split(",")] if args.only else list(range(args.folds))
    print(f"{tag}: folds {folds} of {args.folds}; load {os.getloadavg()[0]:.1f}", flush=True)
    rows = {"tagger alone": ([], [], []), f"+ document pass ±{args.window}": ([], [], [])}
    seconds = []
    for fold in folds:
        started = time.perf_counter()
        model = fold_model(sentences, args.folds, fold, args.cache, kwargs, tag)
        seconds.append(time.perf_counter() - started)
        test = [sentences[i] for i in fold_split(len(sentences), args.folds, fold)]
        words = [list(s.tokens) for s in test]
        gold = [list(s.tags) for s in test]
        predicted = model.predict_chunks(words)
        folded = [[fold_text(w) for w in ws] for ws in words]
        alone = [to_tags(len(w), [(*c, None) for c in p[0]]) for w, p in zip(words, predicted)]
        known = model._known_words(model.gazetteer)
        passed = post_pass(words, predicted, folded, args.window, DOCUMENT, known, model.given_names())
        for (gold_all, pred_all, per_fold), tags in zip(rows.values(), (alone, passed)):
            gold_all += gold
            pred_all += tags
            per_fold.append(ner_scores(gold, tags).overall.f1)
        print(f"  fold {fold}: {per_fold[-1]:.3f} with the pass; load {os.getloadavg()[0]:.1f}", flush=True)
    for name, (gold_all, pred_all, per_fold) in rows.items():
        report = ner_scores(gold_all, pred_all)
        o = report.overall
        labels = ", ".join(f"{label} {s.f1:.3f}" for label, s in sorted(report.per_label.items()))
        print(f"| {tag} {name} | {o.precision:.3f} | {o.recall:.3f} | **{o.f1:.3f}** | "
              f"{', '.join(f'{x:.3f}' for x in per_fold)} | {labels} | {sum(seconds) / len(seconds):.0f} |", flush=True)  # fmt: skip
    print(f"load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
