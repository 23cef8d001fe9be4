/*
 * The card's thread of replies (methods of Card, card.js): loading it (only
 * the newest answer is shown), showing it threaded, writing, answering and
 * deleting a reply. The reply being typed lives in card.replyDraft, so live
 * updates never throw it away.
 */

import { h, announce } from "./dom.js";
import { gettext, ngettext, interpolate, relativeTime, absoluteTime, formatNumber } from "./i18n.js";

export const replies = {
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
  },

  /* Someone wrote, edited, hid or deleted a reply on annotation `id` (a live update): show the thread as it is now. */
  repliesChanged(id) {
    if (this.isOpen && this.id === Number(id)) this._loadReplies();
  },

  /* The annotation's reply_count (non-hidden replies) says the thread shown is out of date (the list was reloaded). */
  _repliesOutdated(annotation) {
    if (!this.replies) return false; // still loading
    return this.replies.filter((r) => !r.hidden).length !== annotation.reply_count;
  },

  _renderReplies() {
    const old = this.element.querySelector(".annotator-replies");
    const a = this.annotation;
    if (!old || !a) return;
    const active = document.activeElement;
    const keepFocus = old.contains(active) ? active.dataset.focusKey : null;
    const fresh = this._repliesSection(a);
    old.replaceWith(fresh);
    if (keepFocus) fresh.querySelector(`[data-focus-key="${keepFocus}"]`)?.focus({ preventScroll: true });
  },

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
  },

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
  },

  async _deleteReply(reply) {
    try {
      await this.api.removeReply(reply);
      await this._loadReplies();
    } catch (error) {
      this._error(error.userMessage || String(error));
    }
  },
};
