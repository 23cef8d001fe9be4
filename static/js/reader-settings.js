/*
 * The reading settings panel: theme, text size, line spacing, column width and
 * Arabic-Indic digits, kept per browser in localStorage.
 *
 * theme-init.js (in <head>) already applied the stored settings before the
 * first paint; this module wires the panel and applies changes live. The
 * panel's markup (labels in the interface language, defaults as the inputs'
 * value attributes) comes from templates/newsreader/_reader_settings.html.
 */

const store = window.newsreaderSettings;
const root = document.documentElement;

const LATIN_DIGITS = "0123456789";
const ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩";

/* Rewrite the digits of every element marked data-num (dates, counts) in the chosen style. */
export function convertDigits(style, scope = document) {
  const [from, to] = style === "arab" ? [LATIN_DIGITS, ARABIC_INDIC_DIGITS] : [ARABIC_INDIC_DIGITS, LATIN_DIGITS];
  const pattern = new RegExp(`[${from}]`, "g");
  for (const element of scope.querySelectorAll("[data-num]")) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const converted = node.data.replace(pattern, (d) => to[from.indexOf(d)]);
      if (converted !== node.data) node.data = converted;
    }
  }
}

/* Settings from the form, keeping only what differs from the defaults. */
function formSettings(form) {
  const settings = {};
  const theme = form.elements.theme.value;
  if (theme && theme !== "auto") settings.theme = theme;
  const size = form.elements.fontSize;
  if (size.value !== size.defaultValue) settings.fontSize = Number(size.value);
  const leading = form.elements.lineHeight;
  if (leading.value !== leading.defaultValue) settings.lineHeight = Number(leading.value);
  const measure = form.elements.measure.value;
  const defaultMeasure = [...form.elements.measure].find((input) => input.defaultChecked)?.value;
  if (measure && measure !== defaultMeasure) settings.measure = measure;
  if (form.elements.digits.checked) settings.digits = "arab";
  return settings;
}

/* Put stored settings into the form controls. */
function fillForm(form, settings) {
  const pick = (name, value) => {
    for (const input of form.elements[name]) input.checked = input.value === value;
  };
  const defaultOf = (name) => [...form.elements[name]].find((input) => input.defaultChecked)?.value;
  pick("theme", settings.theme || defaultOf("theme"));
  pick("measure", settings.measure || defaultOf("measure"));
  const { fontSize, lineHeight } = form.elements;
  fontSize.value = settings.fontSize ? String(settings.fontSize) : fontSize.defaultValue;
  lineHeight.value = settings.lineHeight ? String(settings.lineHeight) : lineHeight.defaultValue;
  form.elements.digits.checked = settings.digits === "arab";
  showValues(form);
}

function showValues(form) {
  for (const output of form.querySelectorAll("output[for]")) {
    const input = document.getElementById(output.htmlFor.value);
    output.value = input.value;
  }
  convertDigits(root.dataset.digits, form);
}

function setUpPanel() {
  const toggle = document.querySelector("[data-settings-toggle]");
  const panel = document.getElementById("reader-settings");
  const form = panel?.querySelector("[data-reader-settings-form]");
  if (!toggle || !panel || !form || !store) return;

  fillForm(form, store.read());
  toggle.hidden = false;

  const open = () => {
    // Just below the button, wherever the header wrapped to.
    panel.style.insetBlockStart = `${Math.max(8, Math.round(toggle.getBoundingClientRect().bottom + 8))}px`;
    panel.hidden = false;
    toggle.setAttribute("aria-expanded", "true");
    const first = form.querySelector("input:checked, input");
    first?.focus();
  };
  const close = ({ restoreFocus = true } = {}) => {
    if (panel.hidden) return;
    panel.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    if (restoreFocus) toggle.focus();
  };

  toggle.addEventListener("click", () => (panel.hidden ? open() : close()));
  panel.querySelector("[data-settings-close]")?.addEventListener("click", () => close());
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  document.addEventListener("pointerdown", (event) => {
    if (!panel.hidden && !panel.contains(event.target) && !toggle.contains(event.target)) {
      close({ restoreFocus: false });
    }
  });

  const update = () => {
    const settings = formSettings(form);
    store.write(settings);
    store.apply(settings);
    showValues(form);
    convertDigits(root.dataset.digits);
  };
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  // After the browser has restored the defaults.
  form.addEventListener("reset", () => setTimeout(update));
  form.addEventListener("submit", (event) => event.preventDefault());

  // Another tab changed the settings: follow it.
  window.addEventListener("storage", (event) => {
    if (event.key !== store.KEY && event.key !== null) return;
    const settings = store.read();
    store.apply(settings);
    fillForm(form, settings);
    convertDigits(root.dataset.digits);
  });
}

// The page may have been rendered with the other digits (cookie and storage
// disagreed); bring it in line with the stored choice.
convertDigits(root.dataset.digits);
setUpPanel();
