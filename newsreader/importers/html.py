"""Web pages of news articles, extracted with trafilatura.

trafilatura finds the main text of a page (dropping menus, footers, related
links, comments) and its metadata: headline, publication date (htmldate, from
the page's metadata only, never "today"), author, site name, canonical URL and
description. The only markup read directly is ``<html lang>`` (the page's
declared language) and the image caption, which trafilatura drops.

Mapping: title ← headline; subtitle ← the meta description unless it merely
repeats the start of the text; body ← the extracted paragraphs (a first line
repeating the headline is dropped); source_name ← site name; source_url ←
canonical URL; dateline ← found at the start of the first paragraph;
caption ← the ``<figcaption>`` of the article's first ``<figure>``, else the
lead image's ``og:image:alt`` / ``twitter:image:alt`` (see :func:`find_caption`).
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


# Figures inside these belong to the page around the article (sidebars, related
# links, menus, the site's banner and footer), never to the article itself. An
# article's own <header> (where the lead image often sits) is not excluded.
_OUTSIDE = (
    "ancestor::aside or ancestor::nav or ancestor::footer"
    " or ancestor::header[not(ancestor::article or ancestor::main)]"
    " or ancestor::*[@role='complementary' or @role='navigation' or @role='contentinfo' or @role='banner']"
)
# Content that a browser does not show as text: never part of a caption.
_INVISIBLE = frozenset({"script", "style", "template", "noscript", "button", "svg", "math"})
# Elements that start a new line (or a new word) when rendered: their text must
# not run into the text around them ("<br>" between two words).
_BREAKS = frozenset(
    "br p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 blockquote section header figure figcaption table tr td th".split()
)
_LEAD_IMAGE_ALT = (
    "meta[@property='og:image:alt']",
    "meta[@name='og:image:alt']",
    "meta[@name='twitter:image:alt']",
    "meta[@property='twitter:image:alt']",
)


def _visible_text(element) -> str:
    """The text a reader sees in ``element``: markup gone, scripts and styles left out.

    Inline markup (``<b>``, ``<a>``) joins its text to the words around it;
    block elements and ``<br>`` separate words. The result is plain text to be
    cleaned like every other field: it is never markup.
    """
    parts: list[str] = []

    def walk(node) -> None:
        tag = node.tag if isinstance(node.tag, str) else None  # comments, processing instructions
        tag = tag.split("}")[-1].lower() if tag else None
        visible = tag is not None and tag not in _INVISIBLE and node.get("hidden") is None
        if visible:
            if tag in _BREAKS:
                parts.append(" ")
            parts.append(node.text or "")
            for child in node:
                walk(child)
                parts.append(child.tail or "")
            if tag in _BREAKS:
                parts.append(" ")
        # The tails of hidden and comment nodes are visible text of their parent:
        # the caller appends them.

    walk(element)
    return clean_line("".join(parts))


def _article_container(tree):
    """The element holding the article: its ``<article>``, else ``<main>``, else the body.

    A page may list other stories as ``<article>`` cards too: the one with the
    most paragraph text is the article.
    """
    articles = tree.xpath(f"//article[not({_OUTSIDE})]")
    if articles:
        return max(articles, key=lambda a: sum(len(p.text_content()) for p in a.iter("p")))
    for path in ("//main", "//*[@role='main']", "//body"):
        found = tree.xpath(path)
        if found:
            return found[0]
    return tree


def find_caption(tree) -> str:
    """The caption of the article's main image, as clean text ("" when there is none).

    The main image is the first ``<figure>`` in the article (figures in an
    ``<aside>``, ``<nav>`` or ``<footer>`` are the page's, not the article's); its
    caption is its ``<figcaption>``. Without one, the lead image's alternative
    text from the page metadata (``og:image:alt``) describes that image.
    """
    container = _article_container(tree)
    figures = container.xpath(f".//figure[not({_OUTSIDE})]")
    if figures:
        captions = figures[0].xpath(".//figcaption")
        caption = _visible_text(captions[0]) if captions else ""
        if caption:
            return caption
    for path in _LEAD_IMAGE_ALT:
        for meta in tree.xpath(f"//head/{path}"):
            caption = clean_line(meta.get("content") or "")
            if caption:
                return caption
    return ""


def _drop_invisible(tree) -> None:
    """Remove scripts, styles and templates (keeping the text after them): trafilatura would read
    their code as the headline's text. JSON-LD scripts stay: they are metadata trafilatura reads."""
    for element in tree.xpath("//script[not(contains(@type, 'ld+json'))] | //style | //template | //noscript"):
        parent = element.getparent()
        if parent is None:
            continue
        if element.tail:
            previous = element.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + element.tail
            else:
                parent.text = (parent.text or "") + element.tail
        parent.remove(element)


def parse(data: bytes, *, url: str | None = None) -> list[ArticleData]:
    if not data.strip():
        raise ArticleImportError("the file is empty: expected an HTML page")
    tree = load_html(data)
    if tree is None:
        raise ArticleImportError("not an HTML page (it could not be parsed)")
    _drop_invisible(tree)
    language = clean_line(tree.get("lang") or "").split("-")[0].lower() or "ar"
    caption = find_caption(tree)
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
            caption=caption,
            published_on=published_on,
            dateline=find_dateline(paragraphs[0]),
            body=tuple(paragraphs),
            source_name=_clip(clean_line(doc.sitename or ""), SOURCE_MAX),
            source_url=(doc.url or "").strip() if (doc.url or "").startswith(("http://", "https://")) else "",
            author=_clip(clean_line(doc.author or ""), AUTHOR_MAX),
            language=language[:12] or "ar",
        )
    ]
