/*
 * The selection toolbar: appears by the selected text (never over it) with the
 * exact text that will be saved, the label set's labels (colour, shortcut
 * digit) and a "quote" action; then the quote form (speaker, reporting verb,
 * type).
 *
 * Keyboard: while it is open, digits 1-9 apply the label with that shortcut
 * and Q starts a quote (by physical key, so an Arabic keyboard layout works
 * too); Escape closes it; arrow keys move between the label buttons.
 *
 * This module places the toolbar, shows the labels and saves a new mark; the
 * quote form (toolbar-quote.js) and the keys (toolbar-keys.js) are methods of
 * the toolbar kept in their own modules (mixed into Toolbar.prototype below).
 */

import { h, placeNear } from "./dom.js";
import { gettext, interpolate, labelName, formatNumber } from "./i18n.js";
import { loadPrefs, savePrefs, visibilityOptions, visibilityFields } from "./prefs.js";
import { quoteForm } from "./toolbar-quote.js";
import { keys } from "./toolbar-keys.js";

export class Toolbar {
  constructor({ index, store, highlighter, labels, user, urls, onCreate, onShowMarks, onClose }) {
    Object.assign(this, { index, store, highlighter, labels, user, urls, onCreate, onShowMarks, onClose });
    this.span = null;
    this.mode = "closed"; // closed | labels | quote
    this.picking = null; // null | "speaker" | "cue"
    this.quote = null;
    this.busy = false;
    this.returnFocus = null;
    this.element = h("section", {
      class: "annotator-toolbar",
      role: "dialog",
      "aria-modal": "false",
      "aria-label": gettext("Mark the selected text"),
      hidden: true,
    });
    this.element.addEventListener("keydown", (event) => this._keydown(event));
    document.addEventListener("keydown", (event) => this._shortcut(event));
  }

  get isOpen() {
    return this.mode !== "closed";
  }

  /* Show the toolbar for a span; `focus` moves keyboard focus into it. */
  show(span, { focus = false, returnFocus = null } = {}) {
    if (this.busy) return;
    this.span = span;
    this.mode = "labels";
    this.picking = null;
    this.returnFocus = returnFocus || this.returnFocus;
    this.highlighter.setPending(span);
    this._render();
    this._place();
    if (focus) this._focusFirst();
  }

  hide({ restoreFocus = false } = {}) {
    if (this.mode === "closed") return;
    const span = this.span;
    this.mode = "closed";
    this.picking = null;
    this.quote = null;
    this.span = null;
    this.element.hidden = true;
    this._undock();
    this.highlighter.setPending(null);
    this.highlighter.showCandidates(false);
    document.body.classList.remove("annotator-picking");
    if (restoreFocus && this.returnFocus?.isConnected) this.returnFocus.focus({ preventScroll: true });
    this.returnFocus = null;
    this.onClose?.(span);
  }

  _rects(span) {
    return this.index.rangesFor(span.start, span.end).flatMap((r) => [...r.getClientRects()]);
  }

  _place() {
    if (this.mode === "quote") {
      this._dock();
      return;
    }
    this._undock();
    const phone = matchMedia("(max-width: 40rem), (pointer: coarse)").matches;
    // On phones the system's own selection menu sits above the text: go below it.
    placeNear(this.element, this._rects(this.span), { prefer: phone ? "below" : "above" });
  }

  /*
   * The quote form is long: floating next to the quote it would cover the quote or the paragraphs
   * where its speaker is. It docks at the bottom of the window instead (a bottom sheet on a phone,
   * Save always visible), and the page scrolls so that the quote sits in the space above it.
   */
  _dock() {
    const element = this.element;
    for (const property of ["position", "left", "top", "insetInlineStart", "visibility"]) element.style[property] = "";
    element.classList.add("annotator-toolbar--docked");
    document.body.classList.add("annotator-docked");
    element.hidden = false;
    const free = element.getBoundingClientRect().top - 12;
    const rects = this._rects(this.quote?.span || this.span).filter((r) => r.width > 0 || r.height > 0);
    if (!rects.length) return;
    const top = Math.min(...rects.map((r) => r.top));
    const bottom = Math.max(...rects.map((r) => r.bottom));
    const header = document.querySelector(".site-header");
    const sticky = header && ["sticky", "fixed"].includes(getComputedStyle(header).position) ? header.getBoundingClientRect().bottom : 0;
    const margin = Math.max(12, sticky + 12);
    if (top >= margin && bottom <= free) return;
    // A third of the free space above the quote (room for the paragraph before it, where speakers are).
    const target = bottom - top < free - margin ? margin + (free - margin - (bottom - top)) / 3 : margin;
    window.scrollBy({ top: top - target, behavior: "instant" });
  }

  _undock() {
    this.element.classList.remove("annotator-toolbar--docked");
    document.body.classList.remove("annotator-docked");
  }

  reposition() {
    if (this.isOpen && this.span) this._place();
  }

  _focusFirst() {
    const target = this.element.querySelector("[data-autofocus]") || this.element.querySelector("button, select, input, a[href]");
    target?.focus({ preventScroll: true });
  }

  /* --- rendering ------------------------------------------------------------------------ */

  _exactBlock(span, caption) {
    const text = this.index.slice(span.start, span.end);
    const count = [...text].length;
    return h(
      "div",
      { class: "annotator-exact" },
      h("span", { class: "annotator-exact__caption" }, caption, " "),
      h("q", { class: "annotator-exact__text", lang: "ar", dir: "rtl" }, text.replace(/\n+/g, " ¶ ")),
      h(
        "span",
        { class: "annotator-exact__count muted" },
        " ",
        interpolate(gettext("(%(count)s characters)"), { count: formatNumber(count) }),
      ),
    );
  }

  _render() {
    const children = [];
    if (this.mode === "labels") children.push(...this._labelsView());
    else if (this.mode === "quote") children.push(...this._quoteView());
    this.element.replaceChildren(...children);
  }

  _closeButton() {
    return h(
      "button",
      { type: "button", class: "annotator-close", "aria-label": gettext("Close"), title: gettext("Close (Esc)"), onclick: () => this.hide({ restoreFocus: true }) },
      "×",
    );
  }

  _labelsView() {
    const span = this.span;
    const head = h("div", { class: "annotator-toolbar__head" }, this._exactBlock(span, gettext("Will be saved:")), this._closeButton());
    const out = [head];
    const overlapping = this.store.overlapping(span.start, span.end);
    if (!this.user) {
      out.push(
        h(
          "p",
          { class: "annotator-signin" },
          gettext("Log in to mark names and quotes."),
          " ",
          h("a", { class: "button button--primary", href: this.urls.login, "data-autofocus": true }, gettext("Log in")),
          this.urls.signup ? [" ", h("a", { class: "button", href: this.urls.signup }, gettext("Sign up"))] : null,
        ),
      );
    } else {
      const labelBar = h("div", { class: "annotator-labels", role: "toolbar", "aria-label": gettext("Labels") });
      this.labels.forEach((label, i) => {
        const name = labelName(label);
        const button = h(
          "button",
          {
            type: "button",
            class: "annotator-label",
            tabindex: i === 0 ? "0" : "-1",
            dataset: { label: String(label.id) },
            "aria-keyshortcuts": label.shortcut || undefined,
            "data-autofocus": i === 0 ? true : undefined,
            onclick: () => this._saveEntity(label),
          },
          h("span", { class: "annotator-swatch", "aria-hidden": "true", style: { backgroundColor: label.color } }),
          h("span", {}, name),
          label.shortcut ? h("kbd", { "aria-hidden": "true" }, label.shortcut) : null,
        );
        labelBar.append(button);
      });
      labelBar.append(
        h(
          "button",
          {
            type: "button",
            class: "annotator-label annotator-label--quote",
            tabindex: "-1",
            dataset: { action: "quote" },
            "aria-keyshortcuts": "Q",
            onclick: () => this.startQuote(),
          },
          h("span", { class: "annotator-quote-icon", "aria-hidden": "true" }, "❝"),
          h("span", {}, gettext("Quote")),
          h("kbd", { "aria-hidden": "true" }, "Q"),
        ),
      );
      out.push(labelBar);
      const prefs = loadPrefs();
      const visibility = h(
        "select",
        {
          class: "annotator-visibility",
          "aria-label": gettext("Who can see the new mark"),
          onchange: (event) => savePrefs({ visibility: event.target.value }),
        },
        visibilityOptions(this.user).map((o) => h("option", { value: o.value, selected: o.value === (prefs.visibility || "public") }, o.label)),
      );
      out.push(
        h(
          "div",
          { class: "annotator-toolbar__options" },
          h("label", {}, gettext("Visible to"), " ", visibility),
          h(
            "label",
            { class: "annotator-check" },
            h("input", {
              type: "checkbox",
              checked: Boolean(prefs.snap),
              onchange: (event) => {
                savePrefs({ snap: event.target.checked });
                this.dispatchSnap?.(event.target.checked);
              },
            }),
            " ",
            gettext("Whole words"),
          ),
        ),
      );
    }
    if (overlapping.length) {
      out.push(
        h(
          "button",
          { type: "button", class: "annotator-link-button", onclick: () => this.onShowMarks(overlapping, span) },
          interpolate(gettext("Marks here: %(count)s"), { count: formatNumber(overlapping.length) }),
        ),
      );
    }
    out.push(h("p", { class: "annotator-error", role: "alert" }));
    return out;
  }

  _error(message) {
    const box = this.element.querySelector(".annotator-error");
    if (box) box.textContent = message || "";
  }

  _visibility() {
    const value = this.element.querySelector(".annotator-visibility")?.value || loadPrefs().visibility || "public";
    // A group the reader has left since: back to everyone.
    if (value.startsWith("group:") && !(this.user?.groups || []).some((g) => `group:${g.id}` === value)) return visibilityFields("public");
    return visibilityFields(value);
  }

  _baseFields(span) {
    return {
      start: span.start,
      end: span.end,
      exact: this.index.slice(span.start, span.end),
      ...this.index.context(span.start, span.end),
      revision: this.store.revision,
      ...this._visibility(),
    };
  }

  async _saveEntity(label) {
    if (!this.user || this.busy) return;
    await this._submit({ kind: "entity", label: label.id, ...this._baseFields(this.span) });
  }

  async _submit(fields) {
    this.busy = true;
    this.element.setAttribute("aria-busy", "true");
    this._error("");
    try {
      await this.onCreate(fields);
      this.busy = false;
      this.hide({ restoreFocus: true });
      document.getSelection()?.removeAllRanges();
    } catch (error) {
      this.busy = false;
      this._error(error.userMessage || String(error));
    } finally {
      this.element.removeAttribute("aria-busy");
    }
  }

}

Object.assign(Toolbar.prototype, quoteForm, keys);
