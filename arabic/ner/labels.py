"""Explicit label mapping between an entity model and a label set.

A model trained on ANERcorp says ``PERS``; newsreader's default label set
says ``PER``. Before this module, suggestions whose label the article's label
set did not have were dropped one by one, so a ``PERS`` model under a ``PER``
label set silently suggested no person at all. Now every label a model can
produce is resolved once, up front: to the label of the same code, to the
label a mapping names (``PERS=PER``), or explicitly to nothing (``MISC=``);
any other label is a :class:`LabelMismatch` naming it and the remedy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# What every newsreader install assumes unless told otherwise: ANERcorp's and
# camel-tools' person label is PERS, the default label set's is PER.
DEFAULT_LABEL_MAP: dict[str, str] = {"PERS": "PER"}
_DROP = ("", "O")


class LabelMismatch(ValueError):
    """A model label that maps to no label of the label set."""


def parse_label_map(text: str) -> dict[str, str]:
    """``"PERS=PER, MISC="`` -> ``{"PERS": "PER", "MISC": ""}`` (an empty target drops the label)."""
    mapping = {}
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise ValueError(f"label map entries are OLD=NEW (or OLD= to drop a label), got {part!r}")
        old, new = (x.strip().upper() for x in part.split("=", 1))
        if not old:
            raise ValueError(f"label map entry {part!r} has no label before '='")
        mapping[old] = new
    return mapping


def resolve_labels(
    model_labels: Iterable[str],
    label_set: Iterable[str],
    mapping: Mapping[str, str] | None = None,
    *,
    model: str = "the model",
    set_name: str = "the label set",
) -> dict[str, str | None]:
    """``model label -> label set code`` (None: dropped on purpose) for every label of a model.

    Raises :class:`LabelMismatch` when a label is neither in ``label_set``,
    nor mapped to one of its labels, nor mapped to ``""`` (dropped).
    """
    codes = set(label_set)
    mapping = DEFAULT_LABEL_MAP if mapping is None else mapping
    resolved: dict[str, str | None] = {}
    problems = []
    for label in model_labels:
        if label in codes and label not in mapping:
            resolved[label] = label
            continue
        target = mapping.get(label, label)
        if target in _DROP:
            resolved[label] = None
        elif target in codes:
            resolved[label] = target
        else:
            problems.append(label if target == label else f"{label} (mapped to {target})")
    if problems:
        raise LabelMismatch(
            f"{model} produces the label(s) {', '.join(problems)}, which {set_name} ({', '.join(sorted(codes))}) "
            f"does not have: map them to one of its labels (e.g. PERS=PER) or drop them explicitly (e.g. MISC=)"
        )
    return resolved
