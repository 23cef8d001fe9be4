"""Parsers that turn article files into :class:`~newsreader.importers.base.ArticleData`.

One module a format; the format is chosen by the file's extension:

============================  ==========================================
``.txt``                      :mod:`newsreader.importers.plaintext`
``.json``                     :mod:`newsreader.importers.structured` (object or list)
``.jsonl``, ``.ndjson``       :mod:`newsreader.importers.structured` (one object a line)
``.html``, ``.htm``           :mod:`newsreader.importers.html` (trafilatura)
============================  ==========================================

Parsers are pure: bytes in, articles (or an :class:`ArticleImportError`) out.
Writing to the database is :mod:`newsreader.services.imports`' job.
"""

from __future__ import annotations

from pathlib import Path

from newsreader.importers.base import ArticleData, ArticleImportError

FORMATS = {
    ".txt": "text",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".html": "html",
    ".htm": "html",
}
EXTENSIONS = tuple(FORMATS)

__all__ = ["EXTENSIONS", "FORMATS", "ArticleData", "ArticleImportError", "format_of", "parse_bytes", "parse_file"]


def format_of(path: str | Path) -> str:
    """The format name for a file name, or an :class:`ArticleImportError` for an unknown one."""
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        shown = f"'{suffix}'" if suffix else "no extension"
        raise ArticleImportError(
            f"unsupported file type ({shown}); supported: {', '.join(EXTENSIONS)}"
        ) from None


def parse_bytes(data: bytes, fmt: str) -> list[ArticleData]:
    if fmt == "text":
        from newsreader.importers import plaintext

        return plaintext.parse(data)
    if fmt == "json":
        from newsreader.importers import structured

        return structured.parse_json(data)
    if fmt == "jsonl":
        from newsreader.importers import structured

        return structured.parse_jsonl(data)
    if fmt == "html":
        # Imported only when needed: trafilatura is slow to import.
        from newsreader.importers import html

        return html.parse(data)
    raise ValueError(f"unknown format {fmt!r}")


def parse_file(path: str | Path) -> list[ArticleData]:
    """Read and parse one file; every problem is an :class:`ArticleImportError`."""
    fmt = format_of(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ArticleImportError(f"cannot read the file: {exc.strerror or exc}") from None
    return parse_bytes(data, fmt)
