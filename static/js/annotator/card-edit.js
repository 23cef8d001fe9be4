/*
 * The card's edit form (methods of Card, card.js): the draft of a mark being
 * edited (card.base is the version it started from, card.draft the reader's
 * values), the fields of an entity or a quote, who sees it, extending or
 * shrinking the span by words, and the changes as the API takes them.
 * Saving them is card-save.js.
 */

import { h, arabic } from "./dom.js";
import { gettext, labelName } from "./i18n.js";
import { visibilityOptions, visibilityFields, visibilityValue } from "./prefs.js";

export const editing = {
  /* --- editing ---------------------------------------------------------------------------------------------- */

  _startEdit() {
    const a = this.annotation;
    this.base = { ...a };
    this.stale = null;
    this.draft = {
      label: a.label,
      quote_type: a.quote_type,
      speaker: a.speaker,
      speaker_name: a.speaker_name,
      cue: a.cue_start == null ? null : { start: a.cue_start, end: a.cue_end },
      start: a.start,
      end: a.end,
      note: a.note,
      visibility: visibilityValue(a),
    };
    this._setView("edit");
  },

  /* The fields the reader changed, as the API takes them. */
  _changes() {
    const d = this.draft;
    const b = this.base;
    const changes = {};
    if (b.kind === "entity" && d.label !== b.label) changes.label = d.label;
    if (b.kind === "quote") {
      if (d.quote_type !== b.quote_type) changes.quote_type = d.quote_type;
      if (d.speaker !== b.speaker || d.speaker_name !== b.speaker_name) {
        changes.speaker = d.speaker;
        changes.speaker_name = d.speaker ? "" : d.speaker_name.trim();
      }
      const cue = d.cue || { start: null, end: null };
      if (cue.start !== b.cue_start || cue.end !== b.cue_end) Object.assign(changes, { cue_start: cue.start, cue_end: cue.end });
    }
    if (d.start !== b.start || d.end !== b.end) {
      Object.assign(changes, { start: d.start, end: d.end, exact: this.index.slice(d.start, d.end), ...this.index.context(d.start, d.end) });
    }
    if (d.note !== b.note) changes.note = d.note;
    if (d.visibility !== visibilityValue(b)) Object.assign(changes, visibilityFields(d.visibility));
    return changes;
  },

  /* The change that puts back the values of `before` for the fields in `changes` (undo). */
  _revert(before, changes) {
    const revert = {};
    for (const key of Object.keys(changes)) {
      if (["start", "end", "exact", "prefix", "suffix"].includes(key)) continue;
      revert[key] = before[key] ?? (["group", "speaker", "label", "cue_start", "cue_end"].includes(key) ? null : "");
    }
    if ("start" in changes) {
      Object.assign(revert, { start: before.start, end: before.end, exact: this.index.slice(before.start, before.end), ...this.index.context(before.start, before.end) });
    }
    return revert;
  },

  /* The base annotation with the reader's changes (for the conflict view). */
  _mine(changes, over = this.base) {
    const mine = { ...over, ...changes };
    if ("start" in changes) mine.exact = changes.exact;
    return mine;
  },

  _stepSpan(which) {
    const d = this.draft;
    const words = this.index.allWords();
    const firstIndex = words.findIndex((w) => w.end > d.start);
    const lastIndex = words.findLastIndex((w) => w.start < d.end);
    switch (which) {
      case "grow-start": {
        const previous = words.filter((w) => w.end <= d.start).at(-1);
        if (previous) d.start = previous.start;
        break;
      }
      case "shrink-start": {
        const next = words[firstIndex + 1];
        if (next && next.start < d.end) d.start = next.start;
        break;
      }
      case "shrink-end": {
        const previous = words[lastIndex - 1];
        if (previous && previous.end > d.start) d.end = previous.end;
        break;
      }
      case "grow-end": {
        const next = words.find((w) => w.start >= d.end);
        if (next) d.end = next.end;
        break;
      }
    }
    this._refreshSpanPreview();
  },

  _refreshSpanPreview() {
    const d = this.draft;
    const preview = this.element.querySelector(".annotator-span-preview");
    if (preview) preview.textContent = this.index.slice(d.start, d.end);
    const changed = d.start !== this.base.start || d.end !== this.base.end;
    this.highlighter.setPending(changed ? { start: d.start, end: d.end } : null);
  },

  _editView(a) {
    const d = this.draft;
    const spanButtons = [
      ["grow-start", gettext("Add the word before")],
      ["shrink-start", gettext("Remove the first word")],
      ["shrink-end", gettext("Remove the last word")],
      ["grow-end", gettext("Add the word after")],
    ].map(([step, text]) => h("button", { type: "button", class: "button button--small", dataset: { step }, onclick: () => this._stepSpan(step) }, text));
    const fields = [];
    const anchored = this.store.isAnchored(a);
    fields.push(
      h(
        "fieldset",
        {},
        h("legend", {}, gettext("Text")),
        h("p", {}, h("q", { class: "annotator-span-preview annotator-exact__text", lang: "ar", dir: "rtl" }, this.index.slice(d.start, d.end))),
        anchored ? h("div", { class: "annotator-span-buttons" }, spanButtons) : h("p", { class: "muted" }, gettext("Its text is no longer in the article.")),
      ),
    );
    if (a.kind === "entity") {
      fields.push(
        h(
          "fieldset",
          { class: "annotator-label-choices" },
          h("legend", {}, gettext("Label")),
          this.labels.map((label) =>
            h(
              "label",
              { class: "annotator-check" },
              h("input", { type: "radio", name: "label", value: String(label.id), checked: d.label === label.id, onchange: () => (d.label = label.id) }),
              " ",
              h("span", { class: "annotator-swatch", "aria-hidden": "true", style: { backgroundColor: label.color } }),
              " ",
              labelName(label),
            ),
          ),
        ),
      );
    } else {
      const entities = this.store.drawn().filter((e) => e.kind === "entity" && !(e.start >= d.start && e.end <= d.end));
      fields.push(
        h(
          "fieldset",
          {},
          h("legend", {}, gettext("Type")),
          [
            ["direct", gettext("direct quote")],
            ["indirect", gettext("indirect quote")],
            ["partial", gettext("partial quote")],
          ].map(([value, text]) =>
            h(
              "label",
              { class: "annotator-check" },
              h("input", { type: "radio", name: "quote_type", value, checked: d.quote_type === value, onchange: () => (d.quote_type = value) }),
              " ",
              text,
            ),
          ),
        ),
        h(
          "fieldset",
          {},
          h("legend", {}, gettext("Speaker")),
          h(
            "label",
            { class: "annotator-field" },
            gettext("Marked names"),
            " ",
            h(
              "select",
              {
                name: "speaker",
                onchange: (event) => {
                  d.speaker = event.target.value ? Number(event.target.value) : null;
                  if (d.speaker) {
                    d.speaker_name = "";
                    this.element.querySelector('[name="speaker_name"]').value = "";
                  }
                },
              },
              h("option", { value: "" }, gettext("— none —")),
              entities.map((e) => h("option", { value: String(e.id), selected: e.id === d.speaker }, `${e.exact} (${labelName(this._label(e.label))})`)),
            ),
          ),
          h(
            "label",
            { class: "annotator-field" },
            gettext("Or type a name (not marked in the text)"),
            " ",
            h("input", {
              type: "text",
              name: "speaker_name",
              lang: "ar",
              dir: "rtl",
              value: d.speaker_name,
              oninput: (event) => {
                d.speaker_name = event.target.value;
                if (d.speaker_name.trim()) {
                  d.speaker = null;
                  this.element.querySelector('[name="speaker"]').value = "";
                }
              },
            }),
          ),
          d.cue
            ? h(
                "p",
                {},
                gettext("Reporting verb:"),
                " ",
                arabic(this.index.slice(d.cue.start, d.cue.end)),
                " ",
                h("button", { type: "button", class: "annotator-link-button", onclick: (event) => ((d.cue = null), event.target.parentElement.remove()) }, gettext("Remove")),
              )
            : null,
        ),
      );
    }
    const note = h("textarea", { name: "note", rows: "3", oninput: (event) => (d.note = event.target.value) });
    note.value = d.note;
    fields.push(h("label", { class: "annotator-field annotator-field--block" }, gettext("Note"), note));
    if (this.user && a.creator?.id === this.user.id) {
      fields.push(
        h(
          "label",
          { class: "annotator-field" },
          gettext("Visible to"),
          " ",
          h(
            "select",
            { name: "visibility", onchange: (event) => (d.visibility = event.target.value) },
            visibilityOptions(this.user).map((o) => h("option", { value: o.value, selected: o.value === d.visibility }, o.label)),
          ),
        ),
      );
    }
    return h(
      "form",
      {
        class: "annotator-card__body annotator-edit",
        onsubmit: (event) => {
          event.preventDefault();
          this._save();
        },
      },
      this._header(gettext("Edit mark")),
      ...fields,
      h("p", { class: "annotator-error", role: "alert" }),
      h(
        "div",
        { class: "annotator-actions" },
        h("button", { type: "submit", class: "button button--primary", dataset: { action: "save" }, "data-autofocus": true }, gettext("Save")),
        h("button", { type: "button", class: "button", onclick: () => this._cancelEdit() }, gettext("Cancel")),
      ),
    );
  },

  _cancelEdit() {
    this.base = null;
    this.draft = null;
    this.highlighter.setPending(null);
    this.stale = null;
    if (!this.annotation) {
      this.close({ restoreFocus: true });
      return;
    }
    this._setView("read");
  },
};
