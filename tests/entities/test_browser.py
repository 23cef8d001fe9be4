"""The entity page in a real browser: right to left, the chart drawn, no console errors (strict CSP)."""

from __future__ import annotations

from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.mark.browser
def test_entity_page_renders_right_to_left(
    browser, live_server, transactional_db, default_labels, articles, mark, say
):
    from entities.models import EntityMention
    from tests.factories import UserFactory

    user = UserFactory()
    speaker = mark(user, articles["visit"], "بايدن", occurrence=1)
    mark(user, articles["washington"], "بايدن", occurrence=1)
    mark(user, articles["visit"], "الكاظمي")
    say(user, articles["visit"], "إن العراق شريك مهم للولايات المتحدة", speaker=speaker)
    biden = EntityMention.objects.get(annotation=speaker).entity_id

    ARTIFACTS.mkdir(exist_ok=True)
    errors = []
    context = browser.new_context(viewport={"width": 1100, "height": 1400})
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/entities/{biden}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "بايدن"
    # two months with articles and one without: three bars, the empty one flat
    heights = page.locator(".month-chart rect").evaluate_all("rs => rs.map(r => r.getBBox().height)")
    assert len(heights) == 3 and heights[1] == 0 and heights[0] > 0
    # the mention is marked inside its sentence
    assert page.locator(".mention-context mark").first.inner_text() == "بايدن"
    # the speaker link leads to the quotes
    page.locator(".entity-counts__quotes").click()
    page.wait_for_url(f"**/speakers/{biden}/")
    assert "العراق" in page.locator(".quote-card").first.inner_text()
    page.goto(f"{live_server.url}/entities/{biden}/")
    page.screenshot(path=str(ARTIFACTS / "entity-page.png"), full_page=True)
    context.close()
    assert errors == []
