"""Word tokens with exact code-point offsets into the original text.

The token boundaries are camel-tools' ``simple_word_tokenize``: split on white
space, then every Unicode punctuation or symbol character (and every emoji
sequence) is a token of its own. camel-tools returns strings only; we need
offsets, so there are two ways in:

* :func:`tokenize` — the fast path used everywhere. One compiled regular
  expression reproduces camel's boundaries (the test-suite checks it against
  camel on generated text) and yields offsets directly. Words holding emoji
  sequence characters (ZWJ, skin-tone modifiers, variation selectors, keycaps,
  flags, tags), whose boundaries depend on camel's emoji grammar, are handed to
  camel itself and aligned back.
* :func:`tokenize_camel` — camel's tokenizer on the whole text, then
  :func:`align_tokens`: the reference implementation, and what the benchmark
  compares against.

:func:`align_tokens` maps any token list back onto the text it came from, even
when the tokenizer dropped or altered characters (diacritics, normalised
letters): it searches forward from the previous token and falls back to the
folded view (:mod:`arabic.normalize`); tokens that cannot be found are left
out rather than given wrong offsets.
"""

from __future__ import annotations

import re
import sys
from typing import NamedTuple

import regex
from camel_tools.tokenizers.word import simple_word_tokenize
from camel_tools.utils.charsets import EMOJI_ALL_CHARSET, UNICODE_PUNCT_SYMBOL_CHARSET

from arabic.normalize import fold, fold_text


class Token(NamedTuple):
    """A token and where it lies: ``text == source[start:end]``.

    A named tuple rather than a dataclass: articles have thousands of tokens
    and a tuple is the cheapest immutable record Python builds.
    """

    text: str
    start: int
    end: int


def _char_class(chars) -> str:
    """A regex character class body for a set of single characters, as ranges."""
    points = sorted({ord(c) for c in chars})
    parts, i = [], 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        lo, hi = points[i], points[j]
        parts.append(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}")
        i = j + 1
    return "".join(parts)


# camel splits words with str.split(): Python's idea of white space, which is
# not regex's \s (it includes the information separators \x1c-\x1f).
_PY_SPACE = [chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace()]
# Single characters camel turns into tokens of their own.
_SPLIT_CHARS = UNICODE_PUNCT_SYMBOL_CHARSET | {e for e in EMOJI_ALL_CHARSET if len(e) == 1}
_SPLIT = _char_class(_SPLIT_CHARS)
_SPACE = _char_class(_PY_SPACE)
# The general pattern, for any text.
_TOKEN_RE = re.compile(f"[{_SPLIT}]|[^{_SPLIT}{_SPACE}]+")
# The same for text without characters beyond U+FFFF (nearly all news text):
# a character class within the BMP compiles to a bitmap, an order of
# magnitude faster than the range list the general class needs.
_SPLIT_BMP = _char_class(c for c in _SPLIT_CHARS if ord(c) < 0x10000)
_TOKEN_BMP_RE = re.compile(f"[{_SPLIT_BMP}]|[^{_SPLIT_BMP}{_SPACE}]+")
_WORD_RE = re.compile(f"[^{_SPACE}]+")
# Characters that can glue an emoji sequence together (regional indicators,
# skin-tone modifiers, ZWJ, variation selector 16, keycap, tag characters):
# where they occur, camel's emoji grammar decides and we defer to camel.
_EMOJI_GLUE_RE = regex.compile(r"[\p{RI}\p{EMod}\u200d\ufe0f\u20e3\U000e0020-\U000e007f]")


def _simple(text: str):
    """The compiled pattern that tokenizes ``text`` on its own, or None if camel must help."""
    if max(text) <= "\uffff":
        if "\u200d" in text or "\ufe0f" in text or "\u20e3" in text:
            return None
        return _TOKEN_BMP_RE
    return None if _EMOJI_GLUE_RE.search(text) else _TOKEN_RE


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` with offsets, exactly as camel-tools would cut them."""
    if not text:
        return []
    pattern = _simple(text)
    if pattern is not None:
        # tuple.__new__ rather than Token._make: the same tuple without a Python-level call per token
        new, token = tuple.__new__, Token
        return [new(token, (m.group(), m.start(), m.end())) for m in pattern.finditer(text)]
    tokens: list[Token] = []
    for word in _WORD_RE.finditer(text):
        start = word.start()
        if _EMOJI_GLUE_RE.search(word.group()):
            tokens.extend(align_tokens(text, simple_word_tokenize(word.group()), start=start, end=word.end()))
        else:
            tokens.extend(Token(m.group(), start + m.start(), start + m.end()) for m in _TOKEN_RE.finditer(word.group()))
    return tokens


def token_spans(text: str) -> list[tuple[int, int]]:
    """Just the ``(start, end)`` of each token: the cheapest form, for hot loops."""
    if not text:
        return []
    pattern = _simple(text)
    if pattern is not None:
        return [m.span() for m in pattern.finditer(text)]
    return [(t.start, t.end) for t in tokenize(text)]


def word_tokens(text: str) -> list[str]:
    """Just the token strings (for name keys and corpus tokens)."""
    if not text:
        return []
    pattern = _simple(text)
    if pattern is not None:
        return pattern.findall(text)
    return [t.text for t in tokenize(text)]


def tokenize_camel(text: str) -> list[Token]:
    """camel-tools' ``simple_word_tokenize`` on the whole text, aligned back to it."""
    return align_tokens(text, simple_word_tokenize(text))


def align_tokens(text: str, tokens: list[str], *, start: int = 0, end: int | None = None) -> list[Token]:
    """Give each token of ``tokens`` (in order) its offsets in ``text[start:end]``.

    A token is looked for verbatim from where the previous one ended; failing
    that, in the folded view (so a tokenizer that removed diacritics or
    normalised alef still aligns, and the span takes in the original
    characters). A token found nowhere is skipped; the next one is searched
    from the same place, so one bad token never shifts the rest.
    """
    end = len(text) if end is None else end
    result: list[Token] = []
    cursor = start
    folded = None
    for token in tokens:
        if not token:
            continue
        at = text.find(token, cursor, end)
        if at >= 0 and not text[cursor:at].strip():
            result.append(Token(token, at, at + len(token)))
            cursor = at + len(token)
            continue
        if folded is None:
            folded = fold(text)
            # folded index of every original offset, for searching from `cursor`
            to_folded = [0] * (len(text) + 1)
            j = 0
            for i in range(len(text) + 1):
                while j < len(folded.index) - 1 and folded.index[j] < i:
                    j += 1
                to_folded[i] = j
        needle = fold_text(token)
        if not needle:
            continue
        fat = folded.text.find(needle, to_folded[cursor], to_folded[end])
        if at < 0 and fat < 0:
            continue
        if fat >= 0 and (at < 0 or folded.index[fat] <= at):
            s, e = folded.original_span(fat, fat + len(needle))
            result.append(Token(text[s:e], s, e))
            cursor = e
        else:
            result.append(Token(token, at, at + len(token)))
            cursor = at + len(token)
    return result
