/*
 * The selection toolbar: appears by the selected text (never over it) with the
 * exact text that will be saved, the label set's labels (colour, shortcut
 * digit) and a "quote" action; then the quote form (speaker, reporting verb,
 * type).
 *
 * Keyboard: while it is open, digits 1-9 apply the label with that shortcut
 * and Q starts a quote (by physical key, so an Arabic keyboard layout works
 * too); Escape closes it; arrow keys move between the label buttons.
 */

import { h, arabic, isTyping, placeNear } from "./dom.js";
import { fold } from "./store.js";
import { QUOTE_MARKS, subjectOf, suggestCue } from "./speaker.js";
import { gettext, interpolate, labelName, formatNumber } from "./i18n.js";

const PREFS_KEY = "newsreader:annotator";
export function loadPrefs() {
  try {
    return JSON.parse(localStorage.getItem(PREFS_KEY)) || {};
  } catch {
    return {};
  }
}

export function savePrefs(changes) {
  const prefs = { ...loadPrefs(), ...changes };
  try {
    localStorage.setItem(PREFS_KEY, JSON.stringify(prefs));
  } catch {
    /* private mode: preferences last for this page only */
  }
  return prefs;
}

/* The visibility choices of a reader: everyone, only me, each of their groups. */
export function visibilityOptions(user) {
  const options = [
    { value: "public", label: gettext("Everyone") },
    { value: "private", label: gettext("Only me") },
  ];
  for (const group of user?.groups || []) {
    options.push({ value: `group:${group.id}`, label: interpolate(gettext("Group: %(name)s"), { name: group.name }) });
  }
  return options;
}

export function visibilityFields(value) {
  if (value.startsWith("group:")) return { visibility: "group", group: Number(value.slice(6)) };
  return { visibility: value === "private" ? "private" : "public", group: null };
}

export function visibilityValue(annotation) {
  return annotation.visibility === "group" ? `group:${annotation.group}` : annotation.visibility;
}

/* The physical digit of a key event (1-9), or null; Arabic-Indic digits count too. */
export function digitOf(event) {
  const code = /^(?:Digit|Numpad)([1-9])$/.exec(event.code || "");
  if (code) return code[1];
  const key = event.key || "";
  if (/^[1-9]$/.test(key)) return key;
  const arabicIndic = "١٢٣٤٥٦٧٨٩".indexOf(key);
  return arabicIndic >= 0 ? String(arabicIndic + 1) : null;
}

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

  /* --- quotes ------------------------------------------------------------------------ */

  startQuote() {
    if (!this.user || !this.span) return;
    const span = this.span;
    const cueSuggestion = this._suggestCue(span);
    const subject = cueSuggestion ? this._subjectOf(cueSuggestion, span) : null;
    this.quote = {
      span,
      // The cue's subject ("قال بايدن") when it is marked (or suggested), else the nearest person before.
      speaker: subject?.entity?.id ?? this._defaultSpeaker(span),
      speakerName: "",
      // An unmarked subject is offered: "Mark بايدن as a person and use it".
      candidate: subject && !subject.entity ? subject.word : null,
      cue: null,
      cueSuggestion,
      type: this._defaultType(span),
    };
    this.mode = "quote";
    this._render();
    this._place();
    this._focusFirst();
  }

  _subjectOf(cue, span) {
    return subjectOf({ index: this.index, entities: this._entities(), labels: this.labels, cue, span });
  }

  /* Mark the offered word as a person and make it the speaker. */
  async _useCandidate() {
    const q = this.quote;
    const person = this.labels.find((l) => l.code === "PER") || this.labels[0];
    if (!q?.candidate || !person || this.busy) return;
    this.busy = true;
    this._error("");
    try {
      const created = await this.onCreate({ kind: "entity", label: person.id, ...this._baseFields(q.candidate) });
      if (this.quote === q) {
        q.speaker = created.id;
        q.speakerName = "";
        q.candidate = null;
        this._rerenderQuote("speaker");
      }
    } catch (error) {
      this._error(error.userMessage || String(error));
    } finally {
      this.busy = false;
    }
  }

  _entities() {
    return this.store.drawn().filter((a) => a.kind === "entity" && !a.hidden);
  }

  /* The nearest marked person before the quote in the same paragraph, if any. */
  _defaultSpeaker(span) {
    const block = this.index.blockAt(span.start);
    const people = this.labels.filter((l) => l.code === "PER").map((l) => l.id);
    const before = this._entities()
      .filter((a) => block && a.start >= block.start && a.end <= span.start && (!people.length || people.includes(a.label)))
      .sort((a, b) => b.end - a.end);
    return before[0]?.id ?? null;
  }

  _defaultType(span) {
    const before = this.index.slice(Math.max(0, span.start - 1), span.start);
    const after = this.index.slice(span.end, span.end + 1);
    const text = this.index.slice(span.start, span.end);
    const quoted = (QUOTE_MARKS.test(before) && QUOTE_MARKS.test(after)) || (QUOTE_MARKS.test(text[0]) && QUOTE_MARKS.test(text.at(-1)));
    return quoted ? "direct" : "indirect";
  }

  _suggestCue(span) {
    return suggestCue(this.index, span);
  }

  /* Options of the speaker list: one per distinct marked name, nearest occurrence to the quote. */
  _speakerOptions(span) {
    const byName = new Map();
    const distance = (a) => (a.end <= span.start ? span.start - a.end : a.start >= span.end ? a.start - span.end + 0.5 : 1e9);
    const labelOrder = new Map(this.labels.map((l, i) => [l.id, l.code === "PER" ? -1 : i]));
    for (const a of this._entities()) {
      if (a.start >= span.start && a.end <= span.end) continue; // inside the quote itself
      const key = `${a.label}:${fold(a.exact)}`;
      const seen = byName.get(key);
      if (!seen || distance(a) < distance(seen)) byName.set(key, a);
    }
    return [...byName.values()].sort((a, b) => (labelOrder.get(a.label) ?? 99) - (labelOrder.get(b.label) ?? 99) || distance(a) - distance(b));
  }

  _quoteView() {
    const q = this.quote;
    const labelOf = (id) => this.labels.find((l) => l.id === id);
    const speakerEntity = q.speaker ? this.store.get(q.speaker) : null;
    const current = speakerEntity
      ? [arabic(speakerEntity.exact), " · ", labelName(labelOf(speakerEntity.label))]
      : q.speakerName
        ? [arabic(q.speakerName), " · ", gettext("typed name")]
        : [gettext("none yet")];
    const pickButton = h(
      "button",
      {
        type: "button",
        class: "button",
        "aria-pressed": String(this.picking === "speaker"),
        onclick: () => this._pick(this.picking === "speaker" ? null : "speaker"),
      },
      this.picking === "speaker" ? gettext("Cancel picking") : gettext("Pick a marked name in the text"),
    );
    const select = h(
      "select",
      {
        name: "speaker",
        // The form starts at its first question (who said it), not at Save.
        "data-autofocus": q.candidate && !q.speaker ? undefined : true,
        onchange: (event) => {
          q.speaker = event.target.value ? Number(event.target.value) : null;
          if (q.speaker) q.speakerName = "";
          this._rerenderQuote("speaker");
        },
      },
      h("option", { value: "" }, gettext("— choose —")),
      this._speakerOptions(q.span).map((a) =>
        h("option", { value: String(a.id), selected: a.id === q.speaker }, `${a.exact} (${labelName(labelOf(a.label))})`),
      ),
    );
    const nameInput = h("input", {
      type: "text",
      name: "speaker_name",
      lang: "ar",
      dir: "rtl",
      value: q.speakerName,
      autocomplete: "off",
      oninput: (event) => {
        q.speakerName = event.target.value;
        if (q.speakerName.trim()) {
          q.speaker = null;
          select.value = "";
          this.element.querySelector(".annotator-speaker-current").replaceChildren(arabic(q.speakerName), " · ", gettext("typed name"));
        }
      },
    });
    const cueText = q.cue ? this.index.slice(q.cue.start, q.cue.end) : "";
    const suggestion = q.cueSuggestion && (!q.cue || q.cue.start !== q.cueSuggestion.start) ? q.cueSuggestion : null;
    const cueControls = [
      h("p", { class: "annotator-cue-current" }, gettext("Reporting verb:"), " ", q.cue ? arabic(cueText) : gettext("none")),
      suggestion
        ? h(
            "button",
            { type: "button", class: "button", onclick: () => this._setCue(suggestion) },
            interpolate(gettext("Use “%(verb)s”"), { verb: this.index.slice(suggestion.start, suggestion.end) }),
          )
        : null,
      h(
        "button",
        { type: "button", class: "button", dataset: { focus: "cue" }, "aria-pressed": String(this.picking === "cue"), onclick: () => this._pick(this.picking === "cue" ? null : "cue") },
        this.picking === "cue" ? gettext("Cancel marking") : gettext("Mark it in the text"),
      ),
      q.cue ? h("button", { type: "button", class: "button", onclick: () => this._setCue(null) }, gettext("Remove")) : null,
    ];
    const types = [
      ["direct", gettext("Direct (their exact words)")],
      ["indirect", gettext("Indirect (reported speech)")],
      ["partial", gettext("Partial (some of their words)")],
    ];
    const hint =
      this.picking === "speaker"
        ? gettext("Click a marked name in the article. Esc cancels.")
        : this.picking === "cue"
          ? gettext("Select the reporting verb in the article. Esc cancels.")
          : "";
    const form = h(
      "form",
      {
        class: "annotator-quote-form",
        onsubmit: (event) => {
          event.preventDefault();
          this._saveQuote();
        },
      },
      h("div", { class: "annotator-toolbar__head" }, this._exactBlock(q.span, gettext("Quote:")), this._closeButton()),
      hint ? h("p", { class: "annotator-hint", role: "status" }, hint) : null,
      h(
        "fieldset",
        {},
        h("legend", {}, gettext("Speaker")),
        h("p", { class: "annotator-speaker-current" }, ...current),
        q.candidate && !q.speaker
          ? h(
              "button",
              { type: "button", class: "button button--primary", dataset: { action: "use-candidate" }, "data-autofocus": true, onclick: () => this._useCandidate() },
              interpolate(gettext("Mark “%(name)s” as a person and use it"), { name: this.index.slice(q.candidate.start, q.candidate.end) }),
            )
          : null,
        pickButton,
        h("label", { class: "annotator-field" }, gettext("Marked names"), " ", select),
        h("label", { class: "annotator-field" }, gettext("Or type a name (not marked in the text)"), " ", nameInput),
      ),
      h("fieldset", {}, h("legend", {}, gettext("Reporting verb (optional)")), ...cueControls),
      h(
        "fieldset",
        { class: "annotator-types" },
        h("legend", {}, gettext("Type")),
        types.map(([value, text]) =>
          h(
            "label",
            { class: "annotator-check" },
            h("input", { type: "radio", name: "quote_type", value, checked: q.type === value, onchange: () => (q.type = value) }),
            " ",
            text,
          ),
        ),
      ),
      h("p", { class: "annotator-error", role: "alert" }),
      h(
        "div",
        { class: "annotator-actions" },
        h("button", { type: "submit", class: "button button--primary", dataset: { action: "save-quote" } }, gettext("Save quote")),
        h("button", { type: "button", class: "button", onclick: () => this.show(q.span, { focus: true }) }, gettext("Back")),
      ),
    );
    return [form];
  }

  _rerenderQuote(focusName) {
    this._render();
    this._place();
    const target = focusName && this.element.querySelector(`[name="${focusName}"]`);
    target?.focus({ preventScroll: true });
  }

  _pick(what) {
    this.picking = what;
    document.body.classList.toggle("annotator-picking", Boolean(what));
    this.highlighter.showCandidates(what === "speaker");
    if (what === "cue") document.getSelection()?.removeAllRanges();
    this._rerenderQuote();
    const pressed = this.element.querySelector('[aria-pressed="true"]');
    pressed?.focus({ preventScroll: true });
  }

  /* A click in the article while picking the speaker: the innermost entity there. */
  pickSpeaker(hits) {
    const entity = hits.find((a) => a.kind === "entity");
    if (!entity) {
      this._error(gettext("That is not a marked name. Mark the name first, or type it."));
      return;
    }
    this.quote.speaker = entity.id;
    this.quote.speakerName = "";
    this._pick(null);
  }

  /* A selection in the article while marking the reporting verb. */
  pickCue(span) {
    this._setCue(span);
    document.getSelection()?.removeAllRanges();
  }

  _setCue(span) {
    this.quote.cue = span;
    this.picking = null;
    document.body.classList.remove("annotator-picking");
    this.highlighter.showCandidates(false);
    this._rerenderQuote();
    // The button that was pressed is gone: keep the focus in the same place of the form, not on <body>.
    this.element.querySelector('[data-focus="cue"]')?.focus({ preventScroll: true });
  }

  async _saveQuote() {
    const q = this.quote;
    const name = q.speakerName.trim();
    const fields = {
      kind: "quote",
      quote_type: q.type,
      speaker: q.speaker,
      speaker_name: q.speaker ? "" : name,
      cue_start: q.cue ? q.cue.start : null,
      cue_end: q.cue ? q.cue.end : null,
      ...this._baseFields(q.span),
    };
    this.picking = null;
    await this._submit(fields);
  }

  /* --- keyboard ------------------------------------------------------------------------ */

  _keydown(event) {
    if (event.key === "Tab" && this.mode === "quote") {
      // The form keeps the focus until it is saved or closed (it is docked away from the text).
      const focusable = [...this.element.querySelectorAll("button, select, input, textarea, a[href]")].filter(
        (el) => !el.disabled && el.offsetParent !== null && !(el.type === "radio" && !el.checked),
      );
      const first = focusable[0];
      const last = focusable.at(-1);
      if (event.shiftKey && document.activeElement === first) {
        last?.focus();
        event.preventDefault();
      } else if (!event.shiftKey && document.activeElement === last) {
        first?.focus();
        event.preventDefault();
      }
      return;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      if (this.picking) this._pick(null);
      else this.hide({ restoreFocus: true });
      return;
    }
    const bar = event.target.closest?.('[role="toolbar"]');
    if (bar && ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"].includes(event.key)) {
      const buttons = [...bar.querySelectorAll("button")];
      const i = buttons.indexOf(event.target);
      const rtl = getComputedStyle(bar).direction === "rtl";
      const forward = event.key === "ArrowDown" || event.key === (rtl ? "ArrowLeft" : "ArrowRight");
      let next = forward ? i + 1 : i - 1;
      if (event.key === "Home") next = 0;
      if (event.key === "End") next = buttons.length - 1;
      next = (next + buttons.length) % buttons.length;
      buttons.forEach((b, j) => b.setAttribute("tabindex", j === next ? "0" : "-1"));
      buttons[next].focus();
      event.preventDefault();
    }
  }

  /* Digits and Q anywhere on the page while the label view is open (not while typing). */
  _shortcut(event) {
    if (this.mode === "closed" || event.ctrlKey || event.metaKey || event.altKey || isTyping(event)) return;
    if (event.key === "Escape" && this.isOpen) {
      if (this.picking) this._pick(null);
      else this.hide({ restoreFocus: true });
      event.preventDefault();
      return;
    }
    if (this.mode !== "labels" || !this.user) return;
    const digit = digitOf(event);
    if (digit) {
      const label = this.labels.find((l) => l.shortcut === digit);
      if (label) {
        event.preventDefault();
        this._saveEntity(label);
      }
    } else if (event.code === "KeyQ") {
      event.preventDefault();
      this.startQuote();
    }
  }
}
