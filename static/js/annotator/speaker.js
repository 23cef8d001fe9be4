/*
 * Who said it, and with which verb: the quote form's first guesses
 * (toolbar.js). A reporting verb near the quote (قال، أضاف، أكد ...), and its
 * subject — the first word after it in the same sentence that is not a
 * particle, preposition or title ("وقال بايدن للصحافيين" -> بايدن).
 */

import { fold } from "./store.js";

// Reporting verbs (folded, without a leading و/ف) offered as the quote's cue.
const REPORTING_VERBS =
  /^(قال|قالت|اضاف|اضافت|اوضح|اوضحت|اكد|اكدت|اعلن|اعلنت|صرح|صرحت|لفت|لفتت|اشار|اشارت|ذكر|ذكرت|تابع|تابعت|اعتبر|اعتبرت|راي|رات|شدد|شددت|كشف|كشفت|نفي|نفت|اعرب|اعربت|اعترف|اعترفت|حذر|حذرت|يقول|تقول|يضيف|تضيف|مضيفا|مضيفه|قائلا|قائله|متابعا|مشيرا|مشيره|مؤكدا|مؤكده|لافتا|لافته|معتبرا|موضحا|موضحه)$/;
export const QUOTE_MARKS = /["«»“”„'‘’]/;
// Folded words after a reporting verb that are not its subject (a particle, preposition or pronoun).
const NOT_A_SUBJECT =
  /^(ان|انه|انها|انهم|ان|في|على|الى|من|عن|ل|له|لها|لهم|للصحافيين|للصحفيين|بان|بانه|بانها|ايضا|كذلك|خلال|امس|اليوم|الاثنين|الثلاثاء|الاربعاء|الخميس|الجمعه|السبت|الاحد|ذلك|هذا|هذه|قد|لقد|انذاك|بدوره|بدورها|من|ما)$/;
// Titles before a name: skipped when looking for the subject ("قال الرئيس بايدن").
const TITLES = /^(الرئيس|رئيس|الوزير|وزير|الملك|الامير|الشيخ|السيد|السيده|الدكتور|المتحدث|الناطق|النائب|الجنرال|اللواء|العميد|العقيد)$/;

/* A reporting verb near the quote (قال، أضاف، أكد ...) in the same paragraph. */
export function suggestCue(index, span) {
  const block = index.blockAt(span.start);
  if (!block) return null;
  const words = index.words(block);
  const isVerb = (w) => REPORTING_VERBS.test(fold(index.slice(w.start, w.end)).replace(/^[وف](?=..)/, "")) || REPORTING_VERBS.test(fold(index.slice(w.start, w.end)));
  const before = words.filter((w) => w.end <= span.start && span.start - w.end <= 100).reverse();
  const after = words.filter((w) => w.start >= span.end && w.start - span.end <= 30);
  return before.find(isVerb) || after.find(isVerb) || null;
}

/*
 * The subject of a reporting verb: the first word after it in the same sentence that is not a
 * particle or preposition ("وقال بايدن للصحافيين" -> بايدن; "وأوضح أنّ" -> none). A marked or
 * suggested entity there is the speaker; otherwise the word is offered.
 */
export function subjectOf({ index, entities, labels, cue, span }) {
  const block = index.blockAt(cue.start);
  if (!block) return null;
  const words = index.words(block);
  const at = words.findIndex((w) => w.start >= cue.end);
  if (at < 0) return null;
  for (const word of words.slice(at, at + 3)) {
    if (word.start >= span.start && word.start < span.end) return null; // the quote itself
    if (/[.!?؟؛:]/.test(index.slice(cue.end, word.start))) return null; // another sentence
    const text = fold(index.slice(word.start, word.end));
    if (NOT_A_SUBJECT.test(text)) return null;
    if (TITLES.test(text)) continue; // الرئيس بايدن: the title is not the name
    const entity = entities
      .filter((a) => a.start <= word.start && a.end > word.start && !(a.start >= span.start && a.end <= span.end))
      .sort((a, b) => personFirst(labels, a) - personFirst(labels, b))[0];
    return { word, entity: entity || null };
  }
  return null;
}

function personFirst(labels, a) {
  return labels.find((l) => l.id === a.label)?.code === "PER" ? 0 : 1;
}
