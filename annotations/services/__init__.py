"""Every change to annotations, replies and groups happens here, with its rules.

Views, serializers, the admin, importers and the language engine call these
functions; none of them saves an annotation directly. Rules (issue 3):

* a span lies inside its revision's text, does not start on a combining mark
  and does not split a grapheme cluster (:func:`arabic.anchoring.check_span`);
* ``exact`` must be the text at the offsets; when it is not, the span is found
  again from ``exact``/``prefix``/``suffix`` (as written, then folded) and the
  corrected offsets are stored, else a ``ValidationError`` says what did not
  match;
* an exact duplicate by the same user is a :class:`~annotations.errors.Conflict`
  (the database's ``annotation_unique_per_creator`` index backs it up);
* a quote's speaker is an entity of the same article revision; labels come from
  the article's label set;
* only the creator, a moderator of the annotation's group or staff may change
  or delete it, and the ``If-Match`` version check happens inside the UPDATE.

Errors: ``django.core.exceptions.ValidationError`` (dict keyed by field, each
error with a ``code`` and for offsets ``params["position"]``) and the classes
of :mod:`annotations.errors`.

The functions live in modules by concern (as Hypothesis's ``h`` splits
``annotation_write`` from ``annotation_read``): :mod:`.annotation_write`,
:mod:`.carry_over`, :mod:`.replies`, :mod:`.groups`, with the checks in
:mod:`.validation` and what they share in :mod:`.base`. This package exports
the public ones, so callers import ``from annotations.services import ...``.
"""

from annotations.services.annotation_write import (
    MAX_BULK_ITEMS,
    annotation_create,
    annotation_delete,
    annotation_set_hidden,
    annotation_update,
    annotations_bulk_create,
    annotations_delete_many,
    annotations_moderate,
)
from annotations.services.base import (
    CARRY_OVER_MIN_CONTEXT,
    CHANGEABLE_FIELDS,
    MAX_NOTE_LENGTH,
    MAX_REPLY_LENGTH,
    SPAN_FIELDS,
    can_change,
    can_moderate,
    curation_writes,
    log_change,
)
from annotations.services.carry_over import (
    CarryOverResult,
    annotations_carry_over,
)
from annotations.services.groups import (
    group_create,
    group_delete,
    group_update,
    membership_add,
    membership_remove,
    membership_update,
)
from annotations.services.replies import (
    reply_create,
    reply_delete,
    reply_set_hidden,
    reply_update,
)

__all__ = [
    "CARRY_OVER_MIN_CONTEXT",
    "CHANGEABLE_FIELDS",
    "CarryOverResult",
    "MAX_BULK_ITEMS",
    "MAX_NOTE_LENGTH",
    "MAX_REPLY_LENGTH",
    "SPAN_FIELDS",
    "annotation_create",
    "annotation_delete",
    "annotation_set_hidden",
    "annotation_update",
    "annotations_bulk_create",
    "annotations_carry_over",
    "annotations_delete_many",
    "annotations_moderate",
    "can_change",
    "can_moderate",
    "curation_writes",
    "log_change",
    "group_create",
    "group_delete",
    "group_update",
    "membership_add",
    "membership_remove",
    "membership_update",
    "reply_create",
    "reply_delete",
    "reply_set_hidden",
    "reply_update",
]
