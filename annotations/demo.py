"""Demo annotations on the seed sample article, so that a fresh ``make run`` shows what the product is for.

A demo user (``demo``, password ``demo``: see the README) marks the people, places and
organisations of the seed article (``newsreader/samples/000_*.txt``) and the quotes in it
with their speakers. The annotations are made through :func:`annotations_bulk_create`, like
any other, so the side panel, the entity and speaker pages and "what did X say" fill up
exactly as they would after a person's work. Loading is idempotent: an article the demo user
has already annotated is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from annotations.models import Annotation
from annotations.services import annotations_bulk_create
from arabic.clean import clean_line
from newsreader.models import Article

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo"
SEED_FILE = next((Path(__file__).resolve().parents[1] / "newsreader" / "samples").glob("000_*.txt"))

# Longest names first: a shorter name inside a longer one already marked is skipped.
ENTITIES = [
    ("جورج دبليو بوش", "PER"),
    ("مصطفى الكاظمي", "PER"),
    ("جو بايدن", "PER"),
    ("صدام حسين", "PER"),
    ("الكاظمي", "PER"),
    ("بايدن", "PER"),
    ("صدام", "PER"),
    ("بوش", "PER"),
    ("الولايات المتحدة", "LOC"),
    ("أفغانستان", "LOC"),
    ("واشنطن", "LOC"),
    ("العراق", "LOC"),
    ("بغداد", "LOC"),
    ("سوريا", "LOC"),
    ("إيران", "LOC"),
    ("طهران", "LOC"),
    ("تنظيم داعش", "ORG"),
    ("داعش", "ORG"),
]


@dataclass(frozen=True)
class DemoQuote:
    sentence: str  # a unique piece of the text that holds the quote, its cue and its speaker
    quote: str  # the words quoted (inside the quotation marks for a direct quote)
    cue: str  # the reporting verb
    speaker: str = ""  # the speaker's name as marked in ``sentence`` (an entity)
    speaker_name: str = ""  # or, for a speaker who is not an entity, a free name
    quote_type: str = Annotation.QuoteType.DIRECT


QUOTES = [
    DemoQuote('وقال بايدن للصحافيين خلال اجتماعه مع الكاظمي "لن نكون', "لن نكون مع نهاية العام في مهمّة قتاليّة", "قال", "بايدن"),
    DemoQuote("ولفت بايدن إلى أن", "الشراكة الأميركية العراقية مستمرة، وإدارتي ملتزمة بها", "لفت", "بايدن"),
    DemoQuote("ولفت بايدن إلى أن", "نرغب في استمرار دعم العراق استخباراتيا", "مضيفا", "بايدن"),
    DemoQuote("أعرب الكاظمي عن سعادته", "علاقات البلدين لها جوانب عديدة صحية وثقافية وغيرها", "لافتا", "الكاظمي"),
    DemoQuote("أعرب الكاظمي عن سعادته", "الشراكة مع الولايات المتحدة استراتيجية، والعلاقة أقوى من أي وقت مضى", "وأضاف", "الكاظمي"),
    DemoQuote(
        "وقال مسؤول كبير في الإدارة الأميركية",
        "لن يعلن أحد أن المهمة أُنجزت. الهدف هو الهزيمة الدائمة لداعش",
        "قال",
        speaker_name="مسؤول كبير في الإدارة الأميركية",
    ),
    DemoQuote(
        "وامتنع الكاظمي أيضا",
        "مستويات القوات ستحدّدها مراجعات فنية",
        "قال",
        "الكاظمي",
        quote_type=Annotation.QuoteType.INDIRECT,
    ),
]


class DemoTextChanged(Exception):
    """The seed article's text no longer holds a piece the demo marks (the sample was edited)."""


@dataclass
class DemoResult:
    article: Article | None
    created: int = 0
    already_there: bool = False


def demo_user():
    """The demo user (made once; its password is set only when it is made)."""
    user, made = get_user_model().objects.get_or_create(username=DEMO_USERNAME, defaults={"first_name": "Demo"})
    if made:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def seed_article() -> Article | None:
    """The article imported from the seed sample (found by its headline), or None."""
    title = clean_line(SEED_FILE.read_text(encoding="utf-8").splitlines()[0])
    return Article.objects.filter(current_revision__title=title).order_by("pk").first()


def _find(text: str, piece: str, *, after: int = 0) -> int:
    at = text.find(piece, after)
    if at < 0:
        raise DemoTextChanged(f"The seed article no longer contains {piece!r}.")
    return at


def _entity_spans(text: str) -> list[tuple[int, int, str]]:
    """Every whole-word occurrence of the demo names (a one-letter clitic such as و or ل may lead)."""
    taken: list[tuple[int, int, str]] = []
    for name, label in ENTITIES:
        for found in re.finditer(rf"(?<!\w)[وبلف]?({re.escape(name)})(?!\w)", text):
            start, end = found.span(1)
            if not any(start < other_end and other_start < end for other_start, other_end, _ in taken):
                taken.append((start, end, label))
    return sorted(taken)


def demo_items(text: str) -> list[dict]:
    """The annotations of the demo, as items for :func:`annotations_bulk_create`."""
    entities = _entity_spans(text)
    items = [
        {"kind": Annotation.Kind.ENTITY, "start": start, "end": end, "exact": text[start:end], "label": label}
        for start, end, label in entities
    ]
    for quote in QUOTES:
        at = _find(text, quote.sentence)
        start = _find(text, quote.quote, after=at)
        cue_start = _find(text, quote.cue, after=at)
        item = {
            "kind": Annotation.Kind.QUOTE,
            "start": start,
            "end": start + len(quote.quote),
            "exact": quote.quote,
            "cue_start": cue_start,
            "cue_end": cue_start + len(quote.cue),
            "quote_type": quote.quote_type,
        }
        if quote.speaker:
            speaker_start = _find(text, quote.speaker, after=at)
            index = next((i for i, (s, _e, _l) in enumerate(entities) if s <= speaker_start < _e), None)
            if index is None:
                raise DemoTextChanged(f"The speaker {quote.speaker!r} of a demo quote is not marked.")
            item["speaker_index"] = index
        else:
            item["speaker_name"] = quote.speaker_name
        items.append(item)
    return items


def demo_load() -> DemoResult:
    """Make the demo user and its annotations on the seed article (nothing when they exist)."""
    with transaction.atomic():
        user = demo_user()
        article = seed_article()
        if article is None:
            return DemoResult(article=None)
        if Annotation.objects.filter(article=article, creator=user).exists():
            return DemoResult(article=article, already_there=True)
        created = annotations_bulk_create(user=user, article=article, items=demo_items(article.current_revision.text))
    return DemoResult(article=article, created=len(created))
