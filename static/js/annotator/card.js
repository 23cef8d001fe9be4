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
 *
 * This module keeps the card's state, opens and closes it, renders the read
 * view and applies live updates. The rest are methods of the card kept in
 * their own modules (mixed into Card.prototype below):
 *
 *   card-replies.js  the thread of replies
 *   card-edit.js     the edit form (draft, span by words, fields)
 *   card-save.js     saving an edit, conflicts, a mark deleted meanwhile, deleting
 *   proposals.js     proposed changes (functions of the card)
 */

import { h, arabic, placeNear, toast, announce } from "./dom.js";
import { loadProposals, proposalsSection, proposeView } from "./proposals.js";
import { gettext, interpolate, labelName, relativeTime, absoluteTime, formatNumber } from "./i18n.js";
import { replies } from "./card-replies.js";
import { editing } from "./card-edit.js";
import { saving } from "./card-save.js";

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

  /* A change to annotation `id` was proposed, or a proposal on it decided (a live update): show the open ones. */
  proposalsChanged(id) {
    if (this.isOpen && this.id === Number(id)) this._loadProposals();
  }

  _proposalsSection(a) {
    return proposalsSection(this, a);
  }

  _proposeView(a) {
    return proposeView(this, a);
  }

  /* --- deciding on a suggestion, moderating ----------------------------------------------------------------- */

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

Object.assign(Card.prototype, replies, editing, saving);
