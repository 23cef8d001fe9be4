"""Word analysis with camel-tools: lemma, part of speech, gloss, diacritised form.

What the reader shows when a word is clicked. It needs the calima-msa-r13
morphology database (``camel_data -i light``, see :mod:`arabic.camel`);
without it :func:`load` raises :class:`arabic.camel.NotInstalled` and
:func:`available` is False.

Out of context a word has several analyses (``كتب`` is "books", "he wrote",
"it was written" ...). They are ranked by the database's own
``pos_lex_logprob`` (how often that lemma with that part of speech occurs),
the best first; identical analyses (same lemma, POS, diacritisation and gloss)
are shown once. Words the database does not know get a proper-noun guess
(camel's ``NOAN_PROP`` back-off) when the database supports it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from arabic import camel

_lock = threading.Lock()
_loaded: dict[str, Morphology] = {}


@dataclass(frozen=True, slots=True)
class Analysis:
    """One reading of a word."""

    word: str
    lemma: str  # diacritised lemma (camel's "lex")
    pos: str  # camel's POS tag: noun, noun_prop, verb, adj, prep, ...
    gloss: str  # English gloss, "+"-joined for clitics ("and+the+book")
    diac: str  # the word fully diacritised
    root: str | None
    source: str  # lex, spvar (spelling variant), backoff, digit, punc, foreign
    score: float | None  # log probability of lemma+POS; None when the database has none


def available() -> bool:
    return camel.morphology_status().installed


def load(db_path: str | Path | None = None) -> Morphology:
    """The analyser for ``db_path`` (default: the installed calima-msa-r13), loaded once per process."""
    if db_path is None:
        db_path = camel.morphology_status().require().path
    elif not Path(db_path).is_file():
        raise camel.NotInstalled(
            camel.ComponentStatus("morphology", False, Path(db_path), f"no morphology database at {db_path}")
        )
    key = str(Path(db_path).absolute())
    with _lock:
        if key not in _loaded:
            _loaded[key] = Morphology(key)
        return _loaded[key]


class Morphology:
    """A camel-tools ``Analyzer`` over one morphology database file."""

    def __init__(self, db_path: str | Path, *, cache_size: int = 100_000):
        database = camel.import_camel("camel_tools.morphology.database")
        analyzer = camel.import_camel("camel_tools.morphology.analyzer")
        self.path = Path(db_path)
        self.db = database.MorphologyDB(str(db_path), "a")
        backoff = "NOAN_PROP" if "PROP" in self.db.stem_backoffs and "NOAN" in self.db.stem_hash else "NONE"
        self.analyzer = analyzer.Analyzer(self.db, backoff=backoff, cache_size=cache_size)

    def analyse(self, word: str) -> list[Analysis]:
        """Every distinct analysis of ``word``, most likely first."""
        word = word.strip()
        if not word:
            return []
        seen, result = set(), []
        for a in self.analyzer.analyze(word):
            item = Analysis(
                word=word,
                lemma=a.get("lex", ""),
                pos=a.get("pos", ""),
                # a back-off guess has no gloss; camel fills in its NOAN marker
                gloss="" if a.get("source") == "backoff" else a.get("gloss", a.get("stemgloss", "")),
                diac=a.get("diac", ""),
                root=a.get("root"),
                source=a.get("source", "lex"),
                score=_float(a.get("pos_lex_logprob")),
            )
            key = (item.lemma, item.pos, item.diac, item.gloss)
            if key not in seen:
                seen.add(key)
                result.append(item)
        result.sort(key=lambda x: (x.source == "backoff", -(x.score if x.score is not None else -1e9)))
        return result

    def best(self, word: str) -> Analysis | None:
        analyses = self.analyse(word)
        return analyses[0] if analyses else None


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def analyse_word(word: str) -> list[Analysis]:
    """Analyses of one word with the installed database (raises NotInstalled without it)."""
    return load().analyse(word)
