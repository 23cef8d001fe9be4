"""Entity keys: when two marked names are the same entity (pure Python, no Django).

Two mentions name the same entity when their labels match and their names have
the same **key**: the search keys of their words (:mod:`arabic.search_terms`:
no diacritics or tatweel, alef/yaa/teh-marbuta and hamza variants unified,
proclitics ``و ف ب ك ل ال`` stripped, a few spelling variants unified) joined by
single spaces. So ``بايدن``, ``وبايدن``, ``لبايدن`` and ``بايدنُ`` share one key,
``ترمب`` and ``ترامب`` share one, ``الأمم المتحدة`` and ``للأمم المتحدة`` share one.
Keys are for matching only, never shown: like search keys they may look odd
(``بايدن`` keys to ``ايدن``, because a leading ``ب`` is taken for the preposition
whenever three letters remain; every form of the name loses it alike).
Different names of one person (``بايدن``, ``جو بايدن``) have different keys:
staff merge them (:func:`entities.services.entity_merge`).

Using the *search* keys means an entity name typed in a search box or in the
``speaker=`` of the quote search finds the entity exactly when search would
find the name in an article.
"""

from __future__ import annotations

import re

from arabic.search_terms import search_keys

MAX_KEY_LENGTH = 200
"""Keys (and names) are cut to this many characters: an entity is a name, not a paragraph."""

_SPACES_RE = re.compile(r"\s+")


def entity_key(name: str) -> str:
    """The key of an entity name as written; ``""`` when it has no letter or digit."""
    return " ".join(search_keys(name))[:MAX_KEY_LENGTH].strip()


def display_name(text: str) -> str:
    """A mention's words for display: white space collapsed, at most :data:`MAX_KEY_LENGTH` characters."""
    return _SPACES_RE.sub(" ", text).strip()[:MAX_KEY_LENGTH]


def key_words(query: str) -> list[str]:
    """The keys of the words of a name typed in a search box (for "names containing these words")."""
    return search_keys(query)
