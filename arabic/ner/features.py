"""The CRF tagger's features: what each word and sentence contributes (see :mod:`arabic.ner.crf`).

Split from :mod:`arabic.ner.crf` (the model, its files and prediction) by concern:
everything here is pure feature extraction, shared by training and by the
tagger's fast path, which must produce the same attributes in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
import random
from functools import lru_cache

from arabic.matching import Gazetteer
from arabic.ner import bio_to_chunks, name_without_proclitic
from arabic.ner.clusters import WordClusters
from arabic.ner.triggers import word_class
from arabic.normalize import fold_text

# context word classes (arabic.ner.triggers) as features; off only to measure what they add
CONTEXT_CLASSES = True

_PREFIXES = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")



@lru_cache(maxsize=500_000)
def _word_features(word: str) -> tuple:
    """Everything one word form contributes, computed once per form.

    ``(own features, features at offsets -2, -1, +1, +2, folded form)``: the
    neighbour features come with their offset prefix already attached, so a
    sentence's features are concatenations of cached tuples.
    """
    f = fold_text(word)
    prefix, stem = "", f
    for p in _PREFIXES:
        if f.startswith(p) and len(f) - len(p) >= 3:
            prefix, stem = p, f[len(p) :]
            break
    article = stem.startswith("ال") and len(stem) >= 4
    core = stem[2:] if article else stem
    shape = _shape(word)
    own = (
        "b",
        "w=" + f,
        "stem=" + stem,
        "core=" + core,
        "pre=" + prefix,
        "al=" + ("1" if article or f.startswith("ال") else "0"),
        "p1=" + f[:1],
        "p2=" + f[:2],
        "p3=" + f[:3],
        "s1=" + f[-1:],
        "s2=" + f[-2:],
        "s3=" + f[-3:],
        "cs2=" + core[-2:],
        "shape=" + shape,
        "len=" + ("1" if len(f) <= 1 else "2" if len(f) <= 3 else "3" if len(f) <= 6 else "4"),
    )
    shared = ("w=" + f, "core=" + core, "shape=" + shape)
    cls = word_class(f, core) if CONTEXT_CLASSES else None
    if cls is not None:
        # a title, a head noun, a speech verb: the class is what the neighbours learn from
        own += ("tc=" + cls,)
        shared += ("tc=" + cls,)
    windows = tuple(tuple(tag + x for x in shared) for tag in ("-2:", "-1:", "+1:", "+2:"))
    return (own, *windows, f)


def _full_features(word: str, clusters: WordClusters | None, cache: dict | None = None) -> tuple:
    """:func:`_word_features` plus the word's cluster features (own, and as the ±1 neighbour)."""
    base = _word_features(word)
    if clusters is None or not len(clusters):
        return base
    if cache is not None:
        found = cache.get(word)
        if found is not None:
            return found
    ids = clusters.lookup(base[5])
    if ids is None:
        own = ("c=none",)
        near = ("c=none",)
    else:
        own = tuple(f"c{size}={cid}" for size, cid in zip(clusters.sizes, ids))
        near = own[-2:]  # the finer groupings for the neighbours
    full = (
        base[0] + own,
        base[1],
        base[2] + tuple("-1:" + x for x in near),
        base[3] + tuple("+1:" + x for x in near),
        base[4],
        base[5],
    )
    if cache is not None:
        cache[word] = full
    return full


def _shape(word: str) -> str:
    kinds = set()
    for c in word:
        if "\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" or "\ufb50" <= c <= "\ufeff":
            kinds.add("a" if not ("\u0660" <= c <= "\u0669" or "\u06f0" <= c <= "\u06f9") else "d")
        elif c.isdigit():
            kinds.add("d")
        elif c.isalpha():
            kinds.add("l")
        else:
            kinds.add("p")
    return "".join(sorted(kinds)) or "e"


def gazetteer_tags(
    gazetteer: Gazetteer | None, words: Sequence[str], folded: Sequence[str] | None = None
) -> list[str | None]:
    """``B-LOC`` / ``I-LOC`` / None for each word, from the names the gazetteer knows."""
    tags: list[str | None] = [None] * len(words)
    if gazetteer is None or not len(gazetteer):
        return tags
    if folded is None:
        folded = [fold_text(w) for w in words]
    for first, last, _cut, _stem, entry in gazetteer.match_tokens(folded):
        label = entry.label
        tags[first] = "B-" + label
        for k in range(first + 1, last):
            tags[k] = "I-" + label
    return tags


def sentence_features(
    words: Sequence[str],
    gazetteer: Gazetteer | None = None,
    *,
    lexicon: Gazetteer | None = None,
    clusters: WordClusters | None = None,
    cache: dict | None = None,
    base_tags: Sequence[str] | None = None,
) -> list[list[str]]:
    """The feature strings of every word of one sentence (window ±2).

    ``base_tags``: what a base model (the shipped ANERcorp model) tagged each
    word; the team's model learns how far to trust it (stacking).
    """
    n = len(words)
    feats = [_full_features(w, clusters, cache) for w in words]
    folded = [f[5] for f in feats]
    tagged = [(prefix, tags) for prefix, tags in (
        ("gaz", gazetteer_tags(gazetteer, words, folded)),
        ("lex", gazetteer_tags(lexicon, words, folded)),
    ) if any(tags)]  # fmt: skip
    out = []
    for i in range(n):
        own = feats[i][0]
        items = list(own)
        items += feats[i - 2][1] if i >= 2 else ()
        items += feats[i - 1][2] if i >= 1 else ("BOS",)
        items += feats[i + 1][3] if i + 1 < n else ("EOS",)
        items += feats[i + 2][4] if i + 2 < n else ()
        if 0 < i < n - 1:
            items.append("w-1w+1=" + feats[i - 1][5] + "|" + feats[i + 1][5])
        for prefix, gaz in tagged:
            if gaz[i]:
                items.append(f"{prefix}=" + gaz[i])
                items.append(f"{prefix}l=" + gaz[i][2:])
            for offset in (-2, -1, 1, 2):
                j = i + offset
                if 0 <= j < n and gaz[j]:
                    items.append(f"{offset:+d}:{prefix}=" + gaz[j])
        out.append(items)
    if base_tags is not None:
        _add_base_features(out, base_tags)
    return out


def _add_base_features(out: list[list], base_tags: Sequence[str], encode=None) -> None:
    """Append the base model's tag of each word and of its ±1 neighbours (as strings or, with
    ``encode``, as the bytes of the attributes the model knows)."""
    n = len(base_tags)
    for i, items in enumerate(out):
        names = ("base=" + base_tags[i], "base-1=" + (base_tags[i - 1] if i else "BOS"),
                 "base+1=" + (base_tags[i + 1] if i + 1 < n else "EOS"))  # fmt: skip
        if encode is None:
            items += names
        else:
            for name in names:
                items += encode(name)


def jackknifed_names(
    data: Sequence[tuple[Sequence[str], Sequence[str]]],
    known: Gazetteer,
    lexicon: Gazetteer | None,
    *,
    folds: int = 5,
    seed: int = 0,
) -> tuple[Gazetteer, list[Gazetteer], list[int]]:
    """The full gazetteer (``known`` + training names), one per jackknife fold, and each sentence's fold.

    Used by both taggers' training (:mod:`arabic.ner.crf`, :mod:`arabic.ner.neural`): a training sentence's
    gazetteer features come from the names of the *other* folds.
    """
    stems = known.first_words() | (lexicon.first_words() if lexicon is not None else frozenset())
    names = [
        [(name_without_proclitic(" ".join(words[a:b]), stems), label) for label, a, b in bio_to_chunks(tags)]
        for words, tags in data
    ]
    full = known.copy()
    for found in names:
        for name, label in found:
            full.add(name, label)
    rng = random.Random(seed)
    fold_of = [rng.randrange(folds) for _ in data]
    per_fold = []
    for k in range(folds):
        g = known.copy()
        for found, fk in zip(names, fold_of):
            if fk != k:
                for name, label in found:
                    g.add(name, label)
        per_fold.append(g)
    return full, per_fold, fold_of


class MergedGazetteer:
    """For a tagger dataclass with ``gazetteer`` (its own names) and ``_merged`` (a cache) fields: its names
    plus the caller's (accepted annotations), merged once per version of the caller's gazetteer."""

    gazetteer: Gazetteer
    _merged: tuple | None

    def _gazetteer_for(self, extra: Gazetteer | None) -> Gazetteer:
        if extra is None or not len(extra):
            return self.gazetteer
        key = (id(extra), extra.version)
        if self._merged is None or self._merged[0] != key:
            merged = self.gazetteer.copy()
            merged.update(extra)
            self._merged = (key, merged)
        return self._merged[1]
