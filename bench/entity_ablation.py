"""Ablation of the entity tagger's features: document-contiguous k-fold cross-validation.

    .venv/bin/python bench/entity_ablation.py --train …/anercorp/train.txt --folds 5 \
        [--clusters clusters.json] [--configs base,lexicon,clusters,all] [--map PERS=PER]

Each configuration trains and tags every fold (contiguous blocks of sentences:
a test fold's articles are unseen) and prints micro span F1 (exact span and
label, pooled over the folds), precision, recall, the per-fold F1s and the
training time. ``--clusters`` is a file written by ``WordClusters.to_json``
(``manage.py build_word_clusters`` writes one from a site's archive).
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from arabic.conll import map_labels, read_conll  # noqa: E402
from arabic.evaluation import cross_validate  # noqa: E402
from arabic.ner.clusters import WordClusters  # noqa: E402
from arabic.ner.resources import lexicon as shipped_lexicon  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--clusters")
    parser.add_argument("--configs", default="base,lexicon,clusters,all")
    parser.add_argument("--c1", type=float, default=0.05)
    parser.add_argument("--c2", type=float, default=0.05)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--map", action="append", default=[])
    parser.add_argument("--random", action="store_true", help="random sentence folds instead of contiguous blocks")
    args = parser.parse_args(argv)
    sentences = map_labels(read_conll(args.train), dict(p.split("=", 1) for p in args.map))
    clusters = None
    if args.clusters:
        with open(args.clusters, encoding="utf-8") as fp:
            clusters = WordClusters.from_json(fp.read())
    lex = shipped_lexicon()
    print(f"{args.train}: {len(sentences)} sentences; {args.folds} folds, "
          f"{'random' if args.random else 'contiguous'}; c1={args.c1} c2={args.c2} it={args.iterations}; "
          f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
    print("| configuration | P | R | F1 | per-fold F1 | train s/fold |")
    print("| --- | --- | --- | --- | --- | --- |")
    for config in args.configs.split(","):
        kwargs = {"c1": args.c1, "c2": args.c2, "max_iterations": args.iterations}
        if config in ("lexicon", "all"):
            kwargs["lexicon"] = lex
        if config in ("clusters", "all"):
            if clusters is None:
                raise SystemExit(f"configuration {config} needs --clusters")
            kwargs["clusters"] = clusters
        cv = cross_validate(sentences, k=args.folds, shuffle=args.random, train_kwargs=kwargs)
        o = cv.pooled.overall
        per_fold = ", ".join(f"{f.overall.f1:.3f}" for f in cv.folds)
        print(f"| {config} | {o.precision:.3f} | {o.recall:.3f} | **{o.f1:.3f}** | {per_fold} | "
              f"{sum(cv.seconds) / len(cv.seconds):.0f} |", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
