/*
 * Reader settings, applied before the first paint.
 *
 * Loaded as a small classic (blocking) script in <head> so that a reader who
 * chose the dark theme or a larger text never sees the page flash in the
 * defaults first. Settings live in localStorage (per browser); the digit
 * choice is mirrored into a cookie so the server can render dates in it.
 * reader-settings.js (the settings panel) reuses these functions through
 * window.newsreaderSettings.
 */
(function () {
  "use strict";

  var KEY = "newsreader:reader-settings";
  var DIGITS_COOKIE = "reader_digits";
  var THEMES = ["auto", "light", "sepia", "dark"];
  var MEASURES = ["narrow", "medium", "wide"];
  var root = document.documentElement;

  function read() {
    try {
      var value = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      return value && typeof value === "object" && !Array.isArray(value) ? value : {};
    } catch (error) {
      return {};
    }
  }

  function write(settings) {
    try {
      if (Object.keys(settings).length) {
        window.localStorage.setItem(KEY, JSON.stringify(settings));
      } else {
        window.localStorage.removeItem(KEY);
      }
    } catch (error) {
      /* Storage full or disabled (private mode): settings last for this page only. */
    }
  }

  function number(value, min, max) {
    var n = Number(value);
    return isFinite(n) && n >= min && n <= max ? n : null;
  }

  function setCookie(value) {
    var base = DIGITS_COOKIE + "=" + (value || "") + "; path=/; SameSite=Lax";
    document.cookie = value ? base + "; max-age=31536000" : base + "; max-age=0";
  }

  function cookieValue() {
    var match = document.cookie.match(/(?:^|;\s*)reader_digits=([^;]*)/);
    return match ? match[1] : "";
  }

  /* Apply settings to <html>: data attributes and custom properties the CSS reads. */
  function apply(settings) {
    var theme = THEMES.indexOf(settings.theme) >= 0 ? settings.theme : "auto";
    if (theme === "auto") {
      root.removeAttribute("data-theme");
    } else {
      root.setAttribute("data-theme", theme);
    }
    var size = number(settings.fontSize, 12, 40);
    if (size === null) {
      root.style.removeProperty("--reader-font-size");
    } else {
      root.style.setProperty("--reader-font-size", size / 16 + "rem");
    }
    var leading = number(settings.lineHeight, 1, 3);
    if (leading === null) {
      root.style.removeProperty("--reader-line-height");
    } else {
      root.style.setProperty("--reader-line-height", String(leading));
    }
    if (MEASURES.indexOf(settings.measure) >= 0) {
      root.setAttribute("data-measure", settings.measure);
    } else {
      root.removeAttribute("data-measure");
    }
    var digits = settings.digits === "arab" ? "arab" : "latn";
    root.setAttribute("data-digits", digits);
    if (cookieValue() !== (digits === "arab" ? "arab" : "")) {
      setCookie(digits === "arab" ? "arab" : "");
    }
  }

  window.newsreaderSettings = { KEY: KEY, read: read, write: write, apply: apply };
  apply(read());
})();
