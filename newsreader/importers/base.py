"""What every importer produces, and how every importer reports bad input.

A parser turns the bytes of one file into a list of :class:`ArticleData`, or
raises :class:`ArticleImportError` saying where (line, column, field) and why.
Parsers never touch the database (nor need Django set up): :mod:`newsreader.services.imports` does,
only after the whole file has been parsed and validated, so a bad file never
leaves anything half-imported.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from datetime import date

# Languages written right to left; every other language is stored as ltr.
RTL_LANGUAGES = frozenset({"ar", "arz", "apc", "acm", "ary", "fa", "ur", "he", "yi", "ps", "ckb", "ug", "dv"})


def direction_for(language: str) -> str:
    """``"rtl"`` or ``"ltr"`` for a language code such as ``ar`` or ``en-GB``."""
    return "rtl" if language.lower().split("-")[0] in RTL_LANGUAGES else "ltr"


@dataclass(frozen=True)
class ArticleData:
    """One parsed article, the same whatever file format it came from."""

    title: str
    body: tuple[str, ...]  # paragraphs, in order; the dateline stays in the first one
    subtitle: str = ""  # the lede
    caption: str = ""
    published_on: date | None = None
    dateline: str = ""  # e.g. "واشنطن", also left in the first paragraph
    source_name: str = ""  # empty: the importer's default source
    source_url: str = ""
    author: str = ""
    language: str = "ar"
    # Where the article starts in its file (1-based), for error messages only.
    line: int | None = field(default=None, compare=False)

    @property
    def direction(self) -> str:
        return direction_for(self.language)


class ArticleImportError(Exception):
    """A file (or one article in it) that cannot be imported, and exactly why.

    ``path`` is filled in by the import service; parsers only know the line.
    ``str(error)`` reads ``"news.jsonl: line 7: missing field 'title'"``.
    """

    def __init__(
        self,
        reason: str,
        *,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        path: str | None = None,
    ):
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column
        self.field = field
        self.path = path
        # Set by the import service: the FileResult of the file that failed.
        self.result = None

    @property
    def location(self) -> str:
        """``"line 7, column 3"``, ``"line 7"`` or ``""``."""
        if self.line is None:
            return ""
        return f"line {self.line}, column {self.column}" if self.column else f"line {self.line}"

    def __str__(self) -> str:
        parts = [p for p in (self.path, self.location) if p]
        return ": ".join([*parts, self.reason])

    def in_file(self, path: str) -> ArticleImportError:
        self.path = path
        return self

    def __reduce__(self):
        # Errors travel between processes (parallel imports); keyword-only
        # arguments need spelling out. ``result`` stays behind: it points back here.
        return (_rebuild_error, (self.reason, self.line, self.column, self.field, self.path))


def _rebuild_error(reason, line, column, field, path) -> ArticleImportError:
    return ArticleImportError(reason, line=line, column=column, field=field, path=path)


def decode_text(data: bytes) -> str:
    """Bytes of a text file as ``str``: UTF-8 (a BOM is allowed) or UTF-16 with a BOM.

    Anything else is refused with the line and column of the first bad byte
    rather than guessed: a wrong guess would store garbled Arabic for good.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ArticleImportError(f"not valid UTF-16 text ({exc.reason})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        # Column in characters of the (valid) text before the bad byte.
        column = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise ArticleImportError(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded); "
            "save it as UTF-8 and import it again",
            line=line,
            column=column,
        ) from None
