"""Two annotators mark the seed article differently; the curator settles it with the keyboard only and
exports the gold. Screenshots of the agreement page and the curation view go to test-artifacts/."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from projects import services
from projects.models import ProjectArticle
from tests.browser.conftest import login_context, new_context, screenshot  # noqa: F401 (fixtures)
from tests.browser.seed import make_seed_article


@pytest.mark.browser
def test_keyboard_curation_of_the_seed_and_gold_export(transactional_db, team, project, mark, new_context, live_server, screenshot):
    seed = make_seed_article()
    services.articles_add(user=team["owner"], project=project, articles=[seed])
    entry = ProjectArticle.objects.get(project=project)
    services.assign(user=team["owner"], project=project, entry=entry, annotators=[team["ali"], team["badr"]])
    for who, kazimi in (("ali", "PER"), ("badr", "ORG")):
        mark(team[who], seed, "واشنطن", "LOC")
        mark(team[who], seed, "جو بايدن", "PER")
        mark(team[who], seed, "مصطفى الكاظمي", kazimi)
    mark(team["ali"], seed, "بغداد", "LOC", occurrence=1)  # inside the word لبغداد: never split it

    context = new_context()
    login_context(context, team["curator"], live_server)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(reverse("projects:agreement", args=[project.pk]))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator(".agreement-matrix td.cell a").first.inner_text() != "–"
    screenshot(page, "projects-agreement")
    page.locator(".agreement-matrix td.cell a").first.click()
    page.wait_for_url("**/disagreements/**")
    assert page.locator(".side-by-side tbody tr").count() == 2  # الكاظمي's label, بغداد missing

    page.goto(reverse("projects:curate", args=[project.pk, seed.pk]))
    page.wait_for_selector("[data-curate][data-ready]")
    page.keyboard.press("s")  # start: pre-merge Washington and Biden (both agree)
    page.wait_for_load_state("load")
    page.wait_for_selector("[data-curate][data-ready][data-state='started']")
    assert page.locator("[data-curate-count]").inner_text().startswith("2")
    # The text is untouched: every part is one text node (highlights are painted, not inserted).
    assert page.locator("[data-curate-text] p").evaluate_all("ps => ps.every(p => p.childNodes.length === 1)")
    assert page.evaluate("CSS.highlights.get('cur-open').size") == 2
    versions = page.locator(".curate-versions .version")
    assert versions.count() == 3  # ORG, PER, keep none
    screenshot(page, "projects-curation")
    assert "PER" in versions.nth(1).inner_text()
    page.keyboard.press("2")  # الكاظمي is a person
    expect(page.locator("[data-curate-count]")).to_have_text(re.compile(r"^3 "))
    page.keyboard.press("1")  # keep ali's Baghdad
    expect(page.locator("[data-curate-count]")).to_have_text(re.compile(r"^4 "))
    with page.expect_navigation():
        page.keyboard.press("f")
    entry.refresh_from_db()
    assert entry.curation == "done"
    # Back on the progress page: one chart row per annotator, bars drawn (a finished bar has width).
    assert page.locator(".project-chart .chart-row").count() == 3
    # Right to left: the bars grow from the right edge.
    box = page.locator(".project-chart .chart-waiting").first.bounding_box()
    chart = page.locator(".project-chart svg").first.bounding_box()
    assert abs((box["x"] + box["width"]) - (chart["x"] + chart["width"])) < 2
    assert page.locator("progress.project-bar").get_attribute("value") == "1"
    screenshot(page, "projects-progress")

    response = context.request.get(reverse("article-export", args=[seed.pk]) + "?format=doccano&status=curated")
    assert response.status == 200
    labels = sorted((text_label[2], seed.current_revision.text[text_label[0] : text_label[1]]) for text_label in json.loads(response.text().splitlines()[0])["label"])
    assert labels == [("LOC", "بغداد"), ("LOC", "واشنطن"), ("PER", "جو بايدن"), ("PER", "مصطفى الكاظمي")]
    assert errors == []
    context.close()
