"""What an import file says, in the shape every format reader fills: the records and the problems.

The format modules (:mod:`annotations.exports.w3c`, :mod:`annotations.exports.doccano`) parse and
check a file into a :class:`ParsedFile` — :class:`ImportItem` records (keyword arguments for the
annotation services, and where in the file each came from) about the articles :class:`ArticleRef`
describes — collecting a :func:`problem` per bad item or line, or raise :class:`ImportFailed`.
:mod:`annotations.exports.importing` then writes them (finding the articles, through the services,
all or nothing). This module writes nothing and imports neither of them: one direction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from newsreader.document import SEPARATOR

# Largest file the API accepts (the management command reads files of any size).
IMPORT_MAX_BYTES = 20 * 1024 * 1024
BLOCK_KINDS = ("title", "subtitle", "caption", "paragraph")


class ImportFailed(Exception):
    """Nothing was imported; ``errors`` says why: ``[{"index"|"line", "field", "message", "code"}]``."""

    def __init__(self, errors: list[dict]):
        self.errors = errors
        count = len(errors)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the file; nothing was imported.")


def problem(where: dict | None, field: str | None, message: str, code: str = "invalid", position: int | None = None) -> dict:
    """One error of an import, in the API's error shape plus where in the file."""
    item = dict(where or {})
    item.update(field=field, message=message, code=code)
    if position is not None:
        item["position"] = position
    return item


def describe(error: dict) -> str:
    """An error as one line for people (the management command prints these)."""
    where = []
    if error.get("line") is not None:
        where.append(f"line {error['line']}")
    if error.get("index") is not None:
        where.append(f"item {error['index']}")
    if error.get("field"):
        where.append(str(error["field"]))
    return (": ".join(where) + ": " if where else "") + error["message"]


# --- what the file says ---------------------------------------------------------------------


@dataclass
class ArticleRef:
    """An article as an import file describes it (see :func:`resolve_article`)."""

    key: str  # items with the same key are about the same article
    where: dict  # where the file first names it, for errors
    field: str | None = None  # the file field describing it, for errors
    iri: str | None = None
    text: str | None = None  # the text the items' offsets refer to, when the file has it
    text_sha256: str | None = None
    source_url: str = ""
    title: str = ""
    subtitle: str = ""
    caption: str = ""
    paragraphs: list[str] | None = None
    source_name: str = ""
    published_on: date | None = None
    author: str = ""
    language: str = "ar"
    direction: str = "rtl"

    @property
    def identity(self) -> str:
        """Two refs with the same identity are the same article."""
        return self.text_sha256 or self.source_url or self.iri or self.key

    def can_create(self) -> bool:
        return bool(self.title and self.paragraphs) or bool(self.text)


def _str(value) -> str:
    return value if isinstance(value, str) else ""


def ref_from_descriptor(
    *, key: str, where: dict, field_path: str, descriptor: Any, text: str | None = None
) -> tuple[ArticleRef, list[dict]]:
    """An :class:`ArticleRef` from an export's article descriptor (``articles[i]`` / ``meta.article``).

    ``text`` (the doccano line's text) wins over the descriptor's own. Wrong
    types are errors; missing fields are fine (a foreign file has none).
    """
    problems: list[dict] = []
    ref = ArticleRef(key=key, where=where, field=field_path, text=text)
    if descriptor is None:
        if text is not None:
            ref.text_sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return ref, problems
    if not isinstance(descriptor, dict):
        problems.append(problem(where, field_path, "The article description must be a JSON object.", "invalid"))
        return ref, problems
    for name in ("id", "title", "source_url", "author", "text", "text_sha256", "language", "direction"):
        value = descriptor.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(problem(where, f"{field_path}.{name}", f"{name} must be text.", "invalid"))
    ref.iri = _str(descriptor.get("id")) or None
    ref.title = _str(descriptor.get("title"))
    ref.source_url = _str(descriptor.get("source_url"))
    ref.author = _str(descriptor.get("author"))
    ref.language = _str(descriptor.get("language")) or "ar"
    ref.direction = _str(descriptor.get("direction")) or "rtl"
    source = descriptor.get("source")
    if isinstance(source, dict):
        ref.source_name = _str(source.get("name"))
    elif isinstance(source, str):
        ref.source_name = source
    published = descriptor.get("published_on")
    if published is not None:
        try:
            ref.published_on = date.fromisoformat(published) if isinstance(published, str) else None
        except ValueError:
            ref.published_on = None
        if ref.published_on is None:
            problems.append(problem(where, f"{field_path}.published_on", "published_on must be a date (YYYY-MM-DD).", "invalid"))
    if ref.text is None and isinstance(descriptor.get("text"), str):
        ref.text = descriptor["text"]
    if ref.text is not None:
        ref.text_sha256 = hashlib.sha256(ref.text.encode("utf-8")).hexdigest()
    elif isinstance(descriptor.get("text_sha256"), str):
        ref.text_sha256 = descriptor["text_sha256"].lower()
    blocks = descriptor.get("blocks")
    if blocks is not None and ref.text is not None:
        parts = _parts_from_blocks(ref.text, blocks)
        if parts is None:
            problems.append(
                problem(where, f"{field_path}.blocks", "blocks must be a list of {kind, start, end} spans of the text.", "invalid")
            )
        else:
            ref.title, ref.subtitle, ref.caption, ref.paragraphs = parts
    return ref, problems


def _parts_from_blocks(text: str, blocks) -> tuple[str, str, str, list[str]] | None:
    if not isinstance(blocks, list):
        return None
    parts: dict[str, str] = {}
    paragraphs: list[str] = []
    for block in blocks:
        if not isinstance(block, dict) or block.get("kind") not in BLOCK_KINDS:
            return None
        start, end = block.get("start"), block.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
            return None
        if block["kind"] == "paragraph":
            paragraphs.append(text[start:end])
        else:
            parts[block["kind"]] = text[start:end]
    if "title" not in parts:
        return None
    return parts["title"], parts.get("subtitle", ""), parts.get("caption", ""), paragraphs


def parts_from_text(text: str) -> tuple[str, list[str]]:
    """Title and paragraphs of a bare text (the offset contract joins parts with a blank line)."""
    pieces = [piece for piece in text.split(SEPARATOR) if piece.strip()]
    return (pieces[0] if pieces else ""), pieces[1:]


@dataclass
class ImportItem:
    """One annotation read from a file: keyword arguments for the services, and where it came from."""

    ref: ArticleRef
    where: dict  # {"index": i} or {"line": n}
    fields: dict  # annotation_create keyword arguments (kind, start, end, exact, label, ...)
    key: str | None = None  # its id in the file, for speaker links
    speaker_key: str | None = None  # the speaker's id in the file
    speaker_iri: str | None = None  # a speaker outside the file (W3C IRI)
    speaker_fallback: str = ""  # the speaker's name, when the link cannot be kept
    group_slug: str | None = None
    # service field -> the field in the file (error messages name the file's fields)
    field_map: dict[str, str] = field(default_factory=dict)

    def path(self, service_field: str | None) -> str | None:
        if service_field is None:
            return self.field_map.get("", None)
        return self.field_map.get(service_field, service_field)


@dataclass
class ParsedFile:
    items: list[ImportItem]
    refs: list[ArticleRef]  # every article the file names (with or without items)
    # Problems of single items or lines: reported together with those the services find in the rest.
    problems: list[dict] = field(default_factory=list)
