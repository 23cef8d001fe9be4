"""CoNLL files: ``TOKEN TAG`` per line, a blank line between sentences.

The format of ANERcorp and of most NER corpora. Columns are separated by white
space (spaces or tabs); the first column is the token and the last the BIO
tag, so files with extra middle columns (POS, ...) read too. ``-DOCSTART-``
lines and ``#`` comment lines between sentences are skipped. Tags are ``O`` or
``B-X`` / ``I-X`` (IOB2); anything else is an error that names the line.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


class ConllError(ValueError):
    """A malformed CoNLL line; the message names the file and the line number."""

    def __init__(self, message: str, *, path: str = "", line: int = 0):
        self.path, self.line = path, line
        where = f"{path}:{line}: " if path else (f"line {line}: " if line else "")
        super().__init__(where + message)


@dataclass(frozen=True)
class TaggedSentence:
    tokens: tuple[str, ...]
    tags: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.tokens)


def _check_tag(tag: str, path: str, number: int) -> str:
    if tag == "O" or (len(tag) > 2 and tag[:2] in ("B-", "I-")):
        return tag
    raise ConllError(f"bad tag {tag!r}: expected O, B-<label> or I-<label>", path=path, line=number)


def parse_conll(lines: Iterable[str], *, path: str = "") -> Iterator[TaggedSentence]:
    tokens: list[str] = []
    tags: list[str] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if tokens:
                yield TaggedSentence(tuple(tokens), tuple(tags))
                tokens, tags = [], []
            continue
        if line.startswith("-DOCSTART-") or (not tokens and line.startswith("#")):
            continue
        parts = line.split()
        if len(parts) < 2:
            raise ConllError(f"expected 'TOKEN TAG', found {line.strip()!r}", path=path, line=number)
        tokens.append(parts[0])
        tags.append(_check_tag(parts[-1], path, number))
    if tokens:
        yield TaggedSentence(tuple(tokens), tuple(tags))


def read_conll(source: str | os.PathLike | io.TextIOBase) -> list[TaggedSentence]:
    """Every sentence of a CoNLL file (a path or an open text file)."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, encoding="utf-8") as fp:
            return list(parse_conll(fp, path=str(source)))
    return list(parse_conll(source))


def write_conll(sentences: Iterable[TaggedSentence | tuple], target: str | os.PathLike | io.TextIOBase) -> None:
    def lines():
        for sentence in sentences:
            tokens, tags = (sentence.tokens, sentence.tags) if isinstance(sentence, TaggedSentence) else sentence
            for token, tag in zip(tokens, tags, strict=True):
                yield f"{token} {tag}\n"
            yield "\n"

    if isinstance(target, (str, os.PathLike)):
        with open(target, "w", encoding="utf-8") as fp:
            fp.writelines(lines())
    else:
        target.writelines(lines())


def map_labels(sentences: Iterable[TaggedSentence], mapping: dict[str, str]) -> list[TaggedSentence]:
    """Rename labels (``{"PERS": "PER"}``); a label mapped to ``""`` or ``"O"`` is dropped."""
    out = []
    for s in sentences:
        tags = []
        for tag in s.tags:
            if tag == "O":
                tags.append(tag)
                continue
            label = mapping.get(tag[2:], tag[2:])
            tags.append("O" if label in ("", "O") else f"{tag[:2]}{label}")
        out.append(TaggedSentence(s.tokens, tuple(tags)))
    return out
