/*
 * Writes from the card (methods of Card, card.js): saving an edit with the
 * version it started from (If-Match), merging with or showing a colleague's
 * change on a 412 (conflict.js), saving again as a new mark when it was
 * deleted meanwhile, and deleting (the version the reader decided on).
 */

import { h, announce, toast } from "./dom.js";
import { conflictView, fieldName, trueConflicts, changedFields } from "./conflict.js";
import { gettext, interpolate, language } from "./i18n.js";

export const saving = {
  async _save() {
    const changes = this._changes();
    if (!Object.keys(changes).length) {
      this._cancelEdit();
      return;
    }
    await this._send(changes, this.base.version);
  },

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
  },

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
  },

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
  },

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
  },

  /* --- deleting ------------------------------------------------------------------------------------------------ */

  /* The version the reader decided on is the one deleted: a colleague's change meanwhile answers 412. */
  _askDelete() {
    this.deleteBase = { ...this.annotation };
    this._setView("confirm-delete");
  },

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
  },

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
  },
};
