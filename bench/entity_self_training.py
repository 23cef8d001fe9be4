"""Self-training (arabic/ner/self_training.py) on document-contiguous cross-validation folds.

    .venv/bin/python bench/entity_self_training.py --train …/anercorp/train.txt --corpus FILE[.xz] \
        --only 0 [--cache DIR] [--texts 20000] [--probability 0.9] [--sentences 1000,3000]

For each fold: the fold's CRF (shipped configuration, lexicon features; cached in
``--cache`` as bench/entity_documents.py does) tags the first ``--texts`` lines
of ``--corpus`` (one text per line, as ``manage.py build_word_clusters --file``
reads it); the sentences it is sure of are added to the fold's training
sentences, a second CRF is trained on both and scored on the fold. The corpus
stands in for a site's archive; SaudiNewsNet is research-only: nothing derived
from it is written to the repository (the models go to ``--cache``, outside it).
"""

from __future__ import annotations

import argparse
import lzma
import os
import sys
import time
from itertools import islice

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from arabic.conll import read_conll  # noqa: E402
from arabic.evaluation import ner_scores  # noqa: E402
from arabic.ner.crf import CrfModel  # noqa: E402
from arabic.ner.resources import lexicon  # noqa: E402
from arabic.ner.self_training import confident_sentences  # noqa: E402
from entity_documents import fold_model, fold_split  # noqa: E402


def read_texts(path: str, limit: int):
    opener = lzma.open if path.endswith(".xz") else open
    with opener(path, "rt", encoding="utf-8") as fp:
        yield from (line.strip() for line in islice(fp, limit) if line.strip())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", default="0")
    parser.add_argument("--cache")
    parser.add_argument("--texts", type=int, default=20000)
    parser.add_argument("--probability", default="0.9")
    parser.add_argument("--sentences", default="2000")
    parser.add_argument("--novel", action="store_true", help="keep only sentences with a name the fold's model does not know")
    args = parser.parse_args(argv)
    sentences = read_conll(args.train)
    kwargs = {"lexicon": lexicon(), "c1": 0.05, "c2": 0.05, "max_iterations": 100}
    print(f"{args.train}: {len(sentences)} sentences; corpus {args.corpus}, first {args.texts} texts; "
          f"load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    print("| fold | probability ≥ | sentences added (of tagged) | P | R | F1 | train s | select s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for fold in (int(x) for x in args.only.split(",")):
        model = fold_model(sentences, args.folds, fold, args.cache, kwargs, "lex")
        test_idx = set(fold_split(len(sentences), args.folds, fold))
        train = [(list(s.tokens), list(s.tags)) for i, s in enumerate(sentences) if i not in test_idx]
        test = [sentences[i] for i in sorted(test_idx)]
        gold = [list(s.tags) for s in test]
        o = ner_scores(gold, model.predict_many([list(s.tokens) for s in test])).overall
        print(f"| {fold} | (tagger alone) | 0 | {o.precision:.3f} | {o.recall:.3f} | {o.f1:.3f} | | |", flush=True)
        lex = kwargs["lexicon"]

        def known(name, model=model):
            return name in model.gazetteer or name in lex

        for probability in (float(p) for p in args.probability.split(",")):
            for cap in (int(c) for c in args.sentences.split(",")):
                started = time.process_time()
                chosen = confident_sentences(
                    model,
                    read_texts(args.corpus, args.texts),
                    min_probability=probability,
                    max_sentences=cap,
                    is_known=known if args.novel else None,
                )
                select = time.process_time() - started
                started = time.perf_counter()
                retrained = CrfModel.train(train + chosen.sentences, **kwargs)
                seconds = time.perf_counter() - started
                o = ner_scores(gold, retrained.predict_many([list(s.tokens) for s in test])).overall
                print(f"| {fold} | {probability} | {len(chosen.sentences)} (of {chosen.seen}) | {o.precision:.3f} | "
                      f"{o.recall:.3f} | {o.f1:.3f} | {seconds:.0f} | {select:.0f} |", flush=True)  # fmt: skip
    print(f"load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
