"""Command line evaluation (the Django management command wraps :func:`main`).

::

    # entities: train the CRF on one CoNLL file, score it on another
    python -m arabic.evaluate ner --train TRAIN.txt --test TEST.txt [--save model.crf]
    # entities: k-fold cross-validation on one file (--document N: the document-level pass over ±N sentences)
    python -m arabic.evaluate ner --train TRAIN.txt --folds 5 [--contiguous] [--lexicon] [--document 20]
    # entities: score a saved model
    python -m arabic.evaluate ner --model model.crf --test TEST.txt
    # quotes: run the quote finder on a text and score it against a gold file
    python -m arabic.evaluate quotes --gold gold.jsonl --text article.txt [--entities entities.jsonl]
    # quotes: a stand-off gold on a CoNLL corpus (ANERcorp documents, see arabic.quote_corpus)
    python -m arabic.evaluate quotes --gold tests/arabic/gold/anercorp_quotes_dev.jsonl --corpus train.txt
    # several stand-off gold files pooled: in round 4 the development set is dev + test + heldout + heldout3
    # (all read while tuning) and the held-out set was heldout4 (tests/arabic/gold/ANERCORP_QUOTES.md)
    python -m arabic.evaluate quotes --gold …/anercorp_quotes_dev.jsonl --gold …/anercorp_quotes_test.jsonl \
        --gold …/anercorp_quotes_heldout.jsonl --gold …/anercorp_quotes_heldout3.jsonl --corpus train.txt
    python -m arabic.evaluate quotes --gold …/anercorp_quotes_heldout4.jsonl --corpus train.txt
    # round 6: dev = the six files dev, test, heldout, heldout3, heldout4, heldout5; held out: heldout6
    python -m arabic.evaluate quotes --gold …/anercorp_quotes_heldout6.jsonl --corpus train.txt
    # round 7: dev = those seven files (heldout6 included); held out: heldout7
    python -m arabic.evaluate quotes --gold …/anercorp_quotes_heldout7.jsonl --corpus train.txt
    # round 8: dev = those eight files (heldout7 included); held out: heldout8
    python -m arabic.evaluate quotes --gold …/anercorp_quotes_heldout8.jsonl --corpus train.txt

``--text`` is the article's annotatable text (what gold offsets count in), read
byte for byte. ``--entities`` (optional) is an entities gold file whose person
spans are given to the quote finder as hints, as the app does with accepted
entities. Exit status: 0 on success, 2 on bad input (with a message naming the
file and line).
"""

from __future__ import annotations

import argparse
import sys
import time

from arabic.conll import ConllError, map_labels, read_conll
from arabic.evaluation import (
    GoldFileError,
    cross_validate,
    ner_scores,
    predict_tags,
    quote_scores,
    read_entity_gold,
    read_quote_gold,
)


def _mapping(pairs: list[str]) -> dict[str, str]:
    mapping = {}
    for pair in pairs or ():
        if "=" not in pair:
            raise ValueError(f"--map expects OLD=NEW, got {pair!r}")
        old, new = pair.split("=", 1)
        mapping[old] = new
    return mapping


def _ner(args, out) -> int:
    from arabic.ner.crf import CrfModel

    mapping = _mapping(args.map)
    train_kwargs = {"c1": args.c1, "c2": args.c2, "max_iterations": args.iterations}
    if args.lexicon:
        from arabic.ner.resources import lexicon

        train_kwargs["lexicon"] = lexicon()
    if args.clusters:
        from arabic.ner.clusters import WordClusters

        with open(args.clusters, encoding="utf-8") as fp:
            train_kwargs["clusters"] = WordClusters.from_json(fp.read())
    if args.model:
        model = CrfModel.load(args.model)
        print(f"model {args.model}: version {model.version}, trained on {model.meta['tokens']} tokens", file=out)
    else:
        if not args.train:
            raise ValueError("ner needs --train (to train a model) or --model (a saved one)")
        train = map_labels(read_conll(args.train), mapping)
        print(f"train: {args.train}: {len(train)} sentences, {sum(map(len, train))} tokens", file=out)
        if args.folds:
            shuffle = not args.contiguous
            cv = cross_validate(
                train,
                k=args.folds,
                seed=args.seed,
                shuffle=shuffle,
                train_kwargs=train_kwargs,
                document_window=args.document,
            )
            print(f"split: {'random sentences' if shuffle else 'contiguous blocks'} (seed {args.seed})", file=out)
            print(cv.table(), file=out)
            return 0
        started = time.perf_counter()
        model = CrfModel.train([(s.tokens, s.tags) for s in train], **train_kwargs)
        print(f"trained in {time.perf_counter() - started:.1f} s: version {model.version}", file=out)
        if args.save:
            model.save(args.save)
            print(f"saved to {args.save}", file=out)
    if not args.test:
        if args.model:
            raise ValueError("ner --model needs --test")
        return 0
    test = map_labels(read_conll(args.test), mapping)
    print(f"test: {args.test}: {len(test)} sentences, {sum(map(len, test))} tokens", file=out)
    predicted = predict_tags(model, [s.tokens for s in test], args.document)
    print(ner_scores([s.tags for s in test], predicted).table(), file=out)
    return 0


def _quotes(args, out) -> int:
    from arabic.quotes import find_quotes

    if args.corpus:
        return _quotes_corpus(args, out)
    if not args.text:
        raise ValueError("quotes needs --text (the article) or --corpus (a CoNLL corpus for a stand-off gold)")
    if len(args.gold) != 1:
        raise ValueError("--text takes one --gold file (several are pooled only with --corpus)")
    args.gold = args.gold[0]
    with open(args.text, encoding="utf-8", newline="") as fp:
        text = fp.read()
    gold = read_quote_gold(args.gold, text)
    hints = read_entity_gold(args.entities, text) if args.entities else []
    started = time.perf_counter()
    predicted = find_quotes(text, entities=hints)
    seconds = time.perf_counter() - started
    print(f"text: {args.text}: {len(text)} characters; gold: {len(gold)} quotes; found: {len(predicted)}", file=out)
    if hints:
        print(f"entity hints: {len(hints)} from {args.entities}", file=out)
    print(quote_scores(gold, predicted).table(), file=out)
    print(f"quote finder: {seconds * 1000:.1f} ms", file=out)
    return 0


def _quotes_corpus(args, out) -> int:
    from arabic.quote_corpus import merge_corpus_gold, read_corpus_quote_gold, score_corpus
    from arabic.quotes import find_quotes

    if args.entities:
        raise ValueError("--entities goes with --text, not with --corpus")
    sentences = [s.tokens for s in read_conll(args.corpus)]
    gold = merge_corpus_gold([read_corpus_quote_gold(path, sentences) for path in args.gold])
    started = time.perf_counter()
    report, found = score_corpus(gold, find_quotes)
    seconds = time.perf_counter() - started
    words = sum(len(t.split()) for t in gold.texts.values())
    print(
        f"corpus: {args.corpus}; gold: {' + '.join(args.gold)}: {len(gold.texts)} documents, {words} words, "
        f"{gold.total} quotes; found: {found}",
        file=out,
    )
    print(report.table(), file=out)
    print(f"quote finder: {seconds * 1000:.1f} ms", file=out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m arabic.evaluate", description="Evaluate the Arabic language engine.")
    sub = parser.add_subparsers(dest="command", required=True)
    ner = sub.add_parser("ner", help="entity suggestions: CRF on CoNLL files")
    ner.add_argument("--train", help="CoNLL file to train on")
    ner.add_argument("--test", help="CoNLL file to test on")
    ner.add_argument("--model", help="a saved model to test instead of training one")
    ner.add_argument("--save", help="save the trained model to this file")
    ner.add_argument("--folds", type=int, default=0, help="k-fold cross-validation on --train")
    ner.add_argument("--contiguous", action="store_true", help="folds are contiguous blocks (unseen documents)")
    ner.add_argument("--seed", type=int, default=0)
    ner.add_argument("--map", action="append", metavar="OLD=NEW", help="rename a label, e.g. PERS=PER (repeatable)")
    ner.add_argument("--c1", type=float, default=0.05)
    ner.add_argument("--c2", type=float, default=0.05)
    ner.add_argument("--iterations", type=int, default=100)
    ner.add_argument("--lexicon", action="store_true", help="the shipped name lists as features (as the default model)")
    ner.add_argument("--clusters", help="word clusters file (manage.py build_word_clusters) as features")
    ner.add_argument(
        "--document",
        type=int,
        metavar="N",
        help="the document-level pass (as the product applies per article) over ±N neighbouring sentences",
    )
    quotes = sub.add_parser("quotes", help="quote finder against a JSON Lines gold file")
    quotes.add_argument(
        "--gold", required=True, action="append", help="gold file; with --corpus it may be repeated (pooled)"
    )
    quotes.add_argument("--text", help="the article the gold offsets count in")
    quotes.add_argument("--corpus", help="CoNLL corpus whose sentences a stand-off gold (with doc ids) annotates")
    quotes.add_argument("--entities", help="entities gold file: person spans are given as hints")
    return parser


def main(argv: list[str] | None = None, out=None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        if args.command == "ner":
            return _ner(args, out)
        return _quotes(args, out)
    except (ConllError, GoldFileError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
