/*
 * The annotator of the article page: wires the modules together.
 *
 *   offsets.js     DOM positions <-> code point offsets (the only place)
 *   api.js         the REST API (CSRF, ETag/If-Match, errors)
 *   store.js       the annotations the reader sees, and the filters
 *   highlights.js  drawing (CSS Custom Highlight API) and hit-testing
 *   toolbar.js     the selection toolbar (toolbar-quote.js the quote form, toolbar-keys.js its keys)
 *   prefs.js       the reader's preferences and visibility choices
 *   card.js        a mark's card (card-replies.js replies, card-edit.js the edit form,
 *                  card-save.js saving, conflicts, deleting; proposals.js proposed changes)
 *   conflict.js    both versions after a 412
 *   panel.js       the side panel
 *   keyboard.js    keyboard-only selection
 *   live.js        live updates (server-sent events)
 *   undo.js        undo the last delete or change (toast button, Ctrl+Z)
 *
 * Configuration comes from the json_script "annotator-config"
 * (annotations/templatetags/annotator.py).
 *
 * Two phases, so that marks appear as early as possible: this module is
 * loaded async and draws the highlights as soon as the marks arrive (the page
 * preloads them); the interactive parts (toolbar, cards, panel, keyboard, live
 * updates) are wired once the document is parsed and the string catalogue
 * (/jsi18n/, a deferred script) has run (i18n.js catalogueReady: the document
 * can be "interactive" before a slow deferred script has run). performance.mark("annotator:ready")
 * and window.__annotatorReady (ms since navigation) record the frame with the
 * first highlights; <html data-annotator="ready"> says everything is wired.
 * bench/annotator_render.py and the browser tests use them.
 */

import { Api, MAX_IDS } from "./api.js";
import { Card } from "./card.js";
import { h, announce, toast } from "./dom.js";
import { Highlighter } from "./highlights.js";
import { catalogueReady, gettext, interpolate, labelName } from "./i18n.js";
import { KeyboardSelection } from "./keyboard.js";
import { Live } from "./live.js";
import { TextIndex } from "./offsets.js";
import { Panel } from "./panel.js";
import { Store } from "./store.js";
import { loadPrefs } from "./prefs.js";
import { Toolbar } from "./toolbar.js";
import { Undo } from "./undo.js";

function start() {
  const configElement = document.getElementById("annotator-config");
  const root = document.querySelector("article[data-revision]");
  if (!configElement || !root) return;
  performance.mark("annotator:start");
  const config = JSON.parse(configElement.textContent);
  const labels = config.labels || [];
  const user = config.user;

  const api = new Api({ urls: config.urls, csrfToken: config.csrfToken });
  // Ask for the marks first (the page preloads this request); build everything else meanwhile.
  const loading = api.list({ initial: true });
  const index = new TextIndex(root);
  const store = new Store({ revision: config.revision, user });
  const highlighter = new Highlighter({ index, store, labels, root });
  let ui = null; // the interactive parts, once wired

  let drawFrame = 0;
  function draw() {
    cancelAnimationFrame(drawFrame);
    highlighter.draw(store.drawn());
    ui?.afterDraw();
  }
  // Every change (API, live update, filters) is drawn once, in the next frame.
  store.addEventListener("change", () => {
    cancelAnimationFrame(drawFrame);
    drawFrame = requestAnimationFrame(draw);
  });

  const parsed = new Promise((resolve) => {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", resolve, { once: true });
    else resolve();
  });
  // Wired once the document is parsed AND the string catalogue has run (not one or the other).
  const wired = Promise.all([parsed, catalogueReady]).then(() => {
    ui = wire({ config, labels, user, root, api, index, store, highlighter });
    window.annotator = { store, index, highlighter, api, ...ui };
    highlighter.layoutChips(); // margin names again, now with the catalogue's strings
    return ui;
  });

  performance.mark("annotator:built");
  loading
    .then((list) => {
      performance.mark("annotator:loaded");
      store.replaceAll(list);
      draw();
      performance.mark("annotator:drawn");
      const painted = new Promise((resolve) =>
        requestAnimationFrame(() => {
          // The frame with the highlights is being painted.
          performance.mark("annotator:ready");
          window.__annotatorReady = performance.now();
          resolve();
        }),
      );
      return Promise.all([wired, painted]).then(([wiredUi]) => wiredUi);
    })
    .then((wiredUi) => {
      document.documentElement.dataset.annotator = "ready";
      // The panel's lists come right after (they are not in the text).
      setTimeout(() => {
        wiredUi.panel?.start();
        window.__annotatorPanelReady = performance.now();
      }, 0);
    })
    .catch((error) => {
      console.error("annotator: could not load the marks", error);
      toast(error.userMessage || gettext("The marks could not be loaded."), { error: true, timeout: 8000 });
      document.documentElement.dataset.annotator = "failed";
    })
    .finally(() => wired.then((wiredUi) => wiredUi.live.start()));
}

/* Toolbar, cards, panel, keyboard and live updates (after the document is parsed). */
function wire({ config, labels, user, root, api, index, store, highlighter }) {
  /* --- opening a mark ---------------------------------------------------------------------- */

  const undo = user ? new Undo({ api, store }) : null;
  const card = new Card({ api, store, index, highlighter, labels, user, undo });

  function openCard(annotation, others = [], returnFocus = null) {
    toolbar.hide();
    card.open(annotation, { others, returnFocus });
  }

  /* Scroll to a mark, flash it, open its card (from the panel or the margin). */
  function activate(annotation, returnFocus = document.activeElement) {
    if (!store.isAnchored(annotation)) {
      openCard(annotation, [], returnFocus);
      return;
    }
    highlighter.scrollTo(annotation);
    highlighter.flash(annotation);
    let done = false;
    const open = () => {
      if (done) return;
      done = true;
      openCard(annotation, store.at(annotation.start).filter((a) => a.start < annotation.end), returnFocus);
    };
    window.addEventListener("scrollend", open, { once: true });
    setTimeout(open, 700);
  }

  /* --- creating marks ---------------------------------------------------------------------- */

  async function create(fields) {
    const created = await api.create(fields);
    store.upsert(created);
    const what =
      created.kind === "entity" ? labelName(labels.find((l) => l.id === created.label)) : gettext("quote");
    announce(interpolate(gettext("Marked “%(text)s” as %(what)s."), { text: created.exact, what }));
    if (created.anchor && created.anchor.method !== "offsets") {
      toast(gettext("The text was found at a slightly different place; the mark was saved there."));
    }
    return created;
  }

  const toolbar = new Toolbar({
    index,
    store,
    highlighter,
    labels,
    user,
    urls: config.urls,
    onCreate: create,
    // Closed (Escape) right after moving the selection: the "selection settled" still pending, or
    // its selectionchange not even dispatched yet, must not reopen it for the same words.
    onClose: (span) => {
      clearTimeout(settleTimer);
      dismissed = span;
    },
    onShowMarks: (list, span) => {
      const inner = store.at(span.start, list).concat(list).filter((a, i, all) => all.indexOf(a) === i);
      openCard(inner[0], inner);
    },
  });
  toolbar.dispatchSnap = () => selectionSettled({ force: true });

  // Popups follow the article (after it in the tab order, outside its text).
  highlighter.chips.after(toolbar.element, card.element);

  /* --- the selection ------------------------------------------------------------------------ */

  let pointerDown = false;
  let settleTimer = 0;
  let dismissed = null; // the span whose toolbar the reader closed (not reopened by a late selectionchange)

  function selectionSettled({ force = false } = {}) {
    const raw = index.selectionOffsets();
    if (!raw) {
      if (toolbar.mode === "labels" && !toolbar.busy && !toolbar.element.contains(document.activeElement)) toolbar.hide();
      return;
    }
    if (toolbar.picking === "cue") {
      const cue = index.clean(raw.start, raw.end, { words: true });
      if (cue) toolbar.pickCue(cue);
      return;
    }
    if (toolbar.mode === "quote") return; // the quote form keeps its span
    const span = index.clean(raw.start, raw.end, { words: Boolean(loadPrefs().snap) });
    if (!span) return;
    if (span.start !== raw.start || span.end !== raw.end) {
      // Show the reader exactly what will be saved.
      const range = index.rangeFor(span.start, span.end);
      const selection = document.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
    if (!force && toolbar.isOpen && toolbar.span && toolbar.span.start === span.start && toolbar.span.end === span.end) return;
    if (!force && dismissed && dismissed.start === span.start && dismissed.end === span.end) return;
    dismissed = null;
    toolbar.show(span);
  }

  // A mouse drag is settled when the button comes up. Touch selections are not: a long press ends
  // in pointercancel (the browser takes over) and the handles move the selection without pointer
  // events here, so for touch only the resting selection counts (selectionchange below).
  root.addEventListener("pointerdown", (event) => {
    dismissed = null; // a new selection by hand, even of the same words
    if (event.button === 0 && event.pointerType !== "touch") pointerDown = true;
  });
  const released = () => {
    if (!pointerDown) return;
    pointerDown = false;
    setTimeout(() => selectionSettled(), 0);
  };
  document.addEventListener("pointerup", released);
  document.addEventListener("pointercancel", released);
  document.addEventListener("selectionchange", () => {
    if (pointerDown) return;
    clearTimeout(settleTimer);
    // Touch selections move in steps (the handles): wait until they rest.
    settleTimer = setTimeout(() => selectionSettled(), 250);
  });

  // Double-click: exactly the word under the pointer (with its diacritics, without the space; COVID-19 whole).
  root.addEventListener("dblclick", (event) => {
    const cp = index.offsetAtPoint(event.clientX, event.clientY);
    const word = cp == null ? null : index.tokenAt(cp);
    if (!word) return;
    if (!card.dirty) card.close();
    const selection = document.getSelection();
    selection.removeAllRanges();
    selection.addRange(index.rangeFor(word.start, word.end));
    selectionSettled({ force: true });
  });

  // A click on a highlight opens its card (the innermost mark; the card lists the others).
  root.addEventListener("click", (event) => {
    if (index.selectionOffsets()) return; // the end of a drag, not a click
    const cp = index.offsetAtPoint(event.clientX, event.clientY);
    const hits = cp == null ? [] : store.at(cp);
    if (toolbar.picking === "speaker") {
      toolbar.pickSpeaker(hits);
      return;
    }
    if (hits.length) openCard(hits[0], hits, root);
    else if (card.isOpen && !card.dirty) card.close();
  });

  highlighter.chips.addEventListener("click", (event) => {
    const chip = event.target.closest("[data-annotation]");
    const quote = chip && store.get(chip.dataset.annotation);
    if (quote) openCard(quote, store.at(quote.start).filter((a) => a.start < quote.end));
  });

  // Pointer over a mark: a hand cursor and, as a tooltip, what is there and by whom.
  let hoverFrame = 0;
  root.addEventListener("mousemove", (event) => {
    cancelAnimationFrame(hoverFrame);
    hoverFrame = requestAnimationFrame(() => {
      const cp = index.offsetAtPoint(event.clientX, event.clientY);
      const hits = cp == null ? [] : store.at(cp);
      root.classList.toggle("annotator-over-mark", hits.length > 0);
      const tip = hits
        .map((a) => {
          const what = a.kind === "entity" ? labelName(labels.find((l) => l.id === a.label)) : `${gettext("quote")}: ${store.speakerText(a) || "?"}`;
          return a.creator ? `${what} · ${a.creator.username}` : what;
        })
        .join("\n");
      if (tip) root.title = tip;
      else root.removeAttribute("title");
    });
  });

  /* --- keyboard ------------------------------------------------------------------------------ */

  const help = h(
    "dialog",
    { class: "annotator-help", "aria-labelledby": "annotator-help-title" },
    h("h2", { id: "annotator-help-title" }, gettext("Marking with the keyboard")),
    h("p", {}, gettext("Press Tab until the article is focused (or use the button below); one word is then selected.")),
    h("ul", { id: "annotator-keyboard-help" }, KeyboardSelection.helpText().map((line) => h("li", {}, line))),
    h(
      "div",
      { class: "annotator-actions" },
      h(
        "button",
        {
          type: "button",
          class: "button button--primary",
          onclick: () => {
            help.close();
            root.focus();
            keyboard._select(keyboard._firstVisibleWord(), keyboard._firstVisibleWord());
          },
        },
        gettext("Start marking"),
      ),
      h("button", { type: "button", class: "button", onclick: () => help.close() }, gettext("Close")),
    ),
  );
  document.body.append(help);

  const keyboard = new KeyboardSelection({
    index,
    root,
    helpId: "annotator-keyboard-help",
    onSelect: (span) => {
      const cleaned = index.clean(span.start, span.end) || span;
      toolbar.show(cleaned, { returnFocus: root });
    },
    onEnter: (span) => {
      const cleaned = index.clean(span.start, span.end, { words: Boolean(loadPrefs().snap) }) || span;
      toolbar.show(cleaned, { focus: true, returnFocus: root });
    },
  });

  /* --- the panel --------------------------------------------------------------------------- */

  const panelElement = document.getElementById("annotator-panel");
  const panel = panelElement
    ? new Panel({
        element: panelElement,
        toggle: document.getElementById("annotator-panel-toggle"),
        store,
        labels,
        user,
        onActivate: (annotation) => activate(annotation),
        onKeyboardHelp: () => help.showModal(),
        api,
        reload: () => reload(),
      })
    : null;

  /* --- drawing ----------------------------------------------------------------------------- */

  function afterDraw() {
    const focused = card.annotation;
    highlighter.setFocus(focused && store.isAnchored(focused) ? focused : null);
    toolbar.reposition();
  }
  window.addEventListener("resize", () => {
    toolbar.reposition();
    card.reposition();
  });

  /* --- loading and live updates --------------------------------------------------------------- */

  async function reload({ quiet = false } = {}) {
    const list = quiet ? await api.listIfChanged() : await api.list();
    if (list) store.replaceAll(list);
  }

  let revisedNotice = null;
  function articleRevised() {
    // The marks moved to a new text; this page still shows the old one.
    if (revisedNotice) return;
    revisedNotice = h(
      "div",
      { class: "annotator-banner", role: "status" },
      h("span", {}, gettext("The article's text was edited. Reload to read the new text with its marks.")),
      " ",
      h("button", { type: "button", class: "button button--primary", onclick: () => location.reload() }, gettext("Reload")),
    );
    document.body.append(revisedNotice);
  }

  /*
   * Live changes are applied in order, one batch at a time: the messages that arrive while the
   * previous batch is being fetched (a replay after a reconnect, a burst of edits) are merged, and
   * every annotation they name is fetched again with one request (?ids=). More than MAX_IDS
   * changed annotations: the whole list is reloaded instead.
   */
  let queue = Promise.resolve();
  let batch = null;
  function applyChange(message) {
    if (message.action === "carried_over") articleRevised();
    if (!batch) {
      const open = (batch = { fetch: new Set(), removed: new Set(), replies: new Set(), proposals: new Set() });
      queue = queue.then(() => {
        if (batch === open) batch = null; // later messages start the next batch
        return applyBatch(open);
      });
    }
    const ids = (message.annotations || []).map(Number);
    if (message.action === "deleted") {
      for (const id of ids) {
        batch.fetch.delete(id);
        batch.replies.delete(id);
        batch.proposals.delete(id);
        batch.removed.add(id);
      }
    } else if (String(message.action).startsWith("proposal_")) {
      // A change proposed to the mark, or a proposal decided: the mark itself is as it was
      // (an accepted one comes with its own "updated"); an open card fetches its proposals again.
      for (const id of ids) batch.proposals.add(id);
    } else {
      // Every other action (created, updated, hidden, restored, carried_over, reply_*): fetch it as it is now.
      for (const id of ids) batch.fetch.add(id);
      if (String(message.action).startsWith("reply_")) for (const id of ids) batch.replies.add(id);
    }
    return queue;
  }

  async function applyBatch({ fetch, removed, replies, proposals }) {
    store.removeMany([...removed]);
    const ids = [...fetch];
    try {
      if (ids.length > MAX_IDS) await reload();
      else if (ids.length) {
        const found = await api.getMany(ids);
        store.upsertMany(found);
        const seen = new Set(found.map((a) => a.id));
        store.removeMany(ids.filter((id) => !seen.has(id))); // deleted meanwhile, or no longer visible to this reader
      }
    } catch (error) {
      // The next change or reconnect catches up; meanwhile say nothing (the page still works).
      console.error("annotator: could not apply a live update", error);
    }
    for (const id of replies) card.repliesChanged(id);
    for (const id of proposals) card.proposalsChanged(id);
  }

  const live = new Live({
    url: config.live.url,
    stream: config.live.stream,
    last: config.live.last,
    onChange: applyChange,
    onReset: (options) => (queue = queue.then(() => reload(options))),
    onStatus: (state) => panel?.setLiveStatus(state),
  });

  return { toolbar, card, panel, live, keyboard, undo, afterDraw };
}

// Loaded async at the end of <body>: the article is already parsed.
start();
