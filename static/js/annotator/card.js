/*
 * The card of one mark: what it is (label, or quote with its speaker), who
 * made it and when, the note, the replies (threaded); for its creator or a
 * moderator: change the label or quote fields, extend or shrink the span by
 * words, edit the note and who sees it, delete. Anyone who can see it (and is
 * signed in) can reply.
 *
 * Live updates never destroy a card being edited: while the reader edits (or
 * has typed a reply) a newer version only puts a notice on the card; saving
 * then goes through the conflict view (conflict.js) if the versions differ.
 */

import { h, arabic, announce, placeNear, toast } from "./dom.js";
import { conflictView, fieldName, trueConflicts, changedFields } from "./conflict.js";
import { loadProposals, proposalsSection, proposeView } from "./proposals.js";
import { gettext, ngettext, interpolate, labelName, relativeTime, absoluteTime, formatNumber, language } from "./i18n.js";
import { visibilityOptions, visibilityFields, visibilityValue } from "./toolbar.js";

const STATUS_TEXT = () => ({
  human: "",
  suggested: gettext("suggestion"),
  accepted: gettext("accepted suggestion"),
  rejected: gettext("rejected suggestion"),
});

export function quoteTypeText(type) {
  return { direct: gettext("direct quote"), indirect: gettext("indirect quote"), partial: gettext("partial quote") }[type] || gettext("quote");
}

let uid = 0;

export class Card {
  constructor({ api, store, index, highlighter, labels, user, undo = null }) {
    Object.assign(this, { api, store, index, highlighter, labels, user, undo });
    this.id = null;
    this.view = "closed";
    this.others = [];
    this.replies = null;
    this.replyDraft = "";
    this.replyParent = null;
    this.stale = null;
    this.base = null;
    this.draft = null;
    this.conflict = null;
    this.returnFocus = null;
    this.titleId = `annotator-card-title-${++uid}`;
    this.element = h("section", { class: "annotator-card", role: "dialog", "aria-modal": "false", "aria-labelledby": this.titleId, hidden: true });
    this.element.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        if (this.view === "confirm-delete" || this.view === "propose") this._setView("read");
        else if (!this.dirty) this.close({ restoreFocus: true });
        else this._error(gettext("You have unsaved changes: save or cancel them first."));
      }
    });
    store.addEventListener("change", (event) => this._storeChanged(event.detail));
  }

  get isOpen() {
    return this.view !== "closed";
  }

  /* Is the reader in the middle of something the card must not throw away? */
  get dirty() {
    return ["edit", "conflict", "gone-edit", "propose"].includes(this.view) || this.replyDraft.trim() !== "";
  }

  get annotation() {
    return this.id == null ? null : this.store.get(this.id);
  }

  open(annotation, { others = [], returnFocus = null } = {}) {
    if (this.isOpen && this.dirty && annotation.id !== this.id) {
      this._error(gettext("You have unsaved changes: save or cancel them first."));
      this.element.querySelector(".annotator-error")?.scrollIntoView({ block: "nearest" });
      return false;
    }
    this.id = annotation.id;
    this.others = others.length > 1 ? others.map((a) => a.id) : [];
    this.view = "read";
    this.replies = null;
    this.replyDraft = "";
    this.replyParent = null;
    this.stale = null;
    this.returnFocus = returnFocus || (document.activeElement !== document.body ? document.activeElement : null);
    this.highlighter.setFocus(this.store.isAnchored(annotation) ? annotation : null);
    this.proposals = [];
    this._render();
    this._place();
    this.element.querySelector(`#${this.titleId}`)?.focus({ preventScroll: true });
    this._loadReplies();
    this._loadProposals();
    return true;
  }

  close({ restoreFocus = false } = {}) {
    if (!this.isOpen) return;
    this.view = "closed";
    this.id = null;
    this.element.hidden = true;
    this.highlighter.setFocus(null);
    this.highlighter.setPending(null);
    if (restoreFocus && this.returnFocus?.isConnected) this.returnFocus.focus({ preventScroll: true });
    this.returnFocus = null;
  }

  _place() {
    const a = this.annotation;
    const rects = a && this.store.isAnchored(a) ? this.highlighter.rects(a) : [];
    if (rects.length) placeNear(this.element, rects, { prefer: "below" });
    else {
      // Orphaned marks have no place in the text: show the card by the panel, in view.
      this.element.hidden = false;
      placeNear(this.element, [new DOMRect(window.innerWidth / 2 - 1, 80, 2, 2)], { prefer: "below" });
    }
  }

  reposition() {
    if (this.isOpen && this.annotation) this._place();
  }

  _setView(view) {
    this.view = view;
    this._render();
    this._place();
    const focus = this.element.querySelector("[data-autofocus]") || this.element.querySelector(`#${this.titleId}`);
    focus?.focus({ preventScroll: true });
  }

  _error(message) {
    const box = this.element.querySelector(".annotator-error");
    if (box) box.textContent = message || "";
  }

  /* --- helpers ----------------------------------------------------------------------- */

  _label(id) {
    return this.labels.find((l) => l.id === id);
  }

  _canModerate(a) {
    if (!this.user || a.visibility === "private") return false;
    if (this.user.isStaff) return true;
    return (this.user.groups || []).some((g) => g.id === a.group && (g.role === "moderator" || g.role === "owner"));
  }

  _title(a) {
    if (a.kind === "entity") {
      const label = this._label(a.label);
      return [
        h("span", { class: "annotator-swatch", "aria-hidden": "true", style: { backgroundColor: label?.color || "#999" } }),
        " ",
        labelName(label) || a.label_code || gettext("entity"),
      ];
    }
    const speaker = this.store.speakerText(a);
    return [
      h("span", { class: "annotator-quote-icon", "aria-hidden": "true" }, "❝"),
      " ",
      quoteTypeText(a.quote_type),
      speaker ? ["\u00a0· ", arabic(speaker)] : ["\u00a0· ", gettext("unknown speaker")],
    ];
  }

  _chooser() {
    if (this.others.length < 2) return null;
    const items = this.others.map((id) => this.store.get(id)).filter(Boolean);
    return h(
      "nav",
      { class: "annotator-chooser", "aria-label": gettext("Marks here") },
      h("span", { class: "muted" }, gettext("Marks here:"), " "),
      items.map((a) =>
        h(
          "button",
          {
            type: "button",
            class: "annotator-chip-button",
            "aria-current": a.id === this.id ? "true" : undefined,
            onclick: () => this.open(a, { others: items, returnFocus: this.returnFocus }),
          },
          a.kind === "entity"
            ? [h("span", { class: "annotator-swatch", "aria-hidden": "true", style: { backgroundColor: this._label(a.label)?.color || "#999" } }), " ", labelName(this._label(a.label))]
            : [h("span", { class: "annotator-quote-icon", "aria-hidden": "true" }, "❝"), " ", gettext("Quote")],
          " ",
          arabic(a.exact.length > 24 ? `${a.exact.slice(0, 22)}…` : a.exact),
          // Two people marking the same words look alike: who made each one tells them apart.
          "\u00a0· ",
          h("bdi", { class: "annotator-chooser__who" }, a.creator ? a.creator.username : a.suggester || gettext("the machine")),
        ),
      ),
    );
  }

  _staleNotice() {
    if (!this.stale) return null;
    const text =
      this.stale === "deleted"
        ? gettext("Someone else deleted this mark while you had it open.")
        : gettext("Someone else changed this mark while you were editing. Your edits are kept; saving will show both versions.");
    return h("p", { class: "annotator-stale", role: "status" }, text);
  }

  /* --- rendering -------------------------------------------------------------------------------- */

  _render() {
    const a = this.annotation;
    if (!a && this.view !== "gone" && this.view !== "gone-edit") {
      this.close();
      return;
    }
    let body;
    switch (this.view) {
      case "edit":
        body = this._editView(a);
        break;
      case "confirm-delete":
        body = this._confirmDeleteView(a);
        break;
      case "propose":
        body = this._proposeView(a);
        break;
      case "conflict":
        body = this.conflict.element;
        break;
      case "gone":
      case "gone-edit":
        body = this._goneView();
        break;
      default:
        body = this._readView(a);
    }
    this.element.replaceChildren(body);
  }

  _header(title) {
    return h(
      "header",
      { class: "annotator-card__head" },
      this._chooser(),
      h(
        "div",
        { class: "annotator-card__title-row" },
        h("h2", { id: this.titleId, tabindex: "-1", class: "annotator-card__title" }, title),
        h(
          "button",
          {
            type: "button",
            class: "annotator-close",
            "aria-label": gettext("Close"),
            title: gettext("Close (Esc)"),
            onclick: () => {
              if (this.dirty && this.view !== "read") this._error(gettext("You have unsaved changes: save or cancel them first."));
              else this.close({ restoreFocus: true });
            },
          },
          "×",
        ),
      ),
      this._staleNotice(),
    );
  }

  _readView(a) {
    const statusText = STATUS_TEXT()[a.status];
    const visibility =
      a.visibility === "private"
        ? gettext("only you")
        : a.visibility === "group"
          ? interpolate(gettext("group %(name)s"), { name: this.user?.groups?.find((g) => g.id === a.group)?.name || `#${a.group}` })
          : "";
    const creator = a.creator
      ? h("bdi", { class: "annotator-creator" }, a.creator.username)
      : interpolate(gettext("suggested by %(model)s"), { model: a.suggester || gettext("the machine") });
    const meta = h(
      "p",
      { class: "annotator-meta" },
      creator,
      "\u00a0· ",
      h("time", { datetime: a.created, title: absoluteTime(a.created) }, relativeTime(a.created)),
      a.modified && a.version > 1
        ? ["\u00a0· ", h("span", { title: absoluteTime(a.modified) }, interpolate(gettext("edited %(when)s"), { when: relativeTime(a.modified) }))]
        : null,
      visibility ? ["\u00a0· ", h("span", { class: "annotator-badge" }, visibility)] : null,
      statusText ? ["\u00a0· ", h("span", { class: "annotator-badge" }, statusText)] : null,
      a.confidence != null ? ["\u00a0· ", interpolate(gettext("confidence %(value)s"), { value: formatNumber(Math.round(a.confidence * 100)) + "%" })] : null,
      a.hidden ? ["\u00a0· ", h("span", { class: "annotator-badge annotator-badge--warn" }, gettext("hidden by a moderator"))] : null,
      a.orphaned || a.revision !== this.store.revision
        ? ["\u00a0· ", h("span", { class: "annotator-badge annotator-badge--warn" }, gettext("its text is no longer in the article"))]
        : null,
    );
    const details = [];
    if (a.kind === "quote") {
      const speaker = this.store.speakerText(a);
      details.push(
        h(
          "p",
          { class: "annotator-detail" },
          h("span", { class: "muted" }, gettext("Speaker:"), " "),
          speaker ? arabic(speaker) : gettext("unknown"),
          a.speaker ? null : speaker ? [" ", h("span", { class: "muted" }, gettext("(not marked in the text)"))] : null,
        ),
      );
      if (a.cue_start != null) {
        details.push(
          h("p", { class: "annotator-detail" }, h("span", { class: "muted" }, gettext("Reporting verb:"), " "), arabic(this.index.slice(a.cue_start, a.cue_end))),
        );
      }
    }
    const actions = [];
    // Anyone signed in decides on a suggestion (suggestions/api.py); accepting makes it theirs.
    if (this.user && a.status === "suggested") {
      actions.push(h("button", { type: "button", class: "button", dataset: { action: "accept" }, onclick: () => this._decide("accept") }, gettext("Accept")));
      actions.push(h("button", { type: "button", class: "button", dataset: { action: "reject" }, onclick: () => this._decide("reject") }, gettext("Reject")));
    }
    if (a.can_edit) {
      actions.push(h("button", { type: "button", class: "button", dataset: { action: "edit" }, onclick: () => this._startEdit() }, gettext("Edit")));
      actions.push(h("button", { type: "button", class: "button button--danger", dataset: { action: "delete" }, onclick: () => this._askDelete() }, gettext("Delete")));
    }
    // Someone else's mark: propose a change (its creator or a moderator accepts it) rather than a duplicate.
    if (this.user && !a.can_edit && a.status !== "suggested" && !a.hidden) {
      actions.push(h("button", { type: "button", class: "button", dataset: { action: "propose" }, onclick: () => this._setView("propose") }, gettext("Propose a change")));
    }
    if (this._canModerate(a)) {
      actions.push(
        h(
          "button",
          { type: "button", class: "button", onclick: () => this._moderate(!a.hidden) },
          a.hidden ? gettext("Show again") : gettext("Hide (moderator)"),
        ),
      );
    }
    return h(
      "div",
      { class: "annotator-card__body" },
      this._header(this._title(a)),
      h("p", { class: "annotator-exact" }, h("q", { lang: "ar", dir: "rtl", class: "annotator-exact__text" }, a.exact)),
      ...details,
      meta,
      a.note ? h("div", { class: "annotator-note annotator-pre" }, a.note) : null,
      actions.length ? h("div", { class: "annotator-actions" }, actions) : null,
      this._proposalsSection(a),
      h("p", { class: "annotator-error", role: "alert" }),
      this._repliesSection(a),
    );
  }

  /* --- proposed changes (proposals.js) ------------------------------------------------------------------------ */

  _loadProposals() {
    return loadProposals(this);
  }

  _proposalsSection(a) {
    return proposalsSection(this, a);
  }

  _proposeView(a) {
    return proposeView(this, a);
  }

  /* --- replies ------------------------------------------------------------------------------------------------- */

  async _loadReplies() {
    const id = this.id;
    // Live updates may ask again while a request is out: only the newest answer is shown.
    const request = (this.repliesRequest = (this.repliesRequest || 0) + 1);
    let replies;
    try {
      replies = await this.api.replies(id);
    } catch {
      replies = this.replies ?? [];
    }
    if (this.id !== id || request !== this.repliesRequest) return;
    this.replies = replies;
    this._renderReplies();
  }

  /* Someone wrote, edited, hid or deleted a reply on annotation `id` (a live update): show the thread as it is now. */
  repliesChanged(id) {
    if (this.isOpen && this.id === Number(id)) this._loadReplies();
  }

  /* The annotation's reply_count (non-hidden replies) says the thread shown is out of date (the list was reloaded). */
  _repliesOutdated(annotation) {
    if (!this.replies) return false; // still loading
    return this.replies.filter((r) => !r.hidden).length !== annotation.reply_count;
  }

  _renderReplies() {
    const old = this.element.querySelector(".annotator-replies");
    const a = this.annotation;
    if (!old || !a) return;
    const active = document.activeElement;
    const keepFocus = old.contains(active) ? active.dataset.focusKey : null;
    const fresh = this._repliesSection(a);
    old.replaceWith(fresh);
    if (keepFocus) fresh.querySelector(`[data-focus-key="${keepFocus}"]`)?.focus({ preventScroll: true });
  }

  _repliesSection(a) {
    const replies = this.replies;
    const count = replies ? replies.length : a.reply_count;
    const section = h(
      "section",
      { class: "annotator-replies", "aria-label": gettext("Replies") },
      h("h3", {}, interpolate(ngettext("%(count)s reply", "%(count)s replies", count), { count: formatNumber(count) })),
    );
    if (replies === null) {
      section.append(h("p", { class: "muted" }, gettext("Loading…")));
    } else if (replies.length) {
      const children = new Map();
      for (const r of replies) {
        const key = r.parent ?? 0;
        if (!children.has(key)) children.set(key, []);
        children.get(key).push(r);
      }
      const thread = (parent) =>
        h(
          "ul",
          { class: "annotator-thread" },
          (children.get(parent) || []).map((r) =>
            h(
              "li",
              { class: "annotator-reply" },
              h(
                "p",
                { class: "annotator-meta" },
                r.author ? h("bdi", {}, r.author.username) : gettext("deleted account"),
                "\u00a0· ",
                h("time", { datetime: r.created, title: absoluteTime(r.created) }, relativeTime(r.created)),
              ),
              h("div", { class: "annotator-pre" }, r.text),
              this.user
                ? h(
                    "div",
                    { class: "annotator-reply__actions" },
                    h(
                      "button",
                      {
                        type: "button",
                        class: "annotator-link-button",
                        dataset: { focusKey: `reply-to-${r.id}` },
                        onclick: () => {
                          this.replyParent = r;
                          this._renderReplies();
                          this.element.querySelector(".annotator-reply-form textarea")?.focus();
                        },
                      },
                      gettext("Reply"),
                    ),
                    r.author?.id === this.user.id || this._canModerate(a)
                      ? h(
                          "button",
                          { type: "button", class: "annotator-link-button", onclick: () => this._deleteReply(r) },
                          gettext("Delete"),
                        )
                      : null,
                  )
                : null,
              children.has(r.id) ? thread(r.id) : null,
            ),
          ),
        );
      section.append(thread(0));
    }
    if (this.user) {
      const textarea = h("textarea", {
        name: "reply",
        rows: "2",
        dataset: { focusKey: "reply-text" },
        placeholder: gettext("Write a reply"),
        "aria-label": this.replyParent
          ? interpolate(gettext("Reply to %(name)s"), { name: this.replyParent.author?.username || "" })
          : gettext("Write a reply"),
        oninput: (event) => (this.replyDraft = event.target.value),
      });
      textarea.value = this.replyDraft;
      section.append(
        h(
          "form",
          {
            class: "annotator-reply-form",
            onsubmit: (event) => {
              event.preventDefault();
              this._sendReply();
            },
          },
          this.replyParent
            ? h(
                "p",
                { class: "muted" },
                interpolate(gettext("Replying to %(name)s"), { name: this.replyParent.author?.username || "" }),
                " ",
                h(
                  "button",
                  { type: "button", class: "annotator-link-button", onclick: () => ((this.replyParent = null), this._renderReplies()) },
                  gettext("Cancel"),
                ),
              )
            : null,
          textarea,
          h("button", { type: "submit", class: "button", dataset: { focusKey: "reply-send" } }, gettext("Send reply")),
        ),
      );
    }
    return section;
  }

  async _sendReply() {
    const text = this.replyDraft.trim();
    if (!text) return;
    const id = this.id;
    try {
      await this.api.reply(id, text, this.replyParent?.id ?? null);
      this.replyDraft = "";
      this.replyParent = null;
      announce(gettext("Reply sent."));
      // Nothing typed any more: show what changed meanwhile (a newer version waited for the draft).
      if (!this.dirty && this.id === id) this._render();
      await this._loadReplies();
      this.element.querySelector(".annotator-reply-form textarea")?.focus({ preventScroll: true });
    } catch (error) {
      this._error(error.userMessage || String(error));
    }
  }

  async _deleteReply(reply) {
    try {
      await this.api.removeReply(reply);
      await this._loadReplies();
    } catch (error) {
      this._error(error.userMessage || String(error));
    }
  }

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
  }

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
  }

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
  }

  /* The base annotation with the reader's changes (for the conflict view). */
  _mine(changes, over = this.base) {
    const mine = { ...over, ...changes };
    if ("start" in changes) mine.exact = changes.exact;
    return mine;
  }

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
  }

  _refreshSpanPreview() {
    const d = this.draft;
    const preview = this.element.querySelector(".annotator-span-preview");
    if (preview) preview.textContent = this.index.slice(d.start, d.end);
    const changed = d.start !== this.base.start || d.end !== this.base.end;
    this.highlighter.setPending(changed ? { start: d.start, end: d.end } : null);
  }

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
  }

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
  }

  async _save() {
    const changes = this._changes();
    if (!Object.keys(changes).length) {
      this._cancelEdit();
      return;
    }
    await this._send(changes, this.base.version);
  }

  async _send(changes, version) {
    const id = this.base.id;
    const before = this.base;
    try {
      const updated = await this.api.update({ id }, changes, version);
      this.store.upsert(updated);
      if (this.undo && before) this.undo.changed(updated, this._revert(before, changes), gettext("Saved."));
      this.base = null;
      this.draft = null;
      this.stale = null;
      this.conflict = null;
      this.highlighter.setPending(null);
      if (this.id === id) {
        this.highlighter.setFocus(this.store.isAnchored(updated) ? updated : null);
        this._setView("read");
        this._place();
      }
      announce(gettext("Saved."));
      return true;
    } catch (error) {
      if (error.status === 412 && error.body.current) this._showConflict(changes, error.body.current);
      else if (error.status === 404) {
        this.stale = "deleted";
        this.view = "gone-edit";
        this._render();
      } else this._error(error.userMessage || String(error));
      return false;
    }
  }

  _showConflict(changes, theirs) {
    const mine = this._mine(changes);
    if (!trueConflicts(this.base, mine, theirs).length && !this.conflict) {
      // Different fields: their change stays and the reader's fields go on top, without asking.
      const merged = changedFields(this.base, theirs).map(fieldName).filter(Boolean);
      const who = (theirs.modified_by || theirs.creator)?.username || gettext("someone");
      this.conflict = { merging: true };
      this._send(changes, theirs.version).then((saved) => {
        if (!saved) return;
        this.conflict = null;
        const fields = new Intl.ListFormat(language(), { type: "unit" }).format(merged);
        const message = interpolate(gettext("Merged with the change by %(name)s (%(fields)s)."), { name: who, fields });
        announce(message);
        toast(message, { timeout: 6000 });
      });
      return;
    }
    this.conflict = null;
    const ctx = { labels: this.labels, store: this.store, index: this.index, user: this.user };
    this.conflict = {
      changes,
      theirs,
      element: conflictView({
        base: this.base,
        mine,
        theirs,
        ctx,
        onKeepMine: () => this._send(changes, theirs.version),
        onKeepTheirs: () => {
          this.store.upsert(theirs);
          this.conflict = null;
          this._cancelEdit();
          announce(gettext("Their version kept."));
        },
        onEditAgain: () => {
          // Edit on top of their version, with the reader's values still in the form.
          this.base = { ...theirs };
          this.conflict = null;
          this.stale = null;
          this._setView("edit");
        },
      }),
    };
    this.view = "conflict";
    this._render();
    this._place();
    this.element.querySelector("#annotator-conflict-title")?.focus({ preventScroll: true });
  }

  _goneView() {
    const editing = this.view === "gone-edit" && this.base;
    return h(
      "div",
      { class: "annotator-card__body" },
      h(
        "header",
        { class: "annotator-card__head" },
        h("h2", { id: this.titleId, tabindex: "-1", class: "annotator-card__title" }, gettext("This mark was deleted")),
      ),
      h(
        "p",
        {},
        editing
          ? gettext("Someone else deleted it while you were editing. You can save your version as a new mark.")
          : gettext("Someone else deleted it."),
      ),
      h("p", { class: "annotator-error", role: "alert" }),
      h(
        "div",
        { class: "annotator-actions" },
        editing
          ? h("button", { type: "button", class: "button button--primary", "data-autofocus": true, onclick: () => this._recreate() }, gettext("Save as a new mark"))
          : null,
        h("button", { type: "button", class: "button", onclick: () => ((this.base = null), (this.draft = null), this.close({ restoreFocus: true })) }, editing ? gettext("Discard my version") : gettext("Close")),
      ),
    );
  }

  async _recreate() {
    const b = this.base;
    const mine = this._mine(this._changes());
    const fields = {
      kind: b.kind,
      start: mine.start,
      end: mine.end,
      exact: this.index.slice(mine.start, mine.end),
      ...this.index.context(mine.start, mine.end),
      revision: this.store.revision,
      note: mine.note,
      visibility: mine.visibility,
      group: mine.visibility === "group" ? mine.group : null,
    };
    if (b.kind === "entity") fields.label = mine.label;
    else {
      Object.assign(fields, { quote_type: mine.quote_type, speaker_name: mine.speaker ? "" : mine.speaker_name || "" });
      if (mine.speaker && this.store.get(mine.speaker)) fields.speaker = mine.speaker;
      else if (mine.speaker) fields.speaker_name = fields.speaker_name || this.store.speakerText(b);
      if (mine.cue_start != null) Object.assign(fields, { cue_start: mine.cue_start, cue_end: mine.cue_end });
    }
    try {
      const created = await this.api.create(fields);
      this.store.upsert(created);
      this.base = null;
      this.draft = null;
      this.stale = null;
      this.open(created, { returnFocus: this.returnFocus });
      announce(gettext("Saved as a new mark."));
    } catch (error) {
      this._error(error.userMessage || String(error));
    }
  }

  /* Accept or reject the open suggestion; the answer (same id, new status) replaces it in the store. */
  async _decide(action) {
    const a = this.annotation;
    try {
      const updated = await this.api.decide(a, action);
      this.store.upsert(updated);
      announce(action === "accept" ? gettext("Suggestion accepted.") : gettext("Suggestion rejected."));
      if (this.id === updated.id && !this.store.passes(updated)) this.close({ restoreFocus: true }); // e.g. rejected ones are filtered out
    } catch (error) {
      if (error.status === 409 || error.status === 412) {
        // Someone decided (or changed it) first: show it as it is now.
        this._error(gettext("Someone else decided on this suggestion first."));
        this.api.get(a.id).then((current) => this.store.upsert(current), () => {});
      } else this._error(error.userMessage || String(error));
    }
  }

  async _moderate(hidden) {
    try {
      const updated = await this.api.moderate(this.annotation, hidden);
      this.store.upsert(updated);
    } catch (error) {
      this._error(error.userMessage || String(error));
    }
  }

  /* --- deleting ------------------------------------------------------------------------------------------------ */

  /* The version the reader decided on is the one deleted: a colleague's change meanwhile answers 412. */
  _askDelete() {
    this.deleteBase = { ...this.annotation };
    this._setView("confirm-delete");
  }

  _confirmDeleteView(a) {
    return h(
      "div",
      { class: "annotator-card__body" },
      this._header(gettext("Delete this mark?")),
      h("p", { class: "annotator-exact" }, h("q", { lang: "ar", dir: "rtl", class: "annotator-exact__text" }, a.exact)),
      a.reply_count ? h("p", {}, gettext("Its replies are deleted with it.")) : null,
      h("p", { class: "annotator-error", role: "alert" }),
      h(
        "div",
        { class: "annotator-actions" },
        h("button", { type: "button", class: "button button--danger", dataset: { action: "confirm-delete" }, "data-autofocus": true, onclick: () => this._delete(this.deleteBase || a, (this.deleteBase || a).version) }, gettext("Delete")),
        h("button", { type: "button", class: "button", onclick: () => this._setView("read") }, gettext("Cancel")),
      ),
    );
  }

  async _delete(a, version) {
    // The live "deleted" message of this very delete can arrive before the answer: it is not someone else's.
    this.pendingDelete = a.id;
    try {
      await this.api.trash(a, version);
      this.deleteBase = null;
      // Close first: removing it from the store must not look like someone else's delete (_storeChanged).
      this.close({ restoreFocus: true });
      this.store.remove(a.id);
      announce(gettext("Mark deleted."));
      if (this.undo) this.undo.deleted(a, gettext("Mark deleted."));
      else toast(gettext("Mark deleted."));
    } catch (error) {
      if (error.status === 412 && error.body.current) {
        const theirs = error.body.current;
        const ctx = { labels: this.labels, store: this.store, index: this.index, user: this.user };
        this.base = { ...a };
        this.conflict = {
          element: conflictView({
            base: a,
            mine: a,
            theirs,
            ctx,
            deleting: true,
            onKeepMine: () => this._delete(theirs, theirs.version),
            onKeepTheirs: () => {
              this.store.upsert(theirs);
              this.conflict = null;
              this.base = null;
              this.deleteBase = null;
              this._setView("read");
            },
          }),
        };
        this.view = "conflict";
        this._render();
        this.element.querySelector("#annotator-conflict-title")?.focus({ preventScroll: true });
      } else if (error.status === 404) {
        this.close({ restoreFocus: true });
        this.store.remove(a.id);
      } else this._error(error.userMessage || String(error));
    } finally {
      this.pendingDelete = null;
    }
  }

  /* --- live updates -------------------------------------------------------------------------------------------- */

  _storeChanged(detail) {
    if (!this.isOpen || this.id == null) return;
    const mine = detail.all || (detail.ids || []).includes(this.id);
    if (!mine) return;
    const current = this.annotation;
    if (!current) {
      if (this.pendingDelete === this.id) return; // the reader's own delete (_delete closes the card)
      if (this.dirty) {
        this.stale = "deleted";
        if (this.view === "edit") {
          this.view = "gone-edit";
          this._render();
        } else this._refreshNotice();
      } else {
        this.close();
        toast(gettext("This mark was deleted by someone else."));
      }
      return;
    }
    // A reply by someone else arrived with a reload of the list (polling, a reset): fetch the thread too.
    // The reply being typed is kept (it lives in replyDraft, not in the thread).
    if (this._repliesOutdated(current)) this._loadReplies();
    if (this.dirty) {
      if (this.base && current.version > this.base.version) {
        this.stale = "changed";
        this._refreshNotice();
      }
      return;
    }
    // Nothing typed: show the new version in place, keeping focus where it was.
    const key = document.activeElement?.dataset?.action || document.activeElement?.dataset?.focusKey;
    this._render();
    this.highlighter.setFocus(this.store.isAnchored(current) ? current : null);
    this._place();
    const target = key && this.element.querySelector(`[data-action="${key}"], [data-focus-key="${key}"]`);
    target?.focus({ preventScroll: true });
  }

  _refreshNotice() {
    const head = this.element.querySelector(".annotator-card__head");
    if (!head) return;
    head.querySelector(".annotator-stale")?.remove();
    const notice = this._staleNotice();
    if (notice) head.append(notice);
  }
}
