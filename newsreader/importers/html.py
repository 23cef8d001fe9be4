"""Web pages of news articles, extracted with trafilatura.

trafilatura finds the main text of a page (dropping menus, footers, related
links, comments) and its metadata: headline, publication date (htmldate, from
the page's metadata only, never "today"), author, site name, canonical URL and
description. Nothing here scrapes markup by hand; the one attribute read
directly is ``<html lang>``, the page's declared language.

Mapping: title ← headline; subtitle ← the meta description unless it merely
repeats the start of the text; body ← the extracted paragraphs (a first line
repeating the headline is dropped); source_name ← site name; source_url ←
canonical URL; dateline ← found at the start of the first paragraph. Image
captions are not extracted (trafilatura does not keep ``<figcaption>``).
"""

from __future__ import annotations

from datetime import date

import trafilatura
from trafilatura.utils import load_html

from arabic.clean import clean_line, split_paragraphs
from newsreader.importers.base import ArticleData, ArticleImportError
from newsreader.importers.datelines import find_dateline

EXTENSIONS = (".html", ".htm")
AUTHOR_MAX = 200
SOURCE_MAX = 200


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;،")


def parse(data: bytes, *, url: str | None = None) -> list[ArticleData]:
    if not data.strip():
        raise ArticleImportError("the file is empty: expected an HTML page")
    tree = load_html(data)
    if tree is None:
        raise ArticleImportError("not an HTML page (it could not be parsed)")
    language = clean_line(tree.get("lang") or "").split("-")[0].lower() or "ar"
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        deduplicate=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None:
        raise ArticleImportError("no article text found in the page")
    title = clean_line(doc.title or "")
    if not title:
        raise ArticleImportError("no headline found in the page (no <title>, <h1> or og:title)", field="title")
    paragraphs = split_paragraphs(doc.text or "")
    if paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    if not paragraphs:
        raise ArticleImportError("no article text found in the page", field="body")

    subtitle = clean_line(doc.description or "")
    stem = subtitle.rstrip(" .…")
    if subtitle == title or any(stem in p for p in paragraphs[:2]):
        subtitle = ""
    published_on = date.fromisoformat(doc.date) if doc.date else None
    return [
        ArticleData(
            title=title,
            subtitle=subtitle,
            published_on=published_on,
            dateline=find_dateline(paragraphs[0]),
            body=tuple(paragraphs),
            source_name=_clip(clean_line(doc.sitename or ""), SOURCE_MAX),
            source_url=(doc.url or "").strip() if (doc.url or "").startswith(("http://", "https://")) else "",
            author=_clip(clean_line(doc.author or ""), AUTHOR_MAX),
            language=language[:12] or "ar",
        )
    ]
