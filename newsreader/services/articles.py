"""Creating articles and revising their text: the only way either happens.

Other apps keep their own data in step with an article's text (annotation carry-over, the search
row, machine suggestions): each registers a *text hook* from its app's ``ready()``
(:func:`register_text_hook`), so this module, below them all, imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.text import slugify

from newsreader.document import Document, compose
from newsreader.models import Article, ArticleRevision, Source


# hook(*, article, previous, revision): called inside the transaction that gave ``article`` the text
# ``revision``; ``previous`` is the revision it replaced (None for a new article).
TextHook = Callable[..., None]
_text_hooks: dict[str, TextHook] = {}


def register_text_hook(name: str, hook: TextHook) -> None:
    """Run ``hook`` whenever an article is created or revised (from an app's ``ready()``).

    Hooks run in the order they were registered, which is the order of ``INSTALLED_APPS``:
    annotations (carry-over to the new text), search (the search row), suggestions (queued
    after the commit). :func:`text_hooks` lists them.
    """
    _text_hooks[name] = hook


def text_hooks() -> list[str]:
    return list(_text_hooks)


def _after_text(*, article: Article, previous: ArticleRevision | None, revision: ArticleRevision) -> None:
    """Work other apps must do when an article gets text: the registered hooks, in order, in this transaction."""
    for hook in _text_hooks.values():
        hook(article=article, previous=previous, revision=revision)


@dataclass
class ArticleSaveResult:
    article: Article
    created: bool  # a new article was made
    revised: bool  # an existing article got a new text revision


def source_get_or_create(*, name: str, url: str = "") -> Source:
    name = name.strip()
    source = Source.objects.filter(name=name).first()
    if source is None:
        base = slugify(name, allow_unicode=True) or "source"
        slug, n = base, 1
        while Source.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        source = Source.objects.create(name=name, slug=slug, url=url)
    return source


def _revision_create(
    *, article: Article, document: Document, user=None, reason: str = "", number: int | None = None
) -> ArticleRevision:
    if number is None:  # a new article's first revision is 1: no query needed
        number = (article.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return ArticleRevision.objects.create(
        article=article,
        number=number,
        title=document.title,
        subtitle=document.subtitle,
        caption=document.caption,
        body=document.body,
        text=document.text,
        blocks=list(document.blocks),
        text_hash=document.text_hash,
        word_count=document.word_count,
        created_by=user,
        reason=reason,
    )


@transaction.atomic
def article_save(
    *,
    source: Source,
    title: str,
    body: str | list[str],
    subtitle: str = "",
    caption: str = "",
    published_on: date | None = None,
    dateline: str = "",
    source_url: str = "",
    author: str = "",
    language: str = "ar",
    direction: str = Article.Direction.RTL,
    user=None,
) -> ArticleSaveResult:
    """Create an article, or find the one it already is (idempotent import).

    An article is the same one when its source URL matches or, without a URL,
    when any of its revisions has exactly this text. A known URL with new text
    gets a new revision; the old one, and annotations on it, are kept.
    """
    document = compose(title=title, subtitle=subtitle, caption=caption, body=body)
    if not document.title:
        raise ValueError("an article needs a title")
    if not document.paragraphs:
        raise ValueError("an article needs a body")

    existing = None
    if source_url:
        existing = Article.objects.select_for_update().filter(source_url=source_url).first()
    if existing is None:
        # Two short, unordered look-ups on purpose: with an ORDER BY (one
        # "pk IN (revisions with this hash)" query, or .first()) PostgreSQL
        # may walk a whole ordered index instead of the text_hash index, and
        # imports slowed down as the tables grew.
        same_text = ArticleRevision.objects.filter(text_hash=document.text_hash).order_by()
        article_id = next(iter(same_text.values_list("article_id", flat=True)[:1]), None)
        if article_id is not None:
            existing = Article.objects.select_for_update().get(pk=article_id)
    if existing is not None:
        # Text this article already had (now or in an older revision) changes
        # nothing: re-importing an old copy must not roll the article back.
        if existing.revisions.filter(text_hash=document.text_hash).exists():
            return ArticleSaveResult(article=existing, created=False, revised=False)
        article_revise(article=existing, document=document, user=user, reason="re-import")
        return ArticleSaveResult(article=existing, created=False, revised=True)

    article = Article.objects.create(
        source=source,
        published_on=published_on,
        dateline=dateline.strip(),
        source_url=source_url,
        author=author.strip(),
        language=language,
        direction=direction,
        content_hash=document.text_hash,
    )
    revision = _revision_create(article=article, document=document, user=user, reason="import", number=1)
    article.current_revision = revision
    article.save(update_fields=["current_revision"])
    _after_text(article=article, previous=None, revision=revision)
    return ArticleSaveResult(article=article, created=True, revised=False)


@transaction.atomic
def article_revise(*, article: Article, document: Document, user=None, reason: str = "edit") -> ArticleRevision:
    """Give an article new text as a new revision, keeping every older one."""
    if article.content_hash == document.text_hash:
        return article.current_revision
    revision = _revision_create(article=article, document=document, user=user, reason=reason)
    previous = article.current_revision
    article.current_revision = revision
    article.content_hash = document.text_hash
    article.save(update_fields=["current_revision", "content_hash", "updated_at"])
    _after_text(article=article, previous=previous, revision=revision)
    return revision
