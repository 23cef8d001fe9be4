"""Clitic-aware gazetteer matching: find every mention of known names in a text.

This is the string-matching suggester (like INCEpTION's): names the team has
accepted as entities are looked for everywhere else. Matching is done on the
folded view (:mod:`arabic.normalize`: no diacritics, alef/yaa/teh marbuta
unified), token by token (:mod:`arabic.tokens`), so that

* only whole words match (``العراق`` is not found in ``العراقية``);
* a name may carry attached proclitics — the conjunctions ``و`` ``ف``, the
  prepositions ``ب`` ``ل`` ``ك`` and their combinations (``وب`` ``ول`` ``فب`` ...):
  ``وبايدن``, ``لبايدن``, ``والكاظمي``, ``بالعراق``, ``فالعراق``, ``كالعراق`` — and the
  preposition ``ل`` swallowing the alef of the article (``للعراق`` = ``ل`` +
  ``العراق``, ``وللعراق``); the match **excludes the proclitic** (for ``للعراق``
  it starts at the second ``ل``, the article's);
* multi-word names match token by token (spacing around punctuation inside a
  name does not matter: ``فايزر/بيونتك`` = ``فايزر / بيونتك``);
* at each position the longest name wins (``جو بايدن`` over ``بايدن``), and
  matches never overlap;
* a one-word name of three letters or fewer, or one that folds like a
  frequent function word, matches only as written (diacritics aside): the
  name ``علي`` does not match the preposition ``على``.

The index is a trie of folded tokens: a text is scanned once, with a
dictionary look-up per reading of each token and one more per token of the
longest name that starts there — whatever the number of names (the readings of
each distinct token are cached).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field

from arabic.function_words import FOLDED as FUNCTION_WORDS, is_function_word, light
from arabic.normalize import Folded, fold, fold_text
from arabic.tokens import token_spans, word_tokens

SUGGESTER = "gazetteer"

# Proclitics that may be attached to a name, longest first (folded forms).
PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")
# A stem left after removing a proclitic must keep at least this many letters.
MIN_STEM = 2
# Trie key marking the end of a name: not a string, so no token can collide
# with it (a lone tatweel or diacritic folds to the empty string).
_END = None


@dataclass(frozen=True, slots=True)
class Mention:
    """One match of a known name in a text.

    ``start``/``end`` are code-point offsets into the original text and cover
    the name without any attached proclitic, which is ``prefix`` (as written).
    """

    start: int
    end: int
    text: str
    label: str
    name: str  # the known name that matched, as it was added
    prefix: str
    confidence: float
    suggester: str = SUGGESTER


@dataclass
class _Entry:
    name: str
    tokens: tuple[str, ...]
    labels: Counter = field(default_factory=Counter)
    # the label with the most weight and its share, kept up to date by Gazetteer
    label: str = ""
    share: float = 1.0
    # how much the name is vouched for, capped at 1: names added with weight 1
    # (or several times) have full support; a name only a down-weighted
    # annotator marked (arabic.ner.weighting) has less, and less confidence
    support: float = 1.0

    def refresh(self) -> None:
        if self.labels:
            self.label, weight = self.labels.most_common(1)[0]
            total = sum(self.labels.values())
            self.share = weight / total
            self.support = min(1.0, total) ** 0.5


def text_hash(text: str) -> str:
    """SHA-256 of the text, as :attr:`newsreader.document.Document.text_hash`."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def name_key(name: str) -> tuple[str, ...]:
    """The folded tokens of a name: two names with the same key are the same name."""
    return tuple(word_tokens(fold_text(name)))


class Gazetteer:
    """Known names with labels, indexed for matching.

    ``Gazetteer([("بايدن", "PER"), ("العراق", "LOC")])``. A name added several
    times with different labels keeps them all (weighted); a match takes the
    label with the most weight and a confidence scaled by its share.
    """

    # Readings of a token that start some name, per token string: articles
    # repeat their words, so most look-ups are one dictionary hit.
    CACHE_SIZE = 200_000

    def __init__(self, names: Iterable[tuple[str, str]] = ()):
        self._entries: dict[tuple[str, ...], _Entry] = {}
        # A trie of folded tokens: {token: child}; a node that ends a name holds
        # it under the key _END. Matching walks it, so the cost of a position is
        # the length of the longest name there, not the number of names.
        self._trie: dict = {}
        self._readings: dict[str, tuple] = {}
        self.version = 0  # changes whenever a name or label is added or removed
        for name, label in names:
            self.add(name, label)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: str) -> bool:
        return name_key(name) in self._entries

    def add(self, name: str, label: str, weight: float = 1.0) -> None:
        """Add a name (a frequent function word such as ``على`` is never one: it is not added)."""
        key = name_key(name)
        if not key or is_function_word(name.strip()):
            return
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = _Entry(name.strip(), key)
            node = self._trie
            for token in key:
                node = node.setdefault(token, {})
            node[_END] = entry
            self._readings.clear()
        entry.labels[label] += weight
        entry.refresh()
        self.version += 1

    def remove(self, name: str, label: str | None = None) -> None:
        """Forget a name (or one of its labels)."""
        key = name_key(name)
        entry = self._entries.get(key)
        if entry is None:
            return
        self.version += 1
        if label is not None:
            entry.labels.pop(label, None)
            if entry.labels:
                entry.refresh()
                return
        del self._entries[key]
        # unlink the name, pruning branches left empty
        path = [self._trie]
        for token in key:
            path.append(path[-1][token])
        del path[-1][_END]
        for depth in range(len(key), 0, -1):
            if path[depth]:
                break
            del path[depth - 1][key[depth - 1]]
        self._readings.clear()

    def items(self):
        """``(name, label, weight)`` for every label of every name."""
        for entry in self._entries.values():
            for label, weight in entry.labels.items():
                yield entry.name, label, weight

    def copy(self) -> Gazetteer:
        other = Gazetteer()
        other.update(self)
        return other

    def update(self, other: Gazetteer) -> None:
        for name, label, weight in other.items():
            self.add(name, label, weight)

    def first_words(self) -> frozenset[str]:
        """The folded first word of every name (for telling a proclitic from a word's letters)."""
        return frozenset(self._trie)

    def label_of(self, name: str) -> str | None:
        entry = self._entries.get(name_key(name))
        return entry.label if entry else None

    # -- matching -----------------------------------------------------------

    def match_tokens(self, tokens: list[str]) -> list[tuple[int, int, int, str, _Entry]]:
        """Match folded tokens: ``(first, last + 1, prefix length, stem, entry)`` per match.

        ``prefix length`` counts folded characters of the first token that are a
        proclitic (for ``للعراق`` it is 1: the second ``ل`` belongs to the name).
        At each position the longest name wins; then the bare reading of the
        token before proclitic readings.
        """
        trie = self._trie
        if not trie:
            return []
        readings = self._readings
        if len(readings) > self.CACHE_SIZE:
            readings.clear()
        found = []
        n = len(tokens)
        i = 0
        while i < n:
            token = tokens[i]
            options = readings.get(token)
            if options is None:
                options = readings[token] = tuple(
                    (cut, stem, trie[stem]) for cut, stem in _stems(token) if stem in trie
                )
            best = None
            for cut, stem, node in options:
                end, entry = (i + 1, node[_END]) if _END in node else (0, None)
                j = i + 1
                while j < n:
                    node = node.get(tokens[j])
                    if node is None:
                        break
                    j += 1
                    if _END in node:
                        end, entry = j, node[_END]
                if entry is not None and (best is None or end > best[1]):
                    best = (i, end, cut, stem, entry)
            if best is None:
                i += 1
            else:
                found.append(best)
                i = best[1]
        return found

    def find(
        self,
        text: str,
        *,
        rejected: Collection[tuple] = (),
        is_rejected: Callable[[Mention], bool] | None = None,
        occupied: Iterable[tuple[int, int]] = (),
        hash_of_text: str | None = None,
        folded: Folded | None = None,
        folded_spans: Sequence[tuple[int, int]] | None = None,
    ) -> list[Mention]:
        """Every mention of a known name in ``text``, in order.

        Exclusions, for names that were rejected "there" or are already annotated:

        * ``rejected`` — spans a person rejected, as ``(text_hash, start, end)``
          (matched against ``hash_of_text`` or :func:`text_hash` of ``text``) or
          plain ``(start, end)``;
        * ``is_rejected`` — a callback deciding per mention;
        * ``occupied`` — ``(start, end)`` spans already annotated: mentions
          overlapping them are not suggested.

        ``folded`` (:func:`arabic.normalize.fold` of ``text``) and
        ``folded_spans`` (:func:`arabic.tokens.token_spans` of its folded
        text), when the caller has them already; otherwise computed here.
        """
        if not self._trie:
            return []
        if folded is None:
            folded = fold(text)
        ftext = folded.text
        spans = token_spans(ftext) if folded_spans is None else folded_spans
        tokens = [ftext[s:e] for s, e in spans]
        excluded = set()
        if rejected:
            digest = hash_of_text or text_hash(text)
            for item in rejected:
                if len(item) == 3:
                    if item[0] == digest:
                        excluded.add((item[1], item[2]))
                else:
                    excluded.add((item[0], item[1]))
        busy = sorted(occupied)
        mentions = []
        index, original_end = folded.index, folded.original_end  # Folded.original_span, inlined
        for first, last, cut, stem, entry in self.match_tokens(tokens):
            token_start = spans[first][0]
            start, end = index[token_start + cut], original_end(spans[last - 1][1])
            if last - first == 1 and (stem in FUNCTION_WORDS or len(stem) <= 3):
                # folding makes the preposition على the name علي: a short name or one that folds
                # like a function word matches only as written (diacritics and tatweel aside)
                if light(text[start:end]) != light(entry.name):
                    continue
            if (excluded and (start, end) in excluded) or (busy and _overlaps(busy, start, end)):
                continue
            mention = Mention(
                start,
                end,
                text[start:end],
                entry.label,
                entry.name,
                text[index[token_start] : start],  # the proclitic
                round(_confidence(entry, cut) * entry.share * entry.support, 3),
            )
            if is_rejected is not None and is_rejected(mention):
                continue
            mentions.append(mention)
        return mentions


def _stems(token: str):
    """``(prefix length, stem)`` readings of a folded token, the bare token first."""
    yield 0, token
    for p in ("", "و", "ف"):
        # ل + article with its alef dropped: للعراق -> ل + العراق
        if token.startswith(p + "لل") and len(token) - len(p) - 2 >= MIN_STEM:
            yield len(p) + 1, "ال" + token[len(p) + 2 :]
    for prefix in PROCLITICS:
        if token.startswith(prefix) and len(token) - len(prefix) >= MIN_STEM:
            yield len(prefix), token[len(prefix) :]


def _confidence(entry: _Entry, cut: int) -> float:
    """How sure a string match is: lower for clitic readings and short one-word names."""
    score = 0.9
    if cut:
        score -= 0.05  # a proclitic reading could be a different word
    if len(entry.tokens) == 1 and len(entry.tokens[0]) <= 3:
        score -= 0.2  # short one-word names collide with ordinary words
    return score


def _overlaps(busy: list[tuple[int, int]], start: int, end: int) -> bool:
    for s, e in busy:
        if s >= end:
            break
        if e > start:
            return True
    return False
