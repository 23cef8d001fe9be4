"""Session 7, candidate (b): a letter n-gram "name-likeness" classifier as a CRF feature.

    nice -n 19 .venv/bin/python bench/entity_namelike.py --train …/anercorp/train.txt --cache DIR --folds 0 [--no-clusters]

A multinomial logistic regression over the letter 1-4-grams of a word's core
(folded, without proclitic and article) learns PERS / LOC / other from the
shipped name lists (every word of a name, with its class) against the frequent
words of an unlabelled corpus that the lists do not hold (``DIR/vocabulary.json``
from ``bench/entity_session7.py prepare``: in the product, a site's archive).
No ANERcorp label is used, so nothing needs jackknifing: a word gets the same
score in training and in test. Its probabilities, in buckets of 0.2, become the
word's features ``nlP=k`` and ``nlL=k`` (own word only). The CRF is the
session-7 configuration (lexicon, classes, clusters unless ``--no-clusters``);
scored alone and with the document pass ±20 on the document-contiguous folds.
Measurement code only: the feature is patched in here, not in the product.
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
from arabic.ner import crf as crf_module, features  # noqa: E402
from arabic.ner.crf import DOCUMENT  # noqa: E402
from arabic.ner.resources import lexicon, read_name_list, LEXICON_FILE  # noqa: E402
from arabic.ner.triggers import WORD_CLASSES  # noqa: E402
from arabic.normalize import fold_text  # noqa: E402
from entity_documents import fold_model, fold_split, post_pass, to_tags  # noqa: E402

_PREFIXES = features._PREFIXES


def core(word: str) -> str:
    f = fold_text(word)
    stem = f
    for p in _PREFIXES:
        if f.startswith(p) and len(f) - len(p) >= 3:
            stem = f[len(p) :]
            break
    return stem[2:] if stem.startswith("ال") and len(stem) >= 4 else stem


def train_classifier(vocabulary):
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    positive = {}
    for name, label in read_name_list(LEXICON_FILE):
        for w in name.split():
            c = core(w)
            if len(c) >= 2 and c not in WORD_CLASSES:
                positive.setdefault(c, label)
    negative = {core(w) for w in vocabulary} - set(positive)
    words = sorted(positive) + sorted(negative)
    y = [positive[w] for w in sorted(positive)] + ["O"] * len(negative)
    vec = CountVectorizer(analyzer="char", ngram_range=(1, 4), binary=True, min_df=2)
    x = vec.fit_transform(f"<{w}>" for w in words)
    clf = LogisticRegression(C=1.0, max_iter=300, class_weight="balanced")
    clf.fit(x, y)
    classes = list(clf.classes_)
    print(f"classifier: {len(positive)} name words, {len(negative)} others, {x.shape[1]} n-grams", flush=True)
    return vec, clf, classes


def print_rows(tag: str, rows: dict) -> None:
    """A table row per configuration: pooled P, R, F1, the folds' figures and F1 per label."""
    for name, (g, p, per) in rows.items():
        report = ner_scores(g, p)
        o = report.overall
        labels = " / ".join(f"{report.per_label[x].f1:.3f}" for x in ("LOC", "ORG", "PERS", "MISC") if x in report.per_label)
        print(f"| {tag} {name} | {o.precision:.3f} | {o.recall:.3f} | **{o.f1:.3f}** | {', '.join(per)} | {labels} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--cache", required=True)
    parser.add_argument("--folds", default="0")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--no-clusters", action="store_true")
    parser.add_argument("--control", action="store_true", help="no name-likeness feature (the baseline)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sentences = read_conll(args.train)
    if not args.control:
        with open(os.path.join(args.cache, "vocabulary.json"), encoding="utf-8") as fp:
            vocabulary = json.load(fp)
        vec, clf, classes = train_classifier(vocabulary)
        # every word form of the file, scored once (a pure function of the word: no labels)
        forms = sorted({w for s in sentences for w in s.tokens})
        cores = [core(w) for w in forms]
        probs = clf.predict_proba(vec.transform(f"<{c}>" for c in cores))
        pi, li = classes.index("PERS"), classes.index("LOC")
        extra = {w: (f"nlP={min(4, int(p[pi] * 5))}", f"nlL={min(4, int(p[li] * 5))}") for w, p in zip(forms, probs)}
        print(f"scored {len(forms)} forms in {time.perf_counter() - started:.0f} s", flush=True)
        original = features._full_features
        patched: dict = {}

        def full(word, clusters, cache=None):
            key = (word, id(clusters))
            found = patched.get(key)
            if found is None:
                base = original(word, clusters, None)
                found = patched[key] = (base[0] + extra.get(word, ()),) + base[1:]
            return found

        features._full_features = full
        crf_module._full_features = full
    kwargs = {"lexicon": lexicon(), "c1": 0.05, "c2": 0.05, "max_iterations": 100, "min_freq": 1}
    if not args.no_clusters:
        from arabic.ner.clusters import WordClusters

        with open(os.path.join(args.cache, "clusters.json"), encoding="utf-8") as fp:
            kwargs["clusters"] = WordClusters.from_json(fp.read())
    tag = ("" if args.no_clusters else "clusters-") + "classes-c10.05-c20.05-it100-mf1" + ("" if args.control else "-namelike")
    rows = {"alone": ([], [], []), "+ document pass ±20": ([], [], [])}
    for fold in (int(x) for x in args.folds.split(",")):
        model = fold_model(sentences, args.k, fold, args.cache, kwargs, tag)
        test = [sentences[i] for i in fold_split(len(sentences), args.k, fold)]
        words = [list(s.tokens) for s in test]
        gold = [list(s.tags) for s in test]
        predicted = model.predict_chunks(words)
        folded = [[fold_text(w) for w in ws] for ws in words]
        alone = [to_tags(len(w), [(*c, None) for c in p[0]]) for w, p in zip(words, predicted)]
        passed = post_pass(words, predicted, folded, "20", DOCUMENT, model._known_words(model.gazetteer), model.given_names())
        for (g, p, per), tags in zip(rows.values(), (alone, passed)):
            g += gold
            p += tags
            o = ner_scores(gold, tags).overall
            per.append(f"{o.f1:.3f} ({o.precision:.3f}/{o.recall:.3f})")
        print(f"fold {fold}: {per[-1]} with the pass (load {os.getloadavg()[0]:.1f})", flush=True)
    print_rows(tag, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
