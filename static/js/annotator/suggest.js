/*
 * Suggestions in the side panel (signed-in readers): compute them for this
 * article now, and accept a label's open suggestions at once.
 *
 * Deciding on one suggestion is on its card (card.js). The suggestions
 * themselves arrive like any mark: through the list (reload) or live updates,
 * so a queued run (a task worker) shows up by itself when it is done.
 */

import { h, announce, toast } from "./dom.js";
import { gettext, interpolate, labelName, formatNumber } from "./i18n.js";

export class SuggestTools {
  constructor({ api, store, labels, reload, onChange }) {
    Object.assign(this, { api, store, labels, reload, onChange });
    this.busy = null; // "suggest" or a label code while a request runs
    this.message = "";
    // A queued run: its suggestions arrive later (live updates or the next reload). While waiting,
    // the ids of the suggestions there were before it, so that only new ones count as its arrival.
    this.waiting = null;
    store.addEventListener("change", (event) => this._arrived(event.detail));
  }

  /* Suggestions of a queued run came in: the "being computed…" message is over. */
  _arrived(detail) {
    // Changes during the request itself (its own reload, a live catch-up) are not the run's results.
    if (!this.waiting || this.busy) return;
    const ids = detail.all ? this.store.all().map((a) => a.id) : detail.ids || [];
    const fresh = ids.some((id) => this.store.get(id)?.status === "suggested" && !this.waiting.has(id));
    const replaced = detail.removed && ids.some((id) => this.waiting.has(id));
    if (!fresh && !replaced) return;
    this.waiting = null;
    this.message = gettext("The suggestions have arrived.");
    announce(this.message);
    this.onChange();
  }

  /* Open suggestions of each label among the marks drawn in the text: [[label, count]]. */
  _openByLabel() {
    const counts = new Map();
    for (const a of this.store.all()) {
      if (a.status === "suggested" && a.kind === "entity" && this.store.isAnchored(a) && !a.hidden) {
        counts.set(a.label, (counts.get(a.label) || 0) + 1);
      }
    }
    return this.labels.filter((l) => counts.has(l.id)).map((l) => [l, counts.get(l.id)]);
  }

  async _run(busy, work) {
    this.busy = busy;
    this.message = "";
    this.onChange();
    try {
      this.message = await work();
      await this.reload();
    } catch (error) {
      this.message = error.userMessage || String(error);
      toast(this.message, { error: true });
    } finally {
      this.busy = null;
      this.onChange();
      if (this.message) announce(this.message);
    }
  }

  suggest() {
    return this._run("suggest", async () => {
      const before = new Set(this.store.all().filter((a) => a.status === "suggested").map((a) => a.id));
      const result = await this.api.suggest();
      this.waiting = result.status !== "done" ? before : null;
      if (this.waiting && result.worker_alive === false) {
        return gettext("No task worker is running, so the suggestions are not being computed. They will appear once a worker starts.");
      }
      if (this.waiting) return gettext("The suggestions are being computed; they appear in the text when ready.");
      return interpolate(gettext("Suggestions: %(created)s new, %(kept)s kept, %(removed)s removed."), {
        created: formatNumber(result.created),
        kept: formatNumber(result.kept),
        removed: formatNumber(result.removed),
      });
    });
  }

  acceptAll(label) {
    return this._run(label.code, async () => {
      const result = await this.api.acceptAll(label.code);
      return interpolate(gettext("%(count)s suggestions accepted: %(label)s"), { count: formatNumber(result.accepted), label: labelName(label) });
    });
  }

  render() {
    const open = this._openByLabel();
    return h(
      "section",
      { class: "annotator-panel__section annotator-suggest", dataset: { suggestTools: "" } },
      h("h3", {}, gettext("Suggestions")),
      h(
        "button",
        {
          type: "button",
          class: "button",
          disabled: Boolean(this.busy),
          "aria-busy": String(this.busy === "suggest"),
          dataset: { focusKey: "suggest", action: "suggest" },
          onclick: () => this.suggest(),
        },
        this.busy === "suggest" ? gettext("Suggesting…") : gettext("Suggest for this article"),
      ),
      open.length
        ? h(
            "ul",
            { class: "annotator-suggest__labels" },
            open.map(([label, count]) =>
              h(
                "li",
                {},
                h(
                  "button",
                  {
                    type: "button",
                    class: "annotator-link-button",
                    disabled: Boolean(this.busy),
                    dataset: { focusKey: `accept-all-${label.code}`, acceptAll: label.code },
                    onclick: () => this.acceptAll(label),
                  },
                  h("span", { class: "annotator-swatch", "aria-hidden": "true", style: { backgroundColor: label.color || "#999" } }),
                  " ",
                  interpolate(gettext("Accept all: %(label)s"), { label: labelName(label) }),
                  " ",
                  h("span", { class: "annotator-count" }, formatNumber(count)),
                ),
              ),
            ),
          )
        : null,
      this.message ? h("p", { class: "muted", role: "status" }, this.message) : null,
    );
  }
}
