"""Frequent Arabic function words: never a name on their own.

Folding (:mod:`arabic.normalize`) unifies alef maksura and yaa, so the
preposition ``على`` folds to the name ``علي``, ``إلى`` to ``الي``. The string
matcher and the entity guidelines use these lists to keep such words out of
names: a folded word in :data:`FOLDED` matches a known name only when its
unfolded form (diacritics and tatweel aside) is the name's own.
"""

from __future__ import annotations

from arabic.normalize import _DROPPED_RE, fold_text

WORDS = (
    "على عليه عليها عليهم إلى الى إليه إليها في فيه فيها من منه منها عن عنه عنها مع ما لا لم لن أن إن أو ثم بل قد "
    "هل هذا هذه ذلك تلك هو هي هم هن نحن أنا كان كانت يكون بين بعد قبل حتى عند منذ خلال أي كل غير إلا لكن التي "
    "الذي الذين حيث كما أيضا قال قالت وقال وقالت أمس اليوم مثل لدى ضد نحو عبر دون"
).split()
FOLDED = frozenset(fold_text(w) for w in WORDS)
# as written (diacritics and tatweel aside; hamza forms of alef unified): على, إلى, الى ...
WRITTEN = frozenset(w.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا") for w in WORDS)


def is_function_word(word: str) -> bool:
    """Is ``word``, as written, a function word? (``على`` is, the name ``علي`` is not)."""
    return light(word).replace("أ", "ا").replace("إ", "ا").replace("آ", "ا") in WRITTEN


def light(text: str) -> str:
    """``text`` without diacritics and tatweel, letters otherwise as written."""
    return _DROPPED_RE.sub("", text)
