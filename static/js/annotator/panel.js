/*
 * The side panel: the article's marks at a glance.
 *
 * - entities grouped by label, then by their normalised text (diacritics,
 *   tatweel and letter variants ignored), with counts; each group opens to its
 *   occurrences;
 * - quotes as speaker → words;
 * - orphaned marks (their text is gone after an edit), listed with their quote;
 * - filters (label, kind, annotator, status) and a mine/everyone switch, which
 *   also decide what the article shows.
 * Clicking an item scrolls to the highlight and opens its card.
 *
 * The panel's frame (heading, toggle, sign-in line) is server-rendered in
 * templates/annotations/_annotator.html; this module fills its body.
 */

import { h, arabic } from "./dom.js";
import { fold } from "./store.js";
import { gettext, ngettext, interpolate, labelName, formatNumber, compareText } from "./i18n.js";
import { quoteTypeText } from "./card.js";
import { SuggestTools } from "./suggest.js";

const OPEN_KEY = "newsreader:annotator-panel";
// Long lists start short (the most frequent names first); "Show all" lists the rest.
const GROUPS_SHOWN = 15;
const QUOTES_SHOWN = 30;

export class Panel {
  constructor({ element, toggle, store, labels, user, onActivate, onKeyboardHelp, api, reload }) {
    Object.assign(this, { element, toggle, store, labels, user, onActivate, onKeyboardHelp });
    // Suggestions: compute them, accept a label's at once (signed-in readers; suggest.js).
    this.suggest = user && api && api.urls.suggest ? new SuggestTools({ api, store, labels, reload, onChange: () => this.render() }) : null;
    this.body = element.querySelector("[data-panel-body]");
    this.countBadge = document.querySelectorAll("[data-annotator-count]");
    this.statusBox = element.querySelector("[data-live-status]");
    this.expanded = new Set();
    this.showAll = new Set(); // sections listed in full (long ones start with the first few)
    this._frame = 0;
    element.hidden = false;
    const wide = matchMedia("(min-width: 75rem)");
    let open;
    try {
      open = localStorage.getItem(OPEN_KEY);
    } catch {
      open = null;
    }
    this.setOpen(open === null ? wide.matches : open === "1", { remember: false });
    toggle.hidden = false;
    toggle.addEventListener("click", () => this.setOpen(!this.isOpen));
    element.querySelector("[data-panel-close]")?.addEventListener("click", () => {
      this.setOpen(false);
      toggle.focus();
    });
    element.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !wide.matches && this.isOpen) {
        this.setOpen(false);
        toggle.focus();
      }
    });
    store.addEventListener("change", () => this.schedule());
    // Below the site header while it is on screen, then from the top.
    const header = document.querySelector(".site-header");
    const updateTop = () => {
      const bottom = header ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
      this.element.style.setProperty("--annotator-panel-top", `${bottom}px`);
    };
    let frame = 0;
    const onScroll = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(updateTop);
    };
    window.addEventListener("scroll", onScroll, { passive: true });
    window.addEventListener("resize", onScroll);
    updateTop();
  }

  get isOpen() {
    return document.body.classList.contains("annotator-panel-open");
  }

  setOpen(open, { remember = true } = {}) {
    document.body.classList.toggle("annotator-panel-open", open);
    this.toggle.setAttribute("aria-expanded", String(open));
    this.element.setAttribute("aria-hidden", String(!open));
    this.element.inert = !open;
    if (remember) {
      try {
        localStorage.setItem(OPEN_KEY, open ? "1" : "0");
      } catch {
        /* ignore */
      }
    }
    window.dispatchEvent(new Event("resize")); // the column moves: relayout margins and popups
  }

  setLiveStatus(state) {
    if (!this.statusBox) return;
    const text = {
      live: gettext("Live: changes by others appear at once"),
      connecting: gettext("Connecting to live updates…"),
      reconnecting: gettext("Reconnecting… changes will catch up"),
      polling: gettext("Updates every few seconds"),
      offline: gettext("Offline: changes will catch up when the connection returns"),
    }[state];
    this.statusBox.dataset.state = state;
    this.statusBox.textContent = text || "";
  }

  /* Fill the panel (after the first highlights are painted) and keep it up to date. */
  start() {
    this.started = true;
    this.render();
  }

  schedule() {
    if (!this.started) return;
    cancelAnimationFrame(this._frame);
    this._frame = requestAnimationFrame(() => this.render());
  }

  _label(id) {
    return this.labels.find((l) => l.id === id);
  }

  _item(annotation, content, extra = {}) {
    return h(
      "li",
      {},
      h(
        "button",
        {
          type: "button",
          class: "annotator-panel__item",
          dataset: { focusKey: `a-${annotation.id}`, annotation: String(annotation.id) },
          onclick: () => this.onActivate(annotation),
          ...extra,
        },
        content,
      ),
    );
  }

  render() {
    const active = document.activeElement;
    const focusKey = this.element.contains(active) ? active.dataset.focusKey : null;
    const scroll = this.element.scrollTop;
    const all = this.store.all();
    const drawn = this.store.drawn();
    const orphans = this.store.orphans();
    // The "Marks" button counts people's marks: open suggestions are the machine's, not marks yet.
    const marks = all.filter((a) => a.status !== "suggested" && a.status !== "rejected").length;
    for (const badge of this.countBadge) badge.textContent = formatNumber(marks);

    const content = [this._filters(all.length, drawn.length + orphans.length)];
    if (this.suggest) content.push(this.suggest.render());
    // Entities: label -> normalised text -> occurrences.
    const entities = drawn.filter((a) => a.kind === "entity");
    const byLabel = new Map(this.labels.map((l) => [l.id, new Map()]));
    for (const a of entities) {
      if (!byLabel.has(a.label)) byLabel.set(a.label, new Map());
      const groups = byLabel.get(a.label);
      const key = fold(a.exact);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(a);
    }
    const entitySection = h("section", { class: "annotator-panel__section" }, h("h3", {}, gettext("Names"), " ", h("span", { class: "annotator-count" }, formatNumber(entities.length))));
    let anyEntity = false;
    for (const [labelId, groups] of byLabel) {
      if (!groups.size) continue;
      anyEntity = true;
      const label = this._label(labelId);
      const total = [...groups.values()].reduce((n, list) => n + list.length, 0);
      const list = h("ul", { class: "annotator-panel__groups" });
      const sorted = [...groups.entries()].sort((x, y) => y[1].length - x[1].length || compareText(x[0], y[0]));
      const shownGroups = this.showAll.has(`label:${labelId}`) ? sorted : sorted.slice(0, GROUPS_SHOWN);
      for (const [key, occurrences] of shownGroups) {
        occurrences.sort((x, y) => x.start - y.start);
        // The spelling used most often stands for the group.
        const spellings = new Map();
        for (const a of occurrences) spellings.set(a.exact, (spellings.get(a.exact) || 0) + 1);
        const shown = [...spellings.entries()].sort((x, y) => y[1] - x[1])[0][0];
        const groupKey = `${labelId}:${key}`;
        const open = this.expanded.has(groupKey);
        const item = h(
          "li",
          { class: "annotator-panel__group" },
          h(
            "div",
            { class: "annotator-panel__group-row" },
            h(
              "button",
              {
                type: "button",
                class: "annotator-panel__item",
                dataset: { focusKey: `g-${groupKey}` },
                onclick: () => this._cycle(groupKey, occurrences),
                title: gettext("Go to the next occurrence"),
              },
              arabic(shown),
              " ",
              h("span", { class: "annotator-count", "aria-label": interpolate(ngettext("%(count)s time", "%(count)s times", occurrences.length), { count: occurrences.length }) }, formatNumber(occurrences.length)),
            ),
            h(
              "button",
              {
                type: "button",
                class: "annotator-disclosure",
                "aria-expanded": String(open),
                "aria-label": interpolate(gettext("Occurrences of %(name)s"), { name: shown }),
                dataset: { focusKey: `d-${groupKey}` },
                onclick: () => {
                  if (this.expanded.has(groupKey)) this.expanded.delete(groupKey);
                  else this.expanded.add(groupKey);
                  this.render();
                },
              },
              open ? "▾" : "▸",
            ),
          ),
          open
            ? h(
                "ul",
                { class: "annotator-panel__occurrences" },
                occurrences.map((a) => this._item(a, [arabic(a.exact), " ", h("span", { class: "muted" }, a.creator ? a.creator.username : a.suggester || "")])),
              )
            : null,
        );
        list.append(item);
      }
      if (shownGroups.length < sorted.length) list.append(this._showAllButton(`label:${labelId}`, sorted.length));
      entitySection.append(
        h(
          "div",
          { class: "annotator-panel__label" },
          h(
            "h4",
            {},
            h("span", { class: "annotator-swatch", "aria-hidden": "true", style: { backgroundColor: label?.color || "#999" } }),
            " ",
            labelName(label) || "?",
            " ",
            h("span", { class: "annotator-count" }, formatNumber(total)),
          ),
          list,
        ),
      );
    }
    if (!anyEntity) entitySection.append(h("p", { class: "muted" }, gettext("No names marked yet.")));
    content.push(entitySection);

    // Quotes: speaker -> words.
    const quotes = drawn.filter((a) => a.kind === "quote").sort((x, y) => x.start - y.start);
    const quoteSection = h("section", { class: "annotator-panel__section" }, h("h3", {}, gettext("Quotes"), " ", h("span", { class: "annotator-count" }, formatNumber(quotes.length))));
    if (quotes.length) {
      const shownQuotes = this.showAll.has("quotes") ? quotes : quotes.slice(0, QUOTES_SHOWN);
      quoteSection.append(
        h(
          "ul",
          { class: "annotator-panel__quotes" },
          shownQuotes.map((q) =>
            this._item(q, [
              h("span", { class: "annotator-speaker" }, arabic(this.store.speakerText(q) || gettext("unknown speaker"))),
              h("span", { class: "annotator-arrow", "aria-hidden": "true" }, " ← "),
              h("span", { class: "visually-hidden" }, " ", gettext("said"), " "),
              arabic(q.exact.length > 90 ? `${q.exact.slice(0, 88)}…` : q.exact, "q"),
              " ",
              h("span", { class: "muted" }, quoteTypeText(q.quote_type)),
            ]),
          ),
          shownQuotes.length < quotes.length ? this._showAllButton("quotes", quotes.length) : null,
        ),
      );
    } else quoteSection.append(h("p", { class: "muted" }, gettext("No quotes marked yet.")));
    content.push(quoteSection);

    if (orphans.length) {
      content.push(
        h(
          "section",
          { class: "annotator-panel__section annotator-panel__orphans" },
          h("h3", {}, gettext("No longer in the text"), " ", h("span", { class: "annotator-count" }, formatNumber(orphans.length))),
          h("p", { class: "muted" }, gettext("The article was edited and these marks' words are gone. They are kept with their quote.")),
          h(
            "ul",
            {},
            orphans.map((a) =>
              this._item(a, [
                a.kind === "entity" ? labelName(this._label(a.label)) : quoteTypeText(a.quote_type),
                ": ",
                arabic(a.exact, "q"),
                " ",
                h("span", { class: "muted" }, a.creator ? a.creator.username : ""),
              ]),
            ),
          ),
        ),
      );
    }
    content.push(
      h(
        "p",
        { class: "annotator-panel__help" },
        h("button", { type: "button", class: "annotator-link-button", onclick: () => this.onKeyboardHelp() }, gettext("Marking with the keyboard")),
      ),
    );
    this.body.replaceChildren(...content);
    this.element.scrollTop = scroll;
    if (focusKey) this.body.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus({ preventScroll: true });
  }

  _showAllButton(key, count) {
    return h(
      "li",
      {},
      h(
        "button",
        {
          type: "button",
          class: "annotator-link-button",
          dataset: { focusKey: `all-${key}` },
          onclick: () => {
            this.showAll.add(key);
            this.render();
          },
        },
        interpolate(gettext("Show all %(count)s"), { count: formatNumber(count) }),
      ),
    );
  }

  _cycle(groupKey, occurrences) {
    this._position = this._position || new Map();
    const next = ((this._position.get(groupKey) ?? -1) + 1) % occurrences.length;
    this._position.set(groupKey, next);
    this.onActivate(occurrences[next]);
  }

  _filters(total, shown) {
    const f = this.store.filters;
    const set = (changes) => this.store.setFilters(changes);
    const scope = this.user
      ? h(
          "fieldset",
          { class: "annotator-switch" },
          h("legend", { class: "visually-hidden" }, gettext("Whose marks")),
          [
            ["everyone", gettext("Everyone's")],
            ["mine", gettext("Mine")],
          ].map(([value, text]) =>
            h(
              "label",
              {},
              h("input", { type: "radio", name: "annotator-scope", value, checked: f.scope === value, dataset: { focusKey: `scope-${value}` }, onchange: () => set({ scope: value }) }),
              h("span", {}, text),
            ),
          ),
        )
      : null;
    const labelBoxes = this.labels.map((label) =>
      h(
        "label",
        { class: "annotator-check" },
        h("input", {
          type: "checkbox",
          checked: !f.labels || f.labels.has(label.id),
          dataset: { focusKey: `label-${label.id}` },
          onchange: (event) => {
            const chosen = new Set(f.labels || this.labels.map((l) => l.id));
            if (event.target.checked) chosen.add(label.id);
            else chosen.delete(label.id);
            set({ labels: chosen.size === this.labels.length ? null : chosen });
          },
        }),
        " ",
        h("span", { class: "annotator-swatch", "aria-hidden": "true", style: { backgroundColor: label.color } }),
        " ",
        labelName(label),
      ),
    );
    const select = (name, value, options, onchange, text) =>
      h(
        "label",
        { class: "annotator-field" },
        text,
        " ",
        h(
          "select",
          { name, dataset: { focusKey: `f-${name}` }, onchange: (event) => onchange(event.target.value) },
          options.map(([v, t]) => h("option", { value: v, selected: v === value }, t)),
        ),
      );
    const filtered = f.kind || f.labels || f.creator || f.status || f.scope !== "everyone";
    return h(
      "div",
      { class: "annotator-panel__filters" },
      scope,
      h(
        "details",
        { open: Boolean(filtered) || undefined },
        h("summary", { dataset: { focusKey: "filters" } }, gettext("Filters"), filtered ? [" ", h("span", { class: "annotator-badge" }, interpolate(gettext("%(shown)s of %(total)s"), { shown: formatNumber(shown), total: formatNumber(total) }))] : null),
        select(
          "kind",
          f.kind,
          [
            ["", gettext("Names and quotes")],
            ["entity", gettext("Names only")],
            ["quote", gettext("Quotes only")],
          ],
          (v) => set({ kind: v }),
          gettext("Kind"),
        ),
        h("fieldset", { class: "annotator-label-filter" }, h("legend", {}, gettext("Labels")), labelBoxes),
        select(
          "creator",
          f.creator,
          [["", gettext("Anyone")], ...this.store.creators().map((c) => [String(c.id), c.name])],
          (v) => set({ creator: v }),
          gettext("Annotator"),
        ),
        select(
          "status",
          f.status,
          [
            ["", gettext("All but rejected")],
            ["all", gettext("All")],
            ["human", gettext("By people")],
            ["suggested", gettext("Suggestions")],
            ["accepted", gettext("Accepted suggestions")],
            ["rejected", gettext("Rejected suggestions")],
          ],
          (v) => set({ status: v }),
          gettext("Status"),
        ),
      ),
    );
  }
}
