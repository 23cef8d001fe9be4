/*
 * The annotations the reader can see, and the panel's filters.
 *
 * The store is the page's single copy of the annotations: the API fills it,
 * live updates change it, highlights and the panel draw from it. It emits
 * "change" (detail: {ids} or {all: true}) after every change.
 */

import { compareText } from "./i18n.js";

/* The folded form of Arabic text used to group names (like arabic/normalize.py: no diacritics
   or tatweel, one alef, yaa for alef maksura, heh for teh marbuta, Latin lower-cased). */
const DROPPED = /[\u064B-\u0652\u0670\u0640]/g;
const FOLD = { "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه" };

export function fold(text) {
  return text
    .replace(DROPPED, "")
    .replace(/[أإآٱىة]/g, (c) => FOLD[c])
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

export const DEFAULT_FILTERS = Object.freeze({
  scope: "everyone", // or "mine"
  kind: "", // "", "entity", "quote"
  labels: null, // null = all, else Set of label ids
  creator: "", // "" = anyone, else user id as a string
  status: "", // "" = all but rejected, "all", or one status
});

export class Store extends EventTarget {
  constructor({ revision, user }) {
    super();
    this.revision = revision;
    this.user = user;
    this.byId = new Map();
    this.filters = { ...DEFAULT_FILTERS };
  }

  get(id) {
    return this.byId.get(Number(id));
  }

  all() {
    return [...this.byId.values()];
  }

  replaceAll(list) {
    this.byId = new Map(list.map((a) => [a.id, a]));
    this._changed({ all: true });
  }

  upsert(annotation) {
    const current = this.byId.get(annotation.id);
    if (current && current.version > annotation.version) return false; // an older copy arrived late
    this.byId.set(annotation.id, annotation);
    this._changed({ ids: [annotation.id] });
    return true;
  }

  /* Several annotations at once (a live update's batch): one "change" for all of them. */
  upsertMany(list) {
    const ids = [];
    for (const annotation of list) {
      const current = this.byId.get(annotation.id);
      if (current && current.version > annotation.version) continue; // an older copy arrived late
      this.byId.set(annotation.id, annotation);
      ids.push(annotation.id);
    }
    if (ids.length) this._changed({ ids });
    return ids;
  }

  /* Several removals at once: one "change". */
  removeMany(ids) {
    const gone = ids.map(Number).filter((id) => this.byId.delete(id));
    if (gone.length) this._changed({ ids: gone, removed: true });
  }

  remove(id) {
    if (this.byId.delete(Number(id))) this._changed({ ids: [Number(id)], removed: true });
  }

  setFilters(changes) {
    this.filters = { ...this.filters, ...changes };
    this._changed({ all: true, filters: true });
  }

  _changed(detail) {
    this.dispatchEvent(new CustomEvent("change", { detail }));
  }

  /* Drawn in the text: on the current revision and not orphaned. */
  isAnchored(annotation) {
    return !annotation.orphaned && annotation.revision === this.revision;
  }

  isMine(annotation) {
    return Boolean(this.user && annotation.creator && annotation.creator.id === this.user.id);
  }

  passes(annotation) {
    const f = this.filters;
    if (f.scope === "mine" && !this.isMine(annotation)) return false;
    if (f.kind && annotation.kind !== f.kind) return false;
    if (f.labels && annotation.kind === "entity" && !f.labels.has(annotation.label)) return false;
    if (f.creator && String(annotation.creator?.id ?? "") !== f.creator) return false;
    if (f.status === "" && annotation.status === "rejected") return false;
    if (f.status && f.status !== "all" && annotation.status !== f.status) return false;
    return true;
  }

  /* What the highlights show. */
  drawn() {
    return this.all().filter((a) => this.isAnchored(a) && this.passes(a));
  }

  /* Listed as orphaned: their text is gone from the current revision. */
  orphans() {
    return this.all().filter((a) => !this.isAnchored(a) && this.passes(a));
  }

  creators() {
    const seen = new Map();
    for (const a of this.byId.values()) if (a.creator) seen.set(a.creator.id, a.creator.username);
    return [...seen].map(([id, name]) => ({ id, name })).sort((a, b) => compareText(a.name, b.name));
  }

  /* The annotations over the character at `cp`, innermost (shortest) first; entities before quotes on a tie. */
  at(cp, list = this.drawn()) {
    return list
      .filter((a) => a.start <= cp && cp < a.end)
      .sort((a, b) => a.end - a.start - (b.end - b.start) || (a.kind === b.kind ? a.id - b.id : a.kind === "entity" ? -1 : 1));
  }

  /* The annotations overlapping [start, end). */
  overlapping(start, end, list = this.drawn()) {
    return list.filter((a) => a.start < end && start < a.end);
  }

  /* The speaker's words for a quote: the entity's text, or the typed name. */
  speakerText(quote) {
    if (quote.speaker) {
      const entity = this.get(quote.speaker);
      if (entity) return entity.exact;
    }
    return quote.speaker_name || "";
  }
}
