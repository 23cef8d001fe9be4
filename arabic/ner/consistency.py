"""Document-level consistency: a name tagged confidently once in a document is the same name elsewhere in it.

A sentence-level tagger forgets, from one sentence to the next, what it decided:
``بوش`` is a person in the first sentence of an article (after ``الرئيس
الأميركي جورج``) and nothing in the fifth, where it stands alone. This post-pass
(a simple form of Krishnan & Manning 2006's second stage, without training a
second model) collects the entities the tagger is sure of in one document and:

* tags their other occurrences in the document that the tagger left untagged
  (also with a proclitic: ``وبوش``, ``للعراق``; :meth:`arabic.matching.Gazetteer.match_tokens`);
* optionally gives a tagged chunk with exactly the same words the document's
  majority label, when the tagger was less sure of it than of the others;
* with ``name_parts``, takes the last word of a person's name of two or more words
  as a person too (a later bare surname ``رايس`` after ``كوندوليزا رايس``), unless
  the document uses that word as a name of another kind, or it is a word that
  ends many names without being one (``الله`` in ``عبد الله``).

In the product the document is the article (:meth:`arabic.ner.crf.CrfModel.predict_spans`).
The input is per sentence: its words, the tagger's chunks ``(label, first, last + 1)``
and each chunk's confidence (the mean marginal of its tags). Pure code: no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from arabic.function_words import is_function_word
from arabic.matching import PROCLITICS, Gazetteer
from arabic.ner import name_without_proclitic
from arabic.normalize import fold_text

# Last words that end many person names without being a surname of their own
# (folded forms): عبد الله، عبد الرحمن، نور الدين، ...
NOT_SURNAMES = frozenset(
    fold_text(w)
    for w in (
        "الله",
        "الرحمن",
        "الرحيم",
        "الدين",
        "الثاني",
        "الاول",
        "الابن",
        "الاب",
        "جونيور",
        "بن",
        "ابن",
        "ابو",
        "أبو",
    )
)


class KnownWords:
    """``(a | b) - {word}`` for ``in`` tests, without copying a large ``a`` (the lexicon's words) per name."""

    __slots__ = ("a", "b", "word")

    def __init__(self, a, b, word=None):
        self.a, self.b, self.word = a, b, word

    def __contains__(self, x) -> bool:
        return x != self.word and (x in self.a or x in self.b)


# every proclitic begins with one of these: a name starting otherwise has none to strip
_PROCLITIC_LETTERS = frozenset(p[0] for p in PROCLITICS)

# Words that join the parts of a longer name (folded): a bare surname right after or before
# one is inside a name the tagger missed (أبي بكر، زيان بن مدافع), not the person alone.
NAME_LINKS = frozenset(fold_text(w) for w in ("بن", "ابن", "بنت", "أبو", "أبي", "أبا", "عبد", "أم", "آل"))


@dataclass(frozen=True)
class Options:
    """``min_confidence``: the least confidence of a chunk that teaches the document its name.
    ``relabel``: also give exact repeats the document's label when their own confidence is below
    ``min_confidence``. ``name_parts``: a person's last name alone is a person.
    ``min_length``: one-word names shorter than this (folded) are not propagated (they collide
    with ordinary words)."""

    min_confidence: float = 0.8
    relabel: bool = False
    name_parts: bool = True
    min_length: int = 3


Chunk = tuple[str, int, int]


def document_names(
    sentences: Sequence[tuple[Sequence[str], Sequence[Chunk], Sequence[float]]],
    options: Options = Options(),
    *,
    folded: Sequence[Sequence[str]] | None = None,
    known: frozenset[str] = frozenset(),
    given_names: frozenset[str] = frozenset(),
    needed_only: bool = False,
) -> Gazetteer:
    """The names the document's confident chunks teach, as a gazetteer weighted by confidence.

    ``sentences``: ``(words, chunks, confidences)`` per sentence; ``folded``: the
    words folded (:func:`arabic.normalize.fold_text`), when the caller has them;
    ``known``: folded first words of names known elsewhere (the model's gazetteer
    and lexicon), for telling a proclitic from a name's own letters; ``given_names``:
    folded words that begin persons' names elsewhere (``علي``, ``طالب``, ``رسول``): as the
    last word of a name they are not taken as a surname alone, since they are also
    ordinary words or prepositions (``على`` folds to ``علي``). ``needed_only``: leave out
    the names that cannot change anything in these sentences (:func:`propagate` gives the
    same chunks with or without them; most of an article's names are tagged wherever
    they occur, and adding them is most of the pass's time).
    """
    # (folded words, label) -> summed confidence: an article repeats its names, and each
    # distinct one is stripped of its proclitic and added to the gazetteer once
    sure: dict[tuple[tuple[str, ...], str], float] = {}
    for n, (words, chunks, confidences) in enumerate(sentences):
        f = folded[n] if folded is not None else [fold_text(w) for w in words]
        for (label, a, b), confidence in zip(chunks, confidences):
            if confidence >= options.min_confidence:
                key = (tuple(f[a:b]), label)
                sure[key] = sure.get(key, 0.0) + confidence
    names = Gazetteer()
    if not sure:
        return names
    tagged = frozenset(words[0] for words, _ in sure)
    whole: dict[tuple[str, str], float] = {}  # (name without proclitic, label) -> weight
    for (words, label), weight in sure.items():
        name = " ".join(words)
        if words[0][:1] in _PROCLITIC_LETTERS:
            # without the word itself: وبوش is و + بوش when بوش is known, not because وبوش was tagged
            name = name_without_proclitic(name, KnownWords(known, tagged, words[0]))
        if len(words) == 1 and len(name) < options.min_length:
            continue
        whole[(name, label)] = whole.get((name, label), 0.0) + weight
    parts: dict[tuple[str, str], float] = {}
    if options.name_parts:
        one_word: dict[str, set[str]] = {}
        for name, label in whole:
            if " " not in name and not is_function_word(name):
                one_word.setdefault(name, set()).add(label)
        for (words, label), weight in sure.items():
            if label not in ("PERS", "PER") or len(words) < 2:
                continue
            last = words[-1]
            if last in NOT_SURNAMES or last in given_names or len(last) < options.min_length:
                continue
            if one_word.get(last, {label}) - {label}:
                continue  # the document uses the word as another kind of name
            # a part of a name: half the weight of a whole one
            parts[(last, label)] = parts.get((last, label), 0.0) + weight * 0.5
    wanted = _could_change(sentences, folded, options) if needed_only else None
    for entries in (whole, parts):
        for (name, label), weight in entries.items():
            if wanted is None or wanted(name):
                names.add(name, label, weight)
    return names


def _could_change(sentences, folded, options: Options):
    """A test of a name: can it change what :func:`propagate` does? A one-word name only if its
    word (with a proclitic or not) stands on a token outside the tagger's chunks, or at the start
    of an unsure chunk that ``relabel`` may change; a longer one if its first word stands anywhere,
    since matching takes the longest name first and a longer match starting inside a chunk hides
    the words it covers from shorter names (``جورج بوش`` over a chunk ``جورج`` keeps ``بوش`` from
    being tagged alone). Names that cannot are not worth adding."""
    open_tokens = set()
    every_token = set()
    for n, (words, chunks, confidences) in enumerate(sentences):
        f = folded[n] if folded is not None else [fold_text(w) for w in words]
        inside = [False] * len(f)
        for (_label, a, b), confidence in zip(chunks, confidences):
            inside[a:b] = [True] * (b - a)
            if options.relabel and confidence < options.min_confidence:
                open_tokens.add(f[a])
        open_tokens.update(w for w, busy in zip(f, inside) if not busy)
        every_token.update(f)

    def wanted(name: str) -> bool:
        first, space, _rest = name.partition(" ")
        if not first.isalpha():
            return True  # the gazetteer may cut such a word into several tokens: keep it
        tokens = every_token if space else open_tokens
        if first in tokens or any(p + first in tokens for p in PROCLITICS):
            return True
        return first.startswith("ال") and any(p + "لل" + first[2:] in tokens for p in ("", "و", "ف"))

    return wanted


def first_word_forms(names: Gazetteer) -> frozenset[str]:
    """Every folded token that can begin one of ``names``: its first word bare or with a proclitic
    (``بوش``, ``وبوش``, ``للعراق``), as :meth:`arabic.matching.Gazetteer.match_tokens` reads tokens.
    A sentence with none of them is skipped by a set test instead of being matched token by token."""
    forms = set()
    for word in names.first_words():
        forms.add(word)
        forms.update(p + word for p in PROCLITICS)
        if word.startswith("ال"):
            forms.update(p + "لل" + word[2:] for p in ("", "و", "ف"))
    return frozenset(forms)


def propagate(
    folded_words: Sequence[str],
    chunks: Sequence[Chunk],
    confidences: Sequence[float],
    names: Gazetteer,
    options: Options = Options(),
    words: Sequence[str] | None = None,
    forms: frozenset[str] | None = None,
) -> list[tuple[str, int, int, float | None]]:
    """One sentence's chunks after the document's names: ``(label, first, last + 1, confidence)``.

    The tagger's chunks keep their confidence; a chunk this pass adds or relabels
    has ``None`` (the caller gives it a confidence of its own). Occurrences that
    overlap a tagged chunk without matching it exactly are left alone; ``words``
    (the words as written), when given, keep a one-word name off function words
    that fold like it (the preposition ``على`` folds to the name ``علي``). ``forms``:
    :func:`first_word_forms` of ``names``, when the caller keeps them for the document.
    """
    out: list[tuple[str, int, int, float | None]] = [(l, a, b, c) for (l, a, b), c in zip(chunks, confidences)]
    if not len(names):
        return out
    if forms is None:
        forms = first_word_forms(names)
    if forms.isdisjoint(folded_words):
        return out  # no name of the document starts in this sentence: a set test in C
    if not (options.relabel and any(c < options.min_confidence for c in confidences)):
        # nothing to relabel: only a possible start outside the tagger's chunks can change anything
        inside = {k for _, a, b in chunks for k in range(a, b)}
        if all(k in inside for k, w in enumerate(folded_words) if w in forms):
            return out
    busy = [False] * len(folded_words)
    exact = {}
    for n, (label, a, b) in enumerate(chunks):
        exact[(a, b)] = n
        for k in range(a, b):
            busy[k] = True
    changed = False
    for first, last, _cut, _stem, entry in names.match_tokens(list(folded_words)):
        n = exact.get((first, last))
        if n is not None:
            label, a, b, confidence = out[n]
            if options.relabel and label != entry.label and confidence is not None and confidence < options.min_confidence:
                out[n] = (entry.label, a, b, None)
                changed = True
            continue
        if any(busy[first:last]):
            continue
        if last - first == 1:
            if len(folded_words[first]) - _cut < options.min_length:
                continue
            if words is not None and (is_function_word(words[first]) or is_function_word(words[first][_cut:])):
                continue
            if " " not in entry.name and (
                (first > 0 and folded_words[first - 1] in NAME_LINKS)
                or (last < len(folded_words) and folded_words[last] in NAME_LINKS)
            ):
                continue  # one word of a longer name (أبي بكر): tagging it alone would be half the name
        out.append((entry.label, first, last, None))
        changed = True
    if changed:
        out.sort(key=lambda c: c[1])
    return out


def consistent_chunks(
    sentences: Sequence[tuple[Sequence[str], Sequence[Chunk], Sequence[float]]],
    options: Options = Options(),
    *,
    folded: Sequence[Sequence[str]] | None = None,
    known: frozenset[str] = frozenset(),
    given_names: frozenset[str] = frozenset(),
) -> list[list[tuple[str, int, int, float | None]]]:
    """:func:`propagate` on every sentence of one document, with the names of the whole document."""
    if folded is None:
        folded = [[fold_text(w) for w in words] for words, _, _ in sentences]
    names = document_names(
        sentences, options, folded=folded, known=known, given_names=given_names, needed_only=True
    )
    forms = first_word_forms(names)
    return [
        propagate(f, chunks, confidences, names, options, words, forms)
        for f, (words, chunks, confidences) in zip(folded, sentences)
    ]


def windowed_chunks(
    sentences: Sequence[tuple[Sequence[str], Sequence[Chunk], Sequence[float]]],
    window: int,
    options: Options = Options(),
    *,
    known: frozenset[str] = frozenset(),
    given_names: frozenset[str] = frozenset(),
) -> list[list[tuple[str, int, int, float | None]]]:
    """:func:`propagate` on a run of sentences without document boundaries (a CoNLL corpus such as
    ANERcorp): each sentence's document is itself and the ``window`` sentences before and after it."""
    folded = [[fold_text(w) for w in words] for words, _, _ in sentences]
    out = []
    for i, (words, chunks, confidences) in enumerate(sentences):
        lo, hi = max(0, i - window), min(len(sentences), i + window + 1)
        names = document_names(
            sentences[lo:hi], options, folded=folded[lo:hi], known=known, given_names=given_names, needed_only=True
        )
        out.append(propagate(folded[i], chunks, confidences, names, options, words))
    return out
