"""Quote gold on a tokenised corpus (ANERcorp): detokenised documents and their gold.

ANERcorp's sentences are real news, but its licence terms as distributed here
forbid copying its sentences into this repository. So the quote gold built on it
is *stand-off*: each record names a document — a range of sentences of the
CoNLL file, detokenised by :func:`detokenise` and joined by one space — and
gives code-point offsets into that document's text, plus a short SHA-1 of the
text so a different corpus file (or detokeniser) is refused, never scored.
The corpus file itself is passed on the command line.

Gold file (JSON Lines), two kinds of line:

* a document: ``{"doc": "120-129", "sha1": "3f2a..."}`` — sentences 120 to 129
  (0-based, inclusive) are annotated completely: every speech event in them is
  listed, so quotes found there and missing from the gold are false positives;
* a quote: the fields of the ordinary quote gold (``start``, ``end``, ``type``,
  ``speaker``, ``speaker_aliases``, ``cue`` ...) plus ``"doc"``; offsets count
  in that document's text. ``text`` is left out (it would copy the corpus).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass

from arabic.evaluation import QUOTE_TYPES, GoldFileError, GoldQuote, QuoteReport, json_lines, quote_scores

# punctuation written against the previous word / against the next word
_ATTACH_LEFT = frozenset(".،,:؛;؟?!)]»”’…%")
_ATTACH_RIGHT = frozenset("([«“")
_TOGGLING = frozenset({'"', "''"})


def detokenise(tokens: Sequence[str]) -> str:
    """One sentence's tokens as running text: ``قال : " نعم . "`` → ``قال: "نعم."``.

    Straight double quotes open and close alternately within the sentence.
    """
    out: list[str] = []
    glue_next = False
    open_quote = False
    merged: list[str] = []
    for tok in tokens:
        # two apostrophe tokens stand for one double quotation mark (' ' نيوز ' ')
        if tok == "'" and merged and merged[-1] == "'":
            merged[-1] = '"'
        else:
            merged.append(tok)
    for tok in merged:
        if tok in _TOGGLING:
            tok = '"'
            if open_quote:
                out.append(tok)
                open_quote = False
                glue_next = False
                continue
            open_quote = True
            if out and not glue_next:
                out.append(" ")
            out.append(tok)
            glue_next = True
            continue
        if out and not glue_next and tok not in _ATTACH_LEFT:
            out.append(" ")
        out.append(tok)
        glue_next = tok in _ATTACH_RIGHT
    return "".join(out)


def document_text(sentences: Sequence[Sequence[str]], first: int, last: int) -> str:
    """Sentences ``first..last`` (inclusive) of a tokenised corpus, detokenised, joined by a space."""
    if not (0 <= first <= last < len(sentences)):
        raise ValueError(f"document {first}-{last} is outside the corpus (0-{len(sentences) - 1})")
    return " ".join(detokenise(sentences[k]) for k in range(first, last + 1))


def text_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def parse_doc_id(doc: str) -> tuple[int, int]:
    try:
        a, b = doc.split("-")
        return int(a), int(b)
    except ValueError:
        raise ValueError(f"document id {doc!r} is not FIRST-LAST") from None


@dataclass(frozen=True)
class CorpusGold:
    """Annotated documents (id → text) and their gold quotes (id → quotes)."""

    texts: dict[str, str]
    quotes: dict[str, list[GoldQuote]]

    @property
    def total(self) -> int:
        return sum(map(len, self.quotes.values()))


def merge_corpus_gold(golds: Sequence[CorpusGold]) -> CorpusGold:
    """Several stand-off gold files as one; a document annotated in two of them is an error."""
    texts: dict[str, str] = {}
    quotes: dict[str, list[GoldQuote]] = {}
    for gold in golds:
        for doc, text in gold.texts.items():
            if doc in texts:
                raise GoldFileError(f"document {doc} is annotated in two gold files")
            texts[doc] = text
            quotes[doc] = list(gold.quotes[doc])
    return CorpusGold(texts, quotes)


def read_corpus_quote_gold(path: str | os.PathLike, sentences: Sequence[Sequence[str]]) -> CorpusGold:
    """Read a stand-off quote gold file against a tokenised corpus (see the module docstring)."""
    texts: dict[str, str] = {}
    quotes: dict[str, list[GoldQuote]] = {}
    for where, record in json_lines(path):
        doc = record.get("doc")
        if not isinstance(doc, str):
            raise GoldFileError(f"{where}: missing field 'doc'")
        if "start" not in record:
            try:
                text = document_text(sentences, *parse_doc_id(doc))
            except ValueError as exc:
                raise GoldFileError(f"{where}: {exc}") from None
            if record.get("sha1") != text_sha1(text):
                raise GoldFileError(
                    f"{where}: document {doc} has SHA-1 {text_sha1(text)}, the gold says {record.get('sha1')}: "
                    "gold and corpus file differ"
                )
            texts[doc] = text
            quotes.setdefault(doc, [])
            continue
        if doc not in texts:
            raise GoldFileError(f"{where}: quote of document {doc} before its document line")
        for key in ("start", "end", "type"):
            if key not in record:
                raise GoldFileError(f"{where}: missing field {key!r}")
        start, end, kind = record["start"], record["end"], record["type"]
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(texts[doc])):
            raise GoldFileError(f"{where}: start/end must be integers with 0 <= start < end <= {len(texts[doc])}")
        if kind not in QUOTE_TYPES:
            raise GoldFileError(f"{where}: type {kind!r} is not one of {', '.join(QUOTE_TYPES)}")
        quotes[doc].append(
            GoldQuote(
                start,
                end,
                kind,
                record.get("speaker"),
                tuple(record.get("speaker_aliases", ())),
                record.get("cue"),
                texts[doc][start:end],
            )
        )
    return CorpusGold(texts, quotes)


@dataclass(frozen=True)
class _Shifted:
    start: int
    end: int
    kind: str
    speaker: str | None


def score_corpus(gold: CorpusGold, find) -> tuple[QuoteReport, int]:
    """Run ``find(text)`` on every annotated document and score all of them together.

    Returns the pooled report and the number of quotes found. Offsets of each
    document are shifted past the previous ones, so quotes pair only within
    their own document.
    """
    golds: list[GoldQuote] = []
    found: list[_Shifted] = []
    base = 0
    for doc, text in gold.texts.items():
        for g in gold.quotes[doc]:
            golds.append(dataclasses.replace(g, start=g.start + base, end=g.end + base))
        for q in find(text):
            found.append(_Shifted(q.start + base, q.end + base, q.kind, q.speaker))
        base += len(text) + 1
    return quote_scores(golds, found), len(found)
