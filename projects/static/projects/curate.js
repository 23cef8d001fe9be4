/*
 * The curation view: every place where the annotators' versions differ, settled one key each.
 *
 * The article is drawn once, as plain text per part (data-start/data-end, the offset contract), and
 * the places are painted with the CSS Custom Highlight API: no element is ever inserted into a word,
 * so Arabic letters stay joined however the annotators cut them. The panel stacks the versions of
 * the current place, one row each, with its words highlighted the same way.
 *
 * Keys (anywhere on the page but in a form field): 1…9 keep that version, 0 keep none,
 * j/↓ next place, k/↑ previous place, s start curating (pre-merge), f finish. Decisions go to the server as JSON;
 * the page moves on to the next unsettled place.
 */

import { utf16Index } from "../js/annotator/offsets.js";

const _ = (text) => (typeof window.gettext === "function" ? window.gettext(text) : text);
const root = document.querySelector("[data-curate]");
const data = JSON.parse(document.getElementById("curation-data").textContent);
const clusters = data.clusters;
const textRoot = root.querySelector("[data-curate-text]");
const current = root.querySelector("[data-curate-current]");
const list = root.querySelector("[data-curate-list]");
const count = root.querySelector("[data-curate-count]");
const started = root.dataset.state !== "open";
const highlightsOn = typeof CSS !== "undefined" && "highlights" in CSS && typeof Highlight === "function";

// The text parts, in order, with their code point ranges and text nodes.
const parts = [...textRoot.querySelectorAll("[data-start]")].map((el) => ({
  start: Number(el.dataset.start),
  end: Number(el.dataset.end),
  node: el.firstChild,
  el,
}));

function rangeOf(start, end) {
  // Parts are few (tens); a linear scan is cheaper than anything cleverer.
  const first = parts.find((p) => p.end > start);
  const last = parts.findLast((p) => p.start < end);
  if (!first || !last || !first.node || !last.node) return null;
  const range = new Range();
  const text1 = first.node.data;
  const text2 = last.node.data;
  range.setStart(first.node, utf16Index(text1, Math.max(0, start - first.start)));
  range.setEnd(last.node, utf16Index(text2, Math.min(last.end, end) - last.start));
  return range;
}

const settled = (c) => c.decision !== null && !c.changed;
let index = Math.max(0, clusters.findIndex((c) => !settled(c)));

function paint() {
  if (!highlightsOn) return;
  const groups = { "cur-open": [], "cur-done": [], "cur-none": [], "cur-focus": [] };
  clusters.forEach((c, i) => {
    const range = rangeOf(c.start, c.end);
    if (!range) return;
    if (!settled(c)) groups["cur-open"].push(range);
    else if (c.decision.choice === null) groups["cur-none"].push(range);
    else groups["cur-done"].push(range);
    if (i === index) groups["cur-focus"].push(rangeOf(c.start, c.end));
  });
  for (const [name, ranges] of Object.entries(groups)) CSS.highlights.set(name, new Highlight(...ranges));
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function describe(v) {
  const bits = [v.label];
  if (v.quote_type) bits.push(v.quote_type);
  if (v.speaker) bits.push(`${_("speaker")}: ${v.speaker}`);
  return bits.filter(Boolean).join(" · ");
}

function fullText() {
  return parts.map((p) => ({ ...p, text: p.node ? p.node.data : "" }));
}

function excerpt(v) {
  // The words of the version with some context, from the part holding its start.
  const part = fullText().find((p) => p.end > v.start) || fullText()[0];
  const s = utf16Index(part.text, Math.max(0, v.start - part.start - 30));
  const e = utf16Index(part.text, Math.min(part.end, v.end + 30) - part.start);
  const node = el("span", { class: "version-text", dir: "rtl", lang: "ar" }, part.text.slice(s, e));
  node._span = [utf16Index(part.text, v.start - part.start) - s, utf16Index(part.text, Math.min(part.end, v.end) - part.start) - s];
  return node;
}

const versionRanges = [];
function showCurrent() {
  current.replaceChildren();
  versionRanges.length = 0;
  const c = clusters[index];
  if (!c) {
    current.append(el("p", {}, _("The annotators agree: nothing to settle.")));
    return;
  }
  const state = settled(c)
    ? c.decision.choice === null
      ? _("settled: none kept")
      : `${_("settled")}: ${c.decision.method === "auto" ? _("pre-merged") : _("chosen")}`
    : c.changed
      ? _("changed since it was settled")
      : _("to settle");
  current.append(el("p", { class: "curate-state", "data-cluster-state": settled(c) ? "settled" : "open" }, `${index + 1} / ${clusters.length} · ${state}`));
  const rows = el("ol", { class: "curate-versions" });
  c.variants.forEach((v, i) => {
    const text = excerpt(v);
    const chosen = settled(c) && c.decision.choice === i;
    rows.append(
      el(
        "li",
        { class: `version${chosen ? " version--chosen" : ""}`, "data-version": String(i) },
        el("kbd", {}, String(i + 1)),
        " ",
        el("strong", {}, describe(v)),
        " ",
        el("span", { class: "version-who" }, v.annotators.join("، ")),
        el("br"),
        text,
      ),
    );
    versionRanges.push(text);
  });
  rows.append(el("li", { class: `version version--none${settled(c) && c.decision.choice === null ? " version--chosen" : ""}`, "data-version": "none" }, el("kbd", {}, "0"), " ", _("keep none")));
  current.append(rows);
  if (highlightsOn) {
    const ranges = versionRanges.map((node) => {
      const r = new Range();
      r.setStart(node.firstChild, node._span[0]);
      r.setEnd(node.firstChild, node._span[1]);
      return r;
    });
    CSS.highlights.set("cur-version", new Highlight(...ranges));
  }
  const range = rangeOf(c.start, c.end);
  range?.startContainer.parentElement?.scrollIntoView({ block: "nearest" });
}

function drawList() {
  const items = clusters.map((c, i) =>
    el(
      "li",
      { class: `cluster${settled(c) ? " cluster--settled" : ""}${i === index ? " cluster--current" : ""}`, "data-cluster": String(i) },
      el("button", { type: "button", class: "cluster-button" }, `${c.variants[0].label || c.kind} · ${c.variants.length}`),
    ),
  );
  list.replaceChildren(...items);
}

function updateCount() {
  const n = clusters.filter(settled).length;
  count.textContent = `${n} / ${clusters.length} ${_("settled")}`;
}

function redraw() {
  paint();
  showCurrent();
  drawList();
  updateCount();
}

function move(step, onlyOpen) {
  if (!clusters.length) return;
  let i = index;
  for (let n = 0; n < clusters.length; n++) {
    i = (i + step + clusters.length) % clusters.length;
    if (!onlyOpen || !settled(clusters[i])) {
      index = i;
      break;
    }
  }
  if (onlyOpen && clusters.every(settled)) index = Math.min(clusters.length - 1, Math.max(0, index));
  redraw();
}

async function decide(choice) {
  const c = clusters[index];
  if (!c || !started) return;
  if (choice !== null && choice >= c.variants.length) return;
  const response = await fetch(root.dataset.decideUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf },
    body: JSON.stringify({ kind: c.kind, start: c.start, end: c.end, choice }),
    credentials: "same-origin",
  });
  const body = await response.json();
  if (!response.ok) {
    current.prepend(el("p", { class: "curate-error", role: "alert" }, body.errors?.[0]?.message || _("Could not save.")));
    return;
  }
  c.decision = { method: body.method, choice: body.choice };
  c.changed = false;
  if (clusters.some((x) => !settled(x))) move(1, true);
  else redraw();
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  const key = event.key;
  if (/^[1-9]$/.test(key)) decide(Number(key) - 1);
  else if (key === "0") decide(null);
  else if (key === "j" || key === "ArrowDown") move(1, false);
  else if (key === "k" || key === "ArrowUp") move(-1, false);
  else if (key === "f") root.querySelector("[data-curate-finish-form]")?.requestSubmit();
  else if (key === "s") root.querySelector("[data-curate-start-form]")?.requestSubmit();
  else return;
  event.preventDefault();
});

list.addEventListener("click", (event) => {
  const item = event.target.closest("[data-cluster]");
  if (!item) return;
  index = Number(item.dataset.cluster);
  redraw();
});

current.addEventListener("click", (event) => {
  const row = event.target.closest("[data-version]");
  if (!row) return;
  decide(row.dataset.version === "none" ? null : Number(row.dataset.version));
});

redraw();
// The frame after the first draw: what bench/projects.py times (navigation start -> painted).
requestAnimationFrame(() => {
  window.__curateReady = performance.now();
  root.dataset.ready = "true";
});
