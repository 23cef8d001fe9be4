"""Fixtures for the Arabic language engine: the seed article and its gold files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arabic.quotes import find_quotes
from newsreader.document import compose

HERE = Path(__file__).resolve().parent
GOLD_DIR = HERE / "gold"
SAMPLE = HERE.parent.parent / "newsreader" / "samples" / "000_42df4bdc5be6c26b.txt"


def compose_sample(path: Path = SAMPLE):
    """Compose a sample as the importer does: title, lede, (date), caption, body.

    Non-blank lines: 1 = title, 2 = subtitle, 3 = the date line (not text),
    4 = caption, 5+ = body paragraphs.
    """
    lines = [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    return compose(title=lines[0], subtitle=lines[1], caption=lines[3], body="\n".join(lines[4:]))


@pytest.fixture(scope="session")
def seed_document():
    return compose_sample()


@pytest.fixture(scope="session")
def seed_text(seed_document):
    return seed_document.text


def speakers(text, **kwargs):
    """The speaker of each quote the finder finds in ``text``, in order (shared by the quote finder's tests)."""
    return [q.speaker for q in find_quotes(text, **kwargs)]


def found(text):
    """Each quote the finder finds in ``text`` as (kind, the text it spans, speaker)."""
    return [(q.kind, text[q.start : q.end], q.speaker) for q in find_quotes(text)]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def seed_quotes_gold():
    return read_jsonl(GOLD_DIR / "seed_quotes.jsonl")


@pytest.fixture(scope="session")
def seed_entities_gold():
    return read_jsonl(GOLD_DIR / "seed_entities.jsonl")


TINY_CONLL_TRAIN = """\
وقال O
الرئيس O
بايدن B-PERS
في O
واشنطن B-LOC
إن O
العراق B-LOC
شريك O

والتقى O
بايدن B-PERS
رئيس O
الوزراء O
مصطفى B-PERS
الكاظمي I-PERS
في O
البيت B-LOC
الأبيض I-LOC

وأعلنت O
الأمم B-ORG
المتحدة I-ORG
أن O
بعثتها O
في O
العراق B-LOC
مستمرة O

وزار O
الكاظمي B-PERS
طهران B-LOC
ثم O
بغداد B-LOC
"""

TINY_CONLL_TEST = """\
وقال O
الكاظمي B-PERS
في O
بغداد B-LOC
إن O
الأمم B-ORG
المتحدة I-ORG
شريك O

وزار O
بايدن B-PERS
العراق B-LOC
"""


@pytest.fixture
def tiny_conll(tmp_path):
    train = tmp_path / "train.txt"
    test = tmp_path / "test.txt"
    train.write_text(TINY_CONLL_TRAIN, encoding="utf-8")
    test.write_text(TINY_CONLL_TEST, encoding="utf-8")
    return train, test
