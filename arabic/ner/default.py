"""The default entity model: the CRF trained on ANERcorp's training file, shipped with newsreader.

A fresh install suggests entities at once with it; the team's own model
(:mod:`suggestions.services`) is trained on top of it (its tags are features of
the team's model, see :func:`arabic.ner.crf.sentence_features`), so the
team's annotations improve on it rather than start from nothing.

The shipped file ``arabic/data/models/anercorp-entities.crf`` is built by
:func:`build_default_model` from ANERcorp's training file (Benajiba et al.
2007, CAMeL Lab split, Obeid et al. 2020; CC BY-SA 4.0) with the shipped name
lists as lexicon features and no word clusters; it is distributed under the
same licence (see the README beside it). The build is reproducible: the
same training file, parameters and clusters give the same model (crfsuite's
L-BFGS is deterministic, the jackknife folds are seeded, and the version is a
fingerprint of the inputs, not a timestamp).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from arabic.conll import read_conll
from arabic.ner import crf
from arabic.ner.clusters import WordClusters
from arabic.ner.resources import DATA, LEXICON_FILE, lexicon
from arabic.ner.triggers import WORD_CLASSES

SHIPPED_MODEL = DATA / "models" / "anercorp-entities.crf"
# Tuned by contiguous cross-validation on ANERcorp's training file (docs/language-engine.md).
PARAMS = {"c1": 0.05, "c2": 0.05, "max_iterations": 100}


def fingerprint(conll_path: str | Path, clusters: WordClusters | None = None, params: dict | None = None) -> str:
    """What the model is built from: the training file, the lexicon, the clusters, the parameters, the code's features."""
    h = hashlib.sha256()
    h.update(Path(conll_path).read_bytes())
    h.update(LEXICON_FILE.read_bytes())
    h.update(clusters.to_json().encode() if clusters is not None and len(clusters) else b"-")
    h.update(repr(sorted((params or PARAMS).items())).encode())
    h.update(f"{crf.FORMAT}/{crf.FEATURES_VERSION}".encode())
    # the context word classes are features too (session 6): a changed list is a changed model
    h.update(repr(sorted(WORD_CLASSES.items())).encode())
    return h.hexdigest()


def build_default_model(
    conll_path: str | Path, *, clusters: WordClusters | None = None, params: dict | None = None
) -> crf.CrfModel:
    """Train the default model from ANERcorp's training file (labels as in the file: PERS, LOC, ORG, MISC)."""
    sentences = read_conll(conll_path)
    digest = fingerprint(conll_path, clusters, params)
    model = crf.CrfModel.train(
        [(s.tokens, s.tags) for s in sentences],
        lexicon=lexicon(),
        clusters=clusters if clusters is not None and len(clusters) else None,
        version=f"anercorp-{digest[:16]}",
        **(params or PARAMS),
    )
    model.meta["fingerprint"] = digest
    model.meta["source"] = "ANERcorp training split (Benajiba et al. 2007; CAMeL Lab split, Obeid et al. 2020), CC BY-SA 4.0"
    return model
