"""Search keys: the one form of an Arabic word that search indexes and queries.

A search key is what is left of a word once everything that should not decide
whether it matches is gone. PostgreSQL's stock ``arabic`` snowball stemmer then
stems the key (in the database: see :mod:`search.indexing`). The stemmer alone is
not enough: it stems ``انتخابات`` to ``انتخابا`` but ``الانتخابات`` to ``انتخاب``
(it strips suffixes differently once it has seen the article), keeps ``وال`` on
``والانتخابات``, and strips one leading ``و``/``ب`` from some words and not from
others (``وايران`` -> ``واير`` but ``ايران`` -> ``ايران``). So before stemming,
:func:`search_key`

1. **normalises** (:func:`normalize`): :func:`arabic.normalize.fold_text` (no
   diacritics or tatweel; ``أ إ آ ٱ`` -> ``ا``, ``ى`` -> ``ي``, ``ة`` -> ``ه``;
   Latin lower-cased; Arabic-Indic digits -> ``0-9``), then hamza on a carrier
   ``ؤ ئ`` -> ``ء`` (so ``مسؤول`` and ``مسئول``, ``شؤون`` and ``شئون`` meet) and
   the Persian look-alikes ``ی ک ھ`` -> ``ي ك ه``. Every replacement is one
   character for one, so offsets map back through :func:`arabic.normalize.fold`.
2. **strips proclitics** (:func:`strip_clitics`): any run of the conjunctions
   ``و ف``, the prepositions ``ب ك ل`` and the article ``ال``, in any order and
   combination (``وال بال فال كال لل ولل وب فب وبال ...``), one at a time from
   the front, as long as at least :data:`MIN_STEM` letters remain.
3. maps a few well-known **spelling variants** of names to one spelling
   (``أميركا``/``أمريكا``, ``ترمب``/``ترامب``, ``أوربا``/``أوروبا``).

Why strip greedily and in any order? Because it makes the key *consistent*:
for any clitic run ``p`` and any word ``w`` of at least three letters,
``search_key(p + w) == search_key(w)``. The clitic letters form a prefix code
(no clitic is the start of another), so a word splits into clitics one way only,
and stripping ``p + w`` passes through ``w`` and then does to ``w`` exactly what
stripping ``w`` alone does. A grammar-ordered stripper (``[وف]?[بكل]?ال?``, as in
Larkey's light10) is not consistent: it turns ``وزير`` into ``زير`` but
``الوزير`` into ``وزير``, so a search for ``وزير`` misses ``الوزير``.

The price is over-stripping: a word that merely *begins* with a clitic letter
loses it too (``وزير`` -> ``زير``, ``بيان`` -> ``يان``, ``وكالة`` -> ``اله``). That
costs no recall (every form of the word gets the same key) but can merge two
different words (``وكالة`` and ``آلة`` both key to ``اله``; ``لجنة`` and ``جنة``
to ``جنه``). The stock stemmer already makes mistakes of this kind (it stems
``بيان`` to ``يان`` and ``ولبنان`` to ``لبن``); ranking keeps such rare
collisions low in the results. Telling ``و``-the-conjunction from ``و``-the-letter
would need a morphological analyser per token, which is far too slow for
indexing (and its database is not installed here).

The minimum of three letters protects short words: ``ولد`` and ``بلد`` stay
whole, as do ``الله`` (``له`` would be two letters) and ``لكن``. Two-letter words
therefore do not lose their clitics (``الحق`` does not meet ``حق``): a deliberate
trade-off, since a two-letter minimum would merge ``ولد`` and ``بلد`` into ``لد``.
``لله`` (``ل`` + ``الله``, with the article's alef elided) is mapped to ``الله``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from arabic.normalize import fold, fold_text

MIN_STEM = 3
"""Letters a word must keep after its clitics are stripped."""

CLITIC_LETTERS = frozenset("وفبكل")
"""One-letter proclitics: the conjunctions و ف and the prepositions ب ك ل."""

ARTICLE = "ال"

MAX_TOKEN_LENGTH = 64
"""Longer runs of letters are not words (URLs, base64, junk) and are not indexed."""

# Persian look-alike letters (hamza carriers are handled in _extra). One character for one.
_PERSIAN = {"ی": "ي", "ې": "ي", "ک": "ك", "ھ": "ه", "ۀ": "ه", "ە": "ه"}
_PERSIAN_TABLE = str.maketrans(_PERSIAN)
_PERSIAN_RE = re.compile("[" + "".join(_PERSIAN) + "]")

# Letters and digits; punctuation, spaces and symbols separate words. ZWNJ/ZWJ
# (kept by arabic.clean) also separate, as they do in PostgreSQL's parser.
_WORD_RE = re.compile(r"[^\W_]+")

# Keys that stripping cannot reach on its own.
_EXCEPTIONS = {"لله": "الله"}

# Well-known names spelled two ways in Arabic news: (prefix of a key, replacement).
# A prefix rule also covers derived forms (أميركي، أميركية، أميركيون).
_SPELLING_PREFIXES = (
    ("اميرك", "امريك"),  # أميركا -> أمريكا
    ("اوربا", "اوروبا"),  # أوربا -> أوروبا
    ("اوربي", "اوروبي"),  # أوربي -> أوروبي
)
_SPELLING_WORDS = {
    "ترمب": "ترامب",
}


def _extra(folded: str) -> str:
    # str.replace of one character runs at memory speed, str.translate looks up
    # every character: the hamza carriers are common, the Persian letters rare.
    folded = folded.replace("ؤ", "ء").replace("ئ", "ء")
    return folded.translate(_PERSIAN_TABLE) if _PERSIAN_RE.search(folded) else folded


def normalize(text: str) -> str:
    """Fold ``text`` for matching (see the module docstring); same length as ``fold(text).text``."""
    return _extra(fold_text(text))


def strip_clitics(word: str) -> str:
    """Strip leading و ف ب ك ل and ال from a normalised word, keeping :data:`MIN_STEM` letters."""
    while True:
        if word.startswith(ARTICLE) and len(word) - 2 >= MIN_STEM:
            word = word[2:]
        elif word[:1] in CLITIC_LETTERS and len(word) - 1 >= MIN_STEM:
            word = word[1:]
        else:
            return word


def _spelling(key: str) -> str:
    key = _SPELLING_WORDS.get(key, key)
    for prefix, replacement in _SPELLING_PREFIXES:
        if key.startswith(prefix):
            return replacement + key[len(prefix) :]
    return key


@lru_cache(maxsize=500_000)
def key_of(normalized_word: str) -> str:
    """The search key of one word that is already normalised (cached: words repeat a lot)."""
    key = strip_clitics(normalized_word)
    key = _EXCEPTIONS.get(key, key)
    return _spelling(key)


def search_key(word: str) -> str:
    """The search key of one word as written (diacritics, hamza, clitics and all)."""
    return key_of(normalize(word))


def words(text: str) -> list[str]:
    """The normalised words of ``text`` in order (clitics kept)."""
    return [w for w in _WORD_RE.findall(normalize(text)) if len(w) <= MAX_TOKEN_LENGTH]


def search_keys(text: str) -> list[str]:
    """The search keys of the words of ``text`` in order."""
    return [key_of(w) for w in words(text)]


def search_text(text: str) -> str:
    """``text`` as a string of search keys separated by spaces: what gets stemmed and indexed.

    One key per word, in order, so PostgreSQL's word positions (and hence phrase
    search) are those of the original words.
    """
    return " ".join(search_keys(text))


class Token(NamedTuple):
    """One word of a text: where it is in the original, and its forms."""

    start: int  # offsets into the original text, diacritics included
    end: int
    word: str  # normalised, clitics kept
    key: str


def tokenize(text: str) -> list[Token]:
    """The words of ``text`` with their original offsets (for highlighting)."""
    folded_text = fold_text(text)
    # Folding only ever drops characters (diacritics, tatweel), so the same
    # length means the offsets are the original ones: no index map needed.
    folded = None if len(folded_text) == len(text) else fold(text)
    normalized = _extra(folded_text)
    tokens = []
    for m in _WORD_RE.finditer(normalized):
        a, b = m.span()
        if b - a > MAX_TOKEN_LENGTH:
            continue
        word = m.group()
        if folded is None:
            tokens.append(Token(a, b, word, key_of(word)))
        else:
            tokens.append(Token(folded.index[a], folded.original_end(b), word, key_of(word)))
    return tokens
