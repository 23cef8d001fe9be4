"""Label sets, groups, annotations and their replies.

Invariants that the database can hold (spans, uniqueness, "an entity has a
label", "a group annotation names its group") are constraints here, like
doccano's span checks; rules that need context (bounds against the revision's
text, grapheme boundaries, permissions, re-anchoring) live in
:mod:`annotations.services`. Create and change these rows through the services,
never with ``save()`` alone.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arabic.clean import neutralise_bidi

# How much text around a span is kept to find it again (W3C TextQuoteSelector).
CONTEXT_LENGTH = 32


class LabelSet(models.Model):
    """A named set of entity labels offered to annotators (per source or article)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Used for articles whose source names no label set.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("label set")
        verbose_name_plural = _("label sets")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_label_set")
        ]

    def __str__(self) -> str:
        return self.name


class Label(models.Model):
    label_set = models.ForeignKey(LabelSet, verbose_name=_("label set"), on_delete=models.CASCADE, related_name="labels")
    code = models.CharField(_("code"), max_length=16, help_text=_("Short machine name, e.g. PER, ORG, LOC."))
    name_ar = models.CharField(_("Arabic name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    color = models.CharField(
        _("colour"),
        max_length=7,
        default="#f2c94c",
        help_text=_("#rrggbb"),
    )
    shortcut = models.CharField(_("keyboard shortcut"), max_length=1, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["label_set", "order", "code"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        constraints = [
            models.UniqueConstraint(fields=["label_set", "code"], name="label_unique_code"),
            models.UniqueConstraint(
                fields=["label_set", "shortcut"], condition=~Q(shortcut=""), name="label_unique_shortcut"
            ),
            models.CheckConstraint(condition=Q(color__regex=r"^#[0-9a-fA-F]{6}$"), name="label_color_hex"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name_ar}"


class Group(models.Model):
    """A team of annotators. Annotations shared with a group are seen by its members only."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="annotation_groups",
        verbose_name=_("members"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        # Moderators may edit, hide or delete any annotation of the group.
        MODERATOR = "moderator", _("moderator")
        # Owners moderate and also manage the group and its members.
        OWNER = "owner", _("owner")

    group = models.ForeignKey(Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="annotation_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.MEMBER)
    created = models.DateTimeField(_("joined"), auto_now_add=True)

    MODERATING_ROLES = (Role.MODERATOR, Role.OWNER)

    class Meta:
        ordering = ["group_id", "user_id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_unique_user"),
            models.CheckConstraint(condition=Q(role__in=["member", "moderator", "owner"]), name="membership_role_valid"),
        ]
        indexes = [models.Index(fields=["user", "role"], name="membership_user_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.group} ({self.role})"


class Annotation(models.Model):
    """A span of one article revision's text: a named entity or an attributed quote.

    ``start``/``end`` count Unicode code points into ``revision.text`` (the
    offset contract of :mod:`newsreader.document`); ``exact``, ``prefix`` and
    ``suffix`` keep the quoted text and its context so the span can be found
    again when the text changes. Carry-over moves an annotation to the new
    revision, or leaves it on its old revision marked ``orphaned`` where its
    text is gone: annotations are never deleted by an edit.
    """

    class Kind(models.TextChoices):
        ENTITY = "entity", _("entity")
        QUOTE = "quote", _("quote")

    class QuoteType(models.TextChoices):
        DIRECT = "direct", _("direct")
        INDIRECT = "indirect", _("indirect")
        PARTIAL = "partial", _("partial")

    class Status(models.TextChoices):
        HUMAN = "human", _("human")
        SUGGESTED = "suggested", _("suggested")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        # The agreed version of a project's annotators (projects/ curation), made only by curation.
        CURATED = "curated", _("curated")

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("private")
        GROUP = "group", _("group")
        PUBLIC = "public", _("public")

    article = models.ForeignKey(
        "newsreader.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="annotations"
    )
    # RESTRICT: a revision someone annotated is history, not garbage; it can
    # only go together with its article (whose annotations cascade too).
    revision = models.ForeignKey(
        "newsreader.ArticleRevision", verbose_name=_("revision"), on_delete=models.RESTRICT, related_name="annotations"
    )
    kind = models.CharField(_("kind"), max_length=6, choices=Kind)
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    exact = models.TextField(_("quoted text"))
    prefix = models.CharField(_("text before"), max_length=CONTEXT_LENGTH, blank=True)
    suffix = models.CharField(_("text after"), max_length=CONTEXT_LENGTH, blank=True)

    # entity
    label = models.ForeignKey(
        Label, verbose_name=_("label"), null=True, blank=True, on_delete=models.PROTECT, related_name="annotations"
    )

    # quote
    speaker = models.ForeignKey(
        "self",
        verbose_name=_("speaker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotes",
        help_text=_("The entity annotation naming who said it."),
    )
    speaker_name = models.CharField(
        _("speaker name"), max_length=200, blank=True, help_text=_("When the speaker is not named in the text.")
    )
    cue_start = models.PositiveIntegerField(_("cue start"), null=True, blank=True)
    cue_end = models.PositiveIntegerField(_("cue end"), null=True, blank=True)
    quote_type = models.CharField(_("quote type"), max_length=8, choices=QuoteType, blank=True)

    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creator"),
        null=True,
        blank=True,
        # Deleting an account keeps the team's public work (without a name).
        on_delete=models.SET_NULL,
        related_name="annotations",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    # Set by the services on every change (queryset.update() skips auto_now).
    modified = models.DateTimeField(_("modified"), default=timezone.now)
    # Who made the last change (a moderator's edit shows as such).
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Bumped by every change, inside the UPDATE itself: the ETag / If-Match value.
    version = models.PositiveIntegerField(_("version"), default=1)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=9, choices=Status, default=Status.HUMAN)
    # Suggestions (language engine): which model proposed it and how sure it was.
    suggester = models.CharField(_("suggested by"), max_length=100, blank=True)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    # Web Annotation Protocol §5.1: a posted annotation's ``canonical`` IRI, kept unchanged, and the
    # ``id`` it had elsewhere, kept as ``via`` (the server assigns the id it is served at).
    # (db_default: rows written by raw SQL elsewhere need no value.)
    canonical = models.CharField(_("canonical IRI"), max_length=2000, blank=True, default="", db_default="")
    via = models.CharField(_("copied from IRI"), max_length=2000, blank=True, default="", db_default="")

    visibility = models.CharField(_("visibility"), max_length=7, choices=Visibility, default=Visibility.PUBLIC)
    group = models.ForeignKey(
        Group, verbose_name=_("group"), null=True, blank=True, on_delete=models.PROTECT, related_name="annotations"
    )

    orphaned = models.BooleanField(_("orphaned"), default=False, help_text=_("Its text is gone from the current revision."))
    orphaned_at = models.DateTimeField(_("orphaned at"), null=True, blank=True)
    hidden = models.BooleanField(_("hidden"), default=False, help_text=_("Hidden by a moderator."))
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)

    class Meta:
        ordering = ["article_id", "start", "end", "id"]
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")
        indexes = [
            # The list endpoint: one article, in reading order.
            models.Index(fields=["article", "start", "end", "id"], name="annotation_article_span_idx"),
            # Carry-over and revision-pinned lists.
            models.Index(fields=["revision", "start"], name="annotation_revision_idx"),
            # Polling with ?modified_since=.
            models.Index(fields=["article", "modified"], name="annotation_modified_idx"),
            models.Index(fields=["creator", "article"], name="annotation_creator_idx"),
            models.Index(fields=["group"], condition=Q(group__isnull=False), name="annotation_group_idx"),
            models.Index(fields=["speaker"], condition=Q(speaker__isnull=False), name="annotation_speaker_idx"),
            models.Index(fields=["label"], condition=Q(label__isnull=False), name="annotation_label_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0) & Q(end__gt=F("start")), name="annotation_span_valid"),
            models.CheckConstraint(condition=Q(kind__in=["entity", "quote"]), name="annotation_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["human", "suggested", "accepted", "rejected", "curated"]),
                name="annotation_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=["private", "group", "public"]), name="annotation_visibility_valid"
            ),
            # An entity is its label; quotes are classified by quote_type instead.
            models.CheckConstraint(
                condition=(Q(kind="entity") & Q(label__isnull=False)) | (Q(kind="quote") & Q(label__isnull=True)),
                name="annotation_label_iff_entity",
            ),
            models.CheckConstraint(
                condition=Q(kind="entity", quote_type="", speaker__isnull=True, speaker_name="", cue_start__isnull=True)
                | Q(kind="quote", quote_type__in=["direct", "indirect", "partial"]),
                name="annotation_quote_fields",
            ),
            models.CheckConstraint(
                condition=Q(cue_start__isnull=True, cue_end__isnull=True)
                | Q(cue_start__isnull=False, cue_end__isnull=False, cue_start__gte=0, cue_end__gt=F("cue_start")),
                name="annotation_cue_valid",
            ),
            models.CheckConstraint(
                condition=~Q(speaker=F("id")) | Q(speaker__isnull=True), name="annotation_not_own_speaker"
            ),
            models.CheckConstraint(
                condition=(Q(visibility="group") & Q(group__isnull=False))
                | (Q(visibility="private") & Q(group__isnull=True))
                | Q(visibility="public"),
                name="annotation_group_visibility",
            ),
            models.CheckConstraint(
                condition=Q(confidence__isnull=True) | Q(confidence__gte=0, confidence__lte=1),
                name="annotation_confidence_range",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="annotation_version_positive"),
            models.CheckConstraint(
                condition=Q(orphaned=False) | Q(orphaned_at__isnull=False), name="annotation_orphaned_at"
            ),
            # An exact duplicate by the same person is refused (409). NULLS NOT
            # DISTINCT so two label-less quotes on one span count as the same.
            models.UniqueConstraint(
                fields=["creator", "revision", "kind", "start", "end", "label"],
                condition=Q(creator__isnull=False),
                nulls_distinct=False,
                name="annotation_unique_per_creator",
            ),
        ]

    def __str__(self) -> str:
        what = self.label.code if self.kind == self.Kind.ENTITY and self.label_id else self.kind
        return f"{what} [{self.start}:{self.end}] {self.exact[:40]}"

    @property
    def etag(self) -> str:
        return f'"{self.pk}-{self.version}"'


class Reply(models.Model):
    """A comment on an annotation, threaded through ``parent``; seen by whoever sees the annotation."""

    annotation = models.ForeignKey(
        Annotation, verbose_name=_("annotation"), on_delete=models.CASCADE, related_name="replies"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("in reply to"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="annotation_replies",
    )
    # Plain text, always shown escaped: never rendered as HTML.
    text = models.TextField(_("text"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)
    hidden = models.BooleanField(_("hidden"), default=False, help_text=_("Hidden by a moderator."))

    class Meta:
        ordering = ["annotation_id", "created", "id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        indexes = [models.Index(fields=["annotation", "created"], name="reply_annotation_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="reply_text_not_empty"),
            models.CheckConstraint(condition=~Q(parent=F("id")) | Q(parent__isnull=True), name="reply_not_own_parent"),
        ]

    def __str__(self) -> str:
        # Shown by the admin (lists, action labels): no bidi controls, also in rows saved before the rule.
        return neutralise_bidi(self.text[:60])


class DeletedAnnotation(models.Model):
    """An annotation deleted through :func:`annotations.trash.annotation_trash`, kept briefly so that whoever
    deleted it can undo that (with its replies and the quotes that named it as their speaker)."""

    annotation_id = models.BigIntegerField(_("annotation id"), unique=True)
    article = models.ForeignKey(
        "newsreader.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("deleted by"), on_delete=models.CASCADE, related_name="+"
    )
    deleted_at = models.DateTimeField(_("deleted at"), default=timezone.now, db_index=True)
    # The annotation's columns, its replies' columns and its quotes' speaker names (annotations/trash.py).
    data = models.JSONField(_("data"))

    class Meta:
        verbose_name = _("deleted annotation")
        verbose_name_plural = _("deleted annotations")

    def __str__(self) -> str:
        return f"annotation {self.annotation_id} deleted by {self.deleted_by_id}"


class ChangeProposal(models.Model):
    """A member's proposed change to someone else's annotation, which its creator, a moderator of its group
    or staff accept (the change is then made in their name) or decline (:mod:`annotations.proposals`)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    annotation = models.ForeignKey(
        Annotation, verbose_name=_("annotation"), on_delete=models.CASCADE, related_name="proposals"
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.CASCADE, related_name="+"
    )
    # The annotation fields to change, as the API takes them (label, quote_type, speaker, speaker_name).
    changes = models.JSONField(_("changes"))
    comment = models.TextField(_("comment"), blank=True)
    base_version = models.PositiveIntegerField(_("version proposed on"))
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.OPEN)
    created = models.DateTimeField(_("created"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["annotation_id", "created", "id"]
        verbose_name = _("change proposal")
        verbose_name_plural = _("change proposals")
        indexes = [
            models.Index(fields=["annotation"], condition=Q(status="open"), name="proposal_open_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["open", "accepted", "declined"]), name="proposal_status_valid"),
        ]

    def __str__(self) -> str:
        return f"proposal {self.pk} on annotation {self.annotation_id}: {self.changes}"


class BlindArticle(models.Model):
    """An article annotated blind: while this row exists, a reader sees only their own marks and the
    machine's suggestions there, unless they are one of its ``readers``.

    The visibility rule (:func:`annotations.selectors.visibility_q`) consults this table, so every path
    that shows annotations (API, exports, pages, live re-fetches) is blind at once. Other apps own the
    rows through ``key`` (``projects`` fills them for blind projects and removes them once the article is
    curated); annotations knows nothing about those apps.
    """

    article = models.ForeignKey(
        "newsreader.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="blind_rows"
    )
    key = models.CharField(_("key"), max_length=64, help_text=_("Who made it blind, e.g. project:7."))
    readers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("readers who see every mark")
    )

    class Meta:
        verbose_name = _("blind article")
        verbose_name_plural = _("blind articles")
        constraints = [models.UniqueConstraint(fields=["article", "key"], name="blind_article_unique_key")]

    def __str__(self) -> str:
        return f"{self.article_id} · {self.key}"


# --- the event log (transactional outbox) ---------------------------------------------

# Every action an event may carry (the database checks it too).
EVENT_ACTIONS = [
    "created", "updated", "deleted", "carried_over", "hidden", "restored",
    "reply_created", "reply_updated", "reply_deleted",
    "proposal_created", "proposal_decided",
]  # fmt: skip


class Event(models.Model):
    """One change to an article's annotations, written in the changing transaction.

    The outbox of :mod:`annotations.outbox`: a write adds its rows and one of
    these, nothing else. Consumers in other apps (entity linking, the CRF's
    counter, live updates) read the log after the commit. ``txid`` is the
    writing transaction (``pg_current_xact_id()``): consumers read the events
    that committed between two snapshots, so an event of a transaction that
    started earlier but committed later is never skipped. ``position`` is the
    event's place in the live-update stream (the SSE ``id:``), given by the
    live relay after the commit in commit order; NULL until then.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        DELETED = "deleted", _("deleted")
        CARRIED_OVER = "carried_over", _("carried over")
        HIDDEN = "hidden", _("hidden")
        RESTORED = "restored", _("restored")
        # A reply on the annotation was written, edited (or hidden/restored) or deleted:
        # ``annotation_ids`` names the annotation, the reader re-fetches it and its replies.
        REPLY_CREATED = "reply_created", _("reply created")
        REPLY_UPDATED = "reply_updated", _("reply updated")
        REPLY_DELETED = "reply_deleted", _("reply deleted")
        # A change to the annotation was proposed, or a proposal accepted, declined or withdrawn
        # (annotations.proposals): readers with its card open fetch its open proposals again.
        PROPOSAL_CREATED = "proposal_created", _("proposal created")
        PROPOSAL_DECIDED = "proposal_decided", _("proposal decided")

    id = models.BigAutoField(primary_key=True)
    article = models.ForeignKey(
        "newsreader.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    action = models.CharField(_("action"), max_length=16, choices=Action)
    annotation_ids = ArrayField(models.BigIntegerField(), verbose_name=_("annotations"))
    created = models.DateTimeField(_("created"), default=timezone.now)
    txid = models.BigIntegerField(_("transaction"), db_default=RawSQL("pg_current_xact_id()::text::bigint", []))
    position = models.BigIntegerField(_("stream position"), null=True, blank=True, unique=True)
    # A deletion: who could see the deleted annotations, as they were (``id``, ``visibility``, ``group_id``,
    # ``creator_id``, ``hidden``, ``status``; never their text), so that a live stream replaying it tells only
    # those readers (annotations.selectors.deleted_ids_visible_to). NULL for other actions.
    gone = models.JSONField(_("deleted annotations' visibility"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            # Replay of the live stream: one article's events after a position.
            models.Index(fields=["article", "position"], name="event_article_position_idx"),
            # Consumers: the events of the transactions that committed since their last snapshot.
            models.Index(fields=["txid"], name="event_txid_idx"),
            # Pruning by age.
            models.Index(fields=["created"], name="event_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(action__in=EVENT_ACTIONS), name="event_action_valid"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.annotation_ids} (article {self.article_id})"

    def as_message(self) -> dict:
        """What a live-update reader receives (see :mod:`live.views`): ids only, never text."""
        return {"id": self.position, "action": self.action, "article": self.article_id, "annotations": self.annotation_ids}


class EventCursor(models.Model):
    """How far one consumer of the event log has read.

    ``snapshot`` (a ``pg_snapshot`` as text) says which transactions' events it
    has handled: exactly those visible in it. While a window of events is being
    handled in several batches, ``upto`` is the snapshot it ends at and
    ``after_id`` the last event of it handled.
    """

    name = models.CharField(_("consumer"), max_length=40, primary_key=True)
    snapshot = models.TextField(_("handled up to"))
    upto = models.TextField(_("window in progress up to"), blank=True, default="")
    after_id = models.BigIntegerField(_("last event handled in the window"), default=0)
    # A run inside a transaction that appended events handles them in that transaction too; its
    # snapshot leaves that transaction out, so these say which of its events were handled already.
    own_txid = models.BigIntegerField(_("transaction of the last run"), null=True, blank=True)
    own_last_id = models.BigIntegerField(_("its last event handled"), default=0)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("event consumer")
        verbose_name_plural = _("event consumers")

    def __str__(self) -> str:
        return self.name
