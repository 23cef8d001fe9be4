"""Articles as JSON (one object or a list of them) and JSON Lines (one object a line).

Every object has the fields of :class:`~newsreader.importers.base.ArticleData`::

    {
      "title": "…",                        required, non-empty string
      "body": "…\\n…" or ["…", "…"],        required: a string (one paragraph a line) or a list of paragraphs
      "subtitle": "…",                     the lede
      "caption": "…",                      the image caption
      "published_on": "2021-07-27",        any style dates.parse_date reads; null for none
      "dateline": "واشنطن",                 absent: found at the start of the first paragraph
      "source_name": "العرب",              absent: the importer's default source
      "source_url": "https://…",
      "author": "…",
      "language": "ar"                     default "ar"
    }

Optional string fields may be ``null``. Unknown fields are refused (a typo such
as ``"titel"`` must not silently drop data). Errors carry the line (and column
for malformed JSON) where the offending object starts.
"""

from __future__ import annotations

import json
from typing import Any

from arabic.clean import clean_line, split_paragraphs
from newsreader.importers.base import ArticleData, ArticleImportError, decode_text
from newsreader.importers.datelines import find_dateline
from newsreader.importers.dates import DateError, parse_date

JSON_EXTENSIONS = (".json",)
JSONL_EXTENSIONS = (".jsonl", ".ndjson")

REQUIRED = ("title", "body")
OPTIONAL_STRINGS = ("subtitle", "caption", "dateline", "source_name", "source_url", "author", "language")
FIELDS = (*REQUIRED, *OPTIONAL_STRINGS, "published_on")

_decoder = json.JSONDecoder()
_WHITESPACE = " \t\n\r"


def _type_name(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def article_from_object(obj: Any, *, line: int | None = None, column: int | None = None) -> ArticleData:
    """Validate one decoded JSON value and turn it into an :class:`ArticleData`.

    ``line`` and ``column`` say where the value starts, for error messages.
    """

    def error(reason: str, field: str | None = None) -> ArticleImportError:
        return ArticleImportError(reason, line=line, column=column, field=field)

    if not isinstance(obj, dict):
        raise error(f"expected an article object, found {_type_name(obj)}")
    unknown = sorted(set(obj) - set(FIELDS))
    if unknown:
        raise error(f"unknown field '{unknown[0]}' (known fields: {', '.join(FIELDS)})", unknown[0])
    for name in REQUIRED:
        if name not in obj:
            raise error(f"missing field '{name}'", name)

    values: dict[str, str] = {}
    for name in ("title", *OPTIONAL_STRINGS):
        value = obj.get(name)
        if value is None and name != "title":
            value = ""
        if not isinstance(value, str):
            raise error(f"field '{name}' must be a string, not {_type_name(value)}", name)
        values[name] = clean_line(value)
    if not values["title"]:
        raise error("field 'title' is empty", "title")

    body = obj["body"]
    if isinstance(body, str):
        paragraphs = split_paragraphs(body)
    elif isinstance(body, list):
        for n, item in enumerate(body, start=1):
            if not isinstance(item, str):
                raise error(f"field 'body' item {n} must be a string, not {_type_name(item)}", "body")
        paragraphs = [p for p in (clean_line(item) for item in body) if p]
    else:
        raise error(f"field 'body' must be a string or a list of strings, not {_type_name(body)}", "body")
    if not paragraphs:
        raise error("field 'body' has no text", "body")

    published_on = None
    raw_date = obj.get("published_on")
    if raw_date is not None:
        if not isinstance(raw_date, str):
            raise error(f"field 'published_on' must be a date string like \"2021-07-27\", not {_type_name(raw_date)}",
                        "published_on")  # fmt: skip
        if raw_date.strip():
            try:
                published_on = parse_date(raw_date)
            except DateError as exc:
                raise error(f"field 'published_on': {exc}", "published_on") from None

    dateline = values["dateline"] if "dateline" in obj and obj["dateline"] is not None else find_dateline(paragraphs[0])
    return ArticleData(
        title=values["title"],
        subtitle=values["subtitle"],
        caption=values["caption"],
        published_on=published_on,
        dateline=dateline,
        body=tuple(paragraphs),
        source_name=values["source_name"],
        source_url=values["source_url"],
        author=values["author"],
        language=values["language"] or "ar",
        line=line,
    )


def _position(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _json_error(exc: json.JSONDecodeError) -> ArticleImportError:
    return ArticleImportError(f"invalid JSON: {exc.msg}", line=exc.lineno, column=exc.colno)


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WHITESPACE:
        pos += 1
    return pos


def parse_json(data: bytes) -> list[ArticleData]:
    """One article object, or a list of them."""
    text = decode_text(data)
    pos = _skip(text, 0)
    if pos == len(text):
        raise ArticleImportError("the file is empty: expected a JSON object or a list of objects")
    try:
        if text[pos] != "[":
            obj, end = _decoder.raw_decode(text, pos)
            items = [(obj, _position(text, pos))]
        else:
            # Walk the list item by item to know the line each article starts on.
            items, pos = [], _skip(text, pos + 1)
            if pos < len(text) and text[pos] == "]":
                raise ArticleImportError("the list holds no articles", line=_position(text, pos)[0])
            while True:
                obj, end = _decoder.raw_decode(text, pos)
                items.append((obj, _position(text, pos)))
                pos = _skip(text, end)
                if pos < len(text) and text[pos] == ",":
                    pos = _skip(text, pos + 1)
                    continue
                if pos < len(text) and text[pos] == "]":
                    end = pos + 1
                    break
                line, column = _position(text, pos)
                reason = "invalid JSON: expected ',' or ']' after a list item"
                raise ArticleImportError(reason, line=line, column=column)
    except json.JSONDecodeError as exc:
        raise _json_error(exc) from None
    rest = _skip(text, end)
    if rest < len(text):
        line, column = _position(text, rest)
        raise ArticleImportError("invalid JSON: extra data after the end of the document", line=line, column=column)
    if len(items) == 1:
        return [article_from_object(items[0][0], line=items[0][1][0])]
    return [article_from_object(obj, line=line, column=column) for obj, (line, column) in items]


def parse_jsonl(data: bytes) -> list[ArticleData]:
    """One article object a line; blank lines are skipped."""
    text = decode_text(data)
    articles = []
    # Split on "\n" only: JSON strings may hold U+2028, which splitlines() would cut.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ArticleImportError(f"invalid JSON: {exc.msg}", line=number, column=exc.colno) from None
        articles.append(article_from_object(obj, line=number))
    if not articles:
        raise ArticleImportError("the file is empty: expected one JSON object a line")
    return articles
