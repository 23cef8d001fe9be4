"""The search pages in a real browser (Debian chromium through Playwright)."""

from datetime import date
from pathlib import Path

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="ar")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("response", lambda r: r.status >= 400 and page.errors.append(f"HTTP {r.status} {r.url}"))
    yield page
    context.close()


@pytest.fixture
def articles(transactional_db, source):
    make_article(
        source=source,
        title="الانتخاباتُ العراقية تنطلق غداً",
        body="قال مسؤول إن الاستعدادات للانتخابات اكتملت في بغداد.\nوأضاف أن لقاح COVID-19 متوفر.",
        published_on=date(2024, 3, 1),
    )
    make_article(source=source, title="تقرير اقتصادي", body="تحدث الوزير عن والانتخابات المقبلة.", published_on=date(2024, 3, 5))


def test_search_from_the_header_to_highlighted_results(page, articles):
    page.goto("/")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-header.png"))
    page.fill("#header-search-q", "الانتخابات")
    page.press("#header-search-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    hits = page.locator(".search-hit")
    assert hits.count() == 2
    assert page.locator(".search-hit mark").first.inner_text() == "الانتخاباتُ"
    # Right to left, and the Latin run keeps its order inside the Arabic snippet.
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator(".search-hit__snippet").first.get_attribute("dir") == "rtl"
    page.screenshot(path=str(ARTIFACTS / "search-results.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=str(ARTIFACTS / "search-results-phone.png"), full_page=True)
    assert page.errors == []


def test_too_long_query_shows_the_message_next_to_the_box(page, articles):
    page.goto("/search/?q=" + "ب" * 300)
    error = page.locator("#search-q-error")
    assert error.is_visible() and "300" in error.inner_text()
    assert page.locator("#search-q").get_attribute("aria-invalid") == "true"
    page.screenshot(path=str(ARTIFACTS / "search-too-long.png"), full_page=True)
