"""The quote finder: who said what, in Arabic news text.

Three kinds of quote are found, each with its cue (the reporting word) and its
speaker (annotation rules: docs/quote-guidelines.md):

* **direct** — words in quotation marks introduced by a reporting verb:
  ``وقال بايدن للصحافيين "لن نكون ..."``, ``وأضاف أن "الشراكة ... مضى".``,
  ``مضيفا "نرغب ..."``, followed by an attribution (``"..."، بحسب المسؤول``),
  or a headline ``الصدر: لن نشارك في الحكومة المقبلة`` (a line of its own,
  no marks needed). The span is the quoted words, without the marks.
* **indirect** — reported speech after a complementizer: ``قال إن ...``,
  ``أكد أن ...``, ``اعترف بأنه ...``, ``لفت إلى أن ...``, up to the end of the
  reported clause (the end of the sentence, or a comma followed by the
  writer's own words: ``، من دون ...``, ``، في حين ...``, ``، آملا أن``, a new
  cue; a relative ``، وهي ...`` continues it). Also ``بحسب X، فإن ...`` and a
  clause closed by ``، بحسب X`` / ``وفق X``. Quoted words inside the clause
  (``أوضح أنّ "دور" العسكريين ... على "تدريب" القوات``) belong to it.
* **partial** — quoted words that are the cue's object, not a clause:
  ``حذرت من "موجة غلاء جديدة"``.

Cues (:mod:`arabic.quote_cues`): the verbs قال أضاف أكد أوضح لفت أعرب اعترف
أشار صرّح ذكر تابع أعلن شدد أفاد كشف اعتبر حذر ... in the past and present,
masculine/feminine/plural, with ``و``/``ف`` attached; the verbal noun after
``نقلت ... عن X قوله``; adverbial participles (``مضيفا``, ``مشيرا``, ``قائلا``
...); the sources ``بحسب``, ``حسب``, ``وفق``, ``وفقا لـ``, ``طبقا لـ``,
``نقلا عن``; and *weak* cues that are also nouns or prepositions (وصف ...
بأنه، توعد، رحب، ندد، طالب، تعهد، زعم، عبّر عن، رفض، اقترح، أقرّ، أبلغ، بيّن،
أصر، سُئل، بالقول ...), which count only with a clause right behind them. A
negated cue, ``يذكر أن`` and cues inside quotation marks are ignored.

Speakers (:mod:`arabic.quote_speakers`) are persons, organisations or named
sources — never a preposition phrase or particle (``للصحافيين``، ``لكنه``):

1. the subject named right after the verb; in a titled subject the name
   (``وقال رئيس الاتحاد برند جوتشولك`` → ``برند جوتشولك``, also between
   commas: ``وزير الخارجية الفرنسي، جان إيف لودريان،``); with ``entities``
   a person inside the subject, else an organisation at its head; a quoted
   source name (``صحيفة "واشنطن بوست"``);
2. a subject before the verb: ``الرئيس الأميركي يؤكد ... أن``, ``وكانت الصحيفة
   قد ذكرت``, ``لكن دبلوماسيين قالوا``, ``رايس التي قالت``, a headline
   ``الوزير: "..."``, or a short quoted name (``وأكدت «هيومن رايتس ووتش» ... أن``);
3. after ``من جانبه`` / ``من جهته`` / ``بدوره``: the last person named before;
4. a pronoun-dropped verb (``وأضاف``) or a participle (``مضيفا``): the subject
   of its sentence (of its first clause or of an earlier reporting verb), or a
   person named earlier in the sentence, else the previous *confident*
   speaker — a guess is never carried forward, nor a speaker of the other
   gender (``وقالت المتحدثة ... وذكر أن``: nobody named);
5. a relative clause in the subject reports for its antecedent (``قال الرئيس
   الذي وصف إسرائيل بأنها ...، أن ...``: the president, twice), and ``الصحيفة``
   is the newspaper named last before it (:mod:`arabic.quote_refs`).

Finally a speaker named only by a title (``الوزير الفرنسي``) takes the name the
article gives that title anywhere (``وزير الخارجية الفرنسي جان إيف لودريان``),
so its span is the name's, which the app links to the name's entity.

Not speech: quotes with no cue in their sentence — headline scare quotes
(``"المهمّة القتالية"``), quoted titles, slogans and names (``عبارة "المهمة
أُنجزت"``, ``في ندوة لمعهد "تشاتام هاوس"``).

Everything here is heuristic and says how sure it is (``confidence``); the
annotators' decisions, not this module, are the truth.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from arabic.quote_clauses import MAX_OCCASION_GAP, ClauseMixin
from arabic.quote_cues import (
    DIRECT,
    INDIRECT,
    PARTIAL,
    _PUNCT_CLAUSE,
    _PUNCT_SENTENCE,
    COMPLEMENTIZERS,
    CUE_FORMS,
    MAX_GAP,
    MIN_DIRECT_WORDS,
    IMPERSONAL,
    NEGATIONS,
    STRICT_CUES,
    PREPOSITIONS,
    RELATIVES,
    _cue_kind,
    _fold_token,
    fold_text,
)
from arabic.quote_refs import ReferenceMixin, cue_gender
from arabic.quote_speakers import SpeakerMixin, _Speaker
from arabic.quotemarks import QUOTE_MARKS, QuotedRegion, quoted_regions
from arabic.sentences import Sentence, split_sentences
from arabic.tokens import Token, token_spans

SUGGESTER = "quotes"
_WHICH = frozenset({"مما", "ومما"})
# resolutions whose speaker may be carried on to the next pronoun-dropped cue
CONFIDENT = frozenset({"subject", "entity", "preverbal", "back-reference", "sentence", "continued"})
__all__ = ["DIRECT", "INDIRECT", "PARTIAL", "SUGGESTER", "Quote", "find_quotes"]


@dataclass(frozen=True, slots=True)
class Quote:
    """A quote found in a text; every offset is a code point into that text.

    ``speaker_start``/``speaker_end`` locate the mention that names the speaker:
    for a continued speaker (``وأضاف``) it is the earlier mention.
    ``speaker_resolution`` says how the speaker was found: ``subject`` (named
    after the verb), ``entity`` (a known entity span after the verb),
    ``preverbal``, ``back-reference`` (من جانبه), ``sentence`` (named earlier
    in the sentence), ``continued`` (the previous quote's speaker), ``title`` (a title resolved to the name the
    article gives it), ``outlet`` (``الصحيفة`` resolved to the newspaper named before) or ``none``.
    """

    start: int
    end: int
    text: str
    kind: str
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    speaker_resolution: str
    confidence: float
    suggester: str = SUGGESTER


# --- the finder ---------------------------------------------------------------


class _Article:
    """Tokens, sentences, quotation marks and entity hints of one text, indexed."""

    def __init__(self, text: str, entities, tokens=None, sentences=None, regions=None):
        self.text = text
        # parallel columns rather than Token objects: cheaper to index
        if tokens is None:
            spans = token_spans(text)
            self.starts = [a for a, _ in spans]
            self.ends = [b for _, b in spans]
            self.texts = [text[a:b] for a, b in spans]
        elif tokens:
            texts, starts, ends = zip(*tokens)
            self.texts, self.starts, self.ends = list(texts), list(starts), list(ends)
        else:
            self.texts, self.starts, self.ends = [], [], []
        self.f = list(map(_fold_token, self.texts))
        self.n = n = len(self.texts)
        # punctuation tokens: single characters that are not letters or digits
        self.punct = [len(t) == 1 and (not t.isalnum() or t == "ـ") for t in self.texts]  # a lone tatweel is a dash
        # quotation marks: region of every mark and of every quoted token
        all_regions = quoted_regions(text) if regions is None else regions
        self.regions = [r for r in all_regions if r.depth == 0]
        # sentence id of every token: how many sentences end at or before its start
        # (at most the last one); sentences are in order, so one bisection each
        self.sentences = split_sentences(text, all_regions) if sentences is None else sentences
        last_sid = len(self.sentences) - 1
        sent_of: list[int] = []
        done = 0
        for sid, s in enumerate(self.sentences):
            if sid == last_sid:
                break
            upto = bisect.bisect_left(self.starts, s.end, done)
            sent_of += [sid] * (upto - done)
            done = upto
        sent_of += [last_sid] * (n - done)
        self.sent_of = sent_of
        self.sent_first = [bisect.bisect_left(self.sent_of, sid) for sid in range(len(self.sentences))]
        self.sent_last = [bisect.bisect_right(self.sent_of, sid) for sid in range(len(self.sentences))]
        self.region_at_open = {}
        self.inside = [None] * self.n
        for k, r in enumerate(self.regions):
            a = bisect.bisect_left(self.starts, r.open)
            b = bisect.bisect_left(self.starts, r.close)
            self.region_at_open[a] = k
            for j in range(a + 1, b):
                self.inside[j] = k
        # entity hints: (start, end, label) sorted, and which token each starts in
        # (start, end, label) tuples, as suggest() passes them, need no conversion
        self.entities = sorted([e if e.__class__ is tuple and len(e) == 3 else _entity_tuple(e) for e in entities])
        self.entity_at_token = {}
        for e in self.entities:
            j = bisect.bisect_right(self.starts, e[0]) - 1
            if j >= 0 and self.starts[j] <= e[0] < self.ends[j]:
                self.entity_at_token.setdefault(j, e)

    def token(self, i: int) -> Token:
        return Token(self.texts[i], self.starts[i], self.ends[i])

    def is_punct(self, i: int) -> bool:
        return self.punct[i]

    def words_between(self, start: int, end: int) -> int:
        j = bisect.bisect_left(self.starts, start)
        k = bisect.bisect_left(self.starts, end)
        return sum(1 for i in range(j, k) if not self.is_punct(i))


def _entity_tuple(e) -> tuple[int, int, str]:
    if isinstance(e, tuple):
        return (e[0], e[1], e[2] if len(e) > 2 else "PER")
    return (e.start, e.end, getattr(e, "label", "PER"))


def find_quotes(
    text: str,
    *,
    entities: Iterable = (),
    tokens: Sequence[Token] | None = None,
    sentences: Sequence[Sentence] | None = None,
    regions: Sequence[QuotedRegion] | None = None,
) -> list[Quote]:
    """All quotes of ``text``, ordered by start.

    ``entities`` are optional known entity mentions — objects with ``start``,
    ``end`` and ``label`` (e.g. :class:`arabic.matching.Mention`) or tuples
    ``(start, end[, label])``; persons among them make speaker spans exact
    and resolve pronoun-dropped verbs.

    ``tokens`` (:func:`arabic.tokens.tokenize`), ``regions``
    (:func:`arabic.quotemarks.quoted_regions`) and ``sentences``
    (:func:`arabic.sentences.split_sentences` given those regions) of ``text``,
    when the caller has them already; otherwise they are computed here.
    """
    art = _Article(text, entities, tokens, sentences, regions)
    finder = _Finder(art)
    return finder.run()


class _Finder(SpeakerMixin, ReferenceMixin, ClauseMixin):
    def __init__(self, art: _Article):
        self.art = art
        self.quotes: list[Quote] = []
        self.used_regions: set[int] = set()
        self.covered: list[tuple[int, int]] = []  # indirect spans: cues inside are not cues
        self.previous: _Speaker | None = None
        self.previous_at = -1  # where the quote of the previous confident speaker starts
        self.previous_gender: str | None = None  # of the verb that named the previous speaker (قالت: feminine)
        self.sentence_speaker: dict[int, _Speaker] = {}
        self.sentence_gender: dict[int, str | None] = {}
        self.known: dict[tuple[str, ...], str] = {}  # folded tokens of named speakers
        # (offset, head, title words, name) of every "title + name" subject: titles resolve to names
        self.titles: list[tuple[int, str, frozenset[str], _Speaker]] = []
        self._titles_scanned = False
        self._subject_word_set: frozenset[str] | None = None
        self._surname_cache: dict[str, bool] = {}
        self._bigram_counts: dict[tuple[str, str], int] | None = None
        self._positions: dict[str, list[int]] | None = None  # folded words with ال -> their tokens
        self._title_sentences: set[int] = set()  # sentences whose titles were scanned

    def run(self) -> list[Quote]:
        art = self.art
        candidates = [i for i, f in enumerate(art.f) if f in CUE_FORMS]
        if not candidates and not art.regions and ":" not in art.text:
            return []
        resume = 0
        for i in candidates:
            if i < resume:
                continue  # inside what an earlier cue reported
            kind = self._cue_at(i)
            if kind is not None:
                resume = self._handle_cue(i, kind)
        self._leftover_regions()
        if ":" in art.text:
            self._colon_headlines()
            self._inline_headlines()
        self.quotes.sort(key=lambda q: (q.start, q.end))
        self.quotes = [self._resolve_outlet(self._resolve_title(q)) for q in self.quotes]
        return self.quotes

    # -- cues --------------------------------------------------------------

    def _cue_at(self, i: int) -> str | None:
        art = self.art
        if art.inside[i] is not None or self._in_covered(art.starts[i]):
            return None
        found = _cue_kind(art.f[i])
        if found is None:
            # "حسبما قال", "كما أكد" are handled at the verb itself
            return None
        kind, cut = found
        if i > 0 and art.sent_of[i - 1] == art.sent_of[i] and (art.f[i - 1] in NEGATIONS or art.f[i - 1] in _WHICH):
            return None  # "لم يذكر أن"; "مما يؤكد أن" (the writer's inference, nobody speaks)
        if art.f[i][cut:] in IMPERSONAL:
            nxt = self._next_word(i)
            if nxt is not None and art.f[nxt] in COMPLEMENTIZERS:
                return None  # "يذكر أن": the writer's background
        if kind in ("weak", "weak-participle"):
            if not self._clause_follows(i):
                return None
            kind = "verb" if kind == "weak" else "participle"
        if kind == "feminine":
            nxt = self._next_word(i)
            if nxt is None or not (
                art.f[nxt] in COMPLEMENTIZERS or art.f[nxt] in (fold_text("إلى"), "الي", "عن") or nxt in art.region_at_open
            ):
                return None
            kind = "participle"
        if kind == "source" and art.f[i].endswith(("وفقا", "طبقا", "نقلا")):
            nxt = self._next_word(i)
            if nxt is None:
                return None
        return kind

    def _clause_follows(self, i: int) -> bool:
        """Does reported speech follow the weak cue at ``i`` (no comma before it)?"""
        art = self.art
        stem = art.f[i][_cue_kind(art.f[i])[1] :]
        nxt = self._next_word(i)
        if nxt is None:
            return False
        if stem in STRICT_CUES:
            # "بيّن التقرير أن", "عبّر الوزير عن": the word within the next few, before any punctuation
            wanted = STRICT_CUES[stem]
            for k in range(nxt, min(art.sent_last[art.sent_of[i]], nxt + 4)):
                if art.is_punct(k):
                    return False
                if art.f[k] == wanted or (wanted == "" and art.f[k] in COMPLEMENTIZERS):
                    return True
            return False
        last = art.sent_last[art.sent_of[i]]
        for k in range(nxt, min(last, i + MAX_GAP + 2)):
            if art.inside[k] is not None:
                continue
            if k > nxt and _cue_kind(art.f[k]) is not None:
                return False  # "رفضت التعليق ... قائلة إنها": the clause is the participle's
            if art.f[k] in COMPLEMENTIZERS and not self._temporal_an(k):
                return True
            if art.texts[k] == ":" or k in art.region_at_open:
                return True
            if art.is_punct(k):
                return False
        return False

    def _handle_cue(self, i: int, kind: str) -> int:
        art = self.art
        sid = art.sent_of[i]
        cue = art.token(i)
        if kind == "source":
            return self._handle_source(i)
        # the speaker
        if kind == "verb" and i > art.sent_first[sid] and (art.f[i - 1] in RELATIVES or art.f[i - 1] == "قد"):
            # "وكانت رايس قد حذرت الحكومة السودانية من ...": كان, the subject, قد, then the verb and its object
            # "الرئيس الإيراني الذي وصف إسرائيل بأنها ...": the antecedent speaks; the noun after the verb is its object
            speaker, resolution, after = self._preverbal_subject(i), "preverbal", i + 1
            if speaker is None:
                speaker, resolution, after = self._subject_after(i)
        elif kind == "verb":
            speaker, resolution, after = self._subject_after(i)
            if speaker is None:
                speaker, after = self._quoted_subject(i)
                resolution = "subject"
        elif kind == "saying":
            speaker, after = self._source_before_saying(i), i + 1
            resolution = "subject"
        else:
            speaker, resolution, after = None, "none", i + 1
        if speaker is None:
            speaker, resolution = self._implicit_speaker(i, kind)
        if speaker is not None and resolution in ("subject", "entity", "preverbal"):
            self.sentence_speaker[sid] = speaker
            self.sentence_gender[sid] = cue_gender(art.f[i])
            if resolution != "preverbal":
                self._remember(speaker)
        # what was said
        j, gap, max_gap = after, 0, MAX_GAP
        last = art.sent_last[sid]
        while j < last and gap <= max_gap:
            if gap <= 2 and self._occasion_at(j):
                max_gap = MAX_OCCASION_GAP  # "وقال بلير في مؤتمر صحفي عقده في قاعدة اندروز ... "...""
            if j in art.region_at_open:
                if self._title_before(j) or self._quoted_name(max(i, after - 1), j):
                    # a quoted name on the way (لـ"الأنباء", لمعهد "تشاتام هاوس"): step over it
                    j = bisect.bisect_left(art.starts, art.regions[art.region_at_open[j]].close) + 1
                    gap += 1
                    continue
                if j - 1 > i and art.f[j - 1] in PREPOSITIONS:
                    # "حذرت من "موجة غلاء جديدة"": quoted words as an object, not a clause
                    confidence = 0.75 if resolution in ("subject", "entity") else 0.6
                    self._add_region(art.region_at_open[j], PARTIAL, cue, speaker, resolution, confidence)
                    return j + 1
                self._direct_from(j, cue, speaker, resolution, after_complementizer=False)
                return j + 1
            fj = art.f[j]
            if art.inside[j] is None and fj in COMPLEMENTIZERS and not self._temporal_an(j):
                return self._after_complementizer(j, cue, speaker, resolution)
            if art.texts[j] == ":":
                # "قال: "..."" / "قال: إن ..." / "قال: ..." (unquoted speech)
                nxt = j + 1
                if nxt in art.region_at_open:
                    self._direct_from(nxt, cue, speaker, resolution, after_complementizer=False)
                    return nxt + 1
                if nxt < art.n and art.f[nxt] in COMPLEMENTIZERS:
                    return self._after_complementizer(nxt, cue, speaker, resolution)
                kind = DIRECT if self._first_person(nxt) else INDIRECT  # "وقال: أعتقد أنه ..."
                return self._indirect(nxt, cue, speaker, resolution, kind)
            if _cue_kind(fj) is not None and art.f[j - 1] not in NEGATIONS:
                if art.f[j - 1] in RELATIVES and art.inside[j] is None:
                    # "قال الرئيس الذي وصف إسرائيل بأنها "ورم خبيث"، أن ...": a relative clause inside the subject
                    # reports its own words (its antecedent speaks); this cue's clause comes after it
                    inner = self._cue_at(j)
                    if inner is not None and inner != "source":
                        j = max(j + 1, self._handle_cue(j, inner))
                        continue
                return j  # another cue first: this one reports nothing itself ("طالبا عدم ذكر اسمه" is none)
            if art.texts[j] in _PUNCT_SENTENCE:
                break
            if not art.is_punct(j):
                gap += 1
            j += 1
        # nothing after: a verb after the quote ("..."، قال بايدن)
        region = self._region_closing_before(i)
        if region is not None:
            confidence = 0.85 if resolution in ("subject", "entity") else 0.7
            self._add_region(region, DIRECT, cue, speaker, resolution, confidence)
        return i + 1

    def _region_closing_before(self, i: int) -> int | None:
        """An unclaimed quote closing right before token ``i`` (commas and و between allowed)."""
        art = self.art
        first = art.sent_first[art.sent_of[i]]
        k = i - 1
        while k >= first and art.texts[k] in _PUNCT_CLAUSE:
            k -= 1
        if k < 0 or art.texts[k] not in QUOTE_MARKS:
            return None
        for idx, r in enumerate(art.regions):
            if r.close == art.starts[k]:
                return None if idx in self.used_regions else idx
        return None

    def _handle_source(self, i: int) -> int:
        """بحسب X / وفق X / وفقا لـ X: the speaker follows; the speech precedes or follows."""
        art = self.art
        sid = art.sent_of[i]
        cue = art.token(i)
        speaker, resolution, after = self._subject_after(i, source=True)
        if speaker is None:
            return i + 1
        first = art.sent_first[sid]
        # speech after: "وبحسب المسؤول، فإن ..."
        j = after
        while j < art.sent_last[sid] and art.is_punct(j) and art.texts[j] in _PUNCT_CLAUSE:
            j += 1
        if j < art.sent_last[sid] and art.f[j] in COMPLEMENTIZERS:
            return self._after_complementizer(j, cue, speaker, resolution)
        # speech before: a quote right before ("..."، بحسب X) or the clause before
        region = self._region_closing_before(i)
        if region is not None:
            self._add_region(region, DIRECT, cue, speaker, resolution, 0.75)
            return after
        k = i - 1
        while k >= first and art.texts[k] in _PUNCT_CLAUSE:
            k -= 1
        if k > first:
            start_tok = first
            # "X، بحسب Y" where X opens with a cue already handled: skip
            if any(q.start <= art.starts[start_tok] < q.end for q in self.quotes):
                return after
            self._add(
                art.starts[start_tok], art.ends[k], INDIRECT, cue, speaker, resolution, 0.55
            )
        return after

    # -- speech ------------------------------------------------------------

    def _after_complementizer(self, j: int, cue, speaker, resolution) -> int:
        """Reported speech after أن/إن at token ``j``: a full quotation or an indirect clause."""
        art = self.art
        nxt = j + 1
        if nxt in art.region_at_open:
            k = art.region_at_open[nxt]
            region = art.regions[k]
            if self._clause_ends_after(region.close + 1, art.sent_of[j]):
                self._direct_from(nxt, cue, speaker, resolution, after_complementizer=True)
                return nxt + 1
        return self._indirect(nxt, cue, speaker, resolution)

    def _indirect(self, first: int, cue, speaker, resolution, kind: str = INDIRECT) -> int:
        art = self.art
        if first >= art.n:
            return first
        sid = art.sent_of[first]
        end_tok = self._clause_end(first, sid)
        if end_tok <= first:
            return first
        start, end = art.starts[first], art.ends[end_tok - 1]
        confidence = 0.8 if resolution in ("subject", "entity", "preverbal") else 0.65
        self._add(start, end, kind, cue, speaker, resolution, confidence)
        self.covered.append((start, end))
        # quoted words inside the reported clause are part of it ("أوضح أنّ "دور" العسكريين ..."),
        # not quotes of their own
        for k, r in enumerate(art.regions):
            if start <= r.open and r.close < end:
                self.used_regions.add(k)
        return end_tok

    def _direct_from(self, j: int, cue, speaker, resolution, *, after_complementizer: bool) -> None:
        """A direct quote opening at token ``j``, and the quotes that continue it in the sentence."""
        art = self.art
        k = art.region_at_open[j]
        confidence = 0.9 if resolution in ("subject", "entity", "preverbal") else 0.75
        self._add_region(k, DIRECT, cue, speaker, resolution, confidence)
        # more quoted stretches later in the same sentence, before another cue
        sid = art.sent_of[j]
        region_end = art.regions[k].close
        for k2 in range(k + 1, len(art.regions)):
            r = art.regions[k2]
            a = bisect.bisect_left(art.starts, r.open)
            if a >= art.sent_last[sid] or art.sent_of[a] != sid:
                break
            between = range(bisect.bisect_left(art.starts, region_end) + 1, a)
            if any(
                _cue_kind(art.f[b]) is not None or (art.f[b] in COMPLEMENTIZERS and art.texts[b - 1] in _PUNCT_CLAUSE)
                for b in between
                if art.inside[b] is None
            ):
                break  # another cue, or the clause of an outer cue ("وصف ... بأنها "ورم خبيث"، أن إيران ...")
            if self._title_before(a):
                continue
            words = art.words_between(r.start, r.end)
            kind = DIRECT if words >= MIN_DIRECT_WORDS else PARTIAL
            self._add_region(k2, kind, cue, speaker, resolution, confidence - 0.15)
            region_end = r.close

    # -- bookkeeping ---------------------------------------------------------

    def _add_region(self, k: int, kind: str, cue, speaker, resolution, confidence: float) -> None:
        r = self.art.regions[k]
        self.used_regions.add(k)
        self._add(r.start, r.end, kind, cue, speaker, resolution, confidence)

    def _add(self, start, end, kind, cue, speaker, resolution, confidence) -> None:
        text = self.art.text
        self.quotes.append(
            Quote(
                start=start,
                end=end,
                text=text[start:end],
                kind=kind,
                cue=cue.text if cue is not None else None,
                cue_start=cue.start if cue is not None else None,
                cue_end=cue.end if cue is not None else None,
                speaker=speaker.name if speaker is not None else None,
                speaker_start=speaker.start if speaker is not None else None,
                speaker_end=speaker.end if speaker is not None else None,
                speaker_resolution=resolution if speaker is not None else "none",
                confidence=round(max(0.05, min(confidence, 0.99)) if speaker is not None else confidence * 0.6, 3),
            )
        )
        # only a confident speaker is carried on to وأضاف / وتابع / مضيفا: a guess is never repeated
        if speaker is not None and resolution in CONFIDENT:
            if resolution != "continued" or speaker is not self.previous:  # a new subject carried from the sentence before
                self.previous_gender = cue_gender(_fold_token(cue.text)) if cue is not None else None
            self.previous = speaker
            self.previous_at = start
            if resolution in ("subject", "entity"):
                self._remember(speaker)

    def _remember(self, speaker: _Speaker) -> None:
        key = tuple(_fold_token(w) for w in speaker.name.split())
        if key:
            self.known[key] = speaker.name

    def _in_covered(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.covered)

    def _next_word(self, i: int) -> int | None:
        art = self.art
        j = i + 1
        if j < art.n and art.sent_of[j] == art.sent_of[i]:
            return j
        return None

    def _leftover_regions(self) -> None:
        """Quoted stretches no cue claimed: a headline's ``NP: "..."``, else not speech.

        (Quoted words inside reported speech belong to that quote: see :meth:`_indirect`.)
        """
        for k in range(len(self.art.regions)):
            if k in self.used_regions or any(q.start <= self.art.regions[k].open < q.end for q in self.quotes):
                continue
            speaker = self._colon_speaker(k)
            if speaker is not None:
                # a headline's "الوزير: "..."" — speaker, colon, quotation
                self._add_region(k, DIRECT, None, speaker, "subject", 0.6)
