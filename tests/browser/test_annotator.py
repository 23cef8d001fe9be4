"""Annotating together on the article page, in Debian chromium, against uvicorn (ASGI) on PostgreSQL.

Live updates need the ASGI server, so these tests open the pages on the
``asgi_server`` fixture (uvicorn in a subprocess on the test database) rather
than the WSGI ``live_server``.
"""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from annotations.models import Annotation, Label, LabelSet
from annotations.services import annotation_create
from newsreader.document import compose
from newsreader.services.articles import article_revise
from tests.browser.conftest import PHONE, login_context
from tests.browser.seed import make_seed_article, seed_parts
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

QUOTE = "لن نكون مع نهاية العام في مهمّة قتاليّة"

# Client rects of the n-th occurrence of a needle in the article's blocks (scrolled into view first).
RECTS_JS = """([needle, occurrence]) => {
  let seen = 0;
  for (const block of document.querySelectorAll('article [data-start]')) {
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      let at = node.data.indexOf(needle);
      while (at >= 0) {
        if (seen++ === occurrence) {
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + needle.length);
          const first = range.getClientRects()[0];
          if (first.top < 80 || first.bottom > innerHeight - 80) {
            scrollBy({top: first.top - innerHeight / 3, behavior: 'instant'});
          }
          return [...range.getClientRects()].map((r) => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom}));
        }
        at = node.data.indexOf(needle, at + 1);
      }
    }
  }
  return null;
}"""

# The annotator's highlights: name -> texts of its ranges.
HIGHLIGHTS_JS = """() => Object.fromEntries([...CSS.highlights].map(([name, h]) => [name, [...h].map((r) => r.toString())]))"""

ARTICLE_TEXT_JS = """() => {
  const article = document.querySelector('article');
  return {text: article.textContent, inner: article.innerText, elements: article.querySelectorAll('*').length};
}"""


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def labels(transactional_db):
    # transactional tests flush the database: bring back the default label set of migration 0002.
    if not LabelSet.objects.filter(is_default=True).exists():
        importlib.import_module("annotations.migrations.0002_default_label_set").create(apps, None)
    return {label.code: label for label in Label.objects.filter(label_set__is_default=True)}


@pytest.fixture
def seed(labels):
    return make_seed_article()


@pytest.fixture
def alice(transactional_db):
    return UserFactory(username="alice")


@pytest.fixture
def bob(transactional_db):
    # staff: a moderator, who may edit anyone's public marks
    return UserFactory(username="bob", is_staff=True)


@pytest.fixture
def browser_as(new_context, asgi_server):
    """``browser_as(user or None, **context options)`` -> a page of that user on the ASGI server (not yet navigated)."""

    def make(user, **options):
        context = new_context(base_url=asgi_server.url, **options)
        if user is not None:
            login_context(context, user, asgi_server)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    return make


def open_article(page, article):
    page.goto(article.get_absolute_url())
    page.wait_for_selector("html[data-annotator='ready']", state="attached")
    return page


def rects(page, needle, occurrence=0):
    found = page.evaluate(RECTS_JS, [needle, occurrence])
    assert found, f"{needle!r} not in the page"
    return found


def drag_over(page, needle, occurrence=0):
    """Select with a real mouse drag, from the start of the words (their right edge in Arabic) to just past their end."""
    boxes = rects(page, needle, occurrence)
    first, last = boxes[0], boxes[-1]
    page.mouse.move(first["right"] - 1, (first["top"] + first["bottom"]) / 2)
    page.mouse.down()
    page.mouse.move((first["right"] + last["left"]) / 2, (first["top"] + last["bottom"]) / 2, steps=4)
    page.mouse.move(last["left"] - 1, (last["top"] + last["bottom"]) / 2, steps=6)
    page.mouse.up()


def click_on(page, needle, occurrence=0):
    box = rects(page, needle, occurrence)[0]
    page.mouse.click((box["left"] + box["right"]) / 2, (box["top"] + box["bottom"]) / 2)


def toolbar_text(page):
    page.wait_for_selector(".annotator-toolbar:not([hidden]) .annotator-exact__text")
    return page.inner_text(".annotator-toolbar .annotator-exact__text")


TOOLBAR_SHOWS_JS = """(text) => {
  const shown = document.querySelector('.annotator-toolbar:not([hidden]) .annotator-exact__text');
  return shown !== null && shown.textContent === text;
}"""


def expect_toolbar(page, expected):
    """The toolbar shows ``expected`` (it updates just after the mouse button is released)."""
    try:
        page.wait_for_function(TOOLBAR_SHOWS_JS, arg=expected, timeout=3000)
    except PlaywrightTimeout:
        pass  # the assertion below says what it shows instead
    assert toolbar_text(page) == expected


def store_size(page):
    return page.evaluate("() => window.annotator.store.all().length")


def wait_for_store(page, count):
    page.wait_for_function(f"() => window.annotator && window.annotator.store.all().length === {count}")


def api_annotations(page, article):
    response = page.request.get(f"/api/articles/{article.pk}/annotations/", headers={"Accept": "application/json"})
    assert response.ok
    return response.json()["results"]


def code_points(article, needle, occurrence=0):
    text = article.current_revision.text
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def mark(user, article, needle, label="PER", occurrence=0, **fields):
    start, end = code_points(article, needle, occurrence)
    kind = fields.pop("kind", "entity")
    if kind == "entity":
        fields["label"] = label
    return annotation_create(user=user, article=article, kind=kind, start=start, end=end, exact=needle, **fields)


# --- marking ---------------------------------------------------------------------------------


def test_marking_a_person_and_a_quote_and_a_second_reader_sees_both_live(browser_as, seed, labels, alice, bob, screenshot):
    page_b = open_article(browser_as(bob), seed)
    page_b.evaluate("() => { window.__sameDocument = true; }")
    page = open_article(browser_as(alice), seed)
    before = page.evaluate(ARTICLE_TEXT_JS)

    # A drags over بايدن in the headline: the toolbar shows exactly what will be saved.
    drag_over(page, "بايدن")
    expect_toolbar(page, "بايدن")
    screenshot(page, "annotator-01-toolbar", full_page=False)
    page.click(f".annotator-toolbar [data-label='{labels['PER'].pk}']")
    wait_for_store(page, 1)
    page.wait_for_function(f"() => CSS.highlights.has('nr-l-{labels['PER'].pk}')")
    assert page.evaluate(HIGHLIGHTS_JS)[f"nr-l-{labels['PER'].pk}"] == ["بايدن"]

    # A marks the quote and picks بايدن as the speaker by clicking the highlight.
    drag_over(page, QUOTE)
    expect_toolbar(page, QUOTE)
    page.click(".annotator-toolbar [data-action='quote']")
    page.wait_for_selector(".annotator-quote-form")
    page.click(".annotator-quote-form button[aria-pressed]")  # pick a marked name in the text
    click_on(page, "بايدن")
    page.wait_for_function("() => document.querySelector('.annotator-speaker-current').textContent.includes('بايدن')")
    assert page.is_checked(".annotator-quote-form input[value='direct']")  # between quotation marks
    page.click(".annotator-quote-form button[type='submit']")
    wait_for_store(page, 2)
    page.wait_for_function("() => CSS.highlights.has('nr-q-direct')")
    highlights = page.evaluate(HIGHLIGHTS_JS)
    assert highlights["nr-q-direct"] == [QUOTE]
    assert page.inner_text(".annotator-chip") == "بايدن"  # the speaker in the margin

    # Highlights are not elements: the article's text and elements are exactly as before.
    assert page.evaluate(ARTICLE_TEXT_JS) == before
    screenshot(page, "annotator-02-marked")

    # B sees both without reloading.
    wait_for_store(page_b, 2)
    page_b.wait_for_function("() => CSS.highlights.has('nr-q-direct')")
    assert page_b.evaluate(HIGHLIGHTS_JS)[f"nr-l-{labels['PER'].pk}"] == ["بايدن"]
    assert page_b.evaluate("() => window.__sameDocument") is True
    page_b.wait_for_function("() => document.querySelector('.annotator-chip')?.textContent === 'بايدن'")
    page_b.wait_for_function("() => document.querySelector('.annotator-panel').textContent.includes('لن نكون')")
    screenshot(page_b, "annotator-03-second-reader")

    # After a reload the marks are still there, at the right code point offsets.
    page.reload()
    page.wait_for_selector("html[data-annotator='ready']", state="attached")
    assert page.evaluate(HIGHLIGHTS_JS)[f"nr-l-{labels['PER'].pk}"] == ["بايدن"]
    entity, quote = sorted(api_annotations(page, seed), key=lambda a: a["kind"])
    assert (entity["start"], entity["end"], entity["exact"], entity["label_code"]) == (*code_points(seed, "بايدن"), "بايدن", "PER")
    assert (quote["start"], quote["end"], quote["exact"]) == (*code_points(seed, QUOTE), QUOTE)
    assert (quote["speaker"], quote["quote_type"], quote["creator"]["username"]) == (entity["id"], "direct", "alice")
    assert page.errors == [] and page_b.errors == []


def test_keyboard_only_marking(browser_as, seed, labels, alice):
    page = open_article(browser_as(alice), seed)
    article = page.locator("article")
    for _ in range(40):
        if article.evaluate("(el) => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("Tab never reached the article")
    selected = lambda: page.evaluate("() => document.getSelection().toString()")  # noqa: E731
    assert selected() == "بايدن"  # the first word on screen

    # Down to the first paragraph, then word by word to مصطفى, then one more word with Shift.
    for _ in range(10):
        if selected() == "واشنطن":
            break
        page.keyboard.press("ArrowDown")
    assert selected() == "واشنطن"
    for _ in range(20):
        if selected() == "مصطفى":
            break
        page.keyboard.press("ArrowLeft")  # forward in right-to-left text
    assert selected() == "مصطفى"
    page.keyboard.press("Shift+ArrowLeft")
    assert selected() == "مصطفى الكاظمي"
    expect_toolbar(page, "مصطفى الكاظمي")

    # Enter moves into the toolbar; Enter on the first label (person) saves.
    page.keyboard.press("Enter")
    focused = page.evaluate("() => document.activeElement.dataset.label")
    assert focused == str(labels["PER"].pk)
    page.keyboard.press("Enter")
    wait_for_store(page, 1)
    assert page.evaluate("() => document.activeElement.tagName") == "ARTICLE"  # focus comes back
    (saved,) = api_annotations(page, seed)
    assert (saved["exact"], saved["label_code"]) == ("مصطفى الكاظمي", "PER")
    assert (saved["start"], saved["end"]) == code_points(seed, "مصطفى الكاظمي")

    # A digit marks at once: the next word, as a place (shortcut 3) -- the toolbar showed it first.
    page.keyboard.press("ArrowLeft")
    expect_toolbar(page, "الاثنين")
    page.keyboard.press(labels["LOC"].shortcut)
    wait_for_store(page, 2)

    # The card of a mark, by keyboard: select a word inside it, Enter, then "marks here".
    page.keyboard.press("ArrowRight")
    assert selected() == "الكاظمي"
    page.keyboard.press("Enter")
    for _ in range(6):  # past the labels and options to "marks here"
        if page.evaluate("() => document.activeElement.classList.contains('annotator-link-button')"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent").endswith("1")
    page.keyboard.press("Enter")
    page.wait_for_selector(".annotator-card:not([hidden])")
    assert page.evaluate("() => document.activeElement.classList.contains('annotator-card__title')")
    page.keyboard.press("Escape")
    page.wait_for_selector(".annotator-card", state="hidden")
    assert page.errors == []


def test_double_click_selects_the_whole_word_with_its_diacritics(browser_as, seed, labels, alice):
    page = open_article(browser_as(alice), seed)
    box = rects(page, "قتاليّة")[0]
    page.mouse.dblclick((box["left"] + box["right"]) / 2, (box["top"] + box["bottom"]) / 2)
    expect_toolbar(page, "قتاليّة")  # the shadda kept, the closing quotation mark left out


def test_whole_words_option_snaps_a_partial_selection(browser_as, seed, labels, alice):
    page = open_article(browser_as(alice), seed)
    drag_over(page, "الوزراء")
    expect_toolbar(page, "الوزراء")
    page.check(".annotator-toolbar input[type='checkbox']")
    page.mouse.click(5, 5)
    page.wait_for_selector(".annotator-toolbar", state="hidden")
    drag_over(page, "ئيس الوزر")  # from inside one word to inside the next
    expect_toolbar(page, "رئيس الوزراء")
    assert page.evaluate("() => document.getSelection().toString()") == "رئيس الوزراء"


# --- cards, conflicts, deleting -------------------------------------------------------------------------


def open_card(page, needle, occurrence=0):
    click_on(page, needle, occurrence)
    page.wait_for_selector(".annotator-card:not([hidden])")
    return page.locator(".annotator-card")


def test_two_editors_conflict_is_shown_and_resolved(browser_as, seed, labels, alice, bob, screenshot):
    biden = mark(alice, seed, "بايدن")
    page_a = open_article(browser_as(alice), seed)
    page_b = open_article(browser_as(bob), seed)
    for page, note in ((page_a, "ملاحظة أليس"), (page_b, "ملاحظة بوب")):
        card = open_card(page, "بايدن")
        assert "alice" in card.inner_text()
        card.locator("[data-action='edit']").click()
        card.locator("textarea[name='note']").fill(note)

    page_a.locator(".annotator-card [data-action='save']").click()
    page_a.wait_for_function("() => window.annotator.store.all()[0].version === 2")
    # B is told while still editing; the form keeps B's text.
    page_b.wait_for_selector(".annotator-card .annotator-stale")
    assert page_b.input_value(".annotator-card textarea[name='note']") == "ملاحظة بوب"

    page_b.locator(".annotator-card [data-action='save']").click()
    conflict = page_b.locator(".annotator-conflict")
    conflict.wait_for()
    assert "ملاحظة بوب" in conflict.inner_text() and "ملاحظة أليس" in conflict.inner_text()
    screenshot(page_b, "annotator-04-conflict", full_page=False)
    conflict.locator("[data-choice='mine']").click()
    page_b.wait_for_selector(".annotator-conflict", state="detached")

    biden.refresh_from_db()
    assert (biden.note, biden.version) == ("ملاحظة بوب", 3)
    # A's open card shows B's note without a reload.
    page_a.wait_for_function("() => document.querySelector('.annotator-card').textContent.includes('ملاحظة بوب')")

    # The other choice: keep theirs, and B's second edit is dropped only because B said so.
    card = page_b.locator(".annotator-card")
    card.locator("[data-action='edit']").click()
    card.locator("textarea[name='note']").fill("تعديل ثان")
    Annotation.objects.filter(pk=biden.pk).update(note="من مكان آخر", version=4)
    card.locator("[data-action='save']").click()
    page_b.locator(".annotator-conflict [data-choice='theirs']").click()
    page_b.wait_for_function("() => document.querySelector('.annotator-card').textContent.includes('من مكان آخر')")
    biden.refresh_from_db()
    assert biden.note == "من مكان آخر"


def test_delete(browser_as, seed, labels, alice, bob):
    mark(alice, seed, "الكاظمي")
    page_b = open_article(browser_as(bob), seed)
    page = open_article(browser_as(alice), seed)
    card = open_card(page, "الكاظمي")
    card.locator("[data-action='delete']").click()
    card.locator("[data-action='confirm-delete']").click()
    wait_for_store(page, 0)
    page.wait_for_function("() => ![...CSS.highlights.keys()].some((name) => name.startsWith('nr-l-'))")
    assert not Annotation.objects.exists()
    wait_for_store(page_b, 0)  # gone for the other reader too, live
    assert page.request.get(f"/api/articles/{seed.pk}/annotations/", headers={"Accept": "application/json"}).json()["count"] == 0


def test_an_entity_nested_in_a_quote_stays_clickable(browser_as, seed, labels, alice, screenshot):
    words = "نرغب في استمرار دعم العراق استخباراتيا"
    quote = mark(alice, seed, words, kind="quote", quote_type="direct", speaker_name="بايدن")
    start, _ = code_points(seed, words)
    text = seed.current_revision.text
    inner_start = text.index("العراق", start)
    iraq = annotation_create(
        user=alice, article=seed, kind="entity", start=inner_start, end=inner_start + 6, exact="العراق", label="LOC"
    )
    page = open_article(browser_as(alice), seed)
    occurrence = text[:inner_start].count("العراق")  # which العراق on the page is inside the quote

    card = open_card(page, "العراق", occurrence)
    assert card.locator(".annotator-card__title").inner_text().strip().endswith("مكان")  # the entity (innermost)
    chooser = card.locator(".annotator-chooser button")
    assert chooser.count() == 2
    screenshot(page, "annotator-05-nested", full_page=False)
    chooser.nth(1).click()  # the quote around it, from the chooser
    page.wait_for_function(f"() => window.annotator.card.id === {quote.pk}")

    page.keyboard.press("Escape")
    open_card(page, "نرغب")  # outside the entity: the quote itself
    assert page.evaluate("() => window.annotator.card.id") == quote.pk
    click_on(page, "العراق", occurrence)
    page.wait_for_function(f"() => window.annotator.card.id === {iraq.pk}")


# --- reading without an account, phones, orphans, the panel ---------------------------------------------------


def test_anonymous_readers_see_public_marks_read_only(browser_as, seed, labels, alice):
    mark(alice, seed, "بايدن")
    mark(alice, seed, "الكاظمي", visibility="private", note="لا يراها غيري")
    page = open_article(browser_as(None), seed)
    assert page.evaluate(HIGHLIGHTS_JS)[f"nr-l-{labels['PER'].pk}"] == ["بايدن"]
    assert "لا يراها" not in page.content()

    card = open_card(page, "بايدن")
    assert card.locator("[data-action='edit']").count() == 0
    assert card.locator("textarea").count() == 0  # no reply form
    page.keyboard.press("Escape")

    drag_over(page, "واشنطن")
    expect_toolbar(page, "واشنطن")
    login = page.locator(".annotator-toolbar a[href*='/accounts/login/']")
    assert login.count() == 1 and "next=" in login.get_attribute("href")
    assert page.locator(".annotator-toolbar a[href*='/accounts/signup/']").count() == 1
    assert page.locator(".annotator-toolbar [data-label]").count() == 0
    login.click()
    page.wait_for_url("**/accounts/login/**")


def test_on_a_phone_the_toolbar_never_covers_the_selection(browser_as, seed, labels, alice, screenshot):
    page = open_article(browser_as(alice, viewport=PHONE, has_touch=True, is_mobile=True), seed)
    for needle, occurrence in (("بايدن", 0), ("الكاظمي", 2), ("العراق", 5)):
        page.mouse.click(2, 2)
        drag_over(page, needle, occurrence)
        toolbar_text(page)
        toolbar = page.locator(".annotator-toolbar").bounding_box()
        selection = page.evaluate("() => [...document.getSelection().getRangeAt(0).getClientRects()].map((r) => ({x: r.x, y: r.y, width: r.width, height: r.height}))")
        assert selection
        for box in selection:
            overlap_x = box["x"] < toolbar["x"] + toolbar["width"] and toolbar["x"] < box["x"] + box["width"]
            overlap_y = box["y"] < toolbar["y"] + toolbar["height"] and toolbar["y"] < box["y"] + box["height"]
            assert not (overlap_x and overlap_y), (needle, box, toolbar)
        assert toolbar["x"] >= 0 and toolbar["x"] + toolbar["width"] <= PHONE["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "annotator-06-phone", full_page=False)


def test_orphaned_marks_are_listed_with_their_quote(browser_as, seed, labels, alice):
    mark(alice, seed, "أبراهام لينكولن", label="MISC")
    parts = seed_parts()
    parts["body"] = [p.replace("أبراهام لينكولن", "الراسية") for p in parts["body"]]
    article_revise(article=seed, document=compose(**parts), user=alice)
    page = open_article(browser_as(alice), seed)
    orphans = page.locator(".annotator-panel__orphans")
    orphans.wait_for()
    assert "أبراهام لينكولن" in orphans.inner_text()
    assert not any(name.startswith("nr-l-") for name in page.evaluate(HIGHLIGHTS_JS))


def test_panel_groups_names_and_filters_mine_or_everyone(browser_as, seed, labels, alice, bob):
    mark(alice, seed, "بايدن", occurrence=0)
    mark(bob, seed, "بايدن", occurrence=1)
    mark(bob, seed, "الكاظمي", occurrence=0)
    page = open_article(browser_as(alice, viewport={"width": 1440, "height": 900}), seed)
    panel = page.locator(".annotator-panel")
    group = panel.locator(".annotator-panel__group", has_text="بايدن")
    assert group.locator(".annotator-count").inner_text() == "2"
    assert page.evaluate("() => window.annotator.store.drawn().length") == 3

    panel.locator("input[value='mine']").check(force=True)
    page.wait_for_function("() => window.annotator.store.drawn().length === 1")
    page.wait_for_function(f"() => CSS.highlights.get('nr-l-{labels['PER'].pk}').size === 1")  # redrawn next frame
    assert page.evaluate(HIGHLIGHTS_JS)[f"nr-l-{labels['PER'].pk}"] == ["بايدن"]

    panel.locator("input[value='everyone']").check(force=True)
    page.wait_for_function("() => window.annotator.store.drawn().length === 3")
    # Clicking a group scrolls to the mark and opens its card.
    panel.locator(".annotator-panel__group", has_text="الكاظمي").locator(".annotator-panel__item").first.click()
    page.wait_for_selector(".annotator-card:not([hidden])")
    assert "bob" in page.inner_text(".annotator-card")


def test_the_english_interface(browser_as, seed, labels, alice):
    mark(alice, seed, "بايدن")
    page = browser_as(alice, locale="en")
    page.goto("/")
    page.click("button[name='language'][value='en']")
    open_article(page, seed)
    drag_over(page, "واشنطن")
    toolbar_text(page)
    assert "Person" in page.inner_text(".annotator-toolbar")
    assert page.evaluate("() => getComputedStyle(document.querySelector('.annotator-toolbar')).direction") == "ltr"


def test_live_updates_never_destroy_a_selection_or_a_draft(browser_as, seed, labels, alice, bob):
    from annotations.services import annotation_update

    first = mark(alice, seed, "بايدن")
    page = open_article(browser_as(bob), seed)

    # B is selecting text when A's new mark arrives.
    drag_over(page, "واشنطن")
    expect_toolbar(page, "واشنطن")
    mark(alice, seed, "الكاظمي")
    wait_for_store(page, 2)
    page.wait_for_function(f"() => CSS.highlights.get('nr-l-{labels['PER'].pk}').size === 2")
    assert page.evaluate("() => document.getSelection().toString()") == "واشنطن"
    expect_toolbar(page, "واشنطن")

    # B is typing a reply when A edits the mark: the draft stays, the new version waits.
    page.mouse.click(2, 2)
    card = open_card(page, "بايدن")
    card.locator("textarea[name='reply']").fill("ردّي الذي أكتبه")
    annotation_update(user=alice, annotation_id=first.pk, expected_version=1, note="ملاحظة جديدة")
    page.wait_for_function(f"() => window.annotator.store.get({first.pk}).version === 2")
    assert card.locator("textarea[name='reply']").input_value() == "ردّي الذي أكتبه"
    card.locator(".annotator-reply-form button[type='submit']").click()
    page.wait_for_function("() => document.querySelector('.annotator-replies').textContent.includes('ردّي الذي أكتبه')")
    assert first.replies.get().text == "ردّي الذي أكتبه"
    page.wait_for_function("() => document.querySelector('.annotator-card').textContent.includes('ملاحظة جديدة')")


def test_an_edit_of_the_article_text_is_announced_live(browser_as, seed, labels, alice):
    mark(alice, seed, "الكاظمي")
    page = open_article(browser_as(alice), seed)
    parts = seed_parts()
    parts["subtitle"] = "عنوان فرعي جديد تماما."
    revision = article_revise(article=seed, document=compose(**parts), user=alice)
    banner = page.locator(".annotator-banner")
    banner.wait_for()
    with page.expect_navigation():
        banner.locator("button").click()
    page.wait_for_selector("html[data-annotator='ready']", state="attached")
    assert page.evaluate("() => window.annotator.store.revision") == revision.pk
    assert page.evaluate(HIGHLIGHTS_JS)[f"nr-l-{labels['PER'].pk}"] == ["الكاظمي"]  # moved with the text


# --- replies and the last editor, live ------------------------------------------------------------


def test_a_reply_and_an_edit_by_another_user_reach_an_open_card_and_the_conflict_names_them(
    browser_as, seed, labels, alice, bob
):
    from annotations.services import annotation_update, reply_create

    biden = mark(alice, seed, "بايدن")
    page = open_article(browser_as(alice), seed)
    page.evaluate("() => { window.__sameDocument = true; }")
    card = open_card(page, "بايدن")
    page.wait_for_selector(".annotator-replies form")  # the thread (empty) has loaded
    heading = card.locator(".annotator-replies h3").inner_text()

    # B replies: A's open card shows the reply and the new count, without a reload.
    reply_create(user=bob, annotation_id=biden.pk, text="من قال ذلك أولا؟")
    page.wait_for_function("() => document.querySelector('.annotator-replies').textContent.includes('من قال ذلك أولا؟')")
    page.wait_for_function(f"() => window.annotator.store.get({biden.pk}).reply_count === 1")
    assert card.locator(".annotator-replies h3").inner_text() != heading
    assert "bob" in card.locator(".annotator-replies").inner_text()
    assert page.evaluate("() => window.__sameDocument") is True

    # A starts editing; B (a moderator) saves a change first: the conflict names B, not the creator A.
    card.locator("[data-action='edit']").click()
    card.locator("textarea[name='note']").fill("ملاحظة أليس")
    annotation_update(user=bob, annotation_id=biden.pk, expected_version=1, note="ملاحظة بوب")
    page.wait_for_function(f"() => window.annotator.store.get({biden.pk}).version === 2")
    card.locator("[data-action='save']").click()
    conflict = page.locator(".annotator-conflict")
    conflict.wait_for()
    assert "bob" in conflict.locator(".annotator-conflict__editor").inner_text()
    assert "ملاحظة بوب" in conflict.inner_text()
    assert page.errors == []


def test_a_batch_of_live_changes_is_fetched_with_one_request(browser_as, seed, labels, alice):
    from annotations.services import annotations_bulk_create

    page = open_article(browser_as(alice), seed)
    page.evaluate("() => { window.__sameDocument = true; }")
    requests = []
    page.on("request", lambda request: requests.append(request.url) if "/annotations/" in request.url else None)
    text = seed.current_revision.text
    # Whole Arabic words (letters and their diacritics): more than the old per-event limit (25), under 100.
    words = [m for m in re.finditer(r"[\u0621-\u064A][\u0621-\u0652]{3,}", text)][:40]
    items = [{"kind": "entity", "start": m.start(), "end": m.end(), "exact": m.group(), "label": "PER"} for m in words]
    assert len(items) == 40
    created = annotations_bulk_create(user=alice, article=seed, items=items)  # one event naming them all
    wait_for_store(page, len(created))
    fetched = [url for url in requests if "ids=" in url]
    assert len(fetched) == 1 and len(requests) == 1, requests
    assert page.evaluate("() => window.__sameDocument") is True
