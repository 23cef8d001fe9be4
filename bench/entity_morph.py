"""Session 9 (b): a morphological dictionary feature (is the word a known Arabic noun, verb, particle?) in the CRF.

    nice -n 19 .venv/bin/python bench/entity_morph.py --train …/anercorp/train.txt --cache DIR \
        --arramooz PYLIB/arramooz/data --folds 0 [--control] [--no-neighbours]

A word's class comes from Arabeyes' dictionary Arramooz (PyPI ``arramooz-pysqlite``, GPL 3: installed
outside the project for this measurement only; not a dependency): its nouns (30,215 lemmas, with their
feminine and broken plurals; the few proper nouns it holds — ``اسم علم``, ``علم مكان`` … — left out, so
that the feature says "common Arabic word"), its verbs (13,942 past-tense lemmas) and its stop words
(16,929 forms, clitics included). The word is folded and cut as the CRF's own features cut it
(:func:`arabic.ner.features._word_features`: proclitic, then article); a light stemmer strips the
common noun suffixes (ة, ات, ان, ين, ون, ية, pronoun suffixes; ت before a suffix back to ة) from the core
and the verb affixes (س + ي/ت/ن/ا; وا, ون, ت, تم, نا, ها …) from the stem, and looks every candidate up.
The class is ``P`` (particle / stop word), ``N``, ``V``, ``NV`` (both) or ``X`` (Arabic letters, found in
none: a foreign or proper name usually is), nothing for a token without Arabic letters. It is a pure
function of the word (no ANERcorp label read: nothing to jackknife), computed once per word form into a
cache, and becomes the features ``dm=C`` (own) and, unless ``--no-neighbours``, ``-1:dm=C`` / ``+1:dm=C``.

The CRF is the shipped configuration (lexicon + context word classes, c1 = c2 = 0.05, 100 iterations, no
clusters); each fold is scored alone and with the product's document pass ±20, as
``bench/entity_session6.py`` does, and it counts the gold entities at whose first word no name of
the training folds or of the lexicon starts ("unseen names") and how many of them the pass finds. Measurement code only: the feature is patched in here, not in the product.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from arabic.conll import read_conll  # noqa: E402
from arabic.evaluation import ner_scores  # noqa: E402
from arabic.ner import bio_to_chunks, crf as crf_module, features  # noqa: E402
from arabic.ner.crf import DOCUMENT  # noqa: E402
from arabic.ner.resources import lexicon  # noqa: E402
from arabic.normalize import fold_text  # noqa: E402
from entity_documents import fold_model, fold_split, post_pass, to_tags  # noqa: E402
from entity_namelike import print_rows  # noqa: E402

_PREFIXES = features._PREFIXES
_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")
_ARABIC = re.compile("[\u0621-\u064a]")
# folded (ة → ه, ى → ي): longest first
_NOUN_SUFFIXES = ("يات", "يين", "يون", "تان", "تين", "هما", "ات", "ان", "ين", "ون", "يه", "ها", "هم", "هن", "كم", "نا", "ه", "ي")
_VERB_PREFIXES = ("سي", "ست", "سن", "سا", "ي", "ت", "ن", "ا", "")
_VERB_SUFFIXES = ("تما", "تم", "وا", "ون", "ين", "ان", "نا", "ها", "هم", "ت", "ن", "ا", "ه", "")
# proper nouns the dictionary holds: not what "a common Arabic word" should say
_PROPER = ("اسم علم", "علم مكان", "علم منظمة", "علم شعب", "علم طائفة")


def split_word(word: str) -> tuple[str, str, str]:
    """Folded form, stem (without proclitic) and core (without article): as the CRF's features cut them."""
    f = fold_text(word)
    stem = f
    for p in _PREFIXES:
        if f.startswith(p) and len(f) - len(p) >= 3:
            stem = f[len(p) :]
            break
    core = stem[2:] if stem.startswith("ال") and len(stem) >= 4 else stem
    return f, stem, core


def load_dictionary(data: str) -> tuple[set, set, set]:
    def norm(text: str) -> str:
        return fold_text(_MARKS.sub("", text or "").strip())

    nouns, verbs, particles = set(), set(), set()
    # The dictionary ships as SQLite files inside the arramooz package (its data format, read-only here); the
    # project's own data is in PostgreSQL. Whole tables are read at once: the package's API looks words up one
    # by one, and the class of every word form of the corpus is wanted.
    with sqlite3.connect(os.path.join(data, "arabicdictionary.sqlite")) as db:
        for unvocalized, wordtype, feminine, plurals in db.execute(
            "select unvocalized, wordtype, feminin, broken_plural from nouns"
        ):
            if any(wordtype.startswith(p) for p in _PROPER):
                continue
            nouns.add(norm(unvocalized))
            nouns.add(norm(feminine))
            for plural in re.split(r"[;\s]+", plurals or ""):
                if plural and "+" not in plural:
                    nouns.add(norm(plural))
        verbs.update(norm(v) for (v,) in db.execute("select unvocalized from verbs"))
    with sqlite3.connect(os.path.join(data, "stopwords.sqlite")) as db:
        for form, stem in db.execute("select UNVOCALIZED, STEM from STOPWORDS"):
            particles.update((norm(form), norm(stem)))
        particles.update(norm(w) for (w,) in db.execute("select WORD from classedstopwords"))
    for s in (nouns, verbs, particles):
        s.discard("")
    return nouns, verbs, particles


def word_class(word: str, nouns: set, verbs: set, particles: set) -> str | None:
    if not _ARABIC.search(word):
        return None
    f, stem, core = split_word(word)
    if f in particles or stem in particles:
        return "P"
    candidates = {core}
    for s in _NOUN_SUFFIXES:
        if core.endswith(s) and len(core) - len(s) >= 2:
            rest = core[: -len(s)]
            candidates.add(rest)
            if rest.endswith("ت"):  # حكومتها → حكومة
                candidates.add(rest[:-1] + "ه")
            if s == "ات":  # مدرسات → مدرسة
                candidates.add(rest + "ه")
    noun = not candidates.isdisjoint(nouns)
    verb = False
    if not stem.startswith("ال"):
        for p in _VERB_PREFIXES:
            if not stem.startswith(p):
                continue
            for s in _VERB_SUFFIXES:
                rest = stem[len(p) : len(stem) - len(s)]
                if (not s or stem.endswith(s)) and len(rest) >= 3 and rest in verbs:
                    verb = True
                    break
            if verb:
                break
    return "NV" if noun and verb else "N" if noun else "V" if verb else "X"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--cache", required=True, help="the folds' models and the word-class cache (outside the repository)")
    parser.add_argument("--arramooz", help="arramooz/data of arramooz-pysqlite installed outside the project")
    parser.add_argument("--folds", default="0")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--control", action="store_true", help="no dictionary feature (the shipped configuration)")
    parser.add_argument("--no-neighbours", action="store_true", help="the word's own class only")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    sentences = read_conll(args.train)
    tag = "classes-c10.05-c20.05-it100-mf1"
    if not args.control:
        tag += "-morph" + ("own" if args.no_neighbours else "1")
        path = os.path.join(args.cache, "morph-classes.json")
        forms = sorted({w for s in sentences for w in s.tokens})
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fp:
                classes = json.load(fp)
        else:
            nouns, verbs, particles = load_dictionary(args.arramooz)
            print(f"dictionary: {len(nouns)} noun forms, {len(verbs)} verbs, {len(particles)} particle forms", flush=True)
            classes = {w: word_class(w, nouns, verbs, particles) for w in forms}
            os.makedirs(args.cache, exist_ok=True)
            with open(path, "w", encoding="utf-8") as fp:
                json.dump(classes, fp, ensure_ascii=False)
        counts: dict = {}
        for c in classes.values():
            counts[c] = counts.get(c, 0) + 1
        print(f"{len(forms)} forms classed in {time.perf_counter() - started:.0f} s: {counts}", flush=True)
        original = features._full_features
        patched: dict = {}
        neighbours = not args.no_neighbours

        def full(word, clusters, cache=None):
            key = (word, id(clusters))
            found = patched.get(key)
            if found is None:
                base = original(word, clusters, None)
                c = classes.get(word)
                if c is None:
                    found = base
                elif neighbours:
                    found = (base[0] + ("dm=" + c,), base[1], base[2] + ("-1:dm=" + c,), base[3] + ("+1:dm=" + c,)) + base[4:]
                else:
                    found = (base[0] + ("dm=" + c,),) + base[1:]
                patched[key] = found
            return found

        features._full_features = full
        crf_module._full_features = full
    kwargs = {"lexicon": lexicon(), "c1": 0.05, "c2": 0.05, "max_iterations": 100, "min_freq": 1}
    print(f"{tag}: folds {args.folds}; load {os.getloadavg()[0]:.1f}", flush=True)
    rows = {"tagger alone": ([], [], []), "+ document pass ±20": ([], [], [])}
    unseen = [0, 0]  # gold entities no known name starts (training folds' names, lexicon); found with the pass
    for fold in (int(x) for x in args.folds.split(",")):
        t0 = time.perf_counter()
        model = fold_model(sentences, args.k, fold, args.cache, kwargs, tag)
        seconds = time.perf_counter() - t0
        test = [sentences[i] for i in fold_split(len(sentences), args.k, fold)]
        words = [list(s.tokens) for s in test]
        gold = [list(s.tags) for s in test]
        predicted = model.predict_chunks(words)
        folded = [[fold_text(w) for w in ws] for ws in words]
        alone = [to_tags(len(w), [(*c, None) for c in p[0]]) for w, p in zip(words, predicted)]
        passed = post_pass(words, predicted, folded, "20", DOCUMENT, model._known_words(model.gazetteer), model.given_names())
        lex = kwargs["lexicon"]
        before = list(unseen)
        for ws, fs, g, t in zip(words, folded, gold, passed):
            starts = {i for gaz in (model.gazetteer, lex) for i, x in enumerate(features.gazetteer_tags(gaz, ws, fs)) if x and x[0] == "B"}
            found = set(bio_to_chunks(t))
            for chunk in bio_to_chunks(g):
                if chunk[1] not in starts:
                    unseen[0] += 1
                    unseen[1] += chunk in found
        for (g, p, per), tags in zip(rows.values(), (alone, passed)):
            g += gold
            p += tags
            o = ner_scores(gold, tags).overall
            per.append(f"{o.f1:.3f} ({o.precision:.3f}/{o.recall:.3f})")
        print(f"fold {fold}: alone {rows['tagger alone'][2][-1]}, with the pass {per[-1]}; unseen names found "
              f"{unseen[1] - before[1]} of {unseen[0] - before[0]}; {seconds:.0f} s (load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
    print(f"entities no known name starts: {unseen[1]} of {unseen[0]} found with the pass", flush=True)
    print_rows(tag, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
