/*
 * The toolbar's quote form (methods of Toolbar, toolbar.js): who said it (the
 * cue's subject, the nearest person before, a pick in the text, or a typed
 * name), the reporting verb (suggested, or marked in the text) and the type.
 * It docks at the bottom of the window (toolbar.js _dock).
 */

import { h, arabic } from "./dom.js";
import { fold } from "./store.js";
import { QUOTE_MARKS, subjectOf, suggestCue } from "./speaker.js";
import { gettext, interpolate, labelName } from "./i18n.js";

export const quoteForm = {
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
  },

  _subjectOf(cue, span) {
    return subjectOf({ index: this.index, entities: this._entities(), labels: this.labels, cue, span });
  },

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
  },

  _entities() {
    return this.store.drawn().filter((a) => a.kind === "entity" && !a.hidden);
  },

  /* The nearest marked person before the quote in the same paragraph, if any. */
  _defaultSpeaker(span) {
    const block = this.index.blockAt(span.start);
    const people = this.labels.filter((l) => l.code === "PER").map((l) => l.id);
    const before = this._entities()
      .filter((a) => block && a.start >= block.start && a.end <= span.start && (!people.length || people.includes(a.label)))
      .sort((a, b) => b.end - a.end);
    return before[0]?.id ?? null;
  },

  _defaultType(span) {
    const before = this.index.slice(Math.max(0, span.start - 1), span.start);
    const after = this.index.slice(span.end, span.end + 1);
    const text = this.index.slice(span.start, span.end);
    const quoted = (QUOTE_MARKS.test(before) && QUOTE_MARKS.test(after)) || (QUOTE_MARKS.test(text[0]) && QUOTE_MARKS.test(text.at(-1)));
    return quoted ? "direct" : "indirect";
  },

  _suggestCue(span) {
    return suggestCue(this.index, span);
  },

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
  },

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
  },

  _rerenderQuote(focusName) {
    this._render();
    this._place();
    const target = focusName && this.element.querySelector(`[name="${focusName}"]`);
    target?.focus({ preventScroll: true });
  },

  _pick(what) {
    this.picking = what;
    document.body.classList.toggle("annotator-picking", Boolean(what));
    this.highlighter.showCandidates(what === "speaker");
    if (what === "cue") document.getSelection()?.removeAllRanges();
    this._rerenderQuote();
    const pressed = this.element.querySelector('[aria-pressed="true"]');
    pressed?.focus({ preventScroll: true });
  },

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
  },

  /* A selection in the article while marking the reporting verb. */
  pickCue(span) {
    this._setCue(span);
    document.getSelection()?.removeAllRanges();
  },

  _setCue(span) {
    this.quote.cue = span;
    this.picking = null;
    document.body.classList.remove("annotator-picking");
    this.highlighter.showCandidates(false);
    this._rerenderQuote();
    // The button that was pressed is gone: keep the focus in the same place of the form, not on <body>.
    this.element.querySelector('[data-focus="cue"]')?.focus({ preventScroll: true });
  },

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
  },
};
