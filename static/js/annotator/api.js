/*
 * The annotation REST API (/api/..., annotations/api/views.py) as the page uses it.
 *
 * Every request sends the session cookie and the CSRF token; changes send
 * If-Match with the annotation's ETag ("<id>-<version>"), so the server answers
 * 412 instead of overwriting someone else's newer version. Errors become
 * ApiError with the server's {"errors": [{field, message, code, position}]}
 * and, for 412, the annotation as it is now (`current`).
 */

import { gettext, interpolate } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, body, fallback) {
    const errors = (body && Array.isArray(body.errors) && body.errors) || [];
    super(errors.map((e) => e.message).join(" ") || fallback || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
    this.errors = errors;
    this.code = errors[0]?.code || (status === 0 ? "network" : `http_${status}`);
  }

  /* A sentence for the reader, in the interface language where we know the case. */
  get userMessage() {
    switch (this.status) {
      case 0:
        return gettext("The server could not be reached. Nothing was lost: try again.");
      case 401:
      case 403:
        return this.code === "not_authenticated"
          ? gettext("Log in to do this.")
          : gettext("You are not allowed to do this.");
      case 404:
        return gettext("This mark no longer exists.");
      case 409:
        return gettext("You have already marked this text this way.");
      case 412:
        return gettext("Someone else changed this mark in the meantime.");
      case 413:
        return gettext("This is too long.");
      case 429:
        return gettext("Too many changes in a short time. Wait a moment and try again.");
      default:
        if (this.status >= 500) return gettext("The server failed. Nothing was lost: try again.");
        return this.errors.length
          ? interpolate(gettext("The server refused this: %(reason)s"), { reason: this.message })
          : gettext("Something went wrong.");
    }
  }
}

/* How many ids the list's ids filter takes at once (annotations/api/filters.py MAX_IDS). */
export const MAX_IDS = 100;

export function etagOf(annotation) {
  return `"${annotation.id}-${annotation.version}"`;
}

export class Api {
  constructor({ urls, csrfToken }) {
    this.urls = urls;
    this.csrfToken = csrfToken;
    this.listEtag = null;
  }

  annotationUrl(id) {
    return this.urls.annotation.replace("{id}", String(id));
  }

  repliesUrl(id) {
    return this.urls.replies.replace("{id}", String(id));
  }

  async request(method, url, { body, ifMatch, ifNoneMatch, signal, cache = "no-store" } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && this.csrfToken) headers["X-CSRFToken"] = this.csrfToken;
    if (ifMatch) headers["If-Match"] = ifMatch;
    if (ifNoneMatch) headers["If-None-Match"] = ifNoneMatch;
    let response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
        cache,
        signal,
      });
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ApiError(0, null, error.message);
    }
    const type = response.headers.get("Content-Type") || "";
    const data = response.status !== 204 && response.status !== 304 && type.includes("json") ? await response.json() : null;
    if (!response.ok && response.status !== 304) throw new ApiError(response.status, data);
    return { status: response.status, data, etag: response.headers.get("ETag") };
  }

  /* Every annotation of the article the reader may see (all pages). The first call may use the
     response the page preloaded (<link rel="preload">, templates/annotations/_annotator_head.html). */
  async list({ initial = false } = {}) {
    const items = [];
    // format=json: the plain list even for the preload, which sends Accept: */* (the W3C container's default).
    let url = `${this.urls.annotations}?page_size=1000&format=json`;
    let cache = initial ? "default" : "no-store";
    while (url) {
      const { data } = await this.request("GET", url, { cache });
      cache = "no-store";
      items.push(...data.results);
      url = data.next;
    }
    return items;
  }

  /* The list again only if it changed since the last call (polling without live updates); null if not. */
  async listIfChanged() {
    const { status, data, etag } = await this.request("GET", `${this.urls.annotations}?page_size=1000`, {
      ifNoneMatch: this.listEtag || undefined,
    });
    if (status === 304) return null;
    this.listEtag = etag;
    if (data.next) return this.list();
    return data.results;
  }

  /* The annotations with these ids that the reader may see, in one request (the list's ids filter takes at
     most MAX_IDS); ids missing from the answer are gone or no longer visible. */
  async getMany(ids) {
    if (!ids.length) return [];
    if (ids.length > MAX_IDS) throw new RangeError(`at most ${MAX_IDS} ids per request`);
    const query = new URLSearchParams({ ids: ids.join(","), page_size: String(MAX_IDS) });
    return (await this.request("GET", `${this.urls.annotations}?${query}`)).data.results;
  }

  async get(id) {
    return (await this.request("GET", this.annotationUrl(id))).data;
  }

  async create(fields) {
    return (await this.request("POST", this.urls.annotations, { body: fields })).data;
  }

  /* PATCH the fields in `changes`; `version` is the version the reader's change is based on. */
  async update(annotation, changes, version = annotation.version) {
    const path = this.annotationUrl(annotation.id);
    return (await this.request("PATCH", path, { body: changes, ifMatch: etagOf({ id: annotation.id, version }) })).data;
  }

  async remove(annotation, version = annotation.version) {
    await this.request("DELETE", this.annotationUrl(annotation.id), { ifMatch: etagOf({ id: annotation.id, version }) });
  }

  /* Delete undoably (annotations/api/trash.py): {id, undo_seconds}; restore() undoes it. */
  async trash(annotation, version = annotation.version) {
    const url = this.urls.trash.replace("{id}", String(annotation.id));
    return (await this.request("POST", url, { ifMatch: etagOf({ id: annotation.id, version }) })).data;
  }

  /* Put back a mark this reader deleted with trash(), with its replies; returns it as it is again. */
  async restore(id) {
    return (await this.request("POST", this.urls.restore.replace("{id}", String(id)))).data;
  }

  /* --- proposed changes to someone else's mark (annotations/api/proposals.py) --- */

  async proposals(id) {
    return (await this.request("GET", this.urls.proposals.replace("{id}", String(id)))).data;
  }

  async propose(id, changes, comment = "") {
    return (await this.request("POST", this.urls.proposals.replace("{id}", String(id)), { body: { changes, comment } })).data;
  }

  /* Accept ("accept": returns the annotation as it is now) or decline/withdraw ("decline") a proposal. */
  async decideProposal(proposal, action) {
    const url = this.urls[action === "accept" ? "proposalAccept" : "proposalDecline"].replace("{id}", String(proposal.id));
    return (await this.request("POST", url, { body: {} })).data;
  }

  async moderate(annotation, hidden) {
    const url = this.urls.moderation.replace("{id}", String(annotation.id));
    return (await this.request("POST", url, { body: { hidden } })).data;
  }

  /* --- suggestions (suggestions/api.py) --- */

  /* Accept or reject a suggestion ("accept" | "reject"); returns the annotation as it is now. */
  async decide(annotation, action) {
    const url = this.urls[action].replace("{id}", String(annotation.id));
    return (await this.request("POST", url, { body: {}, ifMatch: etagOf(annotation) })).data;
  }

  /* Compute suggestions for the article now: {status: "done"|"queued", created, kept, removed, task}. */
  async suggest() {
    return (await this.request("POST", this.urls.suggest)).data;
  }

  /* Accept every open suggestion of one label (its code): {accepted, ids}. */
  async acceptAll(labelCode) {
    return (await this.request("POST", `${this.urls.acceptAll}?${new URLSearchParams({ label: labelCode })}`)).data;
  }

  async replies(id) {
    return (await this.request("GET", this.repliesUrl(id))).data;
  }

  async reply(id, text, parent = null) {
    return (await this.request("POST", this.repliesUrl(id), { body: { text, parent } })).data;
  }

  async removeReply(reply) {
    await this.request("DELETE", this.urls.reply.replace("{id}", String(reply.id)));
  }
}
