"""Annotation projects: who marks which articles, and how their marks become one curated version.

Rows change through :mod:`projects.services` only (assignment balance, reopening, curation rules).
Marks themselves are ordinary :class:`annotations.models.Annotation` rows: annotators' marks are
``human``/``accepted`` annotations they created, the gold layer is ``curated`` ones.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Project(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    group = models.ForeignKey(
        "annotations.Group", verbose_name=_("group"), on_delete=models.PROTECT, related_name="projects"
    )
    label_set = models.ForeignKey(
        "annotations.LabelSet", verbose_name=_("label set"), on_delete=models.PROTECT, related_name="projects"
    )
    guidelines = models.TextField(_("guidelines"), blank=True, help_text=_("Markdown, shown beside the article."))
    blind = models.BooleanField(
        _("blind"), default=False, help_text=_("Annotators see only their own marks and suggestions until curation.")
    )
    annotators_per_article = models.PositiveSmallIntegerField(_("annotators per article (k)"), default=2)
    agreement_needed = models.PositiveSmallIntegerField(
        _("agreeing annotators for pre-merge (m)"), default=2, help_text=_("Marks at least m annotators agree on are curated automatically.")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("annotation project")
        verbose_name_plural = _("annotation projects")
        constraints = [
            models.CheckConstraint(condition=Q(annotators_per_article__gte=1), name="project_k_positive"),
            models.CheckConstraint(
                condition=Q(agreement_needed__gte=1, agreement_needed__lte=F("annotators_per_article")),
                name="project_m_within_k",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def blind_key(self) -> str:
        return f"project:{self.pk}"


class ProjectMember(models.Model):
    class Role(models.TextChoices):
        ANNOTATOR = "annotator", _("annotator")
        CURATOR = "curator", _("curator")
        MANAGER = "manager", _("manager")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="project_roles"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role)

    class Meta:
        ordering = ["project_id", "role", "user_id"]
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        constraints = [
            models.UniqueConstraint(fields=["project", "user", "role"], name="project_member_unique_role"),
            models.CheckConstraint(condition=Q(role__in=["annotator", "curator", "manager"]), name="project_member_role_valid"),
        ]


class ProjectArticle(models.Model):
    class Curation(models.TextChoices):
        OPEN = "open", _("not curated")
        STARTED = "started", _("curation started")
        DONE = "done", _("curated")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="articles")
    article = models.ForeignKey(
        "newsreader.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="project_entries"
    )
    added = models.DateTimeField(_("added"), auto_now_add=True)
    curation = models.CharField(_("curation"), max_length=8, choices=Curation, default=Curation.OPEN)
    curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("curated by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    curated_at = models.DateTimeField(_("curated at"), null=True, blank=True)

    class Meta:
        ordering = ["project_id", "id"]
        verbose_name = _("project article")
        verbose_name_plural = _("project articles")
        constraints = [
            models.UniqueConstraint(fields=["project", "article"], name="project_article_unique"),
            models.CheckConstraint(condition=Q(curation__in=["open", "started", "done"]), name="project_article_curation_valid"),
        ]


class Assignment(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("assigned")
        STARTED = "started", _("started")
        FINISHED = "finished", _("finished")

    entry = models.ForeignKey(ProjectArticle, verbose_name=_("article"), on_delete=models.CASCADE, related_name="assignments")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("annotator"), on_delete=models.CASCADE, related_name="assignments"
    )
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.ASSIGNED)
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["entry_id", "annotator_id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["entry", "annotator"], name="assignment_unique_annotator"),
            models.CheckConstraint(condition=Q(status__in=["assigned", "started", "finished"]), name="assignment_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="finished") | Q(finished_at__isnull=False), name="assignment_finished_at"
            ),
        ]
        indexes = [models.Index(fields=["annotator", "status"], name="assignment_queue_idx")]


class CurationDecision(models.Model):
    """How one disagreement (or agreement) of an article was settled, and from whose marks.

    ``annotation`` is the curated mark it produced (none when the curator rejected every version).
    """

    class Method(models.TextChoices):
        AUTO = "auto", _("pre-merged (m of k agreed)")
        CHOSEN = "chosen", _("chosen by the curator")
        REJECTED = "rejected", _("rejected by the curator")

    entry = models.ForeignKey(ProjectArticle, verbose_name=_("article"), on_delete=models.CASCADE, related_name="decisions")
    # Where the disagreement is (the union of its marks' spans) and what kind of marks.
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    kind = models.CharField(_("kind"), max_length=6)
    method = models.CharField(_("method"), max_length=8, choices=Method)
    annotation = models.OneToOneField(
        "annotations.Annotation",
        verbose_name=_("curated mark"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="curation",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    # Provenance: the annotators' marks it came from (ids kept even if a mark is later deleted) and their authors.
    source_annotation_ids = models.JSONField(_("source marks"), default=list)
    annotators = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("from the marks of"), related_name="+")
    # What the curator saw, to show what changed when the article is curated again.
    fingerprint = models.CharField(_("versions seen"), max_length=64)

    class Meta:
        ordering = ["entry_id", "start", "end", "id"]
        verbose_name = _("curation decision")
        verbose_name_plural = _("curation decisions")
        constraints = [
            models.UniqueConstraint(fields=["entry", "kind", "start", "end"], name="curation_decision_unique_place"),
            models.CheckConstraint(condition=Q(method__in=["auto", "chosen", "rejected"]), name="curation_method_valid"),
        ]
