"""The offset contract: how an article's parts become its one annotatable text.

An article revision stores a single string, ``text``, and every annotation
offset is a count of Unicode code points into it. The string is built here and
nowhere else::

    text = title + SEP + subtitle + SEP + caption + SEP + paragraph_1 + SEP + ... + paragraph_n

where ``SEP`` is ``"\\n\\n"`` and empty parts (no subtitle, no caption) are left out
together with their separator. Every part is cleaned by :func:`arabic.clean.clean_line`
first, so no part contains a newline and the text never changes after it is stored.

``blocks`` records where each part lies: ``[{"kind": "title", "start": 0, "end": 63}, ...]``
with ``kind`` one of ``title``, ``subtitle``, ``caption``, ``paragraph``. The
article page renders each block as one element holding exactly
``text[start:end]``, which is how the browser maps a selection back to offsets.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from arabic.clean import clean_line, split_paragraphs

SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    caption: str
    paragraphs: tuple[str, ...]
    text: str
    blocks: tuple[dict, ...]

    @property
    def body(self) -> str:
        return SEPARATOR.join(self.paragraphs)

    @property
    def text_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def word_count(self) -> int:
        return len(self.text.split())


def compose(*, title: str, subtitle: str = "", caption: str = "", body: str | list[str] = "") -> Document:
    """Clean the parts of an article and join them into its annotatable text."""
    title = clean_line(title)
    subtitle = clean_line(subtitle)
    caption = clean_line(caption)
    if isinstance(body, str):
        paragraphs = split_paragraphs(body)
    else:
        paragraphs = [p for p in (clean_line(x) for x in body) if p]
    parts = [("title", title), ("subtitle", subtitle), ("caption", caption)]
    parts += [("paragraph", p) for p in paragraphs]
    pieces, blocks, offset = [], [], 0
    for kind, value in parts:
        if not value:
            continue
        if pieces:
            pieces.append(SEPARATOR)
            offset += len(SEPARATOR)
        pieces.append(value)
        blocks.append({"kind": kind, "start": offset, "end": offset + len(value)})
        offset += len(value)
    return Document(
        title=title,
        subtitle=subtitle,
        caption=caption,
        paragraphs=tuple(paragraphs),
        text="".join(pieces),
        blocks=tuple(blocks),
    )
