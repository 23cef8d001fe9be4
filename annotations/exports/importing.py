"""Importing annotation files: every annotation goes through the annotation services.

The format modules (:mod:`annotations.exports.w3c`, :mod:`annotations.exports.doccano`)
only *read* a file into :class:`~annotations.exports.import_records.ImportItem` records
(:mod:`annotations.exports.import_records`: the records and the problems); :func:`import_items`
writes them, the same way for every format:

1. **Find each article** the file talks about (:func:`resolve_article`): the
   ``article`` the caller names, else the article whose text (any revision) has
   the file's ``text_sha256``, else the one with the file's ``source_url``, else
   (for IRIs of this very server) the article id in the IRI, else — only when
   ``create_articles`` is allowed — a new article made by
   :func:`newsreader.services.articles.article_save` from the text and blocks
   the export carries. An import can therefore fill an empty database.
2. **Create the annotations** with
   :func:`annotations.services.annotations_bulk_create`, so every validation
   rule (bounds, grapheme boundaries, ``exact`` re-anchoring, labels of the
   article's label set, speakers in the same article, group membership)
   applies exactly as for the API. The importing user becomes the creator.
   Quotes name their speaker by its id in the file; it becomes the new id.
3. **All or nothing**: the whole file is one transaction. Every problem of
   every item is collected (with the item's ``index`` or ``line``, the
   ``field`` in the file, a ``message`` and a ``code``) and
   :class:`ImportFailed` is raised with all of them: nothing is saved.

Offsets that refer to another text than the article's current one (an
older revision, an edited copy) are re-anchored: the services find the span
again from ``exact``/``prefix``/``suffix``; cues are found again here.

Exact duplicates are **skipped**, not errors: an annotation that the importing
user already has (same kind, span and label on the current text), or that
repeats an earlier one of the file. Importing a file twice therefore adds
nothing the second time. (One person cannot mark the same span twice, so an
export holding the same span marked by several people imports once.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from annotations.errors import BulkError, Conflict, NotFound
from annotations.exports.import_records import (
    ArticleRef,
    ImportFailed,
    ImportItem,
    ParsedFile,
    parts_from_text,
    problem,
)
from annotations.models import CONTEXT_LENGTH, Annotation, Group, Membership
from annotations.services import MAX_BULK_ITEMS, annotations_bulk_create
from annotations.w3c import iri_id
from arabic.anchoring import AnchorError, SpanError, anchor, context
from newsreader.models import Article, ArticleRevision
from newsreader.ids import parse_id
from newsreader.services.articles import article_save, source_get_or_create
from newsreader.services.imports import DEFAULT_SOURCE_NAME


# --- results ---------------------------------------------------------------------------------


@dataclass
class ArticleOutcome:
    article_id: int
    title: str
    created: int = 0
    skipped: int = 0
    article_created: bool = False


@dataclass
class ImportResult:
    articles: list[ArticleOutcome]
    annotation_ids: list[int]
    dry_run: bool = False

    @property
    def created(self) -> int:
        return sum(a.created for a in self.articles)

    @property
    def skipped(self) -> int:
        return sum(a.skipped for a in self.articles)

    def as_dict(self, format_name: str) -> dict:
        return {
            "format": format_name,
            "dry_run": self.dry_run,
            "created": self.created,
            "skipped": self.skipped,
            "articles": [
                {
                    "id": a.article_id,
                    "title": a.title,
                    "created": a.created,
                    "skipped": a.skipped,
                    "article_created": a.article_created,
                }
                for a in self.articles
            ],
        }


class _DryRun(Exception):
    def __init__(self, result: ImportResult):
        self.result = result


# --- finding articles --------------------------------------------------------------------------


def _local_id(iri: str | None, kind: str, local_base: str | None) -> int | None:
    """The id in one of *this* server's IRIs (``local_base``); foreign IRIs name nothing here."""
    if not iri or not local_base or not iri.startswith(local_base.rstrip("/") + "/"):
        return None
    return iri_id(iri, kind)


def resolve_article(ref: ArticleRef, *, create: bool, user, local_base: str | None) -> tuple[Article | None, bool, dict | None]:
    """``(article, created, error)`` for one described article (see the module notes for the order)."""
    if ref.text_sha256:
        article_id = next(
            iter(ArticleRevision.objects.filter(text_hash=ref.text_sha256).order_by().values_list("article_id", flat=True)[:1]),
            None,
        )
        if article_id is not None:
            return Article.objects.select_related("current_revision").get(pk=article_id), False, None
    if ref.source_url:
        found = Article.objects.select_related("current_revision").filter(source_url=ref.source_url).first()
        if found is not None:
            return found, False, None
    local = _local_id(ref.iri, "article", local_base)
    if local is not None:
        found = Article.objects.select_related("current_revision").filter(pk=local, current_revision__isnull=False).first()
        if found is not None:
            return found, False, None
    if create and ref.can_create():
        return _create_article(ref, user=user)
    if not (ref.text_sha256 or ref.source_url or ref.iri):
        return None, False, problem(
            ref.where, ref.field, "Which article? The annotation names none (target.source); name it with article=<id>.", "required"
        )
    named = f" ({ref.iri})" if ref.iri else ""
    hint = (
        "import the article first, or name it with article=<id>"
        + ("." if create else ", or let the import create it (create_articles, staff only).")
    )
    if create and not ref.can_create():
        hint = "the file does not carry the article's text to create it; import the article first or name it with article=<id>."
    return None, False, problem(
        ref.where,
        ref.field,
        f"The article{named} is not in this database (no article has this text or URL); {hint}",
        "unknown_article",
    )


def _create_article(ref: ArticleRef, *, user) -> tuple[Article | None, bool, dict | None]:
    if ref.title and ref.paragraphs:
        title, subtitle, caption, paragraphs = ref.title, ref.subtitle, ref.caption, ref.paragraphs
    else:
        title, paragraphs = parts_from_text(ref.text or "")
        subtitle = caption = ""
    try:
        saved = article_save(
            source=source_get_or_create(name=ref.source_name or DEFAULT_SOURCE_NAME),
            title=title,
            subtitle=subtitle,
            caption=caption,
            body=paragraphs,
            published_on=ref.published_on,
            source_url=ref.source_url,
            author=ref.author,
            language=ref.language[:12],
            direction=ref.direction if ref.direction in Article.Direction.values else Article.Direction.RTL,
            user=user,
        )
    except ValueError as exc:
        return None, False, problem(ref.where, ref.field, f"Cannot create the article: {exc}.", "invalid_article")
    article = Article.objects.select_related("current_revision").get(pk=saved.article.pk)
    return article, saved.created, None


# --- the import ------------------------------------------------------------------------------


def _group_id(slug_or_id, cache: dict) -> int | None:
    if slug_or_id in cache:
        return cache[slug_or_id]
    if pk := parse_id(slug_or_id):
        found = Group.objects.filter(pk=pk).values_list("pk", flat=True).first()
    else:
        found = Group.objects.filter(slug=slug_or_id).values_list("pk", flat=True).first()
    cache[slug_or_id] = found
    return found


def _service_errors(exc: Exception) -> list[tuple[str | None, str, str, int | None]]:
    """``(field, message, code, position)`` of a service error."""
    if isinstance(exc, ValidationError):
        out = []
        error_dict = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
        for name, errors in error_dict.items():
            for error in errors:
                params = error.params or {}
                message = error.message % params if params else error.message
                out.append((name, message, error.code or "invalid", params.get("position")))
        return out
    if isinstance(exc, (Conflict, NotFound)):
        return [(exc.field, exc.message, exc.code, None)]
    raise exc


def _same_text(ref: ArticleRef, current: str) -> bool:
    return ref.text is None or ref.text == current


def _reanchor_cue(item: ImportItem, current: str) -> dict | None:
    """Find the cue of a quote whose offsets refer to another text in the current text."""
    fields = item.fields
    start, end = fields.get("cue_start"), fields.get("cue_end")
    source = item.ref.text
    if start is None or end is None or source is None or source == current:
        return None
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(source)):
        return None  # the services report bad offsets
    prefix, suffix = context(source, start, end, CONTEXT_LENGTH)
    try:
        found = anchor(current, exact=source[start:end], start=start, end=end, prefix=prefix, suffix=suffix)
    except (AnchorError, SpanError):
        return problem(
            item.where,
            item.path("cue_start"),
            f"The cue '{source[start:end]}' is not in the article's current text.",
            "cue_not_found",
        )
    fields["cue_start"], fields["cue_end"] = found.start, found.end
    return None


def _dedupe_key(fields: dict) -> tuple:
    label = fields.get("label")
    label = label.strip().upper() if isinstance(label, str) else label
    return (fields.get("kind"), fields.get("start"), fields.get("end"), label if fields.get("kind") == "entity" else None)


def import_items(
    *,
    user,
    parsed: ParsedFile,
    article: Article | None = None,
    create_articles: bool = False,
    visibility: str | None = None,
    group: Group | None = None,
    dry_run: bool = False,
    local_base: str | None = None,
) -> ImportResult:
    """Create the annotations of ``parsed`` as ``user``, all or none (raises :class:`ImportFailed`).

    ``article`` puts every item on that article (the file must be about one
    article). ``visibility`` and ``group`` override what the file says
    (default: as in the file, else public). ``dry_run`` checks everything and
    saves nothing. ``local_base`` (``https://host``) is this server: IRIs under
    it may name existing articles and speakers by id.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        raise ImportFailed([problem(None, None, "Sign in to import annotations: you become their creator.", "not_authenticated")])
    if visibility is not None and visibility not in Annotation.Visibility.values:
        raise ImportFailed(
            [problem(None, "visibility", f"visibility must be one of {', '.join(Annotation.Visibility.values)}; got {visibility!r}.", "invalid_choice")]
        )
    try:
        with transaction.atomic():
            result = _import(
                user=user, parsed=parsed, article=article, create_articles=create_articles,
                visibility=visibility, group=group, local_base=local_base,
            )  # fmt: skip
            if dry_run:
                raise _DryRun(result)
    except _DryRun as done:
        done.result.dry_run = True
        return done.result
    return result


def _import(*, user, parsed, article, create_articles, visibility, group, local_base) -> ImportResult:
    problems: list[dict] = list(parsed.problems)
    refs: dict[str, ArticleRef] = {}
    with_items = {item.ref.key for item in parsed.items}
    for ref in parsed.refs:
        # An article without annotations in the file matters only when articles are being created.
        if create_articles or ref.key in with_items:
            refs.setdefault(ref.key, ref)
    for item in parsed.items:
        refs.setdefault(item.ref.key, item.ref)

    # 1. Articles.
    resolved: dict[str, Article] = {}
    outcomes: dict[int, ArticleOutcome] = {}
    if article is not None:
        identities = {ref.identity for ref in refs.values()}
        if len(identities) > 1:
            raise ImportFailed(
                [problem(None, "article", f"The file holds annotations of {len(identities)} articles; "
                         "article=<id> takes a file about one article.", "several_articles")]
            )  # fmt: skip
        article = Article.objects.select_related("current_revision").get(pk=article.pk)
        for key in refs:
            resolved[key] = article
        outcomes[article.pk] = ArticleOutcome(article.pk, article.current_revision.title)
    else:
        by_identity: dict[str, Article] = {}
        for key, ref in refs.items():
            if ref.identity in by_identity:
                resolved[key] = by_identity[ref.identity]
                continue
            found, created, error = resolve_article(ref, create=create_articles, user=user, local_base=local_base)
            if error:
                problems.append(error)
                continue
            by_identity[ref.identity] = resolved[key] = found
            outcome = outcomes.setdefault(found.pk, ArticleOutcome(found.pk, found.current_revision.title))
            outcome.article_created = outcome.article_created or created

    # 2. Annotations, article by article (entities before the quotes that name them).
    group_cache: dict = {}
    created_ids: list[int] = []
    ids_by_key: dict[str, int] = {}  # file id -> annotation id (created now or already there)
    article_of_key: dict[str, int] = {}
    per_article: dict[int, list[ImportItem]] = {}
    for item in parsed.items:
        target = resolved.get(item.ref.key)
        if target is None:
            continue
        per_article.setdefault(target.pk, []).append(item)
        if item.key is not None:
            article_of_key[item.key] = target.pk

    for article_id, items in per_article.items():
        target = next(a for a in resolved.values() if a.pk == article_id)
        created, skipped, errors = _import_article(
            user=user, article=target, items=items, ids_by_key=ids_by_key, article_of_key=article_of_key,
            visibility=visibility, group=group, group_cache=group_cache, local_base=local_base,
        )  # fmt: skip
        problems.extend(errors)
        outcomes[article_id].created += len(created)
        outcomes[article_id].skipped += skipped
        created_ids.extend(created)

    if problems:
        problems.sort(key=lambda p: (p.get("line") or 0, p.get("index") if p.get("index") is not None else -1))
        raise ImportFailed(problems)
    return ImportResult(articles=list(outcomes.values()), annotation_ids=created_ids)


def _import_article(*, user, article, items, ids_by_key, article_of_key, visibility, group, group_cache, local_base):
    """Create one article's items; returns ``(created ids, skipped count, problems)``."""
    problems: list[dict] = []
    current = article.current_revision.text
    revision_id = article.current_revision_id

    # What the user already has on this text, for skipping duplicates.
    existing = {
        (kind, start, end, code): pk
        for pk, kind, start, end, code in Annotation.objects.filter(creator_id=user.pk, revision_id=revision_id).values_list(
            "pk", "kind", "start", "end", "label__code"
        )
    }
    todo: list[ImportItem] = []
    failed: set[str] = set()  # file ids of items that already have an error
    skipped = 0
    first_of: dict[tuple, ImportItem] = {}
    aliases: dict[int, list[str]] = {}  # id(kept item) -> file ids of the duplicates left out for it
    member_of: dict[int, bool] = {}
    for item in items:
        fields = item.fields
        # Visibility and group: the caller's choice, else the file's.
        vis = visibility or fields.get("visibility") or Annotation.Visibility.PUBLIC
        fields["visibility"] = vis
        if vis == Annotation.Visibility.GROUP:
            if group is not None:
                fields["group"] = group.pk
            elif item.group_slug:
                found = _group_id(item.group_slug, group_cache)
                if found is None:
                    problems.append(problem(item.where, item.path("group"), f"There is no group '{item.group_slug}' here; name one with group=<slug>.", "unknown_group"))
                    failed.add(item.key)
                    continue
                fields["group"] = found
            else:
                problems.append(problem(item.where, item.path("group"), "A group annotation needs its group: name one with group=<slug>.", "required"))
                failed.add(item.key)
                continue
        elif vis == Annotation.Visibility.PUBLIC and (group is not None or item.group_slug):
            # Public annotations may keep a group (whose moderators look after them) if it exists here.
            found = group.pk if group is not None else _group_id(item.group_slug, group_cache)
            if found is not None and found not in member_of:
                member_of[found] = Membership.objects.filter(user_id=user.pk, group_id=found).exists()
            if found is not None and member_of[found]:
                fields["group"] = found
            else:
                fields.pop("group", None)
        else:
            fields.pop("group", None)

        error = _reanchor_cue(item, current)
        if error:
            problems.append(error)
            failed.add(item.key)
            continue
        if _same_text(item.ref, current) and isinstance(fields.get("start"), int) and isinstance(fields.get("end"), int):
            key = _dedupe_key(fields)
            if key in existing:
                skipped += 1
                if item.key is not None:
                    ids_by_key[item.key] = existing[key]
                continue
            if key in first_of:
                skipped += 1
                if item.key is not None:
                    aliases.setdefault(id(first_of[key]), []).append(item.key)
                continue
            first_of[key] = item
        todo.append(item)

    # Speaker links.
    batch: list[tuple[ImportItem, dict]] = []
    position: dict[str, int] = {}
    entities = [item for item in todo if item.fields.get("kind") == "entity"]
    others = [item for item in todo if item.fields.get("kind") != "entity"]
    for item in entities + others:
        fields = dict(item.fields)
        if item.speaker_key is not None:
            if item.speaker_key in failed:
                continue  # its speaker has an error already; this quote is checked when that is fixed
            if item.speaker_key in position:
                fields["speaker_index"] = position[item.speaker_key]
            elif item.speaker_key in ids_by_key:
                fields["speaker"] = ids_by_key[item.speaker_key]
            elif item.speaker_key in article_of_key and article_of_key[item.speaker_key] != article.pk:
                problems.append(problem(item.where, item.path("speaker"), "The speaker is an annotation of another article.", "speaker_other_article"))
                continue
            else:
                problems.append(
                    problem(item.where, item.path("speaker"), f"The speaker {item.speaker_key} is not an entity of this file.", "unknown_speaker")
                )
                continue
        elif item.speaker_iri is not None:
            local = _local_id(item.speaker_iri, "annotation", local_base)
            if local is not None:
                fields["speaker"] = local
            elif item.speaker_fallback:
                fields["speaker_name"] = fields.get("speaker_name") or item.speaker_fallback
            else:
                problems.append(
                    problem(item.where, item.path("speaker"), f"The speaker {item.speaker_iri} is neither in this file nor on this server.", "unknown_speaker")
                )
                continue
        if item.key is not None:
            position[item.key] = len(batch)
            for alias in aliases.get(id(item), []):
                position[alias] = len(batch)
        batch.append((item, fields))
    if not batch:
        return [], skipped, problems

    created: list[int] = []
    if len(batch) <= MAX_BULK_ITEMS:
        chunks = [batch]
    else:
        # More than one request's worth: entities first (ids known), then quotes by id.
        chunks = [batch[i : i + MAX_BULK_ITEMS] for i in range(0, len(batch), MAX_BULK_ITEMS)]
    offset = 0
    for chunk in chunks:
        payload = []
        for item, fields in chunk:
            fields = dict(fields)
            index = fields.get("speaker_index")
            if index is not None and not (offset <= index < offset + len(chunk)):
                # The speaker was made by an earlier chunk.
                fields.pop("speaker_index")
                fields["speaker"] = created[index]
            elif index is not None:
                fields["speaker_index"] = index - offset
            payload.append(fields)
        try:
            made = annotations_bulk_create(user=user, article=article, items=payload)
        except BulkError as exc:
            for error in exc.errors:
                index = error.get("index")
                item = chunk[index][0] if index is not None and 0 <= index < len(chunk) else None
                problems.append(
                    problem(
                        item.where if item else None,
                        item.path(error.get("field")) if item else error.get("field"),
                        error["message"],
                        error.get("code") or "invalid",
                        error.get("position"),
                    )
                )
            return [], skipped, problems
        except (ValidationError, Conflict, NotFound) as exc:
            for name, message, code, pos in _service_errors(exc):
                problems.append(problem(chunk[0][0].where, name, message, code, pos))
            return [], skipped, problems
        created.extend(a.pk for a in made)
        offset += len(chunk)
    for (item, _fields), pk in zip(batch, created, strict=True):
        if item.key is not None:
            ids_by_key[item.key] = pk
    return created, skipped, problems
