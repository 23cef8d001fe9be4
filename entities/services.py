"""Every change to entities: linking annotations, recounting, merging, splitting, renaming.

:func:`entity_link_events` is a consumer of the annotation event log
(:mod:`annotations.outbox`): after the commit of every change (annotations
created, updated, deleted, carried over to a new revision, hidden or restored)
it gets the batch of events committed since its last run. It brings
the derived rows (:class:`~entities.models.EntityMention`,
:class:`~entities.models.SpeakerQuote`) in line with the annotations, writing only
what differs, and recounts the entities whose rows changed.

Merging and splitting are staff decisions (:func:`entity_merge`,
:func:`entity_split`); the admin actions and the API call these.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from annotations.models import Annotation
from arabic.search_terms import search_text
from entities import aggregates, resolution
from entities.keys import display_name, entity_key
from entities.models import Entity, EntityAlias, EntityMention, SpeakerQuote
from entities.visibility import counts_for_everyone

ENTITY, QUOTE = Annotation.Kind.ENTITY, Annotation.Kind.QUOTE
_ROW = (
    "id", "kind", "exact", "label__code", "article_id", "article__published_on", "speaker_id", "speaker_name",
    "quote_type", "creator_id", "group_id",
)  # fmt: skip
# Annotations linked per round of queries when everything is rebuilt.
RELINK_BATCH = 2000


# --- the consumer -----------------------------------------------------------------


def entity_link_events(events) -> set[int]:
    """Consumer of the event log: link the annotations a batch of events names (safe to repeat).

    Returns the ids of the entities whose counts changed.
    """
    # Replies and proposals change no annotation: nothing to link.
    ids = sorted({pk for e in events if not e.action.startswith(("reply_", "proposal_")) for pk in e.annotation_ids})
    if not ids:
        return set()
    deleted = any(e.action == "deleted" for e in events)
    return entity_link_annotations(action="deleted" if deleted else "updated", annotation_ids=ids)


def entity_link_annotations(*, action: str, annotation_ids: Sequence[int], article_id: int | None = None) -> set[int]:
    """Bring the entity rows of these annotations (and of quotes naming them as speaker) up to date.

    Returns the ids of the entities whose counts changed.
    """
    changed: set[int] = set()
    if action == "deleted":
        changed |= _drop_detached()
    rows = list(Annotation.objects.filter(pk__in=list(annotation_ids)).values(*_ROW))
    changed |= _link(rows)
    recount(changed)
    return changed


def _link(rows: list[dict]) -> set[int]:
    entity_rows = [r for r in rows if r["kind"] == ENTITY]
    quote_rows = [r for r in rows if r["kind"] == QUOTE]
    if entity_rows:
        # A quote's speaker is one of these: its attribution (and whether it counts) may change with it.
        seen = {r["id"] for r in quote_rows}
        speakers_of = Annotation.objects.filter(speaker_id__in=[r["id"] for r in entity_rows]).exclude(pk__in=seen)
        quote_rows += list(speakers_of.values(*_ROW))
    speaker_ids = {r["speaker_id"] for r in quote_rows if r["speaker_id"]}
    everyone = set(
        counts_for_everyone().filter(pk__in=[r["id"] for r in rows + quote_rows] + list(speaker_ids)).values_list("pk", flat=True)
    )
    changed = _link_mentions(entity_rows, everyone)
    changed |= _link_quotes(quote_rows, speaker_ids, everyone)
    return changed


def _drop_detached() -> set[int]:
    """Delete rows whose annotation was deleted; returns their entities."""
    changed = set()
    for model in (EntityMention, SpeakerQuote):
        detached = model.objects.filter(annotation__isnull=True)
        rows = list(detached.values_list("pk", "entity_id", "public"))
        if rows:
            if model is EntityMention:
                gone = list(detached.filter(public=True).values_list("entity_id", "article_id", "published_on", "name"))
            model.objects.filter(pk__in=[pk for pk, _, _ in rows]).delete()
            if model is EntityMention:
                aggregates.apply(removed=gone, added=[])
            changed |= {entity_id for _, entity_id, _ in rows if entity_id}
    return changed


@dataclass(frozen=True)
class _Mention:
    entity_id: int
    article_id: int
    published_on: object
    label: str
    key: str
    name: str
    public: bool
    creator_id: int | None
    group_id: int | None


def _link_mentions(rows: list[dict], everyone: set[int], *, aggregate: bool = True) -> set[int]:
    if not rows:
        return set()
    ids = [r["id"] for r in rows]
    wanted = {}
    for r in rows:
        key = entity_key(r["exact"])
        if key and r["label__code"]:
            wanted[r["id"]] = (r, r["label__code"], key)
    entity_of = resolution.resolve({(label, key) for _, label, key in wanted.values()})
    desired = {
        pk: _Mention(
            entity_of[(label, key)], r["article_id"], r["article__published_on"], label, key, display_name(r["exact"]),
            pk in everyone, r["creator_id"], r["group_id"],
        )  # fmt: skip
        for pk, (r, label, key) in wanted.items()
    }
    current = {
        row[0]: (row[1], _Mention(*row[2:]))
        for row in EntityMention.objects.filter(annotation_id__in=ids).values_list(
            "annotation_id", "pk", "entity_id", "article_id", "published_on", "label", "key", "name", "public",
            "creator_id", "group_id",
        )
    }
    stale = [pk for pk, (_, m) in current.items() if desired.get(pk) != m]
    fresh = [pk for pk, m in desired.items() if pk not in current or current[pk][1] != m]
    if stale:
        EntityMention.objects.filter(pk__in=[current[pk][0] for pk in stale]).delete()
    if fresh:
        EntityMention.objects.bulk_create(
            [EntityMention(annotation_id=pk, **desired[pk].__dict__) for pk in fresh]
        )
    if aggregate:
        public = lambda m: (m.entity_id, m.article_id, m.published_on, m.name)  # noqa: E731
        aggregates.apply(
            removed=[public(current[pk][1]) for pk in stale if current[pk][1].public],
            added=[public(desired[pk]) for pk in fresh if desired[pk].public],
        )
    return {current[pk][1].entity_id for pk in stale} | {desired[pk].entity_id for pk in fresh}


@dataclass(frozen=True)
class _Quote:
    speaker_annotation_id: int | None
    entity_id: int | None
    article_id: int
    published_on: object
    label: str
    key: str
    speaker_name: str
    quote_type: str
    search_text: str
    public: bool


def _link_quotes(rows: list[dict], speaker_ids: set[int], everyone: set[int]) -> set[int]:
    if not rows:
        return set()
    ids = [r["id"] for r in rows]
    # The speakers' mentions, as just linked.
    spoken_by = {
        annotation_id: (entity_id, label, key, name)
        for annotation_id, entity_id, label, key, name in EntityMention.objects.filter(
            annotation_id__in=speaker_ids
        ).values_list("annotation_id", "entity_id", "label", "key", "name")
    }
    named = {entity_key(r["speaker_name"]) for r in rows if not spoken_by.get(r["speaker_id"]) and r["speaker_name"]}
    entity_of = resolution.resolve({("", key) for key in named if key})
    desired = {}
    for r in rows:
        speaker = spoken_by.get(r["speaker_id"])
        if speaker:
            entity_id, label, key, name = speaker
        else:
            label, key, name = "", entity_key(r["speaker_name"]), display_name(r["speaker_name"])
            entity_id = entity_of.get(("", key)) if key else None
        speaker_annotation_id = r["speaker_id"] if speaker else None
        public = r["id"] in everyone and (speaker_annotation_id is None or speaker_annotation_id in everyone)
        desired[r["id"]] = _Quote(
            speaker_annotation_id, entity_id, r["article_id"], r["article__published_on"], label, key, name,
            r["quote_type"], search_text(r["exact"]), public,
        )  # fmt: skip
    fields = [f for f in _Quote.__dataclass_fields__]
    current = {
        row[0]: (row[1], _Quote(*row[2:]))
        for row in SpeakerQuote.objects.filter(annotation_id__in=ids).values_list("annotation_id", "pk", *fields)
    }
    stale = [pk for pk, (_, q) in current.items() if desired.get(pk) != q]
    fresh = [pk for pk, q in desired.items() if pk not in current or current[pk][1] != q]
    if stale:
        SpeakerQuote.objects.filter(pk__in=[current[pk][0] for pk in stale]).delete()
    if fresh:
        SpeakerQuote.objects.bulk_create([SpeakerQuote(annotation_id=pk, **desired[pk].__dict__) for pk in fresh])
    changed = {current[pk][1].entity_id for pk in stale} | {desired[pk].entity_id for pk in fresh}
    changed.discard(None)
    return changed


# --- counts -----------------------------------------------------------------------

_RECOUNT_SQL = """
UPDATE entities_entity e
SET public_mentions = c.mentions, public_articles = c.articles, public_quotes = c.quotes,
    name = CASE WHEN e.name_locked THEN e.name ELSE c.name END, updated = now()
FROM (
    SELECT x.id, COALESCE(m.mentions, 0) AS mentions, COALESCE(m.articles, 0) AS articles, q.quotes,
           COALESCE(
               (SELECT v.name FROM entities_entityvariant v WHERE v.entity_id = x.id
                ORDER BY v.mentions DESC, v.name LIMIT 1),
               (SELECT s.speaker_name FROM entities_speakerquote s
                WHERE s.entity_id = x.id AND s.public AND s.annotation_id IS NOT NULL AND s.speaker_name <> ''
                GROUP BY s.speaker_name ORDER BY count(*) DESC, s.speaker_name LIMIT 1),
               '') AS name
    FROM unnest(%s::bigint[]) AS x(id)
    LEFT JOIN LATERAL (
        SELECT sum(mentions) AS mentions, sum(articles) AS articles FROM entities_entitymonth WHERE entity_id = x.id
    ) m ON TRUE
    CROSS JOIN LATERAL (
        SELECT count(*) AS quotes FROM entities_speakerquote s
        WHERE s.entity_id = x.id AND s.public AND s.annotation_id IS NOT NULL
    ) q
) c
WHERE e.id = c.id
"""


def recount(entity_ids: Iterable[int]) -> None:
    """Refresh the public counts (and the automatic name) of these entities, in id order (lock order)."""
    ids = sorted({i for i in entity_ids if i is not None})
    if ids:
        with connection.cursor() as cursor:
            cursor.execute(_RECOUNT_SQL, [ids])


# --- staff decisions --------------------------------------------------------------


def _require_staff(user) -> None:
    if user is not None and not getattr(user, "is_staff", False):
        raise PermissionDenied("Only staff may merge, split or rename entities.")


@transaction.atomic
def entity_merge(*, user, target: Entity | int, sources: Iterable[Entity | int]) -> Entity:
    """Merge ``sources`` into ``target``: one entity with all their names, mentions and quotes.

    Entities must have the same label; an unlabelled entity (a speaker only
    named in quotes) merges into any. The merged entities' pages redirect to
    ``target``. ``user`` None means the system (management commands).
    """
    _require_staff(user)
    target_id = target.pk if isinstance(target, Entity) else int(target)
    source_ids = sorted({(s.pk if isinstance(s, Entity) else int(s)) for s in sources} - {target_id})
    # Lock the rows in id order so concurrent merges cannot deadlock.
    entities = {e.pk: e for e in Entity.objects.select_for_update().filter(pk__in=[target_id, *source_ids]).order_by("pk")}
    if target_id not in entities:
        raise ValidationError({"target": ValidationError(f"There is no entity {target_id}.", code="not_found")})
    missing = [s for s in source_ids if s not in entities]
    if missing:
        raise ValidationError(
            {"entities": ValidationError(f"There is no entity {', '.join(map(str, missing))}.", code="not_found")}
        )
    if not source_ids:
        raise ValidationError({"entities": ValidationError("Choose at least one other entity to merge.", code="required")})
    target_entity = entities[target_id]
    clashing = [e for pk, e in entities.items() if pk != target_id and e.label and e.label != target_entity.label]
    if clashing:
        raise ValidationError(
            {
                "entities": ValidationError(
                    f"Entity {clashing[0].pk} is {clashing[0].label}, not {target_entity.label or 'unlabelled'}: "
                    "only entities with the same label can be merged (relabel the annotations first).",
                    code="label_mismatch",
                )
            }
        )
    if not target_entity.label:
        # An unlabelled target takes the label of a labelled source.
        labelled = next((e.label for e in entities.values() if e.label), "")
        if labelled:
            Entity.objects.filter(pk=target_id).update(label=labelled)
    changed = resolution.merge_into(target_id, source_ids, user=user)
    aggregates.rebuild(changed)
    recount(changed)
    return Entity.objects.get(pk=target_id)


@transaction.atomic
def entity_split(*, user, entity: Entity | int, names: Iterable[str] = (), alias_ids: Iterable[int] = (), name: str = "") -> Entity:
    """Move some names of ``entity`` (by name as written, or by alias id) to a new entity, with their mentions and quotes.

    At least one name must stay. ``name`` is the new entity's name (default:
    its most frequent public spelling).
    """
    _require_staff(user)
    entity_id = entity.pk if isinstance(entity, Entity) else int(entity)
    entity = Entity.objects.select_for_update().filter(pk=entity_id).first()
    if entity is None:
        raise ValidationError({"entity": ValidationError(f"There is no entity {entity_id}.", code="not_found")})
    aliases = list(EntityAlias.objects.filter(entity_id=entity.pk).values_list("pk", "label", "key"))
    keys = {entity_key(n) for n in names} - {""}
    alias_ids = set(alias_ids)
    chosen = [(label, key) for pk, label, key in aliases if pk in alias_ids or key in keys]
    unknown = sorted(keys - {key for _, key in chosen}) + sorted(alias_ids - {pk for pk, _, _ in aliases})
    if unknown:
        raise ValidationError(
            {"names": ValidationError(f"Entity {entity.pk} has no name {unknown[0]!s}.", code="not_found")}
        )
    if not chosen:
        raise ValidationError({"names": ValidationError("Choose the names to split off.", code="required")})
    if len(chosen) == len(aliases):
        raise ValidationError(
            {"names": ValidationError("Keep at least one name on the entity: this would move all of them.", code="all_names")}
        )
    label, key = chosen[0]
    new = Entity.objects.create(
        label=entity.label or label, key=key, name=display_name(name), name_locked=bool(name.strip())
    )
    resolution.move_aliases(entity.pk, new.pk, chosen)
    aggregates.rebuild([entity.pk, new.pk])
    recount([entity.pk, new.pk])
    new.refresh_from_db()
    return new


@transaction.atomic
def entity_rename(*, user, entity: Entity | int, name: str) -> Entity:
    """Give an entity a name chosen by staff (an empty name goes back to the automatic one)."""
    _require_staff(user)
    entity_id = entity.pk if isinstance(entity, Entity) else int(entity)
    name = display_name(name)
    updated = Entity.objects.filter(pk=entity_id).update(name=name, name_locked=bool(name))
    if not updated:
        raise ValidationError({"entity": ValidationError(f"There is no entity {entity_id}.", code="not_found")})
    recount([entity_id])
    return Entity.objects.get(pk=entity_id)


# --- rebuilding -------------------------------------------------------------------


def entities_relink(*, progress=None) -> int:
    """Relink every entity and quote annotation (after a change to the keys, or to repair); returns how many.

    Merges and splits survive: they live in the aliases, which are kept. Rows of
    annotations that no longer exist are deleted and every entity is recounted.
    """
    done = 0
    with transaction.atomic():
        EntityMention.objects.exclude(annotation_id__in=Annotation.objects.filter(kind=ENTITY).values("pk")).delete()
        SpeakerQuote.objects.exclude(annotation_id__in=Annotation.objects.filter(kind=QUOTE).values("pk")).delete()
    # Entities first, so quotes find their speakers' mentions.
    for kind in (ENTITY, QUOTE):
        last = 0
        while True:
            with transaction.atomic():
                ids = list(
                    Annotation.objects.filter(kind=kind, pk__gt=last).order_by("pk").values_list("pk", flat=True)[:RELINK_BATCH]
                )
                if not ids:
                    break
                rows = list(Annotation.objects.filter(pk__in=ids).values(*_ROW))
                everyone = set(counts_for_everyone().filter(pk__in=ids).values_list("pk", flat=True))
                if kind == ENTITY:
                    _link_mentions(rows, everyone, aggregate=False)  # rebuilt in one go below
                else:
                    speaker_ids = {r["speaker_id"] for r in rows if r["speaker_id"]}
                    everyone |= set(counts_for_everyone().filter(pk__in=speaker_ids).values_list("pk", flat=True))
                    _link_quotes(rows, speaker_ids, everyone)
            last = ids[-1]
            done += len(ids)
            if progress:
                progress(done)
    with transaction.atomic():
        aggregates.rebuild()
        ids = list(Entity.objects.order_by("pk").values_list("pk", flat=True))
        for first in range(0, len(ids), RELINK_BATCH):
            recount(ids[first : first + RELINK_BATCH])
    return done
