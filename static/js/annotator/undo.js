/*
 * Undo the reader's last delete or change of a mark: the toast's Undo button
 * or Ctrl+Z (⌘Z), for UNDO_MS after it. A delete is undone on the server
 * (POST .../restore/, annotations/trash.py: the same mark with its replies);
 * a change by saving the old values back over the saved version (If-Match,
 * so a colleague's later change is never overwritten: then nothing is undone
 * and the reader is told).
 */

import { announce, isTyping, toast } from "./dom.js";
import { gettext } from "./i18n.js";

// Ctrl+Z works this long after the action; the toast with its Undo button shows for TOAST_MS.
export const UNDO_MS = 60_000;
const TOAST_MS = 12_000;

export class Undo {
  constructor({ api, store }) {
    Object.assign(this, { api, store });
    this.last = null;
    document.addEventListener("keydown", (event) => {
      if (!(event.ctrlKey || event.metaKey) || event.shiftKey || event.altKey || event.code !== "KeyZ") return;
      if (isTyping(event) || !this.available) return; // a text field's own undo
      event.preventDefault();
      this.undo();
    });
  }

  get available() {
    return Boolean(this.last && Date.now() - this.last.at < UNDO_MS);
  }

  /* The reader deleted `annotation` (trash()). */
  deleted(annotation, message) {
    this._remember({ kind: "delete", annotation }, message);
  }

  /* The reader saved a change that made `after`; saving `revert` over it undoes the change. */
  changed(after, revert, message) {
    this._remember({ kind: "change", annotation: after, revert }, message);
  }

  _remember(entry, message) {
    this.last = { ...entry, at: Date.now() };
    toast(message, { timeout: TOAST_MS, action: { label: gettext("Undo"), run: () => this.undo() } });
  }

  async undo() {
    const entry = this.last;
    if (!entry) return;
    this.last = null;
    try {
      if (entry.kind === "delete") {
        this.store.upsert(await this.api.restore(entry.annotation.id));
        announce(gettext("Mark restored."));
        toast(gettext("Mark restored."));
      } else {
        const current = this.store.get(entry.annotation.id) || entry.annotation;
        this.store.upsert(await this.api.update(current, entry.revert, entry.annotation.version));
        announce(gettext("Change undone."));
        toast(gettext("Change undone."));
      }
    } catch (error) {
      const message =
        error.status === 412
          ? gettext("Someone else changed this mark since: nothing was undone.")
          : error.userMessage || String(error);
      toast(message, { error: true, timeout: 8000 });
    }
  }
}
