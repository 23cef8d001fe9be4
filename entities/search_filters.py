"""The article search's entity filters: SQL conditions on the mentions that count for the user who searches.

Built on :mod:`entities.selectors` (the rows a user may count); :mod:`search.forms` asks for them.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q

from entities.selectors import mention_rows


def article_conditions(user, *, labels: Sequence[str] = (), entity_ids: Sequence[int] = ()) -> tuple[tuple[str, tuple], ...]:
    """SQL conditions on ``s.article_id`` for the article search: mentions every entity, and one of the labels.

    Only mentions that count for ``user`` decide.
    """
    out = []
    for entity_id in entity_ids:
        sql, params = mention_rows(user, ["article_id"], Q(entity_id=entity_id))
        out.append((f"EXISTS (SELECT 1 FROM ({sql}) m WHERE m.article_id = s.article_id)", tuple(params)))
    if labels:
        sql, params = mention_rows(user, ["article_id"], Q(label__in=list(labels)))
        out.append((f"EXISTS (SELECT 1 FROM ({sql}) m WHERE m.article_id = s.article_id)", tuple(params)))
    return tuple(out)
