"""Suggestions: computing them for an article, deciding on them, and the learners.

Suggestions are annotations with ``status="suggested"``, no creator, the
``suggester`` that made them (``gazetteer``, ``crf``, ``bert``, ``quotes``) and
its ``confidence``; they are public and live on the article's current revision.
They are created through :func:`annotations.services.annotations_bulk_create`,
so every span rule of the annotation app applies to them too.

Decisions (one click in the reader, or the API):

* **accept** changes the suggestion *in place*: same id, ``status="accepted"``,
  ``creator`` = the person who accepted it (it becomes their annotation, which
  they may edit and delete), ``suggester``/``confidence`` kept as its history.
  In place, not a copy, so quotes whose speaker is that suggestion stay linked,
  live readers see one mark change instead of one vanish and one appear, and
  the card being looked at stays valid.
* **reject** keeps the row with ``status="rejected"`` (``modified_by`` says who):
  it is how the string matcher remembers not to suggest that span again.
* **accept all** accepts every open suggestion of an article (of one label).

Every decision feeds the learners: accepted and human entity annotations are
the gazetteer of the string matcher and the training data of the CRF, which is
retrained in the background once ``SUGGESTIONS_CRF_RETRAIN_AFTER`` of them have
changed since the last model.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from annotations import services as annotation_services
from annotations.errors import BulkError, Conflict, Forbidden, NotFound, PreconditionFailed
from annotations.models import Annotation, Label
from annotations.selectors import annotations_visible_to, label_set_for_article
from arabic import camel, morphology
from arabic.ner import bert as bert_ner
from arabic.ner.crf import CrfModel, ModelFileError
from arabic.suggest import suggest
from newsreader.models import Article, ArticleRevision
from suggestions import learning, neural, selectors
from suggestions.models import CrfModelVersion, CrfPending, CrfRetrainQueued

logger = logging.getLogger(__name__)

Kind, Status, Visibility = Annotation.Kind, Annotation.Status, Annotation.Visibility
SUGGESTERS = ("gazetteer", "crf", "bert", "quotes")
# pg_advisory_xact_lock(namespace, article id): one suggestion run per article at a time.
_LOCK_NAMESPACE = 0x5A66


# --- the optional models ---------------------------------------------------------------------------------


def bert_status() -> camel.ComponentStatus:
    """Is the BERT NER model installed (``SUGGESTIONS_BERT_MODEL`` or camel's ``ner`` package)?"""
    path = getattr(settings, "SUGGESTIONS_BERT_MODEL", "")
    if path:
        present = (Path(path) / "config.json").is_file()
        message = f"BERT NER model installed at {path}" if present else f"BERT NER model not installed: no config.json in {path}"
        return camel.ComponentStatus("ner", present, Path(path), message)
    return camel.ner_status()


def morphology_status() -> camel.ComponentStatus:
    path = getattr(settings, "SUGGESTIONS_MORPHOLOGY_DB", "")
    if path:
        present = Path(path).is_file()
        message = (
            f"morphology database installed at {path}"
            if present
            else f"morphology database not installed: no file {path} — run `camel_data -i light`"
        )
        return camel.ComponentStatus("morphology", present, Path(path), message)
    return camel.morphology_status()


def bert_model():
    """The loaded BERT model, or None when it is not installed."""
    status = bert_status()
    if not status.installed:
        return None
    return bert_ner.load(status.path)


def morphology_analyser() -> morphology.Morphology:
    """The loaded analyser; raises :class:`arabic.camel.NotInstalled` without the database."""
    return morphology.load(morphology_status().require().path)


# the team's model in memory: one, the newest (learning.load_once)
_crf_loaded: dict[tuple, CrfModel] = {}


def crf_current() -> CrfModelVersion | None:
    """The newest trained model whose file is there."""
    for row in CrfModelVersion.objects.all()[:5]:
        if Path(row.path).is_file():
            return row
    return None


def crf_model(row: CrfModelVersion | None = None) -> CrfModel | None:
    """The loaded team model of ``row`` (default: :func:`crf_current`), or None (none, or unreadable: logged)."""
    row = row or crf_current()
    if row is None:
        return None
    return learning.load_once(Path(row.path), _crf_loaded, CrfModel.load, ModelFileError, "CRF model")


def entity_model() -> CrfModel | None:
    """The CRF the suggestion pass uses (and the neural tagger is trained for): the team's newest model,
    else the default one (ANERcorp)."""
    return crf_model() or learning.base_model()


def neural_tagger_status() -> neural.NeuralStatus:
    """The neural tagger beside the CRF the suggestion pass uses: the API's ``crf`` status and the admin show it."""
    return neural.status(entity_model())


def suggesters_status() -> dict:
    """Which suggesters work here, for ``GET /api/suggesters/`` and the reader."""
    bert = bert_status()
    morph = morphology_status()
    crf = crf_current()
    pending = crf_new_annotations(crf)
    threshold = settings.SUGGESTIONS_CRF_RETRAIN_AFTER
    base = None if crf else learning.base_model()
    neural_detail = neural_tagger_status().detail
    return {
        "suggesters": [
            {
                "name": "gazetteer",
                "title": "String matching",
                "available": True,
                "detail": f"{selectors.learned_entities().values('exact').distinct().count()} names known",
                "version": None,
            },
            {
                "name": "crf",
                "title": "Statistical model (CRF) trained on this corpus",
                "available": crf is not None or base is not None,
                "detail": (
                    f"trained {crf.trained_at:%Y-%m-%d %H:%M} UTC on {crf.n_annotations} annotations; "
                    f"{pending} new since, retrained after {threshold}"
                    if crf
                    else (f"default model {base.version} (ANERcorp); " if base else "")
                    + f"not trained on this corpus yet: {pending} annotations so far, trained after {threshold}"
                )
                + f"; {neural_detail}",
                "version": crf.version if crf else (base.version if base else None),
            },
            {
                "name": "bert",
                "title": "camel-tools BERT NER",
                "available": bert.installed,
                "detail": bert.message,
                "version": None,
            },
            {"name": "quotes", "title": "Quote finder", "available": True, "detail": "", "version": None},
        ],
        "morphology": {"available": morph.installed, "detail": morph.message},
        "crf_retrain_after": threshold,
        "crf_new_annotations": pending,
    }


# --- computing suggestions -----------------------------------------------------------------------------


@dataclass
class SuggestResult:
    article_id: int
    revision_id: int | None = None
    created: list[int] = field(default_factory=list)
    kept: int = 0
    removed: int = 0
    suggesters: list[str] = field(default_factory=list)


def _key(kind: str, start: int, end: int, label_id) -> tuple:
    return (kind, start, end, label_id if kind == Kind.ENTITY else None)


def article_suggest(*, article_id: int) -> SuggestResult:
    """Compute the suggestions of an article's current text and store them.

    Suggestions already there and still proposed are kept (with their ids);
    suggestions no longer proposed (and without replies) are removed; new ones
    are created. Spans someone rejected, spans overlapping a human or accepted
    entity, and quotes already marked are not suggested.
    """
    result = SuggestResult(article_id=article_id)
    article = Article.objects.select_related("source").filter(pk=article_id).first()
    if article is None or article.current_revision_id is None:
        return result
    label_set = label_set_for_article(article)
    labels = {label.code: label.pk for label in Label.objects.filter(label_set=label_set)}
    gazetteer = learning.corpus_gazetteer()
    # the team's model, else the default one (ANERcorp); its labels mapped explicitly (LabelMismatch)
    # (an article without a label set gets no entity suggestions at all, as before)
    crf = entity_model() if labels else None
    # combined with the neural tagger trained for its labels, when there is one (suggestions/learning.py)
    crf = learning.combined_tagger(crf)
    crf_labels = (
        learning.resolve_model_labels(crf.labels, labels, model=f"entity model {crf.version}", set_name=f"label set {label_set}")
        if crf is not None
        else None
    )
    bert = bert_model()
    result.suggesters = ["gazetteer"] + (["crf"] if crf else []) + (["bert"] if bert else []) + ["quotes"]

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, article_id])
        revision = ArticleRevision.objects.only("id", "text", "text_hash").get(
            pk=Article.objects.values_list("current_revision_id", flat=True).get(pk=article_id)
        )
        result.revision_id = revision.pk
        text = revision.text
        decided = list(selectors.decided_annotations(revision.pk).values("kind", "start", "end", "label__code"))
        entities_decided = [(d["start"], d["end"], d["label__code"]) for d in decided if d["kind"] == Kind.ENTITY]
        quotes_decided = [(d["start"], d["end"]) for d in decided if d["kind"] == Kind.QUOTE]
        found = suggest(
            text,
            gazetteer=gazetteer if len(gazetteer) else None,
            crf=crf,
            bert=bert,
            known_entities=entities_decided,
            rejected=selectors.rejected_spans(revision.pk),
            occupied=[(s, e) for s, e, _ in entities_decided],
            min_confidence=settings.SUGGESTIONS_MIN_CONFIDENCE,
            crf_labels=crf_labels,
        )

        # Entity annotations a quote's speaker may point at: public ones of this revision.
        speakers = {
            (s, e): pk
            for pk, s, e in Annotation.objects.filter(
                revision_id=revision.pk, kind=Kind.ENTITY, visibility=Visibility.PUBLIC, hidden=False, orphaned=False
            )
            .exclude(status=Status.REJECTED)
            .order_by("-status")  # suggested first, human and accepted last: later keys win, decided ones do
            .values_list("pk", "start", "end")
        }
        existing = {
            _key(kind, s, e, label_id): pk
            for pk, kind, s, e, label_id in selectors.suggestions_of(revision.pk).values_list(
                "pk", "kind", "start", "end", "label_id"
            )
        }
        items: list[dict] = []
        wanted: set[tuple] = set()
        entity_index: dict[tuple[int, int], int] = {}
        speaker_spans: dict[tuple[int, int], tuple[int, int]] = {}
        for e in found.entities:
            label_id = labels.get(e.label)
            if label_id is None:
                continue  # a label this article's label set does not have (BERT's MISC, say)
            key = _key(Kind.ENTITY, e.start, e.end, label_id)
            wanted.add(key)
            if key in existing:
                speakers.setdefault((e.start, e.end), existing[key])
                continue
            entity_index.setdefault((e.start, e.end), len(items))
            items.append(
                {
                    "kind": Kind.ENTITY, "revision": revision.pk, "start": e.start, "end": e.end, "exact": e.text,
                    "label": e.label, "status": Status.SUGGESTED, "suggester": e.suggester,
                    "confidence": round(min(max(e.confidence, 0.0), 1.0), 3),
                }
            )  # fmt: skip
        for q in found.quotes:
            if any(s < q.end and q.start < e for s, e in quotes_decided):
                continue
            key = _key(Kind.QUOTE, q.start, q.end, None)
            if key in wanted:
                continue  # the finder may give one span twice (two readings): keep the first, surest
            wanted.add(key)
            if q.speaker_start is not None:
                speaker_spans[(q.start, q.end)] = (q.speaker_start, q.speaker_end)
            if key in existing:
                continue
            item = {
                "kind": Kind.QUOTE, "revision": revision.pk, "start": q.start, "end": q.end, "exact": q.text,
                "quote_type": q.kind, "status": Status.SUGGESTED, "suggester": q.suggester,
                "confidence": round(min(max(q.confidence, 0.0), 1.0), 3),
            }  # fmt: skip
            if q.cue_start is not None and q.cue_end is not None:
                item.update(cue_start=q.cue_start, cue_end=q.cue_end)
            span = (q.speaker_start, q.speaker_end)
            if q.speaker_start is not None and span in speakers:
                item["speaker"] = speakers[span]
            elif q.speaker_start is not None and span in entity_index:
                item["speaker_index"] = entity_index[span]
            elif q.speaker:
                item["speaker_name"] = q.speaker[:200]
            items.append(item)

        stale = [pk for key, pk in existing.items() if key not in wanted]
        if stale:
            stale = list(
                Annotation.objects.filter(pk__in=stale, replies__isnull=True).values_list("pk", flat=True).distinct()
            )
            if stale:
                result.removed = annotation_services.annotations_delete_many(annotation_ids=stale)
        result.kept = len(existing) - len(stale)
        if items:
            keep = _within_cap(items, cap=suggestions_cap(len(text)) - result.kept)
            result.created = [a.pk for a in _create_in_batches(article_id, items, keep)]
        _link_speakers(article_id, revision.pk, speaker_spans)
    return result


def _link_speakers(article_id: int, revision_id: int, speaker_spans: dict) -> None:
    """Quote suggestions without a speaker link get one when an entity now marks the speaker's name."""
    quotes = list(
        selectors.suggestions_of(revision_id).filter(kind=Kind.QUOTE, speaker__isnull=True).values_list("pk", "start", "end")
    )
    if not quotes:
        return
    entities = {
        (s, e): pk
        for pk, s, e in Annotation.objects.filter(
            revision_id=revision_id, kind=Kind.ENTITY, visibility=Visibility.PUBLIC, hidden=False, orphaned=False
        )
        .exclude(status=Status.REJECTED)
        .order_by("-status")
        .values_list("pk", "start", "end")
    }
    changed = []
    for pk, start, end in quotes:
        speaker = entities.get(speaker_spans.get((start, end)))
        if speaker is not None:
            Annotation.objects.filter(pk=pk, speaker__isnull=True).update(
                speaker_id=speaker, speaker_name="", version=F("version") + 1, modified=timezone.now()
            )
            changed.append(pk)
    if changed:
        annotation_services.log_change(action="updated", annotation_ids=changed, article_id=article_id)


def suggestions_cap(length: int) -> int:
    """How many open suggestions an article of ``length`` characters may have.

    One per ``SUGGESTIONS_CHARS_PER_SUGGESTION`` characters (default 25, a few
    words), at most ``SUGGESTIONS_MAX_PER_ARTICLE`` (default 500): a model taught
    by one careless annotator cannot bury a text under suggestions (a 9 KB
    article once got 1,578).
    """
    per = max(1, getattr(settings, "SUGGESTIONS_CHARS_PER_SUGGESTION", 25))
    return min(getattr(settings, "SUGGESTIONS_MAX_PER_ARTICLE", 500), 1 + length // per)


def _within_cap(items: list[dict], *, cap: int) -> set[int]:
    """The positions of the ``cap`` surest items (all of them when they fit)."""
    if len(items) <= cap:
        return set(range(len(items)))
    ranked = sorted(range(len(items)), key=lambda i: (-(items[i].get("confidence") or 0), i))
    logger.info("suggestions: %d found, %d kept (the cap of this article)", len(items), max(cap, 0))
    return set(ranked[: max(cap, 0)])


def _create_in_batches(article_id: int, items: list[dict], keep: set[int]) -> list[Annotation]:
    """Create the kept items, entities first, at most ``MAX_BULK_ITEMS`` per batch.

    A quote names its speaker by position in ``items`` (``speaker_index``):
    once the entities exist it names the created entity, or, when that entity
    was left out or refused, keeps its words as ``speaker_name``.
    """
    created: list[Annotation] = []
    entity_pk: dict[int, int] = {}
    entities = [(i, items[i]) for i in sorted(keep) if items[i]["kind"] == Kind.ENTITY]
    for first in range(0, len(entities), annotation_services.MAX_BULK_ITEMS):
        made = _create_dropping_bad_items(article_id, entities[first : first + annotation_services.MAX_BULK_ITEMS])
        entity_pk.update({i: a.pk for i, a in made.items()})
        created += made.values()
    quotes = []
    for i in sorted(keep):
        if items[i]["kind"] != Kind.QUOTE:
            continue
        item = dict(items[i])
        target = item.pop("speaker_index", None)
        if target is not None:
            if target in entity_pk:
                item["speaker"] = entity_pk[target]
            else:
                item["speaker_name"] = items[target]["exact"][:200]
        quotes.append((i, item))
    for first in range(0, len(quotes), annotation_services.MAX_BULK_ITEMS):
        created += _create_dropping_bad_items(article_id, quotes[first : first + annotation_services.MAX_BULK_ITEMS]).values()
    return sorted(created, key=lambda a: a.pk)


def _create_dropping_bad_items(article_id: int, batch: list[tuple[int, dict]]) -> dict[int, Annotation]:
    """Bulk-create ``(position, item)`` pairs; items the annotation rules refuse are logged with their
    position and left out (the rest still count). Returns the created annotations by position."""
    for _attempt in range(3):
        if not batch:
            return {}
        try:
            created = annotation_services.annotations_bulk_create(
                user=None, article=article_id, items=[item for _, item in batch]
            )
        except BulkError as exc:
            bad = {e["index"] for e in exc.errors if e.get("index") is not None}
            if not bad:
                raise
            for e in exc.errors:
                position = batch[e["index"]][0] if e.get("index") is not None else None
                logger.warning(
                    "suggestion %s for article %s refused (%s): %s", position, article_id, e.get("field"), e.get("message")
                )
            batch = [pair for n, pair in enumerate(batch) if n not in bad]
            continue
        return {position: annotation for (position, _), annotation in zip(batch, created)}
    return {}


# --- decisions -------------------------------------------------------------------------------------------


def _open_suggestion(user, annotation_id: int) -> Annotation:
    if user is None or not user.is_authenticated:
        raise Forbidden("Sign in to accept or reject suggestions.")
    annotation = annotations_visible_to(user).filter(pk=annotation_id).first()
    if annotation is None:
        raise NotFound(f"Annotation {annotation_id} does not exist.")
    if annotation.status != Status.SUGGESTED:
        raise Conflict(
            f"Annotation {annotation_id} is not an open suggestion (its status is {annotation.status}).",
            code="not_a_suggestion",
        )
    return annotation


def _decide(*, user, annotation_id: int, expected_version: int | None, status: str, label=None) -> Annotation:
    annotation = _open_suggestion(user, annotation_id)
    if expected_version is not None and annotation.version != expected_version:
        raise PreconditionFailed(
            f"Annotation {annotation.pk} is at version {annotation.version}, not {expected_version}: someone changed it.",
            current_version=annotation.version,
        )
    changes = {"status": status, "modified_by": user, "modified": timezone.now(), "version": F("version") + 1}
    if status == Status.ACCEPTED:
        changes["creator"] = user  # it becomes the user's annotation
    if label is not None:
        if annotation.kind != Kind.ENTITY:
            raise Conflict("Only an entity has a label.", code="quote_label", field="label")
        found = Label.objects.filter(label_set=label_set_for_article(annotation.article)).filter(
            **({"pk": label} if isinstance(label, int) else {"code": str(label).strip().upper()})
        ).first()
        if found is None:
            raise Conflict(f"Unknown label {label!r} for this article.", code="unknown_label", field="label")
        changes["label_id"] = found.pk
    try:
        with transaction.atomic():
            updated = Annotation.objects.filter(
                pk=annotation.pk, status=Status.SUGGESTED, version=annotation.version
            ).update(**changes)
            if updated == 0:
                current = Annotation.objects.filter(pk=annotation.pk).values("status", "version").first()
                if current is None:
                    raise NotFound(f"Annotation {annotation.pk} does not exist.")
                if current["status"] != Status.SUGGESTED:
                    raise Conflict(
                        f"Someone else already decided on suggestion {annotation.pk} (it is {current['status']}).",
                        code="not_a_suggestion",
                    )
                raise PreconditionFailed(
                    f"Annotation {annotation.pk} changed meanwhile (now version {current['version']}).",
                    current_version=current["version"],
                )
            annotation_services.log_change(
                action="updated", annotation_ids=[annotation.pk], article_id=annotation.article_id
            )
    except IntegrityError as exc:
        if "annotation_unique_per_creator" in str(exc):
            existing = (
                Annotation.objects.filter(
                    creator_id=user.pk, revision_id=annotation.revision_id, kind=annotation.kind,
                    start=annotation.start, end=annotation.end, label_id=changes.get("label_id", annotation.label_id),
                ).values_list("pk", flat=True).first()
            )  # fmt: skip
            raise Conflict(
                f"You already marked {annotation.start}–{annotation.end} ('{annotation.exact}') this way.",
                existing_id=existing,
            ) from exc
        raise
    return Annotation.objects.select_related("label", "creator").get(pk=annotation.pk)


def suggestion_accept(*, user, annotation_id: int, expected_version: int | None = None, label=None) -> Annotation:
    """Accept a suggestion: it becomes ``user``'s annotation (in place; optionally with another ``label``)."""
    return _decide(user=user, annotation_id=annotation_id, expected_version=expected_version, status=Status.ACCEPTED, label=label)


def suggestion_reject(*, user, annotation_id: int, expected_version: int | None = None) -> Annotation:
    """Reject a suggestion: kept as ``rejected`` so that span is not suggested again."""
    return _decide(user=user, annotation_id=annotation_id, expected_version=expected_version, status=Status.REJECTED)


def suggestions_accept_all(*, user, article_id: int, label: str | None = None, kind: str | None = None) -> list[int]:
    """Accept every open suggestion of the article's current text (of one label / kind); returns their ids.

    Suggestions the user already marked the same way themselves are left open
    (accepting them would duplicate the user's own mark).
    """
    if user is None or not user.is_authenticated:
        raise Forbidden("Sign in to accept suggestions.")
    article = Article.objects.filter(pk=article_id).values("current_revision_id").first()
    if article is None or article["current_revision_id"] is None:
        raise NotFound(f"Article {article_id} does not exist.")
    queryset = selectors.suggestions_of(article["current_revision_id"]).filter(
        visibility=Visibility.PUBLIC, hidden=False
    )
    if label:
        queryset = queryset.filter(kind=Kind.ENTITY, label__code=label.strip().upper())
    if kind:
        queryset = queryset.filter(kind=kind)
    mine = Annotation.objects.filter(creator_id=user.pk, revision_id=article["current_revision_id"]).values_list(
        "kind", "start", "end", "label_id"
    )
    taken = set(mine)
    with transaction.atomic():
        rows = list(queryset.select_for_update().values_list("pk", "kind", "start", "end", "label_id"))
        ids = [pk for pk, *key in rows if tuple(key) not in taken]
        if ids:
            Annotation.objects.filter(pk__in=ids, status=Status.SUGGESTED).update(
                status=Status.ACCEPTED, creator=user, modified_by=user, modified=timezone.now(), version=F("version") + 1
            )
            annotation_services.log_change(action="updated", annotation_ids=ids, article_id=article_id)
    return ids


# --- the CRF learner -------------------------------------------------------------------------------------


def crf_new_annotations(current: CrfModelVersion | None = None, *, limit: int | None = None) -> int:
    """Human/accepted entity annotations made or changed since the last model (at most ``limit`` counted)."""
    queryset = CrfPending.objects.all()
    if limit is not None:
        return queryset[:limit].count()  # SELECT count(*) FROM (... LIMIT n): bounded, whatever the backlog
    return queryset.count()


def crf_retrain_started() -> None:
    """The queued retraining is running: a later one may be queued."""
    CrfRetrainQueued.objects.filter(pk=1).update(queued_at=None)


def crf_train() -> CrfModelVersion | None:
    """Train a new CRF version from the corpus's human and accepted entities; None when there are none."""
    started = timezone.now()
    sentences, count = learning.training_sentences()
    # What this run read is learned (or, with no sentence to learn from, has nothing to teach).
    CrfPending.objects.filter(added__lt=started).delete()
    if not sentences:
        return None
    model = learning.train_team_model(sentences)
    folder = Path(settings.SUGGESTIONS_MODEL_DIR) / "crf"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{model.version}.crf"
    model.save(path)
    row, _ = CrfModelVersion.objects.update_or_create(
        version=model.version,
        defaults={
            # Annotations changed while training count toward the next model.
            "trained_at": started,
            "n_annotations": count,
            "n_sentences": model.meta["sentences"],
            "n_tokens": model.meta["tokens"],
            "labels": model.labels,
            "training_seconds": model.meta["training_seconds"],
            "path": str(path),
        },
    )
    return row
