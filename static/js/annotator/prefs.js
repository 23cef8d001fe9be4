/*
 * The reader's annotator preferences (kept in localStorage: who sees new marks,
 * whole words) and the visibility choices shared by the toolbar and the card.
 */

import { gettext, interpolate } from "./i18n.js";

const PREFS_KEY = "newsreader:annotator";
export function loadPrefs() {
  try {
    return JSON.parse(localStorage.getItem(PREFS_KEY)) || {};
  } catch {
    return {};
  }
}

export function savePrefs(changes) {
  const prefs = { ...loadPrefs(), ...changes };
  try {
    localStorage.setItem(PREFS_KEY, JSON.stringify(prefs));
  } catch {
    /* private mode: preferences last for this page only */
  }
  return prefs;
}

/* The visibility choices of a reader: everyone, only me, each of their groups. */
export function visibilityOptions(user) {
  const options = [
    { value: "public", label: gettext("Everyone") },
    { value: "private", label: gettext("Only me") },
  ];
  for (const group of user?.groups || []) {
    options.push({ value: `group:${group.id}`, label: interpolate(gettext("Group: %(name)s"), { name: group.name }) });
  }
  return options;
}

export function visibilityFields(value) {
  if (value.startsWith("group:")) return { visibility: "group", group: Number(value.slice(6)) };
  return { visibility: value === "private" ? "private" : "public", group: null };
}

export function visibilityValue(annotation) {
  return annotation.visibility === "group" ? `group:${annotation.group}` : annotation.visibility;
}
