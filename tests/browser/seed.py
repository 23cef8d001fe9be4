"""The seed article (newsreader/samples/000_42df4bdc5be6c26b.txt) for reading tests.

Built with the real service and the offset contract, field by field, so the
reading tests do not depend on the importer.
"""

from datetime import date
from pathlib import Path

from newsreader.services.articles import article_save
from tests.factories import SourceFactory

SEED_FILE = Path(__file__).resolve().parents[2] / "newsreader" / "samples" / "000_42df4bdc5be6c26b.txt"
SEED_DATE = date(2021, 7, 27)
SEED_DATELINE = "واشنطن"


def seed_parts() -> dict:
    """Headline, lede, caption and body of the seed file (its non-blank lines 1, 2, 4, 5+)."""
    lines = [line for line in SEED_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    title, subtitle, _weekday_and_date, caption, *body = lines
    return {"title": title, "subtitle": subtitle, "caption": caption, "body": body}


def make_seed_article(*, source=None):
    source = source or SourceFactory(name="العرب", slug="alarab")
    return article_save(
        source=source,
        published_on=SEED_DATE,
        dateline=SEED_DATELINE,
        **seed_parts(),
    ).article
