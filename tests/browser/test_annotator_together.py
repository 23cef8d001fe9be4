"""Annotating together without friction (issue 12): delete and undo, conflicts, a slow catalogue,
the quote form, the keyboard, the phone. Debian chromium against uvicorn, as tests/browser/test_annotator.py."""

from __future__ import annotations

import time

import pytest

from annotations.models import Annotation, Reply
from annotations.services import reply_create
from tests.browser.conftest import PHONE
from tests.browser.test_annotator import (  # noqa: F401  (fixtures)
    _fast_passwords,
    alice,
    bob,
    browser_as,
    labels,
    mark,
    open_article,
    open_card,
    seed,
    wait_for_store,
)

pytestmark = pytest.mark.browser


def toasts(page):
    return page.evaluate("() => [...document.querySelectorAll('.annotator-toast')].map((t) => t.textContent)")


# --- 4. no English in the Arabic interface, however slow /jsi18n/ is --------------------------------


def test_a_slow_catalogue_never_leaves_english_in_the_arabic_interface(browser_as, seed, labels, alice):
    mark(alice, seed, "بايدن")
    page = browser_as(alice, viewport={"width": 1440, "height": 900})

    def slow(route):
        time.sleep(1.5)  # the module and the marks are ready long before the strings
        route.continue_()

    page.route("**/jsi18n/**", slow)
    open_article(page, seed)
    page.wait_for_selector(".annotator-panel__section")
    panel = page.inner_text(".annotator-panel")
    assert "الأسماء" in panel and "الاقتباسات" in panel
    for english in ("Names", "Quotes", "No quotes marked yet", "Filters", "Marking with the keyboard"):
        assert english not in panel, english
    help_text = page.evaluate("() => document.getElementById('annotator-keyboard-help').textContent")
    assert "مفاتيح الأسهم" in help_text and "Arrow keys" not in help_text  # key names (Shift, Enter) stay


# --- 2. delete: honest, with If-Match, undoable -----------------------------------------------------


def test_deleting_your_own_mark_says_so_and_undo_brings_it_back_with_its_replies(browser_as, seed, labels, alice, bob):
    biden = mark(alice, seed, "بايدن")
    reply_create(user=bob, annotation_id=biden.pk, text="ردّ بوب")
    page = open_article(browser_as(alice), seed)
    card = open_card(page, "بايدن")
    card.locator("[data-action='delete']").click()
    card.locator("[data-action='confirm-delete']").click()
    wait_for_store(page, 0)
    page.wait_for_selector(".annotator-toast [data-action='undo']")
    shown = " ".join(toasts(page))
    assert "حذف شخص آخر" not in shown and "someone else" not in shown.lower()
    assert page.evaluate("() => document.activeElement !== document.body")  # focus went back, not to <body>
    assert not Annotation.objects.exists()

    page.click(".annotator-toast [data-action='undo']")
    wait_for_store(page, 1)
    restored = Annotation.objects.get()
    assert restored.pk == biden.pk and Reply.objects.get().author == bob

    # Ctrl+Z undoes the next delete too.
    card = open_card(page, "بايدن")
    card.locator("[data-action='delete']").click()
    card.locator("[data-action='confirm-delete']").click()
    wait_for_store(page, 0)
    page.wait_for_function("() => window.annotator.undo.available")  # the answer is in (the live message may come first)
    page.keyboard.press("Control+z")
    wait_for_store(page, 1)
    assert Annotation.objects.get().pk == biden.pk
    assert page.errors == []


def test_a_delete_confirmed_after_a_colleagues_edit_shows_the_conflict(browser_as, seed, labels, alice, bob):
    biden = mark(alice, seed, "بايدن")
    page_a = open_article(browser_as(alice), seed)
    page_b = open_article(browser_as(bob), seed)
    card_a = open_card(page_a, "بايدن")
    card_a.locator("[data-action='delete']").click()
    card_a.locator("[data-action='confirm-delete']").wait_for()

    card_b = open_card(page_b, "بايدن")
    card_b.locator("[data-action='edit']").click()
    card_b.locator("textarea[name='note']").fill("تصحيح بوب")
    card_b.locator("[data-action='save']").click()
    page_a.wait_for_function(f"() => window.annotator.store.get({biden.pk}).version === 2")

    page_a.locator(".annotator-card [data-action='confirm-delete']").click()
    conflict = page_a.locator(".annotator-conflict")
    conflict.wait_for()
    assert "تصحيح بوب" in conflict.inner_text() and "bob" in conflict.inner_text()
    assert Annotation.objects.filter(pk=biden.pk).exists()
    conflict.locator("[data-choice='theirs']").click()
    page_a.wait_for_selector(".annotator-conflict", state="detached")
    assert Annotation.objects.get(pk=biden.pk).note == "تصحيح بوب"


# --- 3. conflicts: merge different fields, show only true ones ------------------------------------


def test_edits_of_different_fields_merge_and_a_true_conflict_shows_only_that_field(browser_as, seed, labels, alice, bob):
    biden = mark(alice, seed, "بايدن")
    page_a = open_article(browser_as(alice), seed)
    page_b = open_article(browser_as(bob), seed)
    card_a = open_card(page_a, "بايدن")
    card_b = open_card(page_b, "بايدن")
    card_a.locator("[data-action='edit']").click()
    card_b.locator("[data-action='edit']").click()
    card_a.locator("textarea[name='note']").fill("ملاحظة أليس")
    card_b.locator(f"input[name='label'][value='{labels['ORG'].pk}']").check()
    card_a.locator("[data-action='save']").click()
    page_b.wait_for_function(f"() => window.annotator.store.get({biden.pk}).version === 2")
    card_b.locator("[data-action='save']").click()
    page_b.wait_for_function(f"() => window.annotator.store.get({biden.pk}).version === 3")
    assert page_b.locator(".annotator-conflict").count() == 0  # nothing to choose
    biden.refresh_from_db()
    assert (biden.note, biden.label_id) == ("ملاحظة أليس", labels["ORG"].pk)

    # Both change the note: only the note is listed, with who saved theirs.
    card_a.locator("[data-action='edit']").click()
    card_b.locator("[data-action='edit']").click()
    card_a.locator("textarea[name='note']").fill("أليس مرة ثانية")
    card_b.locator("textarea[name='note']").fill("بوب مرة ثانية")
    card_b.locator(f"input[name='label'][value='{labels['PER'].pk}']").check()
    card_a.locator("[data-action='save']").click()
    page_b.wait_for_function(f"() => window.annotator.store.get({biden.pk}).version === 4")
    card_b.locator("[data-action='save']").click()
    conflict = page_b.locator(".annotator-conflict")
    conflict.wait_for()
    rows = conflict.locator("tbody tr")
    assert rows.count() == 1 and rows.first.get_attribute("data-field") == "note"
    assert "alice" in rows.first.inner_text() and "أليس مرة ثانية" in rows.first.inner_text()
    assert page_a.errors == [] and page_b.errors == []


# --- 1. the quote form never hides the quote; the likeliest speaker first ---------------------------

QUOTE = "لن نكون مع نهاية العام في مهمّة قتاليّة"

QUOTE_RECTS_JS = """() => {
  const t = window.annotator.toolbar;
  return t.index.rangesFor(t.quote.span.start, t.quote.span.end)
    .flatMap((r) => [...r.getClientRects()])
    .map((r) => ({x: r.x, y: r.y, width: r.width, height: r.height}));
}"""


def overlaps(a, b):
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def select_text(page, needle):
    """Select ``needle`` (its first occurrence) with the Selection API, in the middle of the screen."""
    page.evaluate(
        """(needle) => {
          const {start} = window.annotator.index.blocks.find((b) => b.text.includes(needle));
          const block = window.annotator.index.blocks.find((b) => b.text.includes(needle));
          const at = block.start + [...block.text.slice(0, block.text.indexOf(needle))].length;
          const range = window.annotator.index.rangeFor(at, at + [...needle].length);
          scrollBy({top: range.getBoundingClientRect().top - innerHeight / 2, behavior: 'instant'});
          const selection = document.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        }""",
        needle,
    )


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_quote_form_leaves_the_quote_visible_and_offers_its_unmarked_speaker(
    browser_as, seed, labels, alice, screenshot, device
):
    options = {} if device == "desktop" else {"viewport": PHONE, "has_touch": True, "is_mobile": True}
    page = open_article(browser_as(alice, **options), seed)
    select_text(page, QUOTE)
    page.wait_for_selector(".annotator-toolbar:not([hidden]) [data-action='quote']")
    page.click(".annotator-toolbar [data-action='quote']")
    form = page.locator(".annotator-quote-form")
    form.wait_for()
    page.wait_for_timeout(100)  # scrolled into the space above the form
    toolbar = page.locator(".annotator-toolbar").bounding_box()
    viewport = page.viewport_size
    for box in page.evaluate(QUOTE_RECTS_JS):
        assert not overlaps(box, toolbar), (box, toolbar)
        assert 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"], box  # on screen
    save = page.locator(".annotator-quote-form [data-action='save-quote']").bounding_box()
    assert save["y"] + save["height"] <= viewport["height"] and save["x"] >= 0  # Save in view
    screenshot(page, f"annotator-quote-form-{device}", full_page=False)

    # Nobody marked بايدن yet: "mark بايدن as a person and use it", in one click.
    offer = page.locator(".annotator-quote-form [data-action='use-candidate']")
    assert "بايدن" in offer.inner_text()
    offer.click()
    page.wait_for_function("() => document.querySelector('.annotator-speaker-current').textContent.includes('بايدن')")
    page.click(".annotator-quote-form [data-action='save-quote']")
    wait_for_store(page, 2)
    quote = Annotation.objects.get(kind="quote")
    assert quote.speaker.exact == "بايدن" and quote.speaker.label_id == labels["PER"].pk
    assert quote.speaker.start > seed.current_revision.text.index("وقال")  # the one after the verb
    assert page.errors == []


def test_the_subject_of_the_reporting_verb_is_preselected_not_the_nearest_name(browser_as, seed, labels, alice):
    text = seed.current_revision.text
    said = text.index("وقال بايدن")
    biden = mark(alice, seed, "بايدن", occurrence=text[:said].count("بايدن"))
    mark(alice, seed, "الكاظمي", occurrence=text[:said].count("الكاظمي"))  # nearer to the quote
    page = open_article(browser_as(alice), seed)
    select_text(page, QUOTE)
    page.wait_for_selector(".annotator-toolbar:not([hidden]) [data-action='quote']")
    page.click(".annotator-toolbar [data-action='quote']")
    page.locator(".annotator-quote-form").wait_for()
    assert page.input_value(".annotator-quote-form select[name='speaker']") == str(biden.pk)


# --- 5. keyboard ----------------------------------------------------------------------------------


def test_the_quote_form_by_keyboard_starts_at_the_speaker_and_keeps_the_focus(browser_as, seed, labels, alice):
    mark(alice, seed, "بايدن", occurrence=seed.current_revision.text[: seed.current_revision.text.index("وقال بايدن")].count("بايدن"))
    page = open_article(browser_as(alice), seed)
    select_text(page, QUOTE)
    page.wait_for_selector(".annotator-toolbar:not([hidden]) [data-action='quote']")
    page.keyboard.press("q")
    page.locator(".annotator-quote-form").wait_for()
    assert page.evaluate("() => document.activeElement.name") == "speaker"
    for _ in range(30):  # Tab never leaves the form
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.querySelector('.annotator-toolbar').contains(document.activeElement)")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.querySelector('.annotator-toolbar').contains(document.activeElement)")

    # "Use «قال»": the focus stays in the form.
    use = page.locator(".annotator-quote-form button", has_text="وقال")
    use.click()
    page.wait_for_function("() => document.querySelector('.annotator-cue-current').textContent.includes('وقال')")
    assert page.evaluate("() => document.querySelector('.annotator-toolbar').contains(document.activeElement)")


def test_escape_right_after_moving_the_selection_closes_the_toolbar_for_good(browser_as, seed, labels, alice):
    page = open_article(browser_as(alice), seed)
    article = page.locator("article")
    for _ in range(40):
        if article.evaluate("(el) => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    page.wait_for_selector(".annotator-toolbar:not([hidden])")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Escape")
    page.wait_for_timeout(700)
    assert page.locator(".annotator-toolbar").is_hidden()


def test_double_click_selects_a_hyphenated_name_whole(browser_as, labels, alice):
    from newsreader.services.articles import article_save
    from tests.factories import SourceFactory

    article = article_save(
        source=SourceFactory(), title="لقاح جديد", subtitle="", caption="", body=["قال الوزير إن لقاح COVID-19 متاح للجميع."]
    ).article
    page = open_article(browser_as(alice), article)
    box = page.evaluate(
        """() => {
          const block = window.annotator.index.blocks.find((b) => b.text.includes('COVID'));
          const at = block.start + block.text.indexOf('COVID') + 1;
          const r = window.annotator.index.rangeFor(at, at + 1).getBoundingClientRect();
          return {x: r.x + r.width / 2, y: r.y + r.height / 2};
        }"""
    )
    page.mouse.dblclick(box["x"], box["y"])
    page.wait_for_function("() => document.querySelector('.annotator-toolbar:not([hidden]) .annotator-exact__text')")
    assert page.inner_text(".annotator-toolbar .annotator-exact__text") == "COVID-19"


# --- 7. suggestions in the reader, and the phone ------------------------------------------------------


@pytest.fixture
def suggestion_settings(settings, tmp_path):
    # The language engine without downloaded models (as tests/browser/test_suggestions_ui.py).
    settings.SUGGESTIONS_MODEL_DIR = tmp_path / "models"
    settings.SUGGESTIONS_BERT_MODEL = str(tmp_path / "no-bert")
    settings.SUGGESTIONS_MORPHOLOGY_DB = str(tmp_path / "no-morphology.db")
    settings.SUGGESTIONS_CRF_RETRAIN_AFTER = 1000


QUEUED = '{"status": "queued", "created": 0, "kept": 0, "removed": 0, "task": "t"}'


def test_being_computed_clears_when_suggestions_arrive_and_the_phone_count_leaves_them_out(
    browser_as, seed, labels, alice, suggestion_settings
):
    from suggestions.services import article_suggest
    from tests.factories import UserFactory

    mark(UserFactory(username="carol"), seed, "بايدن", occurrence=0)
    page = browser_as(alice, viewport=PHONE, has_touch=True, is_mobile=True)
    # A worker will compute them: the API answers "queued" (202), the suggestions come live later.
    page.route("**/suggest/", lambda route: route.fulfill(status=202, content_type="application/json", body=QUEUED))
    open_article(page, seed)
    page.click("#annotator-panel-toggle")
    tools = page.locator("[data-suggest-tools]")
    tools.locator("[data-action='suggest']").click()
    status = tools.locator("[role='status']")
    status.wait_for()
    computing = status.inner_text()

    article_suggest(article_id=seed.pk)
    page.wait_for_function("() => window.annotator.store.all().some((a) => a.status === 'suggested')")
    page.wait_for_function(
        "(before) => !document.querySelector('[data-suggest-tools] [role=status]') || "
        "document.querySelector('[data-suggest-tools] [role=status]').textContent !== before",
        arg=computing,
    )
    assert page.evaluate("() => window.annotator.store.all().length") > 1
    assert page.inner_text("#annotator-panel-toggle [data-annotator-count]") in ("1", "١")  # carol's mark only


def test_a_touch_selection_opens_the_toolbar_below_it(browser_as, seed, labels, alice):
    page = open_article(browser_as(alice, viewport=PHONE, has_touch=True, is_mobile=True), seed)
    # A long press: pointerdown (touch), the browser selects the word, then pointercancel (no pointerup).
    page.evaluate(
        """() => {
          const article = document.querySelector('article');
          const word = window.annotator.index.allWords().find((w) => window.annotator.index.slice(w.start, w.end) === 'واشنطن');
          const range = window.annotator.index.rangeFor(word.start, word.end);
          scrollBy({top: range.getBoundingClientRect().top - innerHeight / 3, behavior: 'instant'});
          const r = range.getBoundingClientRect();
          const init = {bubbles: true, pointerType: 'touch', isPrimary: true, button: 0, clientX: r.x + 5, clientY: r.y + 5};
          article.dispatchEvent(new PointerEvent('pointerdown', init));
          const selection = document.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          setTimeout(() => article.dispatchEvent(new PointerEvent('pointercancel', init)), 50);
        }"""
    )
    page.wait_for_selector(".annotator-toolbar:not([hidden]) .annotator-exact__text")
    assert page.inner_text(".annotator-toolbar .annotator-exact__text") == "واشنطن"
    toolbar = page.locator(".annotator-toolbar").bounding_box()
    selection = page.evaluate("() => document.getSelection().getRangeAt(0).getBoundingClientRect().bottom")
    assert toolbar["y"] >= selection  # below it, away from the phone's own menu


# --- 6. working on each other's marks ------------------------------------------------------------------


def test_a_member_proposes_a_label_and_the_owner_accepts_it_in_one_click(browser_as, seed, labels, alice):
    from tests.factories import UserFactory

    carol = UserFactory(username="carol")
    kadhimi = mark(alice, seed, "الكاظمي")
    page_c = open_article(browser_as(carol), seed)
    card = open_card(page_c, "الكاظمي")
    assert card.locator("[data-action='edit']").count() == 0
    card.locator("[data-action='propose']").click()
    card.locator(f"input[name='label'][value='{labels['ORG'].pk}']").check()
    card.locator("textarea[name='comment']").fill("هو رئيس الوزراء، لكن هنا يقصد الحكومة")
    card.locator("[data-action='send-proposal']").click()
    card.locator(".annotator-proposal").wait_for()

    page_a = open_article(browser_as(alice), seed)
    card_a = open_card(page_a, "الكاظمي")
    proposal = card_a.locator(".annotator-proposal")
    proposal.wait_for()
    assert "carol" in proposal.inner_text() and "منظمة" in proposal.inner_text()
    proposal.locator("[data-action='accept-proposal']").click()
    page_a.wait_for_function(f"() => window.annotator.store.get({kadhimi.pk}).label === {labels['ORG'].pk}")
    kadhimi.refresh_from_db()
    assert (kadhimi.label_id, kadhimi.modified_by) == (labels["ORG"].pk, alice)
    page_c.wait_for_function(f"() => window.annotator.store.get({kadhimi.pk}).label === {labels['ORG'].pk}")  # live
    assert page_a.errors == [] and page_c.errors == []


def test_a_proposal_reaches_the_owners_open_card_live_and_its_withdrawal_too(browser_as, seed, labels, alice):
    """Issue 12: the owner sees a colleague's proposal on the card she has open, without reopening it."""
    from tests.factories import UserFactory

    carol = UserFactory(username="carol")
    kadhimi = mark(alice, seed, "الكاظمي")
    page_a = open_article(browser_as(alice), seed)
    page_a.evaluate("() => { window.__sameDocument = true; }")
    card_a = open_card(page_a, "الكاظمي")
    page_a.wait_for_selector(".annotator-replies form")  # the card has loaded its thread and (no) proposals
    assert card_a.locator(".annotator-proposal").count() == 0

    # A colleague, in another browser, proposes another label.
    page_c = open_article(browser_as(carol), seed)
    card_c = open_card(page_c, "الكاظمي")
    card_c.locator("[data-action='propose']").click()
    card_c.locator(f"input[name='label'][value='{labels['ORG'].pk}']").check()
    card_c.locator("textarea[name='comment']").fill("يقصد الحكومة هنا")
    card_c.locator("[data-action='send-proposal']").click()
    card_c.locator(".annotator-proposal").wait_for()

    # The owner's open card shows it, with its buttons, without a reload.
    proposal = card_a.locator(".annotator-proposal")
    proposal.wait_for(timeout=10_000)
    assert "carol" in proposal.inner_text() and "يقصد الحكومة هنا" in proposal.inner_text()
    assert proposal.locator("[data-action='accept-proposal']").count() == 1

    # The colleague withdraws it: it leaves the owner's card, live too.
    card_c.locator(".annotator-proposal button").click()
    card_a.locator(".annotator-proposals").wait_for(state="detached", timeout=10_000)
    assert page_a.evaluate("() => window.__sameDocument") is True
    kadhimi.refresh_from_db()
    assert kadhimi.label_id == labels["PER"].pk
    assert page_a.errors == [] and page_c.errors == []


def test_the_marks_here_chooser_names_the_annotators_and_overlapping_labels_stay_apart(browser_as, seed, labels, alice, bob):
    mark(alice, seed, "الكاظمي")
    mark(bob, seed, "الكاظمي")
    mark(bob, seed, "الكاظمي", label="ORG")
    page = open_article(browser_as(alice), seed)
    card = open_card(page, "الكاظمي")
    buttons = [card.locator(".annotator-chooser button").nth(i).inner_text() for i in range(3)]
    assert len(set(buttons)) == 3, buttons  # no two identical buttons
    assert any("alice" in b for b in buttons) and sum("bob" in b for b in buttons) == 2
    # PER and ORG on the same words: the second label draws its own line, not just a blended background.
    page.wait_for_function(f"() => CSS.highlights.get('nr-lo-{labels['ORG'].pk}')?.size === 1")


# --- 8. pages around the marks ---------------------------------------------------------------------------

LINE_STARTS_JS = """(selector) => {
  const items = [...document.querySelector(selector).children];
  const starts = [];
  items.forEach((item, i) => {
    const top = item.getBoundingClientRect().top;
    if (i > 0 && top > items[i - 1].getBoundingClientRect().top + 2) starts.push(getComputedStyle(item, '::before').content);
  });
  return starts;
}"""


def test_on_a_phone_no_line_starts_with_a_dot_and_the_marks_button_covers_no_text(browser_as, seed, labels, alice):
    mark(alice, seed, "بايدن")
    page = open_article(browser_as(alice, viewport={"width": 300, "height": 640}, has_touch=True, is_mobile=True), seed)
    starts = page.evaluate(LINE_STARTS_JS, ".article__meta")
    assert starts, "the meta line should wrap at this width"
    assert all(content in ("none", "normal") for content in starts), starts
    # At the end of the page the last words are above the Marks button, not under it.
    page.evaluate("() => scrollTo(0, document.documentElement.scrollHeight)")
    toggle = page.locator("#annotator-panel-toggle").bounding_box()
    last = page.evaluate(
        "() => { const ps = document.querySelectorAll('article [data-start]'); return ps[ps.length - 1].getBoundingClientRect().bottom; }"
    )
    assert last <= toggle["y"], (last, toggle)


def test_the_entity_timeline_reads_with_one_month_and_arabic_month_names(browser_as, seed, labels, alice):
    from entities.models import EntityMention

    biden = mark(alice, seed, "بايدن")
    entity = EntityMention.objects.get(annotation=biden).entity_id
    page = browser_as(alice)
    page.goto(f"/entities/{entity}/")
    svg = page.locator(".month-chart__bars").bounding_box()
    bars = page.locator(".month-chart__bars rect").evaluate_all("rs => rs.map((r) => r.getBoundingClientRect().width)")
    assert len(bars) == 1 and 0 < bars[0] < svg["width"] / 10  # one narrow bar, not a block
    x_axis = page.inner_text(".month-chart__x")
    assert "يوليو" in x_axis  # July 2021, by name
    assert page.locator(".month-chart__y li").count() >= 2  # a height axis with numbers
    assert page.inner_text(".month-chart__x-title")


def test_the_speaker_page_date_filter_follows_the_page_language(browser_as, seed, labels, alice):
    from entities.models import EntityMention

    biden = mark(alice, seed, "بايدن")
    mark(alice, seed, "لن نكون مع نهاية العام في مهمّة قتاليّة", kind="quote", quote_type="direct", speaker=biden.pk)
    entity = EntityMention.objects.get(annotation=biden).entity_id
    page = browser_as(alice, locale="en-US")  # an English browser reading the Arabic site
    page.goto(f"/speakers/{entity}/")
    assert page.locator("input[type='date']").count() == 0
    months = page.locator("select[name='from_month'] option").all_inner_texts()
    assert "يوليو" in months
    page.select_option("select[name='from_year']", "2021")
    page.select_option("select[name='from_month']", "7")
    page.select_option("select[name='from_day']", "1")
    page.locator("select[name='from_day']").evaluate("(el) => el.form.requestSubmit()")
    page.wait_for_url("**from_year=2021**")
    assert "لن نكون" in page.inner_text("main")


def test_undo_puts_back_a_change_but_never_over_a_colleagues_later_one(browser_as, seed, labels, alice):
    from annotations.services import annotation_update

    biden = mark(alice, seed, "بايدن", note="قبل")
    page = open_article(browser_as(alice), seed)
    card = open_card(page, "بايدن")
    card.locator("[data-action='edit']").click()
    card.locator("textarea[name='note']").fill("بعد")
    card.locator("[data-action='save']").click()
    page.wait_for_selector(".annotator-toast [data-action='undo']")
    page.click(".annotator-toast [data-action='undo']")
    page.wait_for_function(f"() => window.annotator.store.get({biden.pk}).note === 'قبل'")
    biden.refresh_from_db()
    assert (biden.note, biden.version) == ("قبل", 3)

    # Changed again, then a colleague saves on top: undo says so and changes nothing.
    card.locator("[data-action='edit']").click()
    card.locator("textarea[name='note']").fill("مرة أخرى")
    card.locator("[data-action='save']").click()
    page.wait_for_function("() => window.annotator.undo.available")
    annotation_update(user=alice, annotation_id=biden.pk, expected_version=4, note="من مكان آخر")
    page.wait_for_function(f"() => window.annotator.store.get({biden.pk}).version === 5")
    page.mouse.click(2, 2)
    page.keyboard.press("Control+z")
    page.wait_for_selector(".annotator-toast--error")
    biden.refresh_from_db()
    assert biden.note == "من مكان آخر"
