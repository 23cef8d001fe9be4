"""Weighting annotators, so that one prolific or careless annotator cannot flood the suggestions.

The learners learn from everyone's marks. Counted mark by mark, one person's
1,000 marks outweigh ten colleagues' 50 each, and a careless mark repeated
everywhere (every ``على`` marked as a person) becomes a name the string
matcher suggests to everybody. So:

* each annotator's marks get a weight such that nobody holds more than
  ``max_share`` of the total (or their fair share ``1 / annotators`` when that
  is larger): :func:`annotator_weights`, by water-filling;
* a name's support is the sum of the weights of the *distinct* annotators who
  marked it (repeating a name adds nothing): :func:`name_support`; names
  several people marked keep full weight, names only a down-weighted person
  marked are suggested with less confidence;
* the statistical model's training sentences are kept with probability equal
  to the highest weight among the annotators who marked them, deterministically
  (:func:`keep_sentence`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping

MAX_SHARE = 0.25


def annotator_weights(counts: Mapping[Hashable, int], *, max_share: float = MAX_SHARE) -> dict[Hashable, float]:
    """A weight in (0, 1] per annotator, from how many marks each made."""
    users = [u for u, n in counts.items() if n > 0]
    weights = {u: 1.0 for u in counts}
    if len(users) < 2:
        return weights
    share = max(max_share, 1.0 / len(users))
    for _ in range(50):
        total = sum(counts[u] * weights[u] for u in users)
        changed = False
        for u in users:
            limit = share * total
            if counts[u] * weights[u] > limit * (1 + 1e-9):
                weights[u] = limit / counts[u]
                changed = True
        if not changed:
            break
    return weights


def name_support(
    marks: Iterable[tuple[Hashable, str, str]], weights: Mapping[Hashable, float]
) -> dict[tuple[str, str], float]:
    """``(name, label) -> support``: the summed weight of the distinct annotators who marked it."""
    who: dict[tuple[str, str], set] = defaultdict(set)
    for user, name, label in marks:
        who[(name, label)].add(user)
    return {key: sum(weights.get(u, 1.0) for u in users) for key, users in who.items()}


def keep_sentence(key: str, weight: float) -> bool:
    """Keep a training sentence with probability ``weight``, the same answer every time for ``key``."""
    if weight >= 1.0:
        return True
    digest = hashlib.sha256(key.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < weight
