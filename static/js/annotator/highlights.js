/*
 * Drawing annotations with the CSS Custom Highlight API.
 *
 * Highlights are Ranges registered in CSS.highlights and painted by
 * ::highlight() rules: the article's DOM is never touched, so no element is
 * ever inserted into a word and Arabic letters stay joined (wrapping part of a
 * word in a <span> breaks the joining in other tools). It also means a redraw
 * can never destroy the reader's selection.
 *
 * - entities: one highlight per label, background in the label's colour
 *   (translucent, so overlapping marks add up); suggestions lighter, dashed;
 * - where two or more entities overlap, a darker "stack" layer shows it, and
 *   where their labels differ a line above the words in the other label's colour;
 * - quotes: an underline (solid for direct, dashed for indirect, dotted for
 *   partial) and the speaker's name in the margin (an overlay outside the
 *   article, positioned from Range.getClientRects());
 * - the reporting verb of a quote: a dotted underline;
 * - focus (the open card's mark), pending (the text about to be saved) and
 *   speaker candidates (while picking a speaker) on top.
 *
 * The ::highlight rules live in a constructed stylesheet (CSSOM, allowed by the
 * Content-Security-Policy's style-src 'self'), rebuilt when the theme changes.
 */

import { h } from "./dom.js";
import { gettext, interpolate } from "./i18n.js";

const PRIORITY = { label: 1, stack: 2, hidden: 2, cue: 3, quote: 4, candidate: 5, focus: 6, pending: 7 };
const QUOTE_STYLE = { direct: "solid", indirect: "dashed", partial: "dotted" };

function supported() {
  return typeof CSS !== "undefined" && "highlights" in CSS && typeof Highlight === "function";
}

export class Highlighter {
  constructor({ index, store, labels, root }) {
    this.index = index;
    this.store = store;
    this.labels = labels;
    this.root = root;
    this.supported = supported();
    this.names = new Set();
    this.sheet = null;
    this.chips = h("div", { class: "annotator-chips", "aria-hidden": "true" });
    root.after(this.chips);
    this.quotes = [];
    this.focused = null;
    this.candidates = false;
    this._frame = 0;
    this._buildStyles();
    // Theme and reading settings change colours and line positions.
    new MutationObserver(() => {
      this._buildStyles();
      this.layoutChips();
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme", "style", "class"] });
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => this._buildStyles());
    new ResizeObserver(() => this.scheduleLayout()).observe(root);
    window.addEventListener("resize", () => this.scheduleLayout());
    document.fonts?.ready.then(() => this.scheduleLayout());
  }

  /* --- styles ------------------------------------------------------------------------- */

  _buildStyles() {
    const css = getComputedStyle(document.documentElement);
    const value = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
    const strength = value("--annotator-mark-strength", "38%");
    const light = value("--annotator-mark-light", "18%");
    const quote = value("--annotator-quote", "#6741d9");
    const stack = value("--annotator-stack", "rgb(0 0 0 / 0.16)");
    const focus = value("--annotator-focus", "rgb(214 51 108 / 0.35)");
    const pending = value("--selection", "#bcd8f7");
    const hidden = value("--annotator-hidden", "rgb(128 128 128 / 0.3)");
    const rules = [];
    for (const label of this.labels) {
      const color = /^#[0-9a-f]{6}$/i.test(label.color) ? label.color : "#f2c94c";
      rules.push(`::highlight(nr-l-${label.id}) { background-color: color-mix(in srgb, ${color} ${strength}, transparent); }`);
      rules.push(`::highlight(nr-lo-${label.id}) { text-decoration: overline solid ${color} 4px; }`);
      rules.push(
        `::highlight(nr-ls-${label.id}) { background-color: color-mix(in srgb, ${color} ${light}, transparent);` +
          ` text-decoration: underline dashed ${color} 2px; }`,
      );
    }
    for (const [type, style] of Object.entries(QUOTE_STYLE)) {
      rules.push(`::highlight(nr-q-${type}) { text-decoration: underline ${style} ${quote} 2px; }`);
    }
    rules.push(`::highlight(nr-cue) { text-decoration: underline dotted ${quote} 3px; }`);
    rules.push(`::highlight(nr-stack) { background-color: ${stack}; }`);
    rules.push(`::highlight(nr-hidden) { background-color: ${hidden}; text-decoration: line-through ${hidden}; }`);
    rules.push(`::highlight(nr-candidate) { text-decoration: overline solid ${quote} 3px; }`);
    rules.push(`::highlight(nr-focus) { background-color: ${focus}; }`);
    rules.push(`::highlight(nr-pending) { background-color: ${pending}; }`);
    if (!this.sheet) {
      this.sheet = new CSSStyleSheet();
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, this.sheet];
    }
    this.sheet.replaceSync(rules.join("\n"));
  }

  /* --- drawing ------------------------------------------------------------------------ */

  _set(name, ranges, priority) {
    if (!this.supported) return;
    if (!ranges.length) {
      CSS.highlights.delete(name);
      return;
    }
    const highlight = new Highlight(...ranges);
    highlight.priority = priority;
    CSS.highlights.set(name, highlight);
    this.names.add(name);
  }

  /* Draw these annotations (replacing what was drawn). */
  draw(list) {
    const groups = new Map();
    const add = (name, ranges) => {
      if (!groups.has(name)) groups.set(name, []);
      groups.get(name).push(...ranges);
    };
    const entitySpans = [];
    this.quotes = [];
    for (const a of list) {
      const ranges = this.index.rangesFor(a.start, a.end);
      if (a.hidden) add("nr-hidden", ranges);
      else if (a.kind === "entity") {
        add(a.status === "suggested" ? `nr-ls-${a.label}` : `nr-l-${a.label}`, ranges);
        entitySpans.push(a);
      } else {
        add(`nr-q-${QUOTE_STYLE[a.quote_type] ? a.quote_type : "direct"}`, ranges);
        if (a.cue_start != null && a.cue_end != null) add("nr-cue", this.index.rangesFor(a.cue_start, a.cue_end));
        this.quotes.push(a);
      }
    }
    add("nr-stack", this._overlaps(entitySpans).flatMap(([s, e]) => this.index.rangesFor(s, e)));
    for (const [label, s, e] of this._otherLabels(entitySpans)) add(`nr-lo-${label}`, this.index.rangesFor(s, e));
    for (const name of this.names) {
      if (!groups.has(name) && !["nr-focus", "nr-pending", "nr-candidate"].includes(name)) CSS.highlights.delete(name);
    }
    for (const [name, ranges] of groups) {
      const kind = name.startsWith("nr-q-") ? "quote" : name.replace(/^nr-(l|ls|lo)-\d+$/, "label").replace(/^nr-/, "");
      this._set(name, ranges, PRIORITY[kind] ?? PRIORITY.label);
    }
    this.drawCandidates();
    this.layoutChips();
  }

  /* Spans covered by two or more entities (a sweep over their ends). */
  /*
   * Where entities of different labels overlap, backgrounds alone blend into one colour: every label
   * but the first there (by the label set's order) also draws a line above the words in its own
   * colour, so PER over ORG stays readable as both. [[label id, start, end]].
   */
  _otherLabels(spans) {
    const order = new Map(this.labels.map((l, i) => [l.id, i]));
    const sorted = [...spans].filter((a) => !a.hidden).sort((a, b) => a.start - b.start);
    const out = new Map(); // one line per label and stretch, however many people marked it
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length && sorted[j].start < sorted[i].end; j++) {
        const [a, b] = [sorted[i], sorted[j]];
        if (a.label === b.label) continue;
        const later = (order.get(a.label) ?? 99) > (order.get(b.label) ?? 99) ? a : b;
        const entry = [later.label, Math.max(a.start, b.start), Math.min(a.end, b.end)];
        out.set(entry.join(":"), entry);
      }
    }
    return [...out.values()];
  }

  _overlaps(spans) {
    const points = [];
    for (const a of spans) points.push([a.start, 1], [a.end, -1]);
    points.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const out = [];
    let depth = 0;
    let from = null;
    for (const [at, step] of points) {
      depth += step;
      if (depth >= 2 && from === null) from = at;
      else if (depth < 2 && from !== null) {
        if (at > from) out.push([from, at]);
        from = null;
      }
    }
    return out;
  }

  setFocus(annotation) {
    this.focused = annotation ? annotation.id : null;
    this._set("nr-focus", annotation ? this.index.rangesFor(annotation.start, annotation.end) : [], PRIORITY.focus);
  }

  setPending(span) {
    this._set("nr-pending", span ? this.index.rangesFor(span.start, span.end) : [], PRIORITY.pending);
  }

  /* While a speaker is being picked, overline the entities that can be clicked. */
  showCandidates(on) {
    this.candidates = on;
    this.drawCandidates();
  }

  drawCandidates() {
    const ranges = this.candidates
      ? this.store.drawn().filter((a) => a.kind === "entity").flatMap((a) => this.index.rangesFor(a.start, a.end))
      : [];
    this._set("nr-candidate", ranges, PRIORITY.candidate);
  }

  /* Briefly mark an annotation (after scrolling to it). */
  flash(annotation) {
    const ranges = this.index.rangesFor(annotation.start, annotation.end);
    this._set("nr-focus", ranges, PRIORITY.focus);
    clearTimeout(this._flashTimer);
    this._flashTimer = setTimeout(() => {
      const focused = this.focused && this.store.get(this.focused);
      this.setFocus(focused || null);
    }, 1600);
  }

  scrollTo(annotation) {
    const range = this.index.rangeFor(annotation.start, annotation.end);
    if (!range) return;
    const rect = range.getBoundingClientRect();
    const reduce = matchMedia("(prefers-reduced-motion: reduce)").matches;
    window.scrollTo({ top: window.scrollY + rect.top - window.innerHeight / 3, behavior: reduce ? "auto" : "smooth" });
  }

  /* Client rects of an annotation (for placing cards). */
  rects(annotation) {
    return this.index.rangesFor(annotation.start, annotation.end).flatMap((r) => [...r.getClientRects()]);
  }

  /* --- speakers in the margin ---------------------------------------------------------- */

  scheduleLayout() {
    cancelAnimationFrame(this._frame);
    this._frame = requestAnimationFrame(() => this.layoutChips());
  }

  layoutChips() {
    if (!this.quotes.length) {
      this.chips.replaceChildren();
      return;
    }
    // Read everything first, then write, then read the chip sizes once: one layout, not one per chip.
    const parent = this.chips.offsetParent || document.body;
    const origin =
      parent === document.body && getComputedStyle(parent).position === "static"
        ? { left: -window.scrollX, top: -window.scrollY }
        : parent.getBoundingClientRect();
    const article = this.root.getBoundingClientRect();
    const rtl = getComputedStyle(this.root).direction === "rtl";
    const viewport = document.documentElement.clientWidth;
    const margin = rtl ? viewport - article.right : article.left;
    const inMargin = margin >= 80;
    const placed = this.quotes
      .map((quote) => ({ quote, rect: this.index.rangeFor(quote.start, quote.end)?.getClientRects()[0] }))
      .filter((item) => item.rect)
      .sort((a, b) => a.rect.top - b.rect.top);
    const chips = placed.map(({ quote }) => {
      const name = this.store.speakerText(quote) || gettext("unknown speaker");
      const chip = h(
        "button",
        {
          type: "button",
          tabindex: "-1",
          class: `annotator-chip${inMargin ? "" : " annotator-chip--inline"}`,
          title: interpolate(gettext("Quote of %(speaker)s"), { speaker: name }),
          dataset: { annotation: String(quote.id) },
        },
        h("bdi", {}, name),
      );
      if (inMargin) chip.style.maxInlineSize = `${Math.min(margin - 16, 160)}px`;
      return chip;
    });
    this.chips.replaceChildren(...chips);
    const boxes = chips.map((chip) => chip.getBoundingClientRect());
    let lastBottom = -Infinity;
    placed.forEach(({ rect }, i) => {
      const box = boxes[i];
      let top;
      let left;
      if (inMargin) {
        top = Math.max(rect.top, lastBottom + 2);
        left = rtl ? article.right + 8 : article.left - 8 - box.width;
        lastBottom = top + box.height;
      } else {
        // No margin (a phone): just above the first line, at its start.
        top = rect.top - box.height + 2;
        left = rtl ? rect.right - box.width : rect.left;
      }
      chips[i].style.left = `${left - origin.left}px`;
      chips[i].style.top = `${top - origin.top}px`;
    });
  }
}
