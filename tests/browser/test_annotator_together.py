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
