"""Which annotations of an event a reader may hear about.

The live app sits below the annotations app (annotations.services writes the
event log), so it cannot ask the visibility rule itself; the annotations app
registers it here when Django starts (``AnnotationsConfig.ready``). Events
carry ids only, but even ids and actions of annotations a reader cannot see
(a reply on somebody's private annotation) are not theirs to know.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# (user, annotation ids) -> the ids that exist but ``user`` may not see.
_hidden_from: Callable[[object, list[int]], set[int]] | None = None


def register(hidden_from: Callable[[object, list[int]], set[int]]) -> None:
    global _hidden_from
    _hidden_from = hidden_from


def hidden_ids(user, annotation_ids: Iterable[int]) -> set[int]:
    """Ids the reader must not be told about. Deleted annotations are no longer anyone's secret
    (a reader that showed one must hear that it is gone): they are never in the result."""
    if _hidden_from is None:
        raise RuntimeError("no visibility rule registered for live updates (the annotations app is not installed)")
    ids = list(annotation_ids)
    return _hidden_from(user, ids) if ids else set()
