/*
 * Interface strings and formats of the annotator.
 *
 * Strings come from Django's JavaScript catalogue (/jsi18n/, domain
 * "djangojs", locale/ar/LC_MESSAGES/djangojs.po), loaded as a classic script
 * before the modules; the names gettext/ngettext/interpolate are the ones
 * `manage.py makemessages -d djangojs` looks for. Numbers follow the reader's
 * digits setting (<html data-digits="arab|latn">).
 */

/*
 * Resolves once the catalogue script (templates/annotations/_annotator_scripts.html,
 * id="annotator-catalogue") has run, or failed to load. This module is loaded
 * async and may run while /jsi18n/ is still downloading (document.readyState is
 * already "interactive" then), so the interface must wait for this, never for
 * the document alone: otherwise a slow catalogue leaves English strings in the
 * Arabic interface.
 */
export const catalogueReady = new Promise((resolve) => {
  if (typeof window.gettext === "function") {
    resolve();
    return;
  }
  const script = document.getElementById("annotator-catalogue");
  if (!script) {
    resolve();
    return;
  }
  script.addEventListener("load", () => resolve(), { once: true });
  script.addEventListener("error", () => resolve(), { once: true });
});

export function gettext(msgid) {
  return typeof window.gettext === "function" ? window.gettext(msgid) : msgid;
}

export function ngettext(singular, plural, count) {
  if (typeof window.ngettext === "function") return window.ngettext(singular, plural, count);
  return count === 1 ? singular : plural;
}

/* interpolate("%(name)s said", {name: "x"}) — named placeholders only. */
export function interpolate(format, values) {
  return format.replace(/%\((\w+)\)s/g, (_, key) => (key in values ? String(values[key]) : ""));
}

export function language() {
  return (document.documentElement.lang || "ar").slice(0, 2);
}

function digitsLocale() {
  const arabicDigits = document.documentElement.dataset.digits === "arab";
  return `${language()}-u-nu-${arabicDigits ? "arab" : "latn"}`;
}

// Intl formatters are slow to make and a page formats hundreds of numbers: one per locale.
const formatters = new Map();

function formatter(kind, locale, make) {
  const key = `${kind}:${locale}`;
  if (!formatters.has(key)) formatters.set(key, make(locale));
  return formatters.get(key);
}

export function formatNumber(n) {
  return formatter("number", digitsLocale(), (l) => new Intl.NumberFormat(l)).format(n);
}

/* Compare two strings for sorting in the interface language. */
export function compareText(a, b) {
  return formatter("collator", language(), (l) => new Intl.Collator(l)).compare(a, b);
}

/* A label's name in the interface language. */
export function labelName(label) {
  if (!label) return "";
  return language() === "ar" ? label.name_ar || label.name_en : label.name_en || label.name_ar;
}

const UNITS = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

export function relativeTime(iso, now = Date.now()) {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const format = formatter("relative", digitsLocale(), (l) => new Intl.RelativeTimeFormat(l, { numeric: "auto" }));
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(0, "second");
}

export function absoluteTime(iso) {
  const format = formatter("date", digitsLocale(), (l) => new Intl.DateTimeFormat(l, { dateStyle: "medium", timeStyle: "short" }));
  return format.format(new Date(iso));
}
