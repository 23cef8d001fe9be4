/*
 * Selecting words with the keyboard alone.
 *
 * The article is focusable (Tab reaches it after the header). While it has
 * focus, one word is selected (the first word on screen to begin with):
 *
 *   ← / →            previous / next word (in reading order for the article's
 *                    direction: in Arabic, ← goes forward)
 *   Shift + ← / →    extend or shrink the selection by a word
 *   ↓ / ↑            first word of the next / previous paragraph
 *   Home / End       first / last word of the paragraph
 *   Enter            open the toolbar (labels, quote, marks here) and move into it
 *   1-9, Q           label / quote at once (the toolbar shows what will be saved)
 *   Esc              close the toolbar
 *
 * The selection is the browser's own (so screen readers and the toolbar see
 * it); the selected words are also announced.
 */

import { announce } from "./dom.js";
import { gettext } from "./i18n.js";

export class KeyboardSelection {
  constructor({ index, root, helpId, onSelect, onEnter }) {
    Object.assign(this, { index, root, onSelect, onEnter });
    this.anchor = null;
    this.focus = null;
    root.tabIndex = 0;
    root.classList.add("annotator-keyboard-target");
    if (helpId) root.setAttribute("aria-describedby", helpId);
    // Only Tab starts word selection: focus coming back after a card or toolbar closes must not select anything.
    this.tabbing = false;
    document.addEventListener("keydown", (event) => (this.tabbing = event.key === "Tab"), true);
    document.addEventListener("pointerdown", () => (this.tabbing = false), true);
    root.addEventListener("focus", () => {
      if (this.tabbing) this._enter();
      this.tabbing = false;
    });
    root.addEventListener("keydown", (event) => this._keydown(event));
    root.addEventListener("mousedown", () => {
      this.anchor = this.focus = null; // a mouse selection takes over
    });
  }

  get words() {
    return this.index.allWords();
  }

  _enter() {
    if (this.index.selectionOffsets()) return; // keep what is selected
    const start = this._firstVisibleWord();
    this._select(start, start);
  }

  _firstVisibleWord() {
    const words = this.words;
    for (let i = 0; i < words.length; i++) {
      const rect = this.index.rangeFor(words[i].start, words[i].end)?.getBoundingClientRect();
      if (rect && rect.bottom > 0 && rect.top >= 0) return i;
    }
    return 0;
  }

  /* Word indexes of the current selection (also after a mouse selection). */
  _current() {
    if (this.anchor !== null) return [this.anchor, this.focus];
    const span = this.index.selectionOffsets();
    if (!span) return null;
    const words = this.words;
    const first = words.findIndex((w) => w.end > span.start);
    const last = words.findLastIndex((w) => w.start < span.end);
    if (first < 0 || last < 0) return null;
    return [first, last];
  }

  _select(anchor, focus) {
    const words = this.words;
    if (!words.length) return;
    anchor = Math.max(0, Math.min(anchor, words.length - 1));
    focus = Math.max(0, Math.min(focus, words.length - 1));
    this.anchor = anchor;
    this.focus = focus;
    const first = words[Math.min(anchor, focus)];
    const last = words[Math.max(anchor, focus)];
    const range = this.index.rangeFor(first.start, last.end);
    const selection = document.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    const rect = range.getBoundingClientRect();
    if (rect.top < 0 || rect.bottom > window.innerHeight) {
      window.scrollBy({ top: rect.top - window.innerHeight / 3 });
    }
    const span = { start: first.start, end: last.end };
    announce(this.index.slice(span.start, span.end));
    this.onSelect(span);
  }

  _keydown(event) {
    if (event.target !== this.root || event.ctrlKey || event.metaKey || event.altKey) return;
    const rtl = getComputedStyle(this.root).direction === "rtl";
    const forward = rtl ? "ArrowLeft" : "ArrowRight";
    const backward = rtl ? "ArrowRight" : "ArrowLeft";
    // Without a selection (the article was clicked) the keys keep their usual job: scrolling.
    const current = this._current();
    if (!current) return;
    const [anchor, focus] = current;
    const words = this.words;
    const blockOf = (i) => words[i].block;
    let handled = true;
    switch (event.key) {
      case forward:
      case backward: {
        const step = event.key === forward ? 1 : -1;
        if (event.shiftKey) this._select(anchor, focus + step);
        else {
          const from = step > 0 ? Math.max(anchor, focus) : Math.min(anchor, focus);
          this._select(from + step, from + step);
        }
        break;
      }
      case "ArrowDown":
      case "ArrowUp": {
        const step = event.key === "ArrowDown" ? 1 : -1;
        let i = focus;
        const block = blockOf(i);
        while (i >= 0 && i < words.length && blockOf(i) === block) i += step;
        if (i < 0 || i >= words.length) break;
        if (step < 0) {
          // to the first word of the previous block
          const previous = blockOf(i);
          while (i > 0 && blockOf(i - 1) === previous) i--;
        }
        this._select(event.shiftKey ? anchor : i, i);
        break;
      }
      case "Home":
      case "End": {
        const block = blockOf(focus);
        let i = focus;
        const step = event.key === "End" ? 1 : -1;
        while (i + step >= 0 && i + step < words.length && blockOf(i + step) === block) i += step;
        this._select(event.shiftKey ? anchor : i, i);
        break;
      }
      case "Enter":
      case " ": {
        const span = this.index.selectionOffsets();
        if (span) this.onEnter(span);
        else handled = false;
        break;
      }
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  }

  static helpText() {
    return [
      gettext("Arrow keys: move word by word."),
      gettext("Shift with an arrow: select more or fewer words."),
      gettext("Down and up arrows: next or previous paragraph."),
      gettext("Enter: open the marking toolbar; a label's digit or Q marks at once."),
      gettext("Escape: close the toolbar."),
    ];
  }
}
