"""The rules of annotation projects, once: who may do what, balanced assignment, finishing and
reopening, blind mode, automatic pre-merge and the curator's decisions (with provenance).

Marks are written through :mod:`annotations.services` (never directly): curated marks are ordinary
annotations with status ``curated``, created inside :func:`annotations.services.curation_writes`.
Blind mode fills :class:`annotations.models.BlindArticle` rows, which the visibility rule of
:mod:`annotations.selectors` consults (annotations never imports this app).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from annotations.errors import Conflict, Forbidden, NotFound
from annotations.models import Annotation, BlindArticle, Group, LabelSet, Membership
from annotations.services import annotation_create, annotation_delete, curation_writes
from entities.services import entity_link_annotations
from newsreader.models import Article
from projects.models import Assignment, CurationDecision, Project, ProjectArticle, ProjectMember

Role = ProjectMember.Role
# Whose marks count as an annotator's version: what people made or accepted.
ANNOTATOR_STATUSES = (Annotation.Status.HUMAN, Annotation.Status.ACCEPTED)


# --- permissions ---------------------------------------------------------------------------


def roles_of(user, project: Project) -> set[str]:
    """The caller's roles in the project (managers include the group's moderators and staff); two queries."""
    return _roles(user, project)


def _roles(user, project: Project) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    roles = set(ProjectMember.objects.filter(project=project, user_id=user.pk).values_list("role", flat=True))
    if user.is_staff or Membership.objects.filter(
        group_id=project.group_id, user_id=user.pk, role__in=Membership.MODERATING_ROLES
    ).exists():
        roles.add(Role.MANAGER)
    return roles


def _require(user, project: Project, *roles: str) -> set[str]:
    have = _roles(user, project)
    if not have & set(roles):
        raise Forbidden(f"This needs the {' or '.join(roles)} role in project {project.name!r}.")
    return have


def can_curate(user, project: Project) -> bool:
    return bool(_roles(user, project) & {Role.CURATOR, Role.MANAGER})


def can_view(user, project: Project) -> bool:
    return bool(_roles(user, project))


def can_manage(user, project: Project) -> bool:
    return Role.MANAGER in _roles(user, project)


# --- projects and members -------------------------------------------------------------------


def project_create(
    *,
    user,
    name: str,
    group: Group,
    label_set: LabelSet,
    guidelines: str = "",
    blind: bool = False,
    annotators_per_article: int = 2,
    agreement_needed: int = 2,
) -> Project:
    """A new project of ``group``; only the group's owners/moderators (or staff) may create one."""
    if not (user.is_staff or Membership.objects.filter(
        group=group, user_id=user.pk, role__in=Membership.MODERATING_ROLES
    ).exists()):  # fmt: skip
        raise Forbidden("Only moderators of the group may create a project for it.")
    if not 1 <= agreement_needed <= annotators_per_article:
        raise Conflict(
            f"m (agreeing annotators, {agreement_needed}) must be between 1 and k ({annotators_per_article}).",
            code="invalid", field="agreement_needed",
        )  # fmt: skip
    if Project.objects.filter(name=name).exists():
        raise Conflict(f"A project named {name!r} exists already.", field="name")
    return Project.objects.create(
        name=name, group=group, label_set=label_set, guidelines=guidelines, blind=blind,
        annotators_per_article=annotators_per_article, agreement_needed=agreement_needed, created_by=user,
    )  # fmt: skip


def member_add(*, user, project: Project, member, role: str) -> ProjectMember:
    """Give ``member`` a role; annotators and curators must belong to the project's group."""
    _require(user, project, Role.MANAGER)
    if role not in Role.values:
        raise Conflict(f"role must be one of {', '.join(Role.values)}; got {role!r}.", code="invalid", field="role")
    if not Membership.objects.filter(group_id=project.group_id, user_id=member.pk).exists():
        raise Conflict(f"{member} is not a member of the group {project.group}.", code="not_member", field="member")
    row, _ = ProjectMember.objects.get_or_create(project=project, user=member, role=role)
    _sync_blind(project)
    return row


def annotators_of(project: Project) -> list:
    return [m.user for m in ProjectMember.objects.filter(project=project, role=Role.ANNOTATOR).select_related("user").order_by("user_id")]


# --- articles and assignments ----------------------------------------------------------------


def articles_add(*, user, project: Project, articles: Iterable[Article | int]) -> int:
    """Add articles (ids or rows; by source, date or search: see :mod:`projects.selectors`). Returns how many were new."""
    _require(user, project, Role.MANAGER)
    ids = [getattr(a, "pk", a) for a in articles]
    known = set(Article.objects.filter(pk__in=ids, current_revision__isnull=False).values_list("pk", flat=True))
    missing = [pk for pk in ids if pk not in known]
    if missing:
        raise NotFound(f"No article {missing[0]} (with text) exists.", field="articles")
    existing = set(ProjectArticle.objects.filter(project=project, article_id__in=ids).values_list("article_id", flat=True))
    new = [ProjectArticle(project=project, article_id=pk) for pk in dict.fromkeys(ids) if pk not in existing]
    with transaction.atomic():
        ProjectArticle.objects.bulk_create(new)
        _sync_blind(project)
    return len(new)


def assign_round_robin(*, user, project: Project) -> int:
    """Give every article of the project k annotators, the least loaded first. Returns assignments made.

    Load is the number of the project's assignments an annotator has; ties go to the annotator with
    the lowest id, so the result is deterministic and loads differ by at most one.
    """
    _require(user, project, Role.MANAGER)
    annotators = [u.pk for u in annotators_of(project)]
    k = project.annotators_per_article
    if len(annotators) < k:
        raise Conflict(f"The project needs at least {k} annotators; it has {len(annotators)}.", code="too_few_annotators")
    with transaction.atomic():
        entries = list(ProjectArticle.objects.select_for_update().filter(project=project).order_by("id"))
        load = Counter({pk: 0 for pk in annotators})
        have: dict[int, set[int]] = {e.pk: set() for e in entries}
        for entry_id, annotator_id in Assignment.objects.filter(entry__project=project).values_list("entry_id", "annotator_id"):
            have[entry_id].add(annotator_id)
            if annotator_id in load:
                load[annotator_id] += 1
        new = []
        for entry in entries:
            missing = k - len(have[entry.pk])
            if missing <= 0 or entry.curation != ProjectArticle.Curation.OPEN:
                continue
            free = sorted((pk for pk in annotators if pk not in have[entry.pk]), key=lambda pk: (load[pk], pk))
            for pk in free[:missing]:
                new.append(Assignment(entry=entry, annotator_id=pk))
                load[pk] += 1
        Assignment.objects.bulk_create(new)
    return len(new)


def assign(*, user, project: Project, entry: ProjectArticle, annotators: Iterable) -> list[Assignment]:
    """Assign chosen annotators to one article."""
    _require(user, project, Role.MANAGER)
    allowed = {u.pk for u in annotators_of(project)}
    rows = []
    for member in annotators:
        if member.pk not in allowed:
            raise Conflict(f"{member} is not an annotator of the project.", code="not_annotator", field="annotators")
        rows.append(Assignment.objects.get_or_create(entry=entry, annotator=member)[0])
    return rows


def _assignment(user, entry: ProjectArticle) -> Assignment:
    row = Assignment.objects.select_related("entry").filter(entry=entry, annotator_id=getattr(user, "pk", None)).first()
    if row is None:
        raise NotFound("You are not assigned to this article in this project.")
    return row


def assignment_start(*, user, entry: ProjectArticle) -> Assignment:
    """The annotator opened the article: ``assigned`` becomes ``started`` (once)."""
    row = _assignment(user, entry)
    if row.status == Assignment.Status.ASSIGNED:
        row.status, row.started_at = Assignment.Status.STARTED, timezone.now()
        row.save(update_fields=["status", "started_at"])
    return row


def assignment_finish(*, user, entry: ProjectArticle) -> Assignment:
    row = _assignment(user, entry)
    now = timezone.now()
    row.status, row.finished_at = Assignment.Status.FINISHED, now
    row.started_at = row.started_at or now
    row.save(update_fields=["status", "started_at", "finished_at"])
    return row


def assignment_reopen(*, user, entry: ProjectArticle) -> Assignment:
    """An annotator takes a finished article back; refused once curation has started."""
    row = _assignment(user, entry)
    entry.refresh_from_db(fields=["curation"])
    if entry.curation != ProjectArticle.Curation.OPEN:
        raise Conflict("Curation of this article has started: ask the curator to send it back.", code="curation_started")
    row.status, row.finished_at = Assignment.Status.STARTED, None
    row.save(update_fields=["status", "finished_at"])
    return row


def assignment_send_back(*, user, entry: ProjectArticle, annotator) -> Assignment:
    """A curator reopens an annotator's finished article (its decisions stay; changed ones are flagged)."""
    _require(user, entry.project, Role.CURATOR, Role.MANAGER)
    row = Assignment.objects.get(entry=entry, annotator=annotator)
    row.status, row.finished_at = Assignment.Status.STARTED, None
    row.save(update_fields=["status", "finished_at"])
    entry.refresh_from_db(fields=["curation"])
    if entry.curation == ProjectArticle.Curation.DONE:
        entry.curation = ProjectArticle.Curation.STARTED
        entry.save(update_fields=["curation"])
        _sync_blind(entry.project)
    return row


# --- blind mode --------------------------------------------------------------------------------


def _sync_blind(project: Project) -> None:
    """Blind projects: every article not yet curated is blind, its curators and managers its readers."""
    key = project.blind_key
    wanted = set()
    if project.blind:
        wanted = set(
            ProjectArticle.objects.filter(project=project)
            .exclude(curation=ProjectArticle.Curation.DONE)
            .values_list("article_id", flat=True)
        )
    present = set(BlindArticle.objects.filter(key=key).values_list("article_id", flat=True))
    BlindArticle.objects.filter(key=key).exclude(article_id__in=wanted).delete()
    BlindArticle.objects.bulk_create([BlindArticle(article_id=pk, key=key) for pk in wanted - present])
    if wanted:
        readers = set(
            ProjectMember.objects.filter(project=project, role__in=[Role.CURATOR, Role.MANAGER]).values_list("user_id", flat=True)
        )
        through = BlindArticle.readers.through
        blind_ids = list(BlindArticle.objects.filter(key=key).values_list("pk", flat=True))
        through.objects.filter(blindarticle_id__in=blind_ids).exclude(user_id__in=readers).delete()
        have = set(through.objects.filter(blindarticle_id__in=blind_ids).values_list("blindarticle_id", "user_id"))
        through.objects.bulk_create(
            [through(blindarticle_id=b, user_id=u) for b in blind_ids for u in readers if (b, u) not in have]
        )
    _recount_entities(wanted ^ present)


def _recount_entities(article_ids: set[int]) -> None:
    """Entity pages cache whether a mark counts for everyone; blindness changed that on these articles."""
    for article_id in sorted(article_ids):
        ids = list(Annotation.objects.filter(article_id=article_id).values_list("pk", flat=True))
        if ids:
            entity_link_annotations(action="updated", annotation_ids=ids, article_id=article_id)


# --- curation ---------------------------------------------------------------------------------


@dataclass
class Variant:
    """One version of a mark: its span and values, and whose marks say exactly this."""

    kind: str
    start: int
    end: int
    exact: str
    label_id: int | None
    label: str
    quote_type: str
    speaker: str  # comparable key: "span:s-e" of the speaker mark, or "name:…"
    speaker_text: str
    supporters: list[tuple[int, str, int]] = field(default_factory=list)  # (annotator id, username, annotation id)

    @property
    def key(self) -> tuple:
        return (self.kind, self.start, self.end, self.label, self.quote_type, self.speaker)


@dataclass
class Cluster:
    """Overlapping marks of one kind: the unit of one curation decision."""

    kind: str
    start: int
    end: int
    variants: list[Variant]
    decision: CurationDecision | None = None

    @property
    def fingerprint(self) -> str:
        parts = sorted(f"{v.key}|{sorted(s[0] for s in v.supporters)}" for v in self.variants)
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:64]

    @property
    def changed(self) -> bool:
        """Decided, but the annotators' versions are no longer what the curator saw."""
        return self.decision is not None and self.decision.fingerprint != self.fingerprint


def annotator_marks(entry: ProjectArticle) -> list[dict]:
    """The assigned annotators' live marks on the article's current text (one query)."""
    annotator_ids = Assignment.objects.filter(entry=entry).values("annotator_id")
    return list(
        Annotation.objects.filter(
            article_id=entry.article_id,
            revision_id=entry.article.current_revision_id,
            creator_id__in=annotator_ids,
            status__in=ANNOTATOR_STATUSES,
            orphaned=False,
            hidden=False,
        )
        .order_by("start", "end", "id")
        .values(
            "id", "kind", "start", "end", "exact", "label_id", "label__code", "quote_type", "speaker_name",
            "speaker__start", "speaker__end", "speaker__exact", "creator_id", "creator__username",
        )
    )  # fmt: skip


def _speaker(row: dict) -> tuple[str, str]:
    if row["kind"] != Annotation.Kind.QUOTE:
        return "", ""
    if row["speaker__start"] is not None:
        return f"span:{row['speaker__start']}-{row['speaker__end']}", row["speaker__exact"]
    name = " ".join((row["speaker_name"] or "").split())
    return (f"name:{name}" if name else ""), name


def clusters_of(rows: list[dict]) -> list[Cluster]:
    """Group marks into clusters of overlapping spans (per kind) and their distinct versions."""
    clusters: list[Cluster] = []
    for kind in (Annotation.Kind.ENTITY, Annotation.Kind.QUOTE):
        current: Cluster | None = None
        variants: dict[tuple, Variant] = {}
        for row in (r for r in rows if r["kind"] == kind):  # rows come in reading order
            if current is None or row["start"] >= current.end:
                current = Cluster(kind=kind, start=row["start"], end=row["end"], variants=[])
                clusters.append(current)
                variants = {}
            current.end = max(current.end, row["end"])
            speaker, speaker_text = _speaker(row)
            variant = Variant(
                kind=kind, start=row["start"], end=row["end"], exact=row["exact"], label_id=row["label_id"],
                label=row["label__code"] or "", quote_type=row["quote_type"], speaker=speaker, speaker_text=speaker_text,
            )  # fmt: skip
            variant = variants.setdefault(variant.key, variant)
            if not variant.supporters:
                current.variants.append(variant)
            variant.supporters.append((row["creator_id"], row["creator__username"], row["id"]))
    clusters.sort(key=lambda c: (c.start, c.end, c.kind))
    for cluster in clusters:
        cluster.variants.sort(key=lambda v: (-len(v.supporters), v.start, v.end, v.label))
    return clusters


def curation_state(entry: ProjectArticle) -> list[Cluster]:
    """The article's clusters with the decision already taken on each (if any)."""
    clusters = clusters_of(annotator_marks(entry))
    decisions = {(d.kind, d.start, d.end): d for d in CurationDecision.objects.filter(entry=entry)}
    for cluster in clusters:
        cluster.decision = decisions.get((cluster.kind, cluster.start, cluster.end))
    return clusters


def _premerge_choice(cluster: Cluster, m: int) -> Variant | None:
    """The one version at least m annotators agree on exactly, if there is exactly one."""
    agreed = [v for v in cluster.variants if len({s[0] for s in v.supporters}) >= m]
    return agreed[0] if len(agreed) == 1 else None


def _curated_speaker(entry: ProjectArticle, variant: Variant) -> dict:
    """A curated quote's speaker: the curated entity on the speaker's span if there is one, else its name."""
    if not variant.speaker:
        return {}
    if variant.speaker.startswith("span:"):
        start, end = (int(x) for x in variant.speaker[5:].split("-"))
        entity = Annotation.objects.filter(
            article_id=entry.article_id, status=Annotation.Status.CURATED, kind=Annotation.Kind.ENTITY, start=start, end=end,
            orphaned=False,
        ).values_list("pk", flat=True).first()  # fmt: skip
        if entity:
            return {"speaker": entity}
    return {"speaker_name": variant.speaker_text[:200]}


def _write_decision(*, user, entry: ProjectArticle, cluster: Cluster, variant: Variant | None, method: str) -> CurationDecision:
    old = CurationDecision.objects.filter(entry=entry, kind=cluster.kind, start=cluster.start, end=cluster.end).first()
    if old is not None:
        if old.annotation_id:
            with curation_writes():
                annotation_delete(user=user, annotation_id=old.annotation_id, expected_version=None)
        old.delete()
    mark = None
    if variant is not None:
        fields = {"label": variant.label_id} if variant.kind == Annotation.Kind.ENTITY else {
            "quote_type": variant.quote_type, **_curated_speaker(entry, variant)
        }  # fmt: skip
        # Public: the curated layer is the team's gold, to publish and to teach the suggesters (which
        # learn from public marks only). In blind projects it stays hidden until the article is curated.
        with curation_writes():
            mark = annotation_create(
                user=user, article=entry.article_id, kind=variant.kind, start=variant.start, end=variant.end,
                status=Annotation.Status.CURATED, visibility=Annotation.Visibility.PUBLIC,
                **fields,
            )  # fmt: skip
    decision = CurationDecision.objects.create(
        entry=entry, kind=cluster.kind, start=cluster.start, end=cluster.end, method=method, annotation=mark,
        decided_by=user, fingerprint=cluster.fingerprint,
        source_annotation_ids=[s[2] for s in variant.supporters] if variant else [],
    )  # fmt: skip
    if variant is not None:
        decision.annotators.set({s[0] for s in variant.supporters})
    return decision


def curation_start(*, user, entry: ProjectArticle) -> list[Cluster]:
    """Start (or resume) curating: from now on annotators cannot reopen; pre-merge what m of k agree on."""
    project = entry.project
    _require(user, project, Role.CURATOR, Role.MANAGER)
    with transaction.atomic():
        entry = ProjectArticle.objects.select_for_update().select_related("project", "article").get(pk=entry.pk)
        if entry.curation == ProjectArticle.Curation.OPEN:
            entry.curation = ProjectArticle.Curation.STARTED
            entry.save(update_fields=["curation"])
        clusters = curation_state(entry)
        # Decisions on places that no longer exist (an annotator changed their marks after being sent
        # back) go, with their curated marks: the place shows up again as a disagreement to settle.
        places = {(c.kind, c.start, c.end) for c in clusters}
        for stale in CurationDecision.objects.filter(entry=entry):
            if (stale.kind, stale.start, stale.end) not in places:
                if stale.annotation_id:
                    with curation_writes():
                        annotation_delete(user=user, annotation_id=stale.annotation_id, expected_version=None)
                stale.delete()
        for cluster in clusters:
            if cluster.decision is not None and not cluster.changed:
                continue
            if cluster.decision is not None and cluster.decision.method != CurationDecision.Method.AUTO:
                continue  # the curator's own decision on something that changed: shown flagged, theirs to redo
            choice = _premerge_choice(cluster, project.agreement_needed)
            if choice is not None:
                cluster.decision = _write_decision(
                    user=user, entry=entry, cluster=cluster, variant=choice, method=CurationDecision.Method.AUTO
                )
    return curation_state(entry)


def curation_decide(*, user, entry: ProjectArticle, start: int, end: int, kind: str, choice: int | None) -> CurationDecision:
    """Settle the cluster at ``kind``/``start``/``end``: keep its ``choice``-th version (0-based), or none (None)."""
    _require(user, entry.project, Role.CURATOR, Role.MANAGER)
    with transaction.atomic():
        entry = ProjectArticle.objects.select_for_update().select_related("project", "article").get(pk=entry.pk)
        if entry.curation == ProjectArticle.Curation.OPEN:
            raise Conflict("Start curating the article first.", code="curation_not_started")
        cluster = next((c for c in curation_state(entry) if (c.kind, c.start, c.end) == (kind, start, end)), None)
        if cluster is None:
            raise NotFound("No such disagreement in this article (the annotators' marks changed?): reload.")
        if choice is not None and not 0 <= choice < len(cluster.variants):
            raise Conflict(f"choice must be between 0 and {len(cluster.variants) - 1}.", code="invalid", field="choice")
        variant = cluster.variants[choice] if choice is not None else None
        method = CurationDecision.Method.CHOSEN if variant else CurationDecision.Method.REJECTED
        return _write_decision(user=user, entry=entry, cluster=cluster, variant=variant, method=method)


def curation_finish(*, user, entry: ProjectArticle) -> ProjectArticle:
    """Every cluster is settled: the article is curated (and no longer blind)."""
    _require(user, entry.project, Role.CURATOR, Role.MANAGER)
    with transaction.atomic():
        entry = ProjectArticle.objects.select_for_update().select_related("project", "article").get(pk=entry.pk)
        open_ = [c for c in curation_state(entry) if c.decision is None or c.changed]
        if open_:
            raise Conflict(f"{len(open_)} disagreement(s) are not settled yet.", code="unsettled")
        entry.curation, entry.curated_by, entry.curated_at = ProjectArticle.Curation.DONE, user, timezone.now()
        entry.save(update_fields=["curation", "curated_by", "curated_at"])
        _sync_blind(entry.project)
    return entry


def entry_for(*, user, project_id: int, article_id: int) -> ProjectArticle:
    entry = ProjectArticle.objects.select_related("project", "article").filter(project_id=project_id, article_id=article_id).first()
    if entry is None or not can_view(user, entry.project):
        raise NotFound("No such article in this project (or not visible to you).")
    return entry


def loads(project: Project) -> dict[int, int]:
    """Assignments per annotator in the project."""
    rows = Assignment.objects.filter(entry__project=project).values("annotator_id").annotate(n=Count("id")).order_by()
    return {row["annotator_id"]: row["n"] for row in rows}

