/*
 * Small DOM helpers: every piece of annotator UI is built with h(), which sets
 * text with textContent (user data is never parsed as HTML) and never writes
 * style="" markup (the Content-Security-Policy forbids inline styles in HTML;
 * element.style from script is allowed).
 */

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") element.className = value;
    else if (key === "dataset") Object.assign(element.dataset, value);
    else if (key === "style") Object.assign(element.style, value);
    else if (key.startsWith("on") && typeof value === "function") element.addEventListener(key.slice(2), value);
    else if (key in element && typeof value !== "string") element[key] = value;
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/* Arabic article text shown in the interface (in either interface language). */
export function arabic(text, tag = "bdi") {
  return h(tag, { lang: "ar", dir: "rtl", class: "annotator-ar" }, text);
}

let liveRegion;

/* Tell screen-reader users what just happened (polite live region). */
export function announce(message) {
  if (!liveRegion) {
    liveRegion = h("div", { class: "visually-hidden", role: "status", "aria-live": "polite" });
    document.body.append(liveRegion);
  }
  liveRegion.textContent = "";
  // A new text node in a later frame is announced even when the text repeats.
  requestAnimationFrame(() => {
    liveRegion.textContent = message;
  });
}

/*
 * Short-lived message at the bottom of the screen (also announced). `action` ({label, run}) adds a
 * button (e.g. Undo); the toast then stays while the pointer or focus is in it.
 */
export function toast(message, { error = false, timeout = 4000, action = null } = {}) {
  let host = document.querySelector(".annotator-toasts");
  if (!host) {
    host = h("div", { class: "annotator-toasts" });
    document.body.append(host);
  }
  const item = h(
    "p",
    { class: `annotator-toast${error ? " annotator-toast--error" : ""}${action ? " annotator-toast--action" : ""}`, role: error ? "alert" : "status" },
    message,
  );
  if (action) {
    item.append(
      " ",
      h(
        "button",
        {
          type: "button",
          class: "annotator-toast__action",
          dataset: { action: "undo" },
          onclick: () => {
            item.remove();
            action.run();
          },
        },
        action.label,
      ),
    );
  }
  host.append(item);
  const expire = () => {
    if (item.matches(":hover, :focus-within")) setTimeout(expire, 1000);
    else item.remove();
  };
  setTimeout(expire, timeout);
  return item;
}

/* Is the keyboard event typed into a form field (where shortcuts must not fire)? */
export function isTyping(event) {
  const target = event.target;
  if (!(target instanceof Element)) return false;
  return Boolean(target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']"));
}

/*
 * Place a floating element (position: absolute) next to some client rects,
 * never over them: below or above, whichever fits, else pinned to the top or
 * bottom edge of the viewport that the rects leave free.
 */
export function placeNear(element, rects, { prefer = "below", gap = 8 } = {}) {
  rects = [...rects].filter((r) => r.width > 0 || r.height > 0);
  element.style.position = "absolute";
  element.style.insetInlineStart = "auto";
  element.style.left = "0px";
  element.style.top = "0px";
  element.style.visibility = "hidden";
  element.hidden = false;
  const viewportWidth = document.documentElement.clientWidth;
  const viewportHeight = window.innerHeight;
  const box = element.getBoundingClientRect();
  const width = box.width;
  const height = box.height;
  const parent = element.offsetParent || document.body;
  const parentRect = parent === document.body && getComputedStyle(parent).position === "static"
    ? { left: -window.scrollX, top: -window.scrollY }
    : parent.getBoundingClientRect();
  if (!rects.length) {
    element.style.visibility = "";
    return;
  }
  const union = rects.reduce(
    (u, r) => ({ top: Math.min(u.top, r.top), bottom: Math.max(u.bottom, r.bottom), left: Math.min(u.left, r.left), right: Math.max(u.right, r.right) }),
    { top: Infinity, bottom: -Infinity, left: Infinity, right: -Infinity },
  );
  const rtl = getComputedStyle(element).direction === "rtl";
  // Align with the start of the text, kept inside the viewport.
  let left = rtl ? union.right - width : union.left;
  left = Math.max(gap, Math.min(left, viewportWidth - width - gap));
  const below = union.bottom + gap;
  const above = union.top - gap - height;
  const fitsBelow = below + height <= viewportHeight - gap;
  const fitsAbove = above >= gap;
  let top;
  if (prefer === "below" ? fitsBelow : !fitsAbove && fitsBelow) top = below;
  else if (fitsAbove) top = above;
  else if (fitsBelow) top = below;
  else {
    // The rects fill the screen: use the viewport edge that overlaps them least.
    const overlap = (y) => rects.filter((r) => r.bottom > y && r.top < y + height).length;
    const topEdge = gap;
    const bottomEdge = viewportHeight - height - gap;
    top = overlap(bottomEdge) <= overlap(topEdge) ? bottomEdge : topEdge;
  }
  element.style.left = `${left - parentRect.left}px`;
  element.style.top = `${top - parentRect.top}px`;
  element.style.visibility = "";
}

/* Do two rectangles intersect? */
export function intersects(a, b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}
