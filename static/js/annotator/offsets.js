/*
 * THE one place where browser positions become annotation offsets and back.
 *
 * Offsets of annotations are Unicode code points into the revision's text
 * (newsreader/document.py). The page renders each part of that text as one
 * element with data-start/data-end whose text content is exactly
 * text[start:end]; between two parts the text has "\n\n", which the page does
 * not show. The browser counts UTF-16 code units (a character outside the
 * Basic Multilingual Plane, such as an emoji, is two of them), so every
 * conversion between a DOM point (text node + UTF-16 offset) and a code point
 * offset happens here and nowhere else.
 *
 * Word boundaries come from Intl.Segmenter (Arabic rules, so a word keeps its
 * attached و/ب/ل and its diacritics); grapheme boundaries make sure a span
 * never separates a letter from its diacritics, which the server refuses.
 */

const WORDS = new Intl.Segmenter("ar", { granularity: "word" });
// One character between two words that makes them one name for a double-click (hyphens, slash, underscore).
const JOINERS = /^[-‐‑_/]$/;
const GRAPHEMES = new Intl.Segmenter("ar", { granularity: "grapheme" });
const SPACE = /\s/u;

/* Number of code points in a string (== length unless it has surrogate pairs). */
export function codePointLength(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= text.length) n++;
    else {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      n++;
    }
  }
  return n;
}

/* UTF-16 index of code point `cp` in `text`. */
export function utf16Index(text, cp) {
  let i = 0;
  for (let n = 0; n < cp && i < text.length; n++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return i;
}

/* Code point index of UTF-16 index `u` in `text`. */
export function codePointIndex(text, u) {
  return codePointLength(text.slice(0, u));
}

export class TextIndex {
  /* `root` is the <article>; its [data-start][data-end] elements are the blocks. */
  constructor(root) {
    this.root = root;
    this.blocks = [...root.querySelectorAll("[data-start][data-end]")]
      .map((element) => ({ element, start: Number(element.dataset.start), end: Number(element.dataset.end) }))
      .sort((a, b) => a.start - b.start);
    this.nodeEntries = new WeakMap();
    this.wide = false; // any surrogate pair in the text?
    for (const block of this.blocks) {
      block.nodes = [];
      let cp = block.start;
      const walker = document.createTreeWalker(block.element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const length = codePointLength(node.data);
        const entry = { node, block, start: cp, end: cp + length, wide: length !== node.data.length };
        this.wide ||= entry.wide;
        block.nodes.push(entry);
        this.nodeEntries.set(node, entry);
        cp += length;
      }
      block.text = block.nodes.map((e) => e.node.data).join("");
      if (cp !== block.end) {
        console.warn(`annotator: block ${block.start}-${block.end} holds ${cp - block.start} characters`);
        block.end = cp;
      }
    }
    this.length = this.blocks.length ? this.blocks[this.blocks.length - 1].end : 0;
  }

  /* --- text -------------------------------------------------------------------- */

  /* The revision text between two offsets (the page does not show the "\n\n" between blocks: it is rebuilt). */
  slice(start, end) {
    let out = "";
    let position = start;
    for (const block of this.blocks) {
      if (block.end <= start) continue;
      if (block.start >= end) break;
      if (block.start > position) out += "\n".repeat(block.start - position);
      const from = Math.max(start, block.start) - block.start;
      const to = Math.min(end, block.end) - block.start;
      out += block.text.slice(utf16Index(block.text, from), utf16Index(block.text, to));
      position = Math.min(end, block.end);
    }
    if (position < end) out += "\n".repeat(end - position);
    return out;
  }

  /* Up to `length` characters before and after a span (the W3C TextQuoteSelector's prefix and suffix). */
  context(start, end, length = 32) {
    return {
      prefix: this.slice(Math.max(0, start - length), start),
      suffix: this.slice(end, Math.min(this.length, end + length)),
    };
  }

  blockAt(cp) {
    let low = 0;
    let high = this.blocks.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const block = this.blocks[middle];
      if (cp < block.start) high = middle - 1;
      else if (cp > block.end) low = middle + 1;
      else return block;
    }
    return null;
  }

  /* --- DOM point -> offset ------------------------------------------------------- */

  contains(node) {
    return this.root.contains(node);
  }

  /*
   * The offset of a DOM point (node, offset in UTF-16 units or child index).
   * A point outside every block (the date line between headline and lede)
   * moves to the next block's start when `side` is "start", to the previous
   * block's end when it is "end".
   */
  offsetOf(node, offset, side = "start") {
    const entry = node.nodeType === Node.TEXT_NODE ? this.nodeEntries.get(node) : null;
    if (entry) {
      return entry.start + (entry.wide ? codePointIndex(node.data, offset) : offset);
    }
    const probe = document.createRange();
    let previous = null;
    for (const block of this.blocks) {
      probe.selectNodeContents(block.element);
      const where = probe.comparePoint(node, offset);
      if (where === 0) {
        // Inside the block but between elements: count the text before the point.
        probe.setEnd(node, offset);
        return block.start + codePointLength(probe.toString());
      }
      if (where < 0) {
        if (side === "end" && previous) return previous.end;
        return block.start;
      }
      previous = block;
    }
    return this.length;
  }

  /* Offsets of a Selection or Range inside the article, or null when it is empty or elsewhere. */
  rangeOffsets(range) {
    if (!range || range.collapsed) return null;
    const article = document.createRange();
    article.selectNodeContents(this.root);
    if (range.compareBoundaryPoints(Range.END_TO_START, article) >= 0) return null; // starts after the article
    if (range.compareBoundaryPoints(Range.START_TO_END, article) <= 0) return null; // ends before it
    const inside = range.cloneRange();
    if (inside.compareBoundaryPoints(Range.START_TO_START, article) < 0) inside.setStart(article.startContainer, article.startOffset);
    if (inside.compareBoundaryPoints(Range.END_TO_END, article) > 0) inside.setEnd(article.endContainer, article.endOffset);
    const start = this.offsetOf(inside.startContainer, inside.startOffset, "start");
    const end = this.offsetOf(inside.endContainer, inside.endOffset, "end");
    return end > start ? { start, end } : null;
  }

  selectionOffsets(selection = document.getSelection()) {
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    return this.rangeOffsets(selection.getRangeAt(0));
  }

  /* --- offset -> DOM point ------------------------------------------------------- */

  /* The DOM point at an offset; "forward" prefers the start of the next text node at a node boundary. */
  pointAt(cp, affinity = "forward") {
    let block = this.blockAt(cp);
    if (!block) {
      // Between blocks: the next block's start (forward) or the previous block's end.
      const next = this.blocks.find((b) => b.start > cp);
      const previous = [...this.blocks].reverse().find((b) => b.end < cp);
      block = affinity === "forward" ? next || previous : previous || next;
      if (!block) return null;
      cp = block === next ? block.start : block.end;
    }
    const nodes = block.nodes;
    if (!nodes.length) return { node: block.element, offset: 0 };
    let low = 0;
    let high = nodes.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      const entry = nodes[middle];
      const beyond = affinity === "forward" ? cp >= entry.end : cp > entry.end;
      if (beyond) low = middle + 1;
      else high = middle;
    }
    const entry = nodes[low];
    const within = Math.max(0, Math.min(cp - entry.start, entry.end - entry.start));
    return { node: entry.node, offset: entry.wide ? utf16Index(entry.node.data, within) : within };
  }

  /* One Range over [start, end), crossing blocks if it must (for the selection). */
  rangeFor(start, end) {
    const from = this.pointAt(start, "forward");
    const to = this.pointAt(end, "backward");
    if (!from || !to) return null;
    const range = document.createRange();
    range.setStart(from.node, from.offset);
    range.setEnd(to.node, to.offset);
    return range;
  }

  /* One Range per block piece of [start, end) (for highlights: nothing between blocks is painted). */
  rangesFor(start, end) {
    const ranges = [];
    for (const block of this.blocks) {
      if (block.end <= start) continue;
      if (block.start >= end) break;
      const s = Math.max(start, block.start);
      const e = Math.min(end, block.end);
      if (s < e) {
        const range = this.rangeFor(s, e);
        if (range) ranges.push(range);
      }
    }
    return ranges;
  }

  /* --- words and characters ------------------------------------------------------- */

  /* Word spans of a block (cached), as code point offsets. */
  words(block) {
    if (!block.words) {
      block.words = [];
      for (const segment of WORDS.segment(block.text)) {
        if (!segment.isWordLike) continue;
        const start = block.start + (this.wide ? codePointIndex(block.text, segment.index) : segment.index);
        block.words.push({ start, end: start + codePointLength(segment.segment), block });
      }
    }
    return block.words;
  }

  /* Every word of the article in reading order (for keyboard selection). */
  allWords() {
    if (!this._allWords) this._allWords = this.blocks.flatMap((block) => this.words(block));
    return this._allWords;
  }

  /* The word holding the character at `cp`, or null (a space, a punctuation mark). */
  wordAt(cp) {
    const block = this.blockAt(cp);
    if (!block) return null;
    return this.words(block).find((w) => w.start <= cp && cp < w.end) || null;
  }

  /*
   * The word at `cp` for a double-click: joined words count as one ("COVID-19", "F-16", "2021/07"),
   * since a reader who double-clicks them means the whole name, not a piece of it.
   */
  tokenAt(cp) {
    const word = this.wordAt(cp);
    if (!word) return null;
    const words = this.words(word.block);
    let i = words.indexOf(word);
    let j = i;
    const joined = (a, b) => b.start - a.end === 1 && JOINERS.test(this.slice(a.end, b.start));
    while (i > 0 && joined(words[i - 1], words[i])) i--;
    while (j < words.length - 1 && joined(words[j], words[j + 1])) j++;
    return { start: words[i].start, end: words[j].end, block: word.block };
  }

  /* Grow a span to whole words (a span of spaces and punctuation only stays as it is). */
  snapToWords(start, end) {
    ({ start, end } = this.trim(start, end));
    const first = this.wordAt(start);
    const last = this.wordAt(end - 1);
    return { start: first ? first.start : start, end: last ? Math.max(last.end, end) : end };
  }

  /* Move the ends out to grapheme boundaries, so no letter loses its diacritics. */
  snapToGraphemes(start, end) {
    const block = this.blockAt(start);
    if (block) start = this._graphemeBoundary(block, start, "down");
    const endBlock = this.blockAt(end);
    if (endBlock) end = this._graphemeBoundary(endBlock, end, "up");
    return { start, end };
  }

  _graphemeBoundary(block, cp, direction) {
    if (cp <= block.start || cp >= block.end) return cp;
    const u = utf16Index(block.text, cp - block.start);
    const segment = GRAPHEMES.segment(block.text).containing(u);
    if (!segment || segment.index === u) return cp;
    const startCp = block.start + codePointIndex(block.text, segment.index);
    return direction === "down" ? startCp : startCp + codePointLength(segment.segment);
  }

  /* Without leading and trailing white space (a selection often takes the space after a word). */
  trim(start, end) {
    const text = this.slice(start, end);
    const chars = [...text];
    let head = 0;
    let tail = chars.length;
    while (head < tail && SPACE.test(chars[head])) head++;
    while (tail > head && SPACE.test(chars[tail - 1])) tail--;
    return { start: start + head, end: start + tail };
  }

  /* The span a person meant: trimmed, on grapheme boundaries, and on word boundaries when asked. */
  clean(start, end, { words = false } = {}) {
    let span = this.trim(start, end);
    if (span.end <= span.start) return null;
    if (words) span = this.snapToWords(span.start, span.end);
    span = this.snapToGraphemes(span.start, span.end);
    return span.end > span.start ? span : null;
  }

  /* The offset of the character under a screen point, or null (for clicks on highlights). */
  offsetAtPoint(x, y) {
    let node;
    let offset;
    if (document.caretPositionFromPoint) {
      const position = document.caretPositionFromPoint(x, y);
      if (!position) return null;
      ({ offsetNode: node, offset } = position);
    } else if (document.caretRangeFromPoint) {
      const range = document.caretRangeFromPoint(x, y);
      if (!range) return null;
      ({ startContainer: node, startOffset: offset } = range);
    } else return null;
    if (!node || !this.nodeEntries.get(node)) return null;
    const cp = this.offsetOf(node, offset);
    // The caret sits between two characters: take the one whose box holds the point.
    for (const candidate of [cp, cp - 1]) {
      if (candidate < 0 || candidate >= this.length) continue;
      const range = this.rangeFor(candidate, candidate + 1);
      if (!range) continue;
      for (const rect of range.getClientRects()) {
        if (x >= rect.left - 1 && x <= rect.right + 1 && y >= rect.top - 1 && y <= rect.bottom + 1) return candidate;
      }
    }
    return null;
  }
}
