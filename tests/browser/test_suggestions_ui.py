"""Suggestions in the reader: a signed-in reader (not staff) accepts, rejects and asks for suggestions.

Runs on the WSGI ``live_server`` (in this process) so the settings below reach the
server; the suggestion task runs at once (immediate backend, pytest.ini).
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from annotations.models import Annotation
from suggestions.services import article_suggest
from tests.browser.seed import make_seed_article
from tests.browser.test_annotator import click_on, labels, mark, open_article  # noqa: F401 (labels: fixture)
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

NAME = "بايدن"  # 7 times in the seed article

HIGHLIGHT_TEXTS_JS = "(name) => CSS.highlights.has(name) ? [...CSS.highlights.get(name)].map((r) => r.toString()) : []"
DASHED_RULE_JS = """(name) => document.adoptedStyleSheets.flatMap((s) => [...s.cssRules]).map((r) => r.cssText)
  .some((t) => t.includes(`::highlight(${name})`) && t.includes('dashed'))"""


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.SUGGESTIONS_AUTO = True
    settings.SUGGESTIONS_MODEL_DIR = tmp_path / "models"
    settings.SUGGESTIONS_BERT_MODEL = str(tmp_path / "no-bert")
    settings.SUGGESTIONS_MORPHOLOGY_DB = str(tmp_path / "no-morphology.db")
    settings.SUGGESTIONS_CRF_RETRAIN_AFTER = 1000
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def article_with_suggestions(labels):  # noqa: F811
    # Imported (the task suggests on import), then someone marks the name once: the gazetteer
    # suggests its other mentions.
    article = make_seed_article()
    mark(UserFactory(username="carol"), article, NAME, occurrence=0)
    article_suggest(article_id=article.pk)
    return article


def api_status(user, pk: int) -> str:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/annotations/{pk}/")
    assert response.status_code == 200, response.content
    return response.json()["status"]


def decide_on(page, occurrence: int, action: str) -> int:
    """Open the card of the name's n-th mention and press Accept/Reject; the annotation id."""
    click_on(page, NAME, occurrence)
    card = page.locator(".annotator-card:not([hidden])")
    card.wait_for()
    assert "اقتراح" in card.inner_text()  # "suggestion" badge
    with page.expect_response(lambda r: re.search(rf"/api/annotations/\d+/{action}/$", r.url) is not None) as info:
        card.locator(f"[data-action='{action}']").click()
    response = info.value
    assert response.status == 200, response.text()
    return int(re.search(r"/annotations/(\d+)/", response.url).group(1))


def test_a_reader_accepts_rejects_and_asks_for_suggestions(page, login, live_server, article_with_suggestions, labels, console_errors, screenshot):  # noqa: F811
    article = article_with_suggestions
    per = labels["PER"].pk
    suggested = Annotation.objects.filter(article=article, status="suggested", label=per)
    assert suggested.count() == 6  # the six other mentions
    dave = UserFactory(username="dave")  # not staff, no group: cannot edit machine marks
    login(dave)
    open_article(page, article)

    # Suggestions are drawn apart from people's marks, dashed.
    page.wait_for_function("(name) => CSS.highlights.has(name)", arg=f"nr-ls-{per}")
    assert page.evaluate(HIGHLIGHT_TEXTS_JS, f"nr-ls-{per}") == [NAME] * 6
    assert page.evaluate(HIGHLIGHT_TEXTS_JS, f"nr-l-{per}") == [NAME]
    assert page.evaluate(DASHED_RULE_JS, f"nr-ls-{per}")
    assert not page.evaluate(DASHED_RULE_JS, f"nr-l-{per}")
    screenshot(page, "suggestions-01-dashed", full_page=False)

    # Accept one: it becomes dave's annotation, drawn solid.
    accepted = decide_on(page, 1, "accept")
    assert api_status(dave, accepted) == "accepted"
    assert Annotation.objects.get(pk=accepted).creator == dave
    page.wait_for_function("(name) => CSS.highlights.get(name)?.size === 2", arg=f"nr-l-{per}")
    page.keyboard.press("Escape")

    # Reject another: kept as rejected, no longer drawn.
    rejected = decide_on(page, 2, "reject")
    assert api_status(dave, rejected) == "rejected"
    page.wait_for_function("(name) => CSS.highlights.get(name)?.size === 4", arg=f"nr-ls-{per}")

    # Suggest again from the side panel: nothing comes back that was decided.
    panel = page.locator("[data-suggest-tools]")
    with page.expect_response(lambda r: r.url.endswith(f"/api/articles/{article.pk}/suggest/")) as info:
        panel.locator("[data-action='suggest']").click()
    assert info.value.status == 200
    panel.locator("[role='status']").wait_for()
    assert api_status(dave, rejected) == "rejected"
    assert suggested.count() == 4
    assert "4" in panel.locator("[data-accept-all='PER']").inner_text() or "٤" in panel.locator("[data-accept-all='PER']").inner_text()

    # Accept all of the label: none left open, all drawn solid.
    with page.expect_response(lambda r: "/suggestions/accept-all/?label=PER" in r.url) as info:
        panel.locator("[data-accept-all='PER']").click()
    assert info.value.json()["accepted"] == 4
    page.wait_for_function("(name) => CSS.highlights.get(name)?.size === 6", arg=f"nr-l-{per}")
    assert not CSS_has(page, f"nr-ls-{per}")
    assert suggested.count() == 0
    assert panel.locator("[data-accept-all]").count() == 0
    screenshot(page, "suggestions-02-accepted", full_page=False)
    assert console_errors == []


def CSS_has(page, name: str) -> bool:
    return page.evaluate("(name) => CSS.highlights.has(name)", name)


def test_anonymous_readers_get_no_suggestion_buttons(page, live_server, article_with_suggestions, console_errors):
    open_article(page, article_with_suggestions)
    click_on(page, NAME, 1)
    page.locator(".annotator-card:not([hidden])").wait_for()
    assert page.locator(".annotator-card [data-action='accept']").count() == 0
    assert page.locator("[data-suggest-tools]").count() == 0
    assert console_errors == []


def test_suggest_without_a_task_worker_says_so(page, login, live_server, labels, settings, console_errors):  # noqa: F811
    """A queued run that no worker will take: the reader is told plainly, not left waiting."""
    article = make_seed_article()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}  # a queue, no worker
    login(UserFactory(username="erin"))
    open_article(page, article)
    panel = page.locator("[data-suggest-tools]")
    with page.expect_response(lambda r: r.url.endswith(f"/api/articles/{article.pk}/suggest/")) as info:
        panel.locator("[data-action='suggest']").click()
    assert info.value.status == 202 and info.value.json()["worker_alive"] is False
    status = panel.locator("[role='status']")
    status.wait_for()
    assert "لا يعمل أي عامل للمهام الخلفية" in status.inner_text()  # "no task worker is running"
    assert console_errors == []
