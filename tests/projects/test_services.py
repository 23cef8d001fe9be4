"""Project services with real PostgreSQL: balance, finishing/reopening, pre-merge, curation provenance."""

from __future__ import annotations

import pytest

from annotations.errors import Conflict, Forbidden, NotFound
from annotations.models import Annotation
from annotations.services import annotation_create
from django.core.exceptions import ValidationError
from projects import services
from projects.models import Assignment, CurationDecision, ProjectArticle
from tests.projects.conftest import make_project, span


def test_only_group_moderators_create_projects(team):
    with pytest.raises(Forbidden):
        make_project({**team, "owner": team["ali"]})


def test_m_must_not_exceed_k(team):
    with pytest.raises(Conflict) as caught:
        make_project(team, k=2, m=3)
    assert caught.value.field == "agreement_needed"


def test_members_must_belong_to_the_group(team, project):
    with pytest.raises(Conflict):
        services.member_add(user=team["owner"], project=project, member=team["stranger"], role="annotator")
    with pytest.raises(Forbidden):
        services.member_add(user=team["ali"], project=project, member=team["badr"], role="curator")


def test_round_robin_balances_load(team, project, articles):
    assert services.articles_add(user=team["owner"], project=project, articles=articles) == 6
    assert services.articles_add(user=team["owner"], project=project, articles=articles[:2]) == 0
    assert services.assign_round_robin(user=team["owner"], project=project) == 12  # 6 articles × k=2
    loads = services.loads(project)
    assert sorted(loads.values()) == [4, 4, 4]
    for entry in ProjectArticle.objects.filter(project=project):
        assert entry.assignments.count() == 2
    # Running it again assigns nothing more; new articles go to the least loaded.
    assert services.assign_round_robin(user=team["owner"], project=project) == 0


def test_round_robin_with_uneven_totals_differs_by_at_most_one(team, project, articles):
    services.articles_add(user=team["owner"], project=project, articles=articles[:5])
    services.assign_round_robin(user=team["owner"], project=project)
    loads = sorted(services.loads(project).values())
    assert sum(loads) == 10 and loads[-1] - loads[0] <= 1


def test_too_few_annotators_is_refused(team, articles):
    project = make_project(team, k=3, m=2, name="ثلاثة")
    services.articles_add(user=team["owner"], project=project, articles=articles[:1])
    project.annotators_per_article = 4
    project.agreement_needed = 2
    with pytest.raises(Conflict):
        services.assign_round_robin(user=team["owner"], project=project)


@pytest.fixture
def entry(team, project, articles):
    services.articles_add(user=team["owner"], project=project, articles=articles[:1])
    entry = ProjectArticle.objects.get(project=project)
    services.assign(user=team["owner"], project=project, entry=entry, annotators=[team["ali"], team["badr"]])
    return entry


def test_start_finish_and_reopen_until_curation_starts(team, entry):
    row = services.assignment_start(user=team["ali"], entry=entry)
    assert row.status == "started" and row.started_at
    row = services.assignment_finish(user=team["ali"], entry=entry)
    assert row.status == "finished" and row.finished_at
    assert services.assignment_reopen(user=team["ali"], entry=entry).status == "started"
    services.assignment_finish(user=team["ali"], entry=entry)
    services.curation_start(user=team["curator"], entry=entry)
    with pytest.raises(Conflict) as caught:
        services.assignment_reopen(user=team["ali"], entry=entry)
    assert caught.value.code == "curation_started"
    with pytest.raises(NotFound):
        services.assignment_finish(user=team["carim"], entry=entry)


def test_annotators_cannot_curate(team, entry):
    with pytest.raises(Forbidden):
        services.curation_start(user=team["ali"], entry=entry)


def test_nobody_sets_curated_status_directly(team, articles):
    start, end = span(articles[0], "بايدن")
    with pytest.raises(ValidationError) as caught:
        annotation_create(user=team["ali"], article=articles[0], kind="entity", start=start, end=end, label="PER", status="curated")
    assert caught.value.error_dict["status"][0].code == "curation_only"


def test_premerge_takes_what_m_agree_on_and_leaves_the_rest(team, entry, mark):
    article = entry.article
    a1 = mark(team["ali"], article, "جو بايدن", "PER")
    b1 = mark(team["badr"], article, "جو بايدن", "PER")
    mark(team["ali"], article, "بغداد", "LOC")
    mark(team["badr"], article, "بغداد", "ORG")
    mark(team["badr"], article, "العراق", "LOC")
    clusters = services.curation_start(user=team["curator"], entry=entry)
    assert [(c.start, c.end, c.decision and c.decision.method) for c in clusters] == [
        (*span(article, "جو بايدن"), "auto"),
        (*span(article, "بغداد"), None),
        (*span(article, "العراق"), None),
    ]
    auto = clusters[0].decision
    curated = auto.annotation
    assert (curated.status, curated.label.code, curated.creator, curated.visibility) == (
        "curated", "PER", team["curator"], "public"
    )  # fmt: skip
    assert sorted(auto.source_annotation_ids) == sorted([a1.pk, b1.pk])
    assert set(auto.annotators.all()) == {team["ali"], team["badr"]}
    assert auto.decided_by == team["curator"]
    # Two versions of Baghdad: most supported first, each with its supporters.
    assert [v.label for v in clusters[1].variants] == ["LOC", "ORG"] or [v.label for v in clusters[1].variants] == ["ORG", "LOC"]
    with pytest.raises(Conflict):
        services.curation_finish(user=team["curator"], entry=entry)


def test_curator_decisions_keep_provenance_and_finish(team, entry, mark):
    article = entry.article
    mark(team["ali"], article, "بغداد", "LOC")
    badr_org = mark(team["badr"], article, "بغداد", "ORG")
    mark(team["badr"], article, "العراق", "LOC")
    clusters = services.curation_start(user=team["curator"], entry=entry)
    baghdad, iraq = clusters
    choice = next(i for i, v in enumerate(baghdad.variants) if v.label == "ORG")
    decision = services.curation_decide(
        user=team["curator"], entry=entry, kind="entity", start=baghdad.start, end=baghdad.end, choice=choice
    )
    assert (decision.method, decision.annotation.label.code, decision.source_annotation_ids) == ("chosen", "ORG", [badr_org.pk])
    assert list(decision.annotators.all()) == [team["badr"]]
    # Changing one's mind replaces the curated mark.
    first_mark = decision.annotation_id
    decision = services.curation_decide(
        user=team["curator"], entry=entry, kind="entity", start=baghdad.start, end=baghdad.end, choice=1 - choice
    )
    assert not Annotation.objects.filter(pk=first_mark).exists()
    rejected = services.curation_decide(user=team["curator"], entry=entry, kind="entity", start=iraq.start, end=iraq.end, choice=None)
    assert rejected.method == "rejected" and rejected.annotation is None
    with pytest.raises(Conflict):
        services.curation_decide(user=team["curator"], entry=entry, kind="entity", start=iraq.start, end=iraq.end, choice=5)
    done = services.curation_finish(user=team["curator"], entry=entry)
    assert done.curation == "done" and done.curated_by == team["curator"]
    assert list(Annotation.objects.filter(status="curated").values_list("exact", flat=True)) == ["بغداد"]


def test_quotes_premerge_needs_the_same_speaker(team, entry, mark):
    article = entry.article
    speakers = {name: mark(team[name], article, "بايدن", "PER", occurrence=1) for name in ("ali", "badr")}
    for name in ("ali", "badr"):
        mark(team[name], article, "العراق شريك مهم", kind="quote", quote_type="indirect", speaker=speakers[name])
    clusters = services.curation_start(user=team["curator"], entry=entry)
    quote = next(c for c in clusters if c.kind == "quote")
    assert quote.decision.method == "auto"
    # The curated quote names the curated speaker entity.
    assert quote.decision.annotation.speaker.status == "curated"


def test_quotes_with_different_speakers_wait_for_the_curator(team, entry, mark):
    article = entry.article
    mark(team["ali"], article, "العراق شريك مهم", kind="quote", quote_type="direct", speaker_name="الرئيس")
    mark(team["badr"], article, "العراق شريك مهم", kind="quote", quote_type="direct", speaker_name="الوزير")
    quote = services.curation_start(user=team["curator"], entry=entry)[0]
    assert quote.decision is None and len(quote.variants) == 2


def test_sent_back_changes_are_flagged(team, entry, mark):
    article = entry.article
    mark(team["ali"], article, "بغداد", "LOC")
    mark(team["badr"], article, "بغداد", "LOC")
    services.curation_start(user=team["curator"], entry=entry)
    services.curation_finish(user=team["curator"], entry=entry)
    services.assignment_send_back(user=team["curator"], entry=entry, annotator=team["badr"])
    entry.refresh_from_db()
    assert entry.curation == "started"
    mark(team["badr"], article, "بغداد", "ORG")
    cluster = services.curation_state(entry)[0]
    assert cluster.changed
    # Resuming re-runs the pre-merge of what changed: LOC is still the one version 2 agree on.
    cluster = services.curation_start(user=team["curator"], entry=entry)[0]
    assert not cluster.changed and cluster.decision.method == "auto"


def test_curation_decision_needs_a_started_curation(team, entry, mark):
    mark(team["ali"], entry.article, "بغداد", "LOC")
    start, end = span(entry.article, "بغداد")
    with pytest.raises(Conflict):
        services.curation_decide(user=team["curator"], entry=entry, kind="entity", start=start, end=end, choice=0)


def test_annotators_marks_exclude_other_people(team, entry, mark):
    mark(team["carim"], entry.article, "بغداد", "LOC")  # not assigned
    mark(team["ali"], entry.article, "العراق", "LOC")
    assert [r["creator__username"] for r in services.annotator_marks(entry)] == ["ali"]


def test_assignment_status_constraint(team, entry):
    row = Assignment.objects.get(entry=entry, annotator=team["ali"])
    assert row.status == "assigned"
    assert CurationDecision.objects.count() == 0
