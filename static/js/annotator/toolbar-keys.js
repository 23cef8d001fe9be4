/*
 * The toolbar's keys (methods of Toolbar, toolbar.js): Tab stays in the quote
 * form, Escape cancels picking or closes, arrow keys move between the label
 * buttons; anywhere on the page while the labels are shown, digits 1-9 apply
 * the label with that shortcut and Q starts a quote (by physical key, so an
 * Arabic keyboard layout works too).
 */

import { isTyping } from "./dom.js";

/* The physical digit of a key event (1-9), or null; Arabic-Indic digits count too. */
export function digitOf(event) {
  const code = /^(?:Digit|Numpad)([1-9])$/.exec(event.code || "");
  if (code) return code[1];
  const key = event.key || "";
  if (/^[1-9]$/.test(key)) return key;
  const arabicIndic = "١٢٣٤٥٦٧٨٩".indexOf(key);
  return arabicIndic >= 0 ? String(arabicIndic + 1) : null;
}

export const keys = {
  _keydown(event) {
    if (event.key === "Tab" && this.mode === "quote") {
      // The form keeps the focus until it is saved or closed (it is docked away from the text).
      const focusable = [...this.element.querySelectorAll("button, select, input, textarea, a[href]")].filter(
        (el) => !el.disabled && el.offsetParent !== null && !(el.type === "radio" && !el.checked),
      );
      const first = focusable[0];
      const last = focusable.at(-1);
      if (event.shiftKey && document.activeElement === first) {
        last?.focus();
        event.preventDefault();
      } else if (!event.shiftKey && document.activeElement === last) {
        first?.focus();
        event.preventDefault();
      }
      return;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      if (this.picking) this._pick(null);
      else this.hide({ restoreFocus: true });
      return;
    }
    const bar = event.target.closest?.('[role="toolbar"]');
    if (bar && ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"].includes(event.key)) {
      const buttons = [...bar.querySelectorAll("button")];
      const i = buttons.indexOf(event.target);
      const rtl = getComputedStyle(bar).direction === "rtl";
      const forward = event.key === "ArrowDown" || event.key === (rtl ? "ArrowLeft" : "ArrowRight");
      let next = forward ? i + 1 : i - 1;
      if (event.key === "Home") next = 0;
      if (event.key === "End") next = buttons.length - 1;
      next = (next + buttons.length) % buttons.length;
      buttons.forEach((b, j) => b.setAttribute("tabindex", j === next ? "0" : "-1"));
      buttons[next].focus();
      event.preventDefault();
    }
  },

  /* Digits and Q anywhere on the page while the label view is open (not while typing). */
  _shortcut(event) {
    if (this.mode === "closed" || event.ctrlKey || event.metaKey || event.altKey || isTyping(event)) return;
    if (event.key === "Escape" && this.isOpen) {
      if (this.picking) this._pick(null);
      else this.hide({ restoreFocus: true });
      event.preventDefault();
      return;
    }
    if (this.mode !== "labels" || !this.user) return;
    const digit = digitOf(event);
    if (digit) {
      const label = this.labels.find((l) => l.shortcut === digit);
      if (label) {
        event.preventDefault();
        this._saveEntity(label);
      }
    } else if (event.code === "KeyQ") {
      event.preventDefault();
      this.startQuote();
    }
  },
};
