"""projects/admin.py: staff see projects, articles, assignments and decisions; changes go through the services."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from projects import services
from projects.models import Assignment, CurationDecision, Project, ProjectArticle
from tests.factories import UserFactory

MODELS = [Project, ProjectArticle, Assignment, CurationDecision]


@pytest.fixture
def assigned(team, project, articles):
    services.articles_add(user=team["owner"], project=project, articles=articles[:3])
    services.assign_round_robin(user=team["owner"], project=project)
    return project


def url(model, view="changelist", *args):
    return reverse(f"admin:projects_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_list_shows_and_nothing_is_added_or_deleted_here(staff_client, assigned, model):
    response = staff_client.get(url(model))
    assert response.status_code == 200
    assert staff_client.get(url(model, "add")).status_code == 403
    row = model.objects.first()
    if row is not None:
        assert staff_client.get(url(model, "change", row.pk)).status_code == 200
        assert staff_client.get(url(model, "delete", row.pk)).status_code == 403


def test_lists_show_article_titles_in_a_fixed_number_of_queries(staff_client, assigned, django_assert_max_num_queries):
    response = staff_client.get(url(Assignment))
    assert "خبر 0" in response.content.decode()
    # Six assignments, titles from the selected revision: no query per row.
    with django_assert_max_num_queries(8):
        staff_client.get(url(Assignment))


def test_only_name_and_guidelines_are_editable(staff_client, assigned):
    response = staff_client.post(
        url(Project, "change", assigned.pk),
        {"name": "مشروع جديد", "guidelines": "اقرأ", "blind": "on", "annotators_per_article": 3,
         "members-TOTAL_FORMS": 0, "members-INITIAL_FORMS": 0},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assigned.refresh_from_db()
    assert (assigned.name, assigned.guidelines) == ("مشروع جديد", "اقرأ")
    # k and blind mode have rules (services.project_create, _sync_blind): not changed from here.
    assert (assigned.blind, assigned.annotators_per_article) == (False, 2)


def test_the_round_robin_action_goes_through_the_service(staff_client, team, project, articles):
    services.articles_add(user=team["owner"], project=project, articles=articles[:2])
    response = staff_client.post(
        url(Project), {"action": "assign_round_robin", "_selected_action": [project.pk]}, follow=True
    )
    assert Assignment.objects.filter(entry__project=project).count() == 4
    assert "أُنشئت 4 تكليفات" in response.content.decode()  # the admin speaks Arabic by default


def test_the_action_reports_the_services_refusal(staff_client, team, articles):
    from annotations.models import LabelSet

    lonely = services.project_create(
        user=team["owner"], name="وحيد", group=team["group"], label_set=LabelSet.objects.get(is_default=True),
        annotators_per_article=2, agreement_needed=1,
    )  # fmt: skip
    services.articles_add(user=team["owner"], project=lonely, articles=articles[:1])
    response = staff_client.post(url(Project), {"action": "assign_round_robin", "_selected_action": [lonely.pk]}, follow=True)
    assert "needs at least 2 annotators" in response.content.decode()
    assert not Assignment.objects.exists()


def test_viewing_staff_see_but_cannot_run_actions(client, assigned):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__startswith="view_", content_type__app_label="projects"))
    client.force_login(viewer)
    response = client.get(url(Project))
    assert response.status_code == 200
    assert "assign_round_robin" not in response.content.decode()
    assert client.post(url(Project, "change", assigned.pk), {"name": "x", "guidelines": ""}).status_code == 403
