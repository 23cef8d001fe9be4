/*
 * Live updates: server-sent events from /live/articles/<id>/events (live/views.py).
 *
 * A message only says which annotations changed; the page fetches them again
 * through the API (which applies visibility), so nothing private can travel
 * through the stream. EventSource reconnects by itself with Last-Event-ID and
 * the server replays what was missed; when the server ends the connection
 * for good (an error status, a restart), this module opens a new one from the
 * last event it saw. Without an ASGI server (runserver) the page polls the
 * list instead (its ETag makes an unchanged list a 304).
 */

const POLL_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;

export class Live {
  constructor({ url, stream, last, onChange, onReset, onStatus }) {
    Object.assign(this, { url, stream, onChange, onReset, onStatus });
    this.last = last ?? null;
    this.source = null;
    this.backoff = 1000;
    this.timer = 0;
  }

  start() {
    if (this.stream && typeof EventSource === "function") this._connect();
    else this._poll();
  }

  stop() {
    this.source?.close();
    this.source = null;
    clearTimeout(this.timer);
  }

  _connect() {
    this.onStatus("connecting");
    const url = this.last != null ? `${this.url}?last_event_id=${encodeURIComponent(this.last)}` : this.url;
    const source = new EventSource(url);
    this.source = source;
    const seen = (event) => {
      if (event.lastEventId) this.last = Number(event.lastEventId);
    };
    source.addEventListener("hello", (event) => {
      seen(event);
      this.backoff = 1000;
      this.onStatus("live");
    });
    source.addEventListener("change", (event) => {
      seen(event);
      try {
        this.onChange(JSON.parse(event.data));
      } catch (error) {
        console.error("annotator: bad live message", error);
      }
    });
    source.addEventListener("reset", (event) => {
      seen(event);
      this.onReset();
    });
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CONNECTING) {
        this.onStatus("reconnecting");
        return; // the browser retries on its own, sending Last-Event-ID
      }
      // Closed for good (an HTTP error, 204): start again from what we saw.
      source.close();
      if (this.source !== source) return;
      this.onStatus(navigator.onLine === false ? "offline" : "reconnecting");
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this._connect(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    });
  }

  _poll() {
    this.onStatus("polling");
    const tick = async () => {
      if (document.visibilityState === "visible") {
        try {
          await this.onReset({ quiet: true });
        } catch {
          /* next time */
        }
      }
      this.timer = setTimeout(tick, POLL_MS);
    };
    this.timer = setTimeout(tick, POLL_MS);
  }
}
