"""From (label, key) pairs to entities: finding them, creating them, merging them.

The services call these inside their transaction. A new pair gets its own
entity, except that

* a speaker named only in a quote's ``speaker_name`` (label ``""``) joins the
  entity marked with the same key if there is one (a person before an
  organisation before anything else, then the most mentioned), and
* when an entity is first marked with a label and a key that so far only named
  such a free-text speaker, the speaker's entity is merged into the new one: the
  quotes follow the person once somebody marks them in an article.

Creating the entity of a key takes a transaction-level advisory lock on the
key, so two requests naming a new person at the same moment make one entity.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from entities.models import Entity, EntityAlias, EntityMention, EntityRedirect, SpeakerQuote

# Which labelled entity a free-text speaker name joins, best first.
SPEAKER_LABEL_PREFERENCE = ("PER", "ORG")

Pair = tuple[str, str]


def existing(pairs: Iterable[Pair]) -> dict[Pair, int]:
    """Entity ids of the pairs that have an alias (one query)."""
    pairs = set(pairs)
    if not pairs:
        return {}
    rows = EntityAlias.objects.filter(key__in={key for _, key in pairs}).values_list("label", "key", "entity_id")
    return {(label, key): entity_id for label, key, entity_id in rows if (label, key) in pairs}


def resolve(pairs: Iterable[Pair]) -> dict[Pair, int]:
    """Entity ids for (label, key) pairs, creating entities (and aliases) for new pairs."""
    pairs = {p for p in pairs if p[1]}
    found = existing(pairs)
    # Sorted, so two transactions take the advisory locks in the same order.
    for label, key in sorted(pairs - found.keys()):
        _lock(key)
        entity_id = existing([(label, key)]).get((label, key))
        found[(label, key)] = entity_id if entity_id is not None else _create(label, key)
    return found


def _lock(key: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", ["entities.key:" + key])


def _create(label: str, key: str) -> int:
    if not label:
        candidates = list(
            EntityAlias.objects.filter(key=key)
            .exclude(label="")
            .values_list("entity_id", "label", "entity__public_mentions")
        )
        if candidates:

            def rank(row):
                entity_id, alias_label, mentions = row
                order = SPEAKER_LABEL_PREFERENCE.index(alias_label) if alias_label in SPEAKER_LABEL_PREFERENCE else 9
                return (order, -mentions, entity_id)

            entity_id = min(candidates, key=rank)[0]
            EntityAlias.objects.create(entity_id=entity_id, label="", key=key)
            return entity_id
    entity = Entity.objects.create(label=label, key=key)
    EntityAlias.objects.create(entity=entity, label=label, key=key)
    if label:
        speaker = EntityAlias.objects.filter(label="", key=key, entity__label="").values_list("entity_id", flat=True).first()
        if speaker is not None:
            from entities import aggregates

            aggregates.rebuild(merge_into(entity.pk, [speaker]))
    return entity.pk


def merge_into(target_id: int, source_ids: Iterable[int], *, user=None) -> set[int]:
    """Move the aliases, mentions and quotes of ``source_ids`` to ``target_id`` and delete the sources.

    Old ids are remembered (:class:`EntityRedirect`) so their pages lead to the
    target. Returns the entity ids whose counts changed (the target). The
    caller checks labels and permissions.
    """
    sources = sorted({s for s in source_ids if s != target_id})
    if not sources:
        return set()
    EntityAlias.objects.filter(entity_id__in=sources).update(entity_id=target_id)
    EntityMention.objects.filter(entity_id__in=sources).update(entity_id=target_id)
    SpeakerQuote.objects.filter(entity_id__in=sources).update(entity_id=target_id)
    # Redirects to a source now lead to the target, and each source redirects there.
    EntityRedirect.objects.filter(entity_id__in=sources).update(entity_id=target_id)
    EntityRedirect.objects.bulk_create(
        [EntityRedirect(old_id=s, entity_id=target_id, merged_by=user if _signed_in(user) else None) for s in sources],
        update_conflicts=True,
        unique_fields=["old_id"],
        update_fields=["entity"],
    )
    Entity.objects.filter(pk__in=sources).delete()
    Entity.objects.filter(pk=target_id).update(updated=timezone.now())
    return {target_id}


def move_aliases(entity_id: int, new_entity_id: int, pairs: Iterable[Pair]) -> None:
    """Move some aliases of ``entity_id``, and the mentions and quotes they name, to ``new_entity_id``."""
    pairs = list(pairs)
    condition = Q()
    for label, key in pairs:
        condition |= Q(label=label, key=key)
    EntityAlias.objects.filter(condition, entity_id=entity_id).update(entity_id=new_entity_id)
    EntityMention.objects.filter(condition, entity_id=entity_id).update(entity_id=new_entity_id)
    SpeakerQuote.objects.filter(condition, entity_id=entity_id).update(entity_id=new_entity_id)


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)
