"""brat standoff: a .zip of one ``.txt`` and one ``.ann`` per article, plus the collection's config.

``<article id>.txt`` is the article's current text (UTF-8, ``\\n`` line ends,
one final newline added after it, which moves no offset). ``<article id>.ann``::

    T1	PER 233 238	بايدن
    T2	Quote 1021 1059	لن نكون مع نهاية العام في مهمّة قتاليّة
    A1	QuoteType T2 direct
    T3	Cue 998 1002	وقال
    R1	Speaker Arg1:T2 Arg2:T1
    R2	Cue Arg1:T2 Arg2:T3
    #1	AnnotatorNotes T2	speaker: مسؤول كبير — a note

* entities are ``T`` lines typed with their label code; quotes are ``T``
  lines of type ``Quote`` with the quote type as the ``QuoteType`` attribute;
  a cue (reporting verb) is a ``Cue`` span linked to its quote by a ``Cue``
  relation; the speaker is a ``Speaker`` relation from the quote to the
  speaker entity; notes, and a speaker known only by name, are
  ``AnnotatorNotes`` comments (newlines become spaces: brat notes are one line);
* the same span marked the same way by several people is one ``T`` line
  (brat shows identical spans on top of each other);
* a span that crosses a line break (a quote running over two paragraphs) is
  written as fragments ``start end;start end`` around the break, as brat
  requires, its text the fragments joined by a space.

Offsets are Unicode code points, which is what brat counts: its server reads
the ``.txt`` as UTF-8 into a Python string and slices it, and it compares the
``T`` line's text with that slice. Arabic letters and diacritics are all in
the Basic Multilingual Plane, so the offsets are also the same in UTF-16 (the
browser's) and none of them counts bytes.

``annotation.conf`` declares the labels used (and the default set's), the
quote, cue, attribute and relation types, and allows overlapping and nested
spans; ``visual.conf`` gives each label its colour from the label set.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator

from annotations.exports.selection import ArticleDoc, ExportContext
from annotations.models import Label

NAME = "brat"
MEDIA_TYPE = "application/zip"
EXTENSION = "zip"

QUOTE, CUE, SPEAKER, QUOTE_TYPE = "Quote", "Cue", "Speaker", "QuoteType"
FOLDER = "newsreader-brat"
_NEWLINES = re.compile(r"[\r\n]+")


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``(start, end)`` pieces of a span, cut around line breaks (brat spans do not cross them)."""
    pieces, cursor = [], start
    for match in _NEWLINES.finditer(text, start, end):
        if match.start() > cursor:
            pieces.append((cursor, match.start()))
        cursor = match.end()
    if cursor < end:
        pieces.append((cursor, end))
    return pieces or [(start, end)]


def _one_line(value: str) -> str:
    return " ".join(value.split())


class _Ann:
    """Builds one ``.ann`` file, numbering T, A, R and # lines."""

    def __init__(self, text: str):
        self.text = text
        self.lines: list[str] = []
        self.counts = {"T": 0, "A": 0, "R": 0, "#": 0}
        self.spans: dict[tuple, str] = {}
        self.notes: dict[str, list[str]] = {}
        self.relations: set[tuple] = set()

    def _next(self, prefix: str) -> str:
        self.counts[prefix] += 1
        return f"{prefix}{self.counts[prefix]}"

    def span(self, kind: str, start: int, end: int) -> tuple[str, bool]:
        """The T id for this span, and whether it is new."""
        key = (kind, start, end)
        if key in self.spans:
            return self.spans[key], False
        tid = self._next("T")
        pieces = fragments(self.text, start, end)
        offsets = ";".join(f"{s} {e}" for s, e in pieces)
        covered = " ".join(self.text[s:e] for s, e in pieces)
        self.lines.append(f"{tid}\t{kind} {offsets}\t{covered}")
        self.spans[key] = tid
        return tid, True

    def attribute(self, name: str, tid: str, value: str) -> None:
        self.lines.append(f"{self._next('A')}\t{name} {tid} {value}")

    def relation(self, name: str, arg1: str, arg2: str) -> None:
        if (name, arg1, arg2) in self.relations:
            return
        self.relations.add((name, arg1, arg2))
        self.lines.append(f"{self._next('R')}\t{name} Arg1:{arg1} Arg2:{arg2}")

    def note(self, tid: str, value: str) -> None:
        value = _one_line(value)
        if value and value not in self.notes.setdefault(tid, []):
            self.notes[tid].append(value)

    def render(self) -> str:
        lines = list(self.lines)
        for tid, notes in self.notes.items():
            lines.append(f"{self._next('#')}\tAnnotatorNotes {tid}\t{' — '.join(notes)}")
        return "".join(line + "\n" for line in lines)


def ann(doc: ArticleDoc) -> str:
    """The ``.ann`` file of one article (see the module notes)."""
    out = _Ann(doc.text)
    tids: dict[int, str] = {}
    for row in doc.entities:
        tid, _new = out.span(row["label__code"], row["start"], row["end"])
        tids[row["id"]] = tid
        if row["note"]:
            out.note(tid, row["note"])
    for row in doc.quotes:
        tid, new = out.span(QUOTE, row["start"], row["end"])
        tids[row["id"]] = tid
        if new:
            out.attribute(QUOTE_TYPE, tid, row["quote_type"] or "direct")
        if row["speaker_id"] is not None and row["speaker_id"] in tids:
            out.relation(SPEAKER, tid, tids[row["speaker_id"]])
        elif doc.speaker_name(row):
            out.note(tid, f"speaker: {doc.speaker_name(row)}")
        if row["cue_start"] is not None:
            cue, _new = out.span(CUE, row["cue_start"], row["cue_end"])
            out.relation(CUE, tid, cue)
        if row["note"]:
            out.note(tid, row["note"])
    return out.render()


def annotation_conf(labels: Iterable[str]) -> str:
    entities = "\n".join([*labels, QUOTE, CUE])
    return (
        "# newsreader export: entity labels, quotes and their speakers and cues.\n"
        f"[entities]\n{entities}\n\n"
        "[relations]\n"
        f"{SPEAKER}\tArg1:{QUOTE}, Arg2:<ENTITY>\n"
        f"{CUE}\tArg1:{QUOTE}, Arg2:{CUE}\n"
        "# Entities may overlap and nest (an entity inside a quote, two people marking the same words).\n"
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\n"
        "[events]\n\n"
        "[attributes]\n"
        f"{QUOTE_TYPE}\tArg:{QUOTE}, Value:direct|indirect|partial\n"
    )


def visual_conf(colours: dict[str, str]) -> str:
    drawing = "".join(f"{code}\tbgColor:{colour}\n" for code, colour in colours.items())
    return (
        "[labels]\n"
        f"{QUOTE} | Quote\n{CUE} | Cue\n{SPEAKER} | Speaker\n\n"
        "[drawing]\n"
        f"{drawing}{QUOTE}\tbgColor:#e0e0ff\n{CUE}\tbgColor:#ffe0b0\n"
    )


class _Sink(io.RawIOBase):
    """A write-only stream whose bytes are handed out as they come (zip streaming)."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def export(docs: Iterable[ArticleDoc], ctx: ExportContext) -> Iterator[bytes]:
    sink = _Sink()
    used: dict[str, None] = {}
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for doc in docs:
            for row in doc.entities:
                used.setdefault(row["label__code"])
            archive.writestr(f"{FOLDER}/{doc.article_id}.txt", doc.text + "\n")
            archive.writestr(f"{FOLDER}/{doc.article_id}.ann", ann(doc))
            yield sink.take()
        colours: dict[str, str] = {}
        labels = list(Label.objects.filter(label_set__is_default=True).values_list("code", "color"))
        extra = list(Label.objects.filter(code__in=list(used)).values_list("code", "color"))
        for code, colour in [*labels, *extra]:
            colours.setdefault(code, colour)
        codes = list(dict.fromkeys([*(code for code, _ in labels), *used]))
        archive.writestr(f"{FOLDER}/annotation.conf", annotation_conf(codes))
        archive.writestr(f"{FOLDER}/visual.conf", visual_conf(colours))
    yield sink.take()
