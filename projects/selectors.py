"""Queries of annotation projects: queues, progress, the data agreement is computed on, article pickers."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet

from annotations.models import Annotation, Label
from arabic.tokens import token_spans
from newsreader.models import Article
from projects.agreement import ENTITY, QUOTE_LABEL, Doc, Mark
from projects.models import Assignment, Project, ProjectArticle, ProjectMember
from projects.services import ANNOTATOR_STATUSES

# Activity closer together than this counts as one working stretch (time spent, not a stopwatch).
ACTIVITY_GAP = timedelta(minutes=10)
# A lone action (or the first of a stretch) counts this long.
ACTIVITY_MIN = timedelta(minutes=1)


def projects_for(user) -> QuerySet[Project]:
    """Projects ``user`` has a role in (staff: all)."""
    if not getattr(user, "is_authenticated", False):
        return Project.objects.none()
    if user.is_staff:
        return Project.objects.all()
    return Project.objects.filter(
        Q(members__user_id=user.pk)
        | Q(group__memberships__user_id=user.pk, group__memberships__role__in=["moderator", "owner"])
    ).distinct()


def queue(user) -> list[Assignment]:
    """What ``user`` has to do next: unfinished assignments first (started before new), then finished ones."""
    rows = (
        Assignment.objects.filter(annotator_id=user.pk)
        .select_related("entry__project", "entry__article__current_revision")
        .order_by("entry__project__name", "entry_id")
    )
    order = {Assignment.Status.STARTED: 0, Assignment.Status.ASSIGNED: 1, Assignment.Status.FINISHED: 2}
    return sorted(rows, key=lambda row: order[row.status])


def articles_matching(*, source=None, date_from: date | None = None, date_to: date | None = None, query: str = "") -> QuerySet[Article]:
    """Articles to add to a project: by source, publication dates and words of the current text."""
    rows = Article.objects.filter(current_revision__isnull=False)
    if source is not None:
        rows = rows.filter(source=source)
    if date_from is not None:
        rows = rows.filter(published_on__gte=date_from)
    if date_to is not None:
        rows = rows.filter(published_on__lte=date_to)
    for word in query.split():
        rows = rows.filter(current_revision__text__contains=word)
    return rows.order_by("id")


@dataclass
class AnnotatorProgress:
    user_id: int
    username: str
    statuses: Counter = field(default_factory=Counter)
    marks: Counter = field(default_factory=Counter)  # per label code (quotes as QUOTE_LABEL)
    seconds: float = 0.0

    @property
    def assigned(self) -> int:
        return sum(self.statuses.values())


@dataclass
class Progress:
    articles: int
    curated: int
    curation_started: int
    annotators: list[AnnotatorProgress]
    labels: list[str]

    @property
    def max_assigned(self) -> int:
        return max([a.assigned for a in self.annotators] or [0])

    @property
    def max_marks(self) -> int:
        return max([n for a in self.annotators for n in a.marks.values()] or [0])


def _activity_seconds(times: list) -> float:
    """Working time from a sorted list of action times: stretches with gaps under ACTIVITY_GAP."""
    if not times:
        return 0.0
    total = ACTIVITY_MIN
    for before, after in zip(times, times[1:]):
        gap = after - before
        total += gap if gap <= ACTIVITY_GAP else ACTIVITY_MIN
    return total.total_seconds()


def progress(project: Project) -> Progress:
    """Per annotator: assignments by status, marks per label, time spent (from their marks' times)."""
    entries = ProjectArticle.objects.filter(project=project)
    curation = Counter(entries.values_list("curation", flat=True))
    people: dict[int, AnnotatorProgress] = {}
    for member in ProjectMember.objects.filter(project=project, role=ProjectMember.Role.ANNOTATOR).select_related("user"):
        people[member.user_id] = AnnotatorProgress(member.user_id, member.user.get_username())
    for row in Assignment.objects.filter(entry__project=project).values("annotator_id", "status").annotate(n=Count("id")):
        if row["annotator_id"] in people:
            people[row["annotator_id"]].statuses[row["status"]] += row["n"]
    assigned = set(Assignment.objects.filter(entry__project=project).values_list("entry__article_id", "annotator_id"))
    marks = Annotation.objects.filter(
        article_id__in=entries.values("article_id"), creator_id__in=list(people), status__in=ANNOTATOR_STATUSES,
        orphaned=False,
    ).values_list("article_id", "creator_id", "kind", "label__code", "created", "modified")  # fmt: skip
    times: dict[tuple[int, int], list] = defaultdict(list)
    for article_id, creator_id, kind, code, created, modified in marks.iterator(chunk_size=5000):
        if (article_id, creator_id) not in assigned:
            continue
        people[creator_id].marks[code if kind == Annotation.Kind.ENTITY else QUOTE_LABEL] += 1
        times[(article_id, creator_id)] += [created, modified] if modified != created else [created]
    for (_, creator_id), stamps in times.items():
        people[creator_id].seconds += _activity_seconds(sorted(stamps))
    labels = [*project.label_set.labels.values_list("code", flat=True), QUOTE_LABEL]
    return Progress(
        articles=sum(curation.values()), curated=curation.get(ProjectArticle.Curation.DONE, 0),
        curation_started=curation.get(ProjectArticle.Curation.STARTED, 0), annotators=list(people.values()), labels=labels,
    )  # fmt: skip


def labels_of(project: Project) -> list[str]:
    return [*project.label_set.labels.values_list("code", flat=True), QUOTE_LABEL]


def agreement_docs(project: Project, *, article_ids: list[int] | None = None) -> tuple[list[Doc], dict[int, str]]:
    """The project's documents as agreement input (annotators by username), and usernames by id.

    Four queries however large the project: assignments, texts, label codes, marks (and one for
    quotes' speakers when there are any). Only the marks of the
    annotators assigned to each article count, on its current text.
    """
    assignments = Assignment.objects.filter(entry__project=project)
    if article_ids is not None:
        assignments = assignments.filter(entry__article_id__in=article_ids)
    who: dict[int, set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    for article_id, annotator_id, username in assignments.values_list("entry__article_id", "annotator_id", "annotator__username"):
        who[article_id].add(annotator_id)
        names[annotator_id] = username
    texts, revisions = {}, {}
    for pk, text, revision_id in Article.objects.filter(pk__in=list(who)).values_list("pk", "current_revision__text", "current_revision_id"):
        texts[pk], revisions[pk] = text, revision_id
    docs = {pk: Doc(key=pk, tokens=token_spans(texts[pk] or ""), marks={names[u]: [] for u in users}) for pk, users in who.items()}
    codes = dict(Label.objects.values_list("pk", "code"))
    rows = Annotation.objects.filter(
        article_id__in=list(who), creator_id__in=list(names), status__in=ANNOTATOR_STATUSES, orphaned=False, hidden=False
    ).values_list(
        "id", "article_id", "revision_id", "creator_id", "kind", "start", "end", "label_id", "quote_type", "speaker_id", "speaker_name"
    )  # fmt: skip
    quotes = []
    entity = Annotation.Kind.ENTITY
    for pk, article_id, revision_id, creator_id, kind, start, end, label_id, quote_type, speaker_id, s_name in rows.iterator(chunk_size=20000):
        if creator_id not in who[article_id] or revision_id != revisions[article_id]:
            continue
        if kind == entity:
            docs[article_id].marks[names[creator_id]].append(Mark(start, end, codes[label_id], ENTITY, "", "", pk))
        else:
            quotes.append((article_id, names[creator_id], pk, start, end, quote_type, speaker_id, s_name))
    # Quotes' speakers as comparable keys: the speaker mark's span (one more query, only when needed).
    spans = {}
    if any(q[6] for q in quotes):
        spans = {pk: (s, e) for pk, s, e in Annotation.objects.filter(pk__in=[q[6] for q in quotes if q[6]]).values_list("pk", "start", "end")}
    for article_id, name, pk, start, end, quote_type, speaker_id, s_name in quotes:
        if speaker_id in spans:
            speaker = "span:%d-%d" % spans[speaker_id]
        else:
            speaker = f"name:{' '.join(s_name.split())}" if s_name.strip() else ""
        docs[article_id].marks[name].append(Mark(start, end, QUOTE_LABEL, "quote", speaker, quote_type, pk))
    return [docs[pk] for pk in sorted(docs)], names


def article_titles(article_ids) -> dict[int, str]:
    return dict(Article.objects.filter(pk__in=list(article_ids)).values_list("pk", "current_revision__title"))


def article_texts(article_ids) -> dict[int, str]:
    return dict(Article.objects.filter(pk__in=list(article_ids)).values_list("pk", "current_revision__text"))
