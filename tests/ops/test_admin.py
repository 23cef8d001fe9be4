"""Task results and login attempts in the admin: headings, titles and counts that read in Arabic."""

import pytest
from axes.models import AccessAttempt
from django.utils.html import strip_tags
from django_tasks_db.models import DBTaskResult, get_date_max

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def task_result(db):
    return DBTaskResult.objects.create(
        args_kwargs={"args": [7], "kwargs": {}}, task_path="suggestions.tasks.suggest_article",
        backend_name="default", run_after=get_date_max(), queue_name="default", priority=0,
    )  # fmt: skip


def test_task_results_list_with_arabic_headings(staff, task_result):
    response = staff.get("/admin/django_tasks_database/dbtaskresult/")
    assert response.status_code == 200
    headings = [str(h["text"]) for h in response.context["result_headers"]]
    assert headings[:3] == ["الرقم", "المهمة", "الحالة"]
    content = response.content.decode()
    assert "suggestions.tasks.suggest_article" in content and str(task_result.id)[:8] in content
    assert "Task name" not in content and "جاهزة" in content  # status READY


def test_a_task_result_has_a_title_and_left_to_right_arguments(staff, task_result):
    response = staff.get(f"/admin/django_tasks_database/dbtaskresult/{task_result.id}/change/")
    assert response.status_code == 200
    content = response.content.decode()
    title = f"suggest_article · {str(task_result.id)[:8]}"
    assert title in content and "DBTaskResult object" not in content
    assert '<code dir="ltr">{&quot;args&quot;: [7], &quot;kwargs&quot;: {}}</code>' in content
    labels = strip_tags(content)
    assert "المعاملات" in labels and "تتبّع الخطأ" in labels and "التشغيل بعد" in labels


@pytest.mark.parametrize(("failures", "status"), [(3, "محاولتان متبقيتان"), (4, "محاولة واحدة متبقية"), (5, "مقفل")])
def test_login_attempts_say_how_many_tries_are_left(staff, settings, failures, status):
    settings.AXES_FAILURE_LIMIT = 5
    AccessAttempt.objects.create(username="mallory", ip_address="127.0.0.1", user_agent="curl", failures_since_start=failures)
    response = staff.get("/admin/axes/accessattempt/")
    assert response.status_code == 200
    assert status in response.content.decode()
    assert "الحالة" in [str(h["text"]) for h in response.context["result_headers"]]
